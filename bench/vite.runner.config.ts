/**
 * Bundles the benchmark runner (bench/runner.ts with the cases, the gateway it loads and the
 * CDP client) into bench/out/runner.js, a plain Node ESM file, the way vite.gateway.config.ts
 * bundles the gateway. Runtime dependencies (ws, valibot) stay external.
 */
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import pkg from '../package.json' with { type: 'json' };

const root = fileURLToPath(new URL('..', import.meta.url));
const external = [
	...builtinModules,
	...builtinModules.map((m) => `node:${m}`),
	...Object.keys(pkg.dependencies)
];

export default defineConfig({
	root,
	logLevel: 'warn',
	resolve: { alias: { $lib: fileURLToPath(new URL('../src/lib', import.meta.url)) } },
	build: {
		ssr: 'bench/runner.ts',
		outDir: 'bench/out',
		// The page build lives in bench/out/page.
		emptyOutDir: false,
		target: 'node20',
		sourcemap: true,
		minify: false,
		rollupOptions: {
			external: (id) => external.includes(id) || external.some((e) => id.startsWith(`${e}/`)),
			output: { entryFileNames: 'runner.js', format: 'es' }
		}
	},
	ssr: { target: 'node', noExternal: true, external: Object.keys(pkg.dependencies) }
});
