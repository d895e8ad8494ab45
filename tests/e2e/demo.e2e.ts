/** The walkthrough: every section live, and the fault panel's verdict after a fault. */
import { expect, test } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors, fixRandom } from './page-hooks';

let gateway: RunningGateway;

test.beforeAll(async () => {
	gateway = await startGateway({ SIM_LOG_RATE: '30' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

test('the walkthrough shows the live statechart, echoes messages and survives faults', async ({
	page
}) => {
	const errors = collectErrors(page);
	await fixRandom(page);
	await page.goto(`${gateway.url}/websocket-demo?reconnectInterval=600`);
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-state', 'open');
	const chart = page.getByTestId('statechart');
	await expect(chart.locator('[data-state="link.open.heartbeat.waiting"]')).toHaveAttribute(
		'data-active',
		'true'
	);

	// Real-time messaging: the gateway echoes.
	await page.getByTestId('echo-input').fill('hello <b>kecs</b>');
	await page.getByTestId('echo-send').click();
	await expect(page.getByTestId('echo-exchange').first()).toHaveAttribute('data-status', 'echoed');
	await expect(page.getByTestId('echo-exchange').first()).toContainText('hello <b>kecs</b>');

	// Task updates and metrics are live.
	await expect(page.getByTestId('task-updates')).toBeVisible();
	await expect(page.getByTestId('metrics-panel')).toBeVisible();

	// Drop: the statechart goes through backoff and back; nothing lost.
	await expect(page.getByTestId('continuity')).toHaveAttribute('data-ok', 'true');
	await page.getByTestId('fault-drop').click();
	const result = page.getByTestId('fault-result');
	await expect(result).toContainText('dropped 1 connection(s)');
	await expect(result).toContainText('backoff');
	await expect(result).toContainText('link.open');
	await expect(chart.locator('[data-state="link.open"]')).toHaveAttribute('data-active', 'true');
	await expect(page.getByTestId('continuity-verdict')).toHaveText(/Nothing lost/);

	// Malformed frame: counted, ignored, still connected.
	await page.getByTestId('fault-malformed').click();
	await expect(page.getByTestId('continuity-invalid')).toHaveText('1');
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-state', 'open');

	// Restart: a new epoch; the lost lines are reported as a gap, not hidden.
	await page.getByTestId('fault-restart').click();
	await expect(result).toContainText('epoch');
	await expect(page.getByTestId('continuity-verdict')).toHaveText(/Gap reported|Nothing lost/);
	await expect(page.getByTestId('continuity')).toHaveAttribute('data-ok', 'true');
	await expect(page.getByTestId('continuity-recovery')).toContainText(/resynced|live/);

	// The hostile line shows as text in the live log.
	await page.getByTestId('fault-hostile').click();
	await expect(
		page.getByTestId('log-row').filter({ hasText: '<img src=x onerror=alert(1)>' })
	).toBeVisible();
	expect(await page.locator('.log-viewer img').count()).toBe(0);
	expect(errors, errors.join('\n')).toEqual([]);
});
