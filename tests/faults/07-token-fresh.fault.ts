/**
 * Token expiry with a fresh token available: the gateway restarts with a rotated token
 * (`KECS_LIVE_TOKEN`), the client's cached token is refused (4401), it asks its provider for a
 * fresh one once and gets back in.
 */
import { expect, test } from '@playwright/test';
import { nodeRow } from './lib/node-row';

test('token expired (4401), fresh token available: one fresh fetch, back in', async () => {
	let current = 'token-one-0123456789';
	let cached: string | undefined;
	const fetched: boolean[] = [];
	await nodeRow({
		row: {
			id: '07-token-fresh',
			fault:
				'Token expiry (4401): gateway restarted with a rotated token; provider has the new one',
			expected: '4401 → `getToken({fresh: true})` once → authenticated; new epoch announced'
		},
		env: { KECS_LIVE_TOKEN: current },
		config: {
			getToken: ({ fresh }) => {
				fetched.push(fresh);
				if (fresh || cached === undefined) cached = current;
				return cached;
			}
		},
		token: () => current,
		inject: async ({ gw }) => {
			await gw.kill('SIGTERM');
			current = 'token-two-9876543210';
			await gw.start({ KECS_LIVE_TOKEN: current });
		},
		after: ({ w }) => {
			expect(w.closes).toContain(4401);
			expect(fetched.filter((f) => f)).toHaveLength(1);
			return `closes ${w.closes.join(', ')}; token fetched ${fetched.length}× (${fetched.filter((f) => f).length} fresh)`;
		}
	});
});
