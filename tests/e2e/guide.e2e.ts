/**
 * Every example of docs/websocket-integration.md, mounted by `/guide/examples/<name>` in the real
 * app against the real gateway, does what its section of the guide says; and the links between
 * the guide (served at `/guide`) and the demo page land on sections that exist.
 */
import { expect, test, type Page, type TestInfo } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors } from './page-hooks';

let gateway: RunningGateway;

test.beforeAll(async () => {
	gateway = await startGateway({ SIM_LOG_RATE: '10' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

/** Open an example's route; returns the element that holds the example. */
async function openExample(page: Page, name: string) {
	await page.goto(`${gateway.url}/guide/examples/${name}`);
	const example = page.getByTestId('guide-example');
	await expect(example).toHaveAttribute('data-example', name);
	return example;
}

async function shoot(page: Page, info: TestInfo, name: string) {
	await page.screenshot({ path: info.outputPath(`${name}.png`), fullPage: true });
}

/** A number out of a text such as "Resume (3 new)". */
function numberIn(text: string | null, pattern: RegExp): number {
	const m = pattern.exec(text ?? '');
	if (!m?.[1]) throw new Error(`no match for ${pattern} in ${JSON.stringify(text)}`);
	return Number(m[1]);
}

test('basic: the status says connected and Send Message gets its echo', async ({ page }, info) => {
	const errors = collectErrors(page);
	const example = await openExample(page, 'basic');
	await expect(example.getByText('Status: Connected (connected)')).toBeVisible();
	await example.getByRole('button', { name: 'Send Message' }).click();
	await expect(example.getByText('Received: {"data":"Hello","n":1}')).toBeVisible();
	await example.getByRole('button', { name: 'Send Message' }).click();
	await expect(example.getByText('Received: {"data":"Hello","n":2}')).toBeVisible();
	await shoot(page, info, 'basic');
	expect(errors, errors.join('\n')).toEqual([]);
});

test('logs: lines arrive; pause freezes and counts, resume shows them, clear empties', async ({
	page
}, info) => {
	const errors = collectErrors(page);
	const example = await openExample(page, 'logs');
	const rows = example.locator('div[style*="overflow"] > div');
	const summary = example.locator('p').first();
	await expect(summary).toHaveText(/^Live · \d+ lines/);
	await expect.poll(() => rows.count()).toBeGreaterThan(5);

	await example.getByRole('button', { name: 'Pause' }).click();
	const resume = example.getByRole('button', { name: /^Resume \(\d+ new\)$/ });
	await expect(resume).toBeVisible();
	const frozen = await rows.count();
	const marker = `guide-e2e paused ${Date.now()}`;
	await gateway.fault(`log?message=${encodeURIComponent(marker)}&level=warn`);
	// New lines are counted while paused (at 10 lines/s and the marker)...
	await expect
		.poll(async () => numberIn(await resume.textContent(), /\((\d+) new\)/))
		.toBeGreaterThan(3);
	// ...but not shown.
	await expect(rows).toHaveCount(frozen);
	await expect(example.getByText(marker)).toHaveCount(0);
	await shoot(page, info, 'logs-paused');

	await resume.click();
	await expect(example.getByText(marker)).toBeVisible();
	await expect(example.getByRole('button', { name: 'Pause' })).toBeVisible();
	const before = await rows.count();
	expect(before).toBeGreaterThan(frozen);

	await example.getByRole('button', { name: 'Clear' }).click();
	await expect(example.getByText(marker)).toHaveCount(0);
	expect(await rows.count()).toBeLessThan(before);
	// And it keeps following.
	await expect.poll(() => rows.count()).toBeGreaterThan(0);
	expect(errors, errors.join('\n')).toEqual([]);
});

test('metrics: the latest CPU and memory of each task appear and change', async ({
	page
}, info) => {
	const errors = collectErrors(page);
	const example = await openExample(page, 'metrics');
	const first = example.locator('div:has(> h3)').first();
	const cpu = first.getByText(/^CPU: \d+\.\d%$/);
	const memory = first.getByText(/^Memory: \d+ MiB$/);
	await expect(cpu).toBeVisible();
	await expect(memory).toBeVisible();
	const task = await first.locator('h3').textContent();
	const seen = `${await cpu.textContent()} ${await memory.textContent()}`;
	await expect
		.poll(async () => `${await cpu.textContent()} ${await memory.textContent()}`, {
			timeout: 15_000
		})
		.not.toBe(seen);
	// Still the same task: the values changed, not the row.
	await expect(first.locator('h3')).toHaveText(task ?? '');
	expect(await example.locator('div:has(> h3)').count()).toBeGreaterThan(1);
	await shoot(page, info, 'metrics');
	expect(errors, errors.join('\n')).toEqual([]);
});

test('notifications: the unread count goes up on a notification and down on Mark as Read', async ({
	page
}, info) => {
	const errors = collectErrors(page);
	const example = await openExample(page, 'notifications');
	const heading = example.getByRole('heading', { level: 2, name: /^Notifications \(\d+\)$/ });
	await expect(heading).toBeVisible();
	const title = `Guide e2e alert ${Date.now()}`;
	// The simulator publishes notifications of its own at any time, so the count is read together
	// with the unread items other than ours, in one snapshot: ours is the difference.
	const counts = () =>
		example.evaluate((root, mine) => {
			const h2 = root.querySelector('h2')?.textContent ?? '';
			const unread = [...root.querySelectorAll('article')].filter((a) =>
				[...a.querySelectorAll('button')].some((b) => b.textContent === 'Mark as Read')
			);
			const others = unread.filter((a) => !a.textContent?.includes(mine)).length;
			return { shown: Number(/\((\d+)\)/.exec(h2)?.[1]), others, ours: unread.length - others };
		}, title);
	const before = (await counts()).shown;

	await gateway.fault(
		`notification?type=warning&priority=high&title=${encodeURIComponent(title)}&message=from%20the%20guide%20test`
	);
	const item = example.locator('article').filter({ hasText: title });
	await expect(item).toBeVisible();
	await expect.poll(async () => (await counts()).shown).toBeGreaterThan(before);
	await expect
		.poll(async () => {
			const c = await counts();
			return { ours: c.ours, counted: c.shown - c.others };
		})
		.toEqual({ ours: 1, counted: 1 });
	await shoot(page, info, 'notifications');

	await item.getByRole('button', { name: 'Mark as Read' }).click();
	await expect(item.getByRole('button', { name: 'Mark as Read' })).toHaveCount(0);
	await expect
		.poll(async () => {
			const c = await counts();
			return { ours: c.ours, counted: c.shown - c.others };
		})
		.toEqual({ ours: 0, counted: 0 });

	await item.getByRole('button', { name: 'Dismiss' }).click();
	await expect(item).toHaveCount(0);
	expect(errors, errors.join('\n')).toEqual([]);
});

test('tasks: the tasks are counted by status and their updates listed', async ({ page }, info) => {
	const errors = collectErrors(page);
	const example = await openExample(page, 'tasks');
	const summary = example.locator('p').first();
	await expect(summary).toHaveText(
		/^[1-9]\d* tasks: [1-9]\d* running, \d+ pending,\s+\d+ stopped$/
	);
	const updates = example.locator('li');
	await expect.poll(() => updates.count()).toBeGreaterThan(0);
	await expect(updates.first()).toHaveText(/(created|status_changed|updated|deleted)/);
	// Live updates: a restarted gateway republishes every task it knows into its new epoch.
	const republished = updates.filter({ hasText: /\bupdated\b/ });
	const before = await republished.count();
	expect(before).toBeLessThan(20);
	await gateway.fault('restart');
	await expect.poll(() => republished.count(), { timeout: 20_000 }).toBeGreaterThan(before);
	await shoot(page, info, 'tasks');
	expect(errors, errors.join('\n')).toEqual([]);
});

test('provider: the examples inside it share its one connection', async ({ page }, info) => {
	const errors = collectErrors(page);
	const sockets: { url: string; sent: string[] }[] = [];
	page.on('websocket', (ws) => {
		const entry = { url: ws.url(), sent: [] as string[] };
		sockets.push(entry);
		ws.on('framesent', (f) => entry.sent.push(String(f.payload)));
	});
	const example = await openExample(page, 'provider');
	await expect(example.getByText('Status: Connected (connected)')).toBeVisible();
	await expect(
		example.getByRole('heading', { level: 2, name: /^Notifications \(\d+\)$/ })
	).toBeVisible();
	await example.getByRole('button', { name: 'Send Message' }).click();
	await expect(example.getByText('Received: {"data":"Hello","n":1}')).toBeVisible();

	// The root layout's connection and the provider's: two sockets however many children.
	expect(sockets.map((s) => new URL(s.url).pathname)).toEqual(['/ws', '/ws']);
	const types = (sent: string[]) =>
		sent.map((f) => JSON.parse(f) as { type: string; payload?: { stream?: string } });
	const carrying = sockets.filter((s) => types(s.sent).some((m) => m.type === 'message'));
	expect(carrying).toHaveLength(1);
	// The same socket carries the notification center's subscription: one shared connection.
	expect(
		types(carrying[0]!.sent).some(
			(m) => m.type === 'subscribe' && m.payload?.stream === 'notifications'
		)
	).toBe(true);
	const other = sockets.find((s) => s !== carrying[0])!;
	expect(types(other.sent).filter((m) => m.type === 'subscribe')).toEqual([]);
	await shoot(page, info, 'provider');
	expect(errors, errors.join('\n')).toEqual([]);
});

test('an unknown example is a 404', async ({ page }) => {
	const response = await page.goto(`${gateway.url}/guide/examples/nope`);
	expect(response?.status()).toBe(404);
});

test('the guide and the demo page link to sections of each other that exist', async ({
	page
}, info) => {
	const errors = collectErrors(page);
	await page.goto(`${gateway.url}/websocket-demo`);
	await expect(page.getByTestId('connection-status').first()).toHaveAttribute('data-state', 'open');
	const toGuide = await page
		.getByTestId('guide-link')
		.evaluateAll((links) => links.map((a) => (a as HTMLAnchorElement).href));
	expect(toGuide.length).toBeGreaterThanOrEqual(8);
	const demoIds = await page.locator('[id]').evaluateAll((els) => els.map((e) => e.id));

	await page.goto(`${gateway.url}/guide`);
	await expect(page.getByTestId('guide')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/WebSocket Integration Guide/);
	for (const href of toGuide) {
		const url = new URL(href);
		expect(url.pathname).toBe('/guide');
		if (url.hash) await expect(page.locator(url.hash), href).toHaveCount(1);
	}
	// The guide's links to the demo page, and to its own sections.
	const fromGuide = await page
		.getByTestId('guide')
		.locator('a[href]')
		.evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
	const toDemo = fromGuide.filter((h) => h.startsWith('/websocket-demo#'));
	expect(toDemo.length).toBeGreaterThanOrEqual(6);
	for (const href of toDemo) expect(demoIds, href).toContain(href.split('#')[1]);
	for (const href of fromGuide.filter((h) => h.startsWith('#'))) {
		await expect(page.locator(`[id="${href.slice(1)}"]`), href).toHaveCount(1);
	}
	// The live statechart stands in for the Mermaid diagram; every example has its live link.
	await expect(page.getByTestId('statechart')).toBeVisible();
	const live = page.getByTestId('guide-example-link');
	await expect(live).toHaveCount(6);
	await live.first().click();
	await expect(page.getByTestId('guide-example')).toBeVisible();
	await page.goto(`${gateway.url}/guide#real-time-metrics`);
	await shoot(page, info, 'guide');
	expect(errors, errors.join('\n')).toEqual([]);
});
