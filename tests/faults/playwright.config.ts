import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS } from '../../playwright.config';

export default defineConfig({
	testDir: '.',
	testMatch: '**/*.fault.ts',
	// Not the default (beside this file, where git would see it).
	outputDir: '../../test-results/faults/artifacts',
	timeout: 300_000,
	workers: 1,
	use: {
		browserName: 'chromium',
		launchOptions: { executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS }
	}
});
