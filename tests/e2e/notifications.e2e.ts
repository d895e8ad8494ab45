/** Notifications are shared state: marking one read in one page updates every other page. */
import { expect, test } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors } from './page-hooks';

let gateway: RunningGateway;

test.beforeAll(async () => {
	gateway = await startGateway({ SIM_LOG_RATE: '10' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

test('marking a notification read in one page updates the count in a second page', async ({
	context
}) => {
	const one = await context.newPage();
	const two = await context.newPage();
	const errors = [...[one, two].map(collectErrors)];
	for (const page of [one, two]) {
		await page.goto(gateway.url);
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	}
	const count = async (page: typeof one) =>
		Number((await page.getByTestId('unread-count').textContent()) ?? 'NaN');
	const before = await count(one);

	await gateway.fault(
		`notification?type=error&priority=high&title=${encodeURIComponent('Task crashed: e2e')}&message=exit%20code%201`
	);
	await expect.poll(() => count(one)).toBe(before + 1);
	await expect.poll(() => count(two)).toBe(before + 1);
	// An error that arrives while the page is open gets a toast.
	await expect(one.getByTestId('notification-toast')).toContainText('Task crashed: e2e');

	await one.getByTestId('notification-bell').click();
	const item = one.getByTestId('notification').filter({ hasText: 'Task crashed: e2e' });
	await item.getByTestId('notification-read').click();
	await expect(item).toHaveAttribute('data-read', 'true');
	await expect.poll(() => count(one)).toBe(before);
	await expect.poll(() => count(two)).toBe(before);

	// Dismissing is shared too.
	await item.getByTestId('notification-dismiss').click();
	await two.getByTestId('notification-bell').click();
	await expect(
		two.getByTestId('notification').filter({ hasText: 'Task crashed: e2e' })
	).toHaveCount(0);
	expect(errors.flat(), errors.flat().join('\n')).toEqual([]);
});
