/**
 * Builds the gateway (server/main.ts and everything it imports, including the shared protocol
 * module) into build-gateway/main.js, a plain Node ESM file. Runtime dependencies (ws, valibot) stay
 * external: they are the only packages `npm ci --omit=dev` needs beside build/.
 */
import { builtinModules } from 'node:module';
import { defineConfig } from 'vite';
import pkg from './package.json' with { type: 'json' };

const external = [
	...builtinModules,
	...builtinModules.map((m) => `node:${m}`),
	...Object.keys(pkg.dependencies)
];

export default defineConfig({
	build: {
		ssr: 'server/main.ts',
		outDir: 'build-gateway',
		emptyOutDir: true,
		target: 'node20',
		sourcemap: true,
		minify: false,
		rollupOptions: {
			external: (id) => external.includes(id) || external.some((e) => id.startsWith(`${e}/`)),
			output: { entryFileNames: 'main.js', format: 'es' }
		}
	},
	ssr: { target: 'node', noExternal: true, external: Object.keys(pkg.dependencies) }
});
