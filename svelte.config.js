import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
export default {
	preprocess: vitePreprocess(),
	compilerOptions: {
		// Runes for our code only: forcing them on node_modules breaks Svelte-4-syntax components there.
		runes: ({ filename }) => (filename.split(/[/\\]/).includes('node_modules') ? undefined : true)
	},
	kit: {
		adapter: adapter(),
		typescript: {
			// Extra files for svelte-check; paths are relative to .svelte-kit/. The root tsconfig has no
			// `include` of its own because that would replace kit's generated list.
			config: (cfg) => {
				cfg.include.push(
					'../server/**/*.ts',
					'../tests/**/*.ts',
					'../scripts/**/*.ts',
					'../bench/**/*.ts',
					'../bench/**/*.svelte',
					'../docs/examples/**/*.svelte',
					'../vite.gateway.config.ts',
					'../playwright.config.ts',
					'../vitest-setup-client.ts'
				);
			}
		}
	}
};
