#!/usr/bin/env node
/**
 * Screenshots of the dashboard and the walkthrough in both themes, in Debian's headless Chromium
 * against `npm start`'s server on a free port. Used to look at the design, and to refresh
 * docs/screenshot.png:
 *
 *   node scripts/screenshots.js [outDir=/tmp/kecs-live-shots] [--settle=0] [--wait=6000]
 *                               [--width=1440] [--height=900]
 *
 * `--settle` lets the simulated cluster run first (ms): after a minute a deployment is under way,
 * a notification is unread and the charts have history. `--service=NAME` picks which service's
 * task the task view shows (default: the first running task).
 * Writes `<route>-<theme>.png` for `/` (dashboard, nothing selected), `/?task=…` (a running task
 * selected) and `/websocket-demo`.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
	const a = args.find((x) => x.startsWith(`--${name}=`));
	return a ? a.slice(name.length + 3) : fallback;
};
const outDir = args.find((a) => !a.startsWith('--')) ?? '/tmp/kecs-live-shots';
const wait = Number(opt('wait', '6000'));
const settle = Number(opt('settle', '0'));
const service = opt('service', '');
const width = Number(opt('width', '1440'));
const height = Number(opt('height', '900'));
mkdirSync(outDir, { recursive: true });

const server = spawn(process.execPath, ['scripts/start.js'], {
	env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KECS_LIVE_FAULTS: '1' },
	stdio: ['ignore', 'pipe', 'inherit']
});
const url = await new Promise((resolve, reject) => {
	let out = '';
	server.stdout.on('data', (d) => {
		out += d;
		const m = /listening on (http:\/\/\S+)/.exec(out);
		if (m) resolve(m[1]);
	});
	server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});

await new Promise((resolve) => setTimeout(resolve, settle));

const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: [
		'--no-sandbox',
		'--disable-gpu',
		'--disable-quic',
		'--no-first-run',
		'--disable-background-networking',
		'--disable-component-update',
		'--disable-sync'
	]
});
try {
	for (const theme of ['light', 'dark']) {
		const context = await browser.newContext({
			viewport: { width, height },
			colorScheme: theme,
			deviceScaleFactor: 1
		});
		const page = await context.newPage();
		page.on('console', (m) => {
			if (m.type() === 'error') console.error(`[${theme}] console: ${m.text()}`);
		});
		await page.goto(url);
		await page.waitForTimeout(wait);
		await page.screenshot({ path: join(outDir, `dashboard-${theme}.png`) });

		const arn = await page
			.locator('[data-testid="task-row"][data-status="RUNNING"]')
			.filter({ hasText: service })
			.first()
			.getAttribute('data-task');
		if (arn) {
			await page.goto(`${url}/?task=${encodeURIComponent(arn)}`);
			await page.waitForTimeout(wait);
			await page.screenshot({ path: join(outDir, `task-${theme}.png`) });
		}

		await page.goto(`${url}/websocket-demo`);
		await page.waitForTimeout(wait);
		await page.screenshot({ path: join(outDir, `demo-${theme}.png`), fullPage: true });
		await context.close();
	}
} finally {
	await browser.close();
	server.kill('SIGTERM');
}
console.log(`screenshots in ${outDir}`);
