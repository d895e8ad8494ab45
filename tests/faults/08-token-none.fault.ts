/**
 * Token expiry without a fresh token: the provider keeps returning the old one. The client must
 * try the fresh fetch once, then stop in `failed` (no retry loop against a server that will keep
 * saying 4401).
 */
import { expect, test } from '@playwright/test';
import { GatewayProcess } from './lib/gateway';
import { Watched } from './lib/node-client';
import { QUICK, sleep, waitFor, writeRow } from './lib/row';

test('token expired (4401), no fresh token: failed after one fresh try, no loop', async () => {
	const gw = await GatewayProcess.start({
		SIM_LOG_RATE: '200',
		KECS_LIVE_TOKEN: 'token-one-0123456789'
	});
	const fetched: boolean[] = [];
	const w = new Watched({
		url: gw.wsUrl,
		getToken: ({ fresh }) => {
			fetched.push(fresh);
			return 'token-one-0123456789';
		}
	});
	try {
		w.client.connect();
		await w.live({ seq: 0, epoch: undefined }, 15_000);
		const attemptsBefore = w.reconnects;
		await gw.kill('SIGTERM');
		await gw.start({ KECS_LIVE_TOKEN: 'token-two-9876543210' });
		const failedMs = await waitFor(() => w.client.state === 'failed', 60_000, 'failed');
		const attemptsAtFailure = w.reconnects - attemptsBefore;
		// Watch for a retry loop.
		await sleep(QUICK ? 5000 : 15_000);
		const attempts = w.reconnects - attemptsBefore;
		writeRow({
			id: '08-token-none',
			fault:
				'Token expiry (4401): gateway restarted with a rotated token; provider has only the old one',
			client: 'node',
			expected: '4401 → one fresh fetch → 4401 → `failed` with the reason; no further attempts',
			recovered: false,
			asExpected: w.client.state === 'failed' && attempts === attemptsAtFailure,
			recoverMs: Math.round(failedMs),
			lost: 0,
			duplicated: 0,
			announced: 'n/a (no data after the fault: the user must sign in again)',
			attempts,
			checked: w.items().filter((i) => i.gap === undefined).length,
			notes: `closes ${w.closes.join(', ')}; failure: "${w.client.error}"; no attempt in the ${QUICK ? 5 : 15} s after`
		});
		expect(w.client.state).toBe('failed');
		expect(w.closes.filter((c) => c === 4401)).toHaveLength(2);
		expect(fetched.filter((f) => f)).toHaveLength(1);
		expect(attempts).toBe(attemptsAtFailure);
	} finally {
		w.dispose();
		await gw.kill();
	}
});
