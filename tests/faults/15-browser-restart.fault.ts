/** The hub restarts (`POST /_faults/restart`: 1012, new epoch, history lost) under the dashboard. */
import { test } from '@playwright/test';
import { browserRow } from './lib/browser';

test('hub restart under the dashboard: reconnect, new epoch announced in the log', async ({
	page
}) => {
	await browserRow(page, {
		row: {
			id: '15-browser-restart',
			fault: 'Hub restart under the dashboard (`POST /_faults/restart`: 1012, new epoch)',
			expected: 'reconnect, `resynced`, a "server restarted" marker before the new epoch\'s lines'
		},
		env: { SIM_LOG_RATE: '200' },
		reconnects: true,
		inject: async ({ gw }) => {
			await gw.fault('restart');
		}
	});
});
