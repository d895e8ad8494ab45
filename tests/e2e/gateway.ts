/**
 * Starts `npm start`'s server (scripts/start.js) on a free loopback port for an end-to-end test
 * and stops it afterwards. Extra environment (a token, a log rate) is passed through.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface RunningGateway {
	url: string;
	process: ChildProcess;
	/** Everything the server printed, for failure messages. */
	output: () => string;
	stop: () => Promise<void>;
	/** POST a fault control (`drop`, `restart`, `stall-pongs`, `refuse?seconds=2`, `malformed`). */
	fault: (name: string) => Promise<unknown>;
}

export async function startGateway(env: Record<string, string> = {}): Promise<RunningGateway> {
	const child = spawn(process.execPath, ['scripts/start.js'], {
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', KECS_LIVE_FAULTS: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let out = '';
	child.stdout.on('data', (d: Buffer) => (out += d.toString()));
	child.stderr.on('data', (d: Buffer) => (out += d.toString()));
	const url = await new Promise<string>((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`gateway did not start:\n${out}`)), 60_000);
		const onData = () => {
			const m = /listening on (http:\/\/[^\s]+)/.exec(out);
			if (m?.[1]) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		};
		child.stdout.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`gateway exited with ${code}:\n${out}`));
		});
	});
	return {
		url,
		process: child,
		output: () => out,
		async stop() {
			if (child.exitCode !== null) return;
			child.kill('SIGTERM');
			await once(child, 'exit');
		},
		async fault(name: string) {
			const res = await fetch(`${url}/_faults/${name}`, { method: 'POST' });
			if (!res.ok) throw new Error(`fault ${name}: HTTP ${res.status}`);
			return res.json();
		}
	};
}
