#!/usr/bin/env node
/**
 * `npm start`: builds the app and the gateway when a build is missing or older than any source,
 * then runs the gateway with the built-in simulator and the fault controls on (the demo page
 * drives them). Set KECS_LIVE_FAULTS=0 to turn the fault controls off.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const outputs = ['build/handler.js', 'build-gateway/main.js'].map((p) => join(root, p));
const inputs = [
	'src',
	'server',
	'static',
	'svelte.config.js',
	'vite.config.ts',
	'vite.gateway.config.ts',
	'package-lock.json'
].map((p) => join(root, p));

/** Newest modification time below `path` (0 when it does not exist); skips tests, they don't ship. */
function newest(path) {
	if (!existsSync(path)) return 0;
	const st = statSync(path);
	if (!st.isDirectory()) return /\.spec\.ts$/.test(path) ? 0 : st.mtimeMs;
	let max = 0;
	for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
	return max;
}

const builtAt = Math.min(...outputs.map((p) => (existsSync(p) ? statSync(p).mtimeMs : 0)));
const sourcesAt = Math.max(...inputs.map(newest));
if (builtAt === 0 || sourcesAt > builtAt) {
	console.error(builtAt === 0 ? 'no build yet: building…' : 'sources changed: rebuilding…');
	const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: ['ignore', 2, 2] });
	if (r.status !== 0) {
		console.error('build failed');
		process.exit(r.status ?? 1);
	}
}

process.env.KECS_LIVE_FAULTS ??= '1';
await import(pathToFileURL(join(root, 'build-gateway/main.js')).href);
