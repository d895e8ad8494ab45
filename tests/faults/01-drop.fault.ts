/** Abrupt drop mid-burst: every connection terminated without a close frame while 2,000 lines/s flow. */
import { test } from '@playwright/test';
import { nodeRow } from './lib/node-row';

test('abrupt drop mid-burst: resumes with no line lost or repeated', async () => {
	await nodeRow({
		row: {
			id: '01-drop',
			fault: 'Abrupt drop mid-burst (`POST /_faults/drop` at 2,000 lines/s)',
			expected: 'reconnect at once (1006), resume with `since`: `recovered`, replay in order'
		},
		env: { SIM_LOG_RATE: '2000' },
		inject: async ({ gw }) => {
			await gw.fault('drop');
		}
	});
});
