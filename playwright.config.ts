import { defineConfig } from '@playwright/test';

/** Debian's Chromium: browsers cannot be downloaded here (see docs/development.md). */
export const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync'
];

export default defineConfig({
	testDir: 'tests/e2e',
	testMatch: '**/*.e2e.ts',
	globalSetup: './tests/e2e/global-setup.ts',
	timeout: 60_000,
	expect: { timeout: 10_000 },
	fullyParallel: false,
	workers: 1,
	retries: 0,
	reporter: process.env.CI ? [['list'], ['json']] : 'list',
	use: {
		browserName: 'chromium',
		launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS },
		trace: 'off',
		screenshot: 'only-on-failure'
	}
});
