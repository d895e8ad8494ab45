/**
 * A tab hidden for minutes, then visible. Headless Chromium never hides a tab by itself, so the
 * page is told it is hidden (`visibilityState` and the event) and frozen through CDP
 * (`Page.setWebLifecycleState`: no timers, no tasks at all, the extreme of background
 * throttling); then unfrozen and made visible again.
 */
import { test } from '@playwright/test';
import { browserRow } from './lib/browser';
import { QUICK } from './lib/row';

const HIDDEN_MS = QUICK ? 15_000 : 180_000;

test('tab hidden and frozen for minutes, then visible: checks the link, catches up, no silent loss', async ({
	page,
	context
}) => {
	const visibility = (state: 'hidden' | 'visible') =>
		page.evaluate((s) => {
			Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
			Object.defineProperty(document, 'hidden', { configurable: true, get: () => s === 'hidden' });
			document.dispatchEvent(new Event('visibilitychange'));
		}, state);
	await browserRow(page, {
		row: {
			id: '12-browser-hidden',
			fault: `Tab hidden and frozen (CDP \`Page.setWebLifecycleState\`) for ${HIDDEN_MS / 1000} s, then visible`,
			expected:
				'no false heartbeat timeout while frozen; on wake the link is checked; resume or resync with the gap announced'
		},
		reconnects: false,
		recoverTimeoutMs: 60_000,
		inject: async ({ page }) => {
			const cdp = await context.newCDPSession(page);
			await visibility('hidden');
			await cdp.send('Page.setWebLifecycleState', { state: 'frozen' });
			await new Promise((ok) => setTimeout(ok, HIDDEN_MS));
			await cdp.send('Page.setWebLifecycleState', { state: 'active' });
			await visibility('visible');
			await cdp.detach();
		},
		after: ({ log }) => {
			const closes = log.filter((t) => t.to === 'backoff' || t.to === 'heartbeatTimeout');
			return `after waking: ${closes.map((t) => `${t.to} (${t.event})`).join(', ') || 'the same link went on'}`;
		}
	});
});
