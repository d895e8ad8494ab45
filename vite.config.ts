import { sveltekit } from '@sveltejs/kit/vite';
import { svelteTesting } from '@testing-library/svelte/vite';
import type { Server } from 'node:http';
import { runnerImport, type Connect, type Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

/**
 * The gateway hub at /ws inside `vite dev` and `vite preview`. The server code is loaded through
 * Vite's module runner when a server starts, not imported here: loading this config (Vite, and
 * Vitest for every test run) then never bundles the gateway with it.
 */
function gateway(): Plugin {
	const attach = async (httpServer: Server | null, middlewares: Connect.Server) => {
		if (httpServer === null) return; // middleware mode (Vitest): nothing to attach to
		const { module } = await runnerImport<typeof import('./server/vite-plugin')>(
			'./server/vite-plugin.ts',
			{ configFile: false, logLevel: 'warn' }
		);
		await module.attachDevGateway(httpServer, middlewares);
	};
	return {
		name: 'kecs-live-gateway',
		configureServer: (server) => attach(server.httpServer as Server | null, server.middlewares),
		configurePreviewServer: (server) => attach(server.httpServer as Server, server.middlewares)
	};
}

export default defineConfig({
	plugins: [sveltekit(), gateway()],
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
				// Server code runs under plain Node, which has no `module` condition. With it, packages
				// that list `module` first in their exports (the AWS SDK: extensionless ESM in dist-es)
				// do not load in tests although they do in production.
				ssr: { resolve: { conditions: ['node', 'development|production'] } },
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
