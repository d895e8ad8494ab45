import { spawnSync } from 'node:child_process';

/** Build once before the suite (scripts/start.js would rebuild a stale build in every server). */
export default function globalSetup(): void {
	const r = spawnSync('npm', ['run', '--silent', 'build'], { stdio: 'inherit' });
	if (r.status !== 0) throw new Error('build failed');
}
