/**
 * Machine sleep: the page's clock jumps 5 minutes (Playwright `page.clock.fastForward`, which
 * fires due timers once, as a laptop lid opening does) while the link died during the "sleep"
 * (the gateway stopped answering it: `stall-pongs`, the way a NAT forgets a connection).
 */
import { expect, test } from '@playwright/test';
import { browserRow } from './lib/browser';

test('machine sleep (clock jump of 5 min) over a dead link: detected, reconnected, no silent loss', async ({
	page
}) => {
	await browserRow(page, {
		row: {
			id: '13-browser-sleep',
			fault:
				'Machine sleep: clock jumps 5 min (`page.clock.fastForward`) while the link died (stall)',
			expected:
				'overdue heartbeat fires on wake, pong timeout (10 s) declares the link dead, `recovered`'
		},
		before: async (page) => {
			await page.clock.install();
		},
		reconnects: true,
		inject: async ({ page, gw }) => {
			await gw.fault('stall-pongs');
			await page.clock.fastForward('05:00');
		},
		after: ({ log }) => {
			expect(log.some((t) => t.to === 'heartbeatTimeout')).toBe(true);
			return 'heartbeatTimeout after the jump (default heartbeat 15 s, pong timeout 10 s)';
		}
	});
});
