#!/usr/bin/env node
/**
 * `npm run bench [-- --quick] [-- --cases=a,b] [-- --repeats=N] [-- --no-write]`: builds the
 * benchmark runner and the bench page with Vite (bench/vite.runner.config.ts,
 * bench/vite.page.config.ts → bench/out/), then runs the runner with the same arguments.
 * The runner prints a table and writes bench/results.json and docs/benchmarks.md
 * (bench/runner.ts).
 */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const args = process.argv.slice(2);

const t0 = performance.now();
await build({ configFile: resolve(root, 'bench/vite.runner.config.ts'), mode: 'production' });
await build({ configFile: resolve(root, 'bench/vite.page.config.ts'), mode: 'production' });
process.stderr.write(`built bench/out in ${((performance.now() - t0) / 1000).toFixed(1)} s\n`);

// A child of its own: the runner's heap and CPU carry nothing of Vite's.
const runner = spawn(
	process.execPath,
	['--enable-source-maps', resolve(root, 'bench/out/runner.js'), ...args],
	{ cwd: root, stdio: 'inherit' }
);
for (const signal of ['SIGINT', 'SIGTERM']) {
	process.on(signal, () => runner.kill(signal));
}
const code = await new Promise((done) => {
	runner.on('exit', (exitCode, signal) => done(exitCode ?? (signal ? 1 : 0)));
});

process.exit(code);
