/** Connections refused with 1013 for 20 s (existing ones dropped), then accepted again. */
import { test } from '@playwright/test';
import { nodeRow } from './lib/node-row';
import { QUICK } from './lib/row';

const SECONDS = QUICK ? 8 : 20;

test('refused (1013) for a while: long backoff, back after, nothing lost', async () => {
	await nodeRow({
		row: {
			id: '05-refuse',
			fault: `Refused with 1013 for ${SECONDS} s (\`POST /_faults/refuse?seconds=${SECONDS}\`, then drop)`,
			expected: 'long backoff honouring `retryAfterMs`; `recovered` from history after'
		},
		inject: async ({ gw }) => {
			await gw.fault(`refuse?seconds=${SECONDS}`);
			await gw.fault('drop');
			await new Promise((ok) => setTimeout(ok, SECONDS * 1000));
		},
		after: ({ w }) => `last close before recovery: ${w.client.stats.lastClose?.code ?? '?'}`
	});
});
