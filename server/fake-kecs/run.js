#!/usr/bin/env node
/**
 * `npm run fake-kecs`: loads the fake KECS (TypeScript, server/fake-kecs/main.ts) through Vite's
 * module runner, as vite.config.ts loads the dev gateway, so it runs from a fresh clone with no
 * build step. See main.ts for the environment it reads and the lines it prints.
 */
import { fileURLToPath } from 'node:url';
import { runnerImport } from 'vite';

const entry = fileURLToPath(new URL('./main.ts', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));
try {
	const { module } = await runnerImport(entry, { root, configFile: false, logLevel: 'silent' });
	await module.main(process.env);
} catch (error) {
	console.error(error instanceof Error && error.code === 'EADDRINUSE' ? error.message : error);
	process.exit(1);
}
