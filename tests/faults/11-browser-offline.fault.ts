/** The browser goes offline (network emulation fires `offline`), then online again. */
import { expect, test } from '@playwright/test';
import { browserRow } from './lib/browser';
import { QUICK } from './lib/row';

const OFFLINE_MS = QUICK ? 3000 : 15_000;

test('browser offline then online: waits offline, reconnects on online, no silent loss', async ({
	page,
	context
}) => {
	await browserRow(page, {
		row: {
			id: '11-browser-offline',
			fault: `Browser offline for ${OFFLINE_MS / 1000} s, then online (Playwright \`setOffline\`)`,
			expected:
				'`offline` state (no retries while offline), reconnect at once on `online`, `recovered`'
		},
		reconnects: true,
		// The header's health poll fails while offline; that is the browser saying so, not a bug.
		ignoreErrors: /net::ERR_INTERNET_DISCONNECTED/,
		inject: async ({ page }) => {
			await context.setOffline(true);
			await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false);
			await page.waitForTimeout(OFFLINE_MS);
			await context.setOffline(false);
		},
		after: ({ log }) => {
			const offline = log.filter((t) => t.to === 'offline').length;
			expect(offline).toBeGreaterThanOrEqual(1);
			return `${offline} entry into \`offline\``;
		}
	});
});
