/** The gateway process killed (SIGKILL: no close frames) and started again: a new epoch. */
import { expect, test } from '@playwright/test';
import { nodeRow } from './lib/node-row';

test('gateway killed and restarted: the client resyncs and announces the gap', async () => {
	let unknownGaps = 0;
	await nodeRow({
		row: {
			id: '02-kill-restart',
			fault: 'Gateway process killed (SIGKILL) and started again on the same port',
			expected:
				'retry with backoff while down; new epoch: `resynced`, gap of unknown size announced'
		},
		inject: async ({ gw }) => {
			await gw.kill('SIGKILL');
			await new Promise((ok) => setTimeout(ok, 1000));
			await gw.start();
			return { notes: 'down 1 s plus the process start' };
		},
		after: ({ w }) => {
			unknownGaps = w.items().filter((i) => i.gap === null).length;
			return `${w.client.stats.lastClose?.code ?? '?'} seen on the kill; ${unknownGaps} restart marker(s) in the buffer`;
		}
	});
	expect(unknownGaps).toBeGreaterThanOrEqual(1);
});
