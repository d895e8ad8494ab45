/** Shared by tests/faults/run.js and scripts/soak.js. */
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Copy build/ and build-gateway/ to a private place the rows run from (FAULTS_GATEWAY_MAIN): a
 * rebuild by someone else in the same checkout must not pull the gateway from under a row. It
 * stays inside node_modules/ so the bundle still resolves its runtime dependencies (ws, valibot).
 * Returns the snapshot's main.js.
 *
 * @param {string} root the project root
 * @param {string} name the snapshot's directory name under node_modules/.cache
 * @returns {string}
 */
export function snapshotBuild(root, name) {
	const dir = join(root, 'node_modules/.cache', name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	cpSync(join(root, 'build'), join(dir, 'build'), { recursive: true });
	cpSync(join(root, 'build-gateway'), join(dir, 'build-gateway'), { recursive: true });
	return join(dir, 'build-gateway/main.js');
}
