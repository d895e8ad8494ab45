import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';
import { gatewayDevPlugin } from './server/vite-plugin';

export default defineConfig({
	plugins: [sveltekit(), gatewayDevPlugin()],
	test: {
		projects: [
			{
				extends: true,
				plugins: [svelteTesting()],
				// Vitest drops the `module` condition, which makes @xstate/svelte load a second Svelte
				// through CJS (TOOLCHAIN.md E1); put it back.
				resolve: { conditions: ['module', 'browser', 'development|production'] },
				test: {
					name: 'client',
					environment: 'jsdom',
					include: ['src/**/*.svelte.spec.ts', 'docs/**/*.svelte.spec.ts'],
					setupFiles: ['./vitest-setup-client.ts']
				}
			},
			{
				extends: true,
				ssr: { resolve: { conditions: ['module', 'node', 'development|production'] } },
				test: {
					name: 'node',
					environment: 'node',
					include: ['src/**/*.spec.ts', 'server/**/*.spec.ts'],
					exclude: ['src/**/*.svelte.spec.ts'],
					testTimeout: 20_000
				}
			}
		]
	}
});
