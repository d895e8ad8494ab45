/**
 * Bundles the bench page (bench/page/) for Chromium into bench/out/page/. It imports the client
 * from `$lib` exactly as the app does, built for production (minified, Svelte's production
 * condition), so the browser cases measure the code users run.
 */
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

export default defineConfig({
	root: fileURLToPath(new URL('./page', import.meta.url)),
	base: './',
	logLevel: 'warn',
	// The render case mounts the dashboard's LogViewer: compiled with the app's Svelte settings.
	plugins: [svelte({ configFile: fileURLToPath(new URL('../svelte.config.js', import.meta.url)) })],
	resolve: { alias: { $lib: fileURLToPath(new URL('../src/lib', import.meta.url)) } },
	build: {
		outDir: fileURLToPath(new URL('./out/page', import.meta.url)),
		emptyOutDir: true,
		target: 'es2022',
		sourcemap: true,
		// BENCH_NO_MINIFY=1: readable code, so a BENCH_*_PROFILE profile's per-line ticks
		// (`positionTicks`) say which statement the time went to. Slower; for finding, not measuring.
		...(process.env.BENCH_NO_MINIFY ? { minify: false } : {})
	}
});
