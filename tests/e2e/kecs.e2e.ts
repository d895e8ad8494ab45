/**
 * The dashboard in KECS mode: `npm run fake-kecs` (its CLI, on free ports) stands in for a real
 * KECS, and `npm start`'s server reads it through `KECS_ENDPOINT`. Tasks and their logs show as
 * with the simulator; metrics say plainly that KECS has none.
 */
import { expect, test } from '@playwright/test';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors } from './page-hooks';

interface RunningFake {
	ecsUrl: string;
	adminUrl: string;
	process: ChildProcess;
	stop(): Promise<void>;
}

/** `npm run fake-kecs` on free ports; resolves once it printed both of its lines. */
async function startFakeKecs(): Promise<RunningFake> {
	const child = spawn(process.execPath, ['server/fake-kecs/run.js'], {
		env: { ...process.env, FAKE_KECS_PORT: '0', FAKE_KECS_ADMIN_PORT: '0', SIM_LOG_RATE: '30' },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (out += d.toString()));
	const [ecsUrl, adminUrl] = await new Promise<[string, string]>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`fake KECS did not start:\n${out}`)), 30_000);
		child.stdout.on('data', () => {
			const ecs = /^ecs api on (http:\/\/\S+)$/m.exec(out)?.[1];
			const admin = /^admin on (http:\/\/\S+)$/m.exec(out)?.[1];
			if (ecs && admin) {
				clearTimeout(timer);
				resolve([ecs, admin]);
			}
		});
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`fake KECS exited with ${code}:\n${out}`));
		});
	});
	return {
		ecsUrl,
		adminUrl,
		process: child,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await once(child, 'exit');
		}
	};
}

let fake: RunningFake;
let gateway: RunningGateway;

test.beforeAll(async () => {
	fake = await startFakeKecs();
	gateway = await startGateway({
		KECS_ENDPOINT: fake.ecsUrl,
		KECS_ADMIN_ENDPOINT: fake.adminUrl,
		KECS_POLL_INTERVAL: '500'
	});
});
test.afterAll(async () => {
	await gateway?.stop();
	await fake?.stop();
});

test('the gateway reads KECS: its source is kecs, without metrics', async ({ request }) => {
	const health = (await (await request.get(`${gateway.url}/_health`)).json()) as {
		source: { name: string; providesMetrics: boolean; status: string };
	};
	expect(health.source).toMatchObject({ name: 'kecs', providesMetrics: false });
	await expect
		.poll(
			async () =>
				((await (await request.get(`${gateway.url}/_health`)).json()) as typeof health).source
					.status
		)
		.toBe('healthy');
});

test('shows KECS tasks and their logs; metrics say they are not available', async ({ page }) => {
	const errors = collectErrors(page);
	await page.goto(gateway.url);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	// The source's health stands next to the connection's.
	await expect(page.getByTestId('source-health')).toHaveAttribute('data-status', 'healthy');
	await expect(page.getByTestId('source-health')).toContainText('kecs');
	const rows = page.getByTestId('task-row');
	await expect(rows.first()).toBeVisible();
	expect(await rows.count()).toBeGreaterThan(5);
	await expect(rows.first()).toHaveAttribute('data-status', /[A-Z]+/);
	await expect(page.getByTestId('log-row').first()).toBeVisible();

	// A running task: its own logs, and a metrics panel that says why it has no chart.
	await page.locator('[data-testid="task-row"][data-status="RUNNING"] a.task-link').first().click();
	await expect(page).toHaveURL(/\?task=arn/);
	await expect(page.getByTestId('metrics-panel')).toContainText(/KECS/);
	await expect(page.getByTestId('metrics-panel')).toContainText(
		/(not available|no metrics|does not report)/i
	);
	await expect(page.getByTestId('log-row').first()).toBeVisible();
	expect(errors).toEqual([]);
});
