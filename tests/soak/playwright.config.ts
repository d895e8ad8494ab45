import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

/** The soak (`npm run soak`): one long test, on demand, not in CI. */
export default defineConfig({
	testDir: '.',
	testMatch: '**/*.soak.ts',
	outputDir: '../../test-results/soak/artifacts',
	timeout: 0,
	workers: 1,
	retries: 0,
	reporter: 'list',
	use: {
		browserName: 'chromium',
		launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }
	}
});
