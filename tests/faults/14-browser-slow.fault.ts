/** A slow consumer: the page's main thread blocked for 2 s during a burst of log lines. */
import { expect, test } from '@playwright/test';
import { browserRow } from './lib/browser';
import { QUICK } from './lib/row';

/** Lines per second of the burst (the quick run halves it: Playwright mirrors every frame). */
const RATE = QUICK ? 1000 : 2000;

test('main thread blocked 2 s mid-burst: no false timeout, no reconnect, no silent loss', async ({
	page
}) => {
	await browserRow(page, {
		row: {
			id: '14-browser-slow',
			fault: `Slow consumer: main thread blocked 2 s during a burst of ${RATE.toLocaleString('en-US')} lines/s`,
			expected:
				'no heartbeat timeout, no reconnect; lines buffered by the socket catch up, or `dropped` announced'
		},
		env: { SIM_LOG_RATE: String(RATE) },
		reconnects: false,
		inject: async ({ page }) => {
			await page.evaluate(() => {
				const end = performance.now() + 2000;
				while (performance.now() < end) {
					/* busy */
				}
			});
		},
		after: ({ log }) => {
			expect(log.some((t) => t.to === 'heartbeatTimeout')).toBe(false);
			return 'no heartbeat timeout';
		}
	});
});
