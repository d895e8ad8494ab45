import { expect, test } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';

let gateway: RunningGateway;

test.beforeAll(async () => {
	gateway = await startGateway({ SIM_LOG_RATE: '50' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

test('the page loads and live data from the hub reaches it', async ({ page }) => {
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));

	await page.goto(gateway.url);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	await expect(page.getByTestId('task-row').first()).toBeVisible();
	const rows = page.getByTestId('log-row');
	await expect(rows.first()).toBeVisible();
	// Live, not a snapshot: newer lines keep arriving.
	const first = Number(await rows.last().getAttribute('data-seq'));
	await expect
		.poll(async () => Number(await rows.last().getAttribute('data-seq')), { timeout: 10_000 })
		.toBeGreaterThan(first);
	expect(errors).toEqual([]);
});
