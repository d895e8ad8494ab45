/**
 * Bundles the bench page (bench/page/) for Chromium into bench/out/page/. It imports the client
 * from `$lib` exactly as the app does, built for production (minified, Svelte's production
 * condition), so the browser cases measure the code users run.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
	root: fileURLToPath(new URL('./page', import.meta.url)),
	base: './',
	logLevel: 'warn',
	resolve: { alias: { $lib: fileURLToPath(new URL('../src/lib', import.meta.url)) } },
	build: {
		outDir: fileURLToPath(new URL('./out/page', import.meta.url)),
		emptyOutDir: true,
		target: 'es2022',
		sourcemap: true
	}
});
