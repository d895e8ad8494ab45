/**
 * The real gateway as a separate process: `build-gateway/main.js` (what `npm start` runs, with
 * the built app and the built-in simulator) on a loopback port, with the fault controls on. Unlike
 * tests/e2e/gateway.ts it never rebuilds (the runner builds once), and it can be killed with
 * SIGKILL and started again on the same port (a crash: the new process has a new epoch).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../../..');
/**
 * The gateway bundle: the runners' snapshot of the build (`FAULTS_GATEWAY_MAIN`, so a rebuild
 * by someone else in the same checkout cannot pull it from under a row), else the build itself.
 */
const MAIN = process.env.FAULTS_GATEWAY_MAIN ?? resolve(ROOT, 'build-gateway/main.js');

/** A free loopback port (closed again at once). */
export async function freePort(): Promise<number> {
	const server = createServer();
	await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
	const address = server.address();
	await new Promise<void>((ok) => server.close(() => ok()));
	if (address === null || typeof address === 'string') throw new Error('no port');
	return address.port;
}

/** A running (or stopped, and restartable) gateway process. */
export class GatewayProcess {
	#child: ChildProcess | undefined;
	#out = '';
	readonly port: number;
	readonly env: Record<string, string>;

	private constructor(port: number, env: Record<string, string>) {
		this.port = port;
		this.env = env;
	}

	/** Start a gateway (on `port`, default a free one) with extra environment. */
	static async start(env: Record<string, string> = {}, port?: number): Promise<GatewayProcess> {
		const gw = new GatewayProcess(port ?? (await freePort()), env);
		await gw.start();
		return gw;
	}

	get url(): string {
		return `http://127.0.0.1:${this.port}`;
	}

	get wsUrl(): string {
		return `ws://127.0.0.1:${this.port}/ws`;
	}

	get running(): boolean {
		return this.#child !== undefined && this.#child.exitCode === null && !this.#child.killed;
	}

	/** Everything the processes printed, for failure messages. */
	output(): string {
		return this.#out;
	}

	/** Start the process (again) on the same port; resolves once it listens. */
	async start(extraEnv: Record<string, string> = {}): Promise<void> {
		if (this.running) throw new Error('gateway already running');
		const child = spawn(process.execPath, [MAIN], {
			cwd: ROOT,
			env: {
				...process.env,
				HOST: '127.0.0.1',
				KECS_LIVE_FAULTS: '1',
				...this.env,
				...extraEnv,
				PORT: String(this.port)
			},
			stdio: ['ignore', 'pipe', 'pipe']
		});
		this.#child = child;
		let out = '';
		child.stdout!.on('data', (d: Buffer) => {
			out += d.toString();
			this.#out += d.toString();
		});
		child.stderr!.on('data', (d: Buffer) => (this.#out += d.toString()));
		await new Promise<void>((ok, fail) => {
			const timer = setTimeout(
				() => fail(new Error(`gateway did not start:\n${this.#out}`)),
				30_000
			);
			const check = () => {
				if (/listening on http/.test(out)) {
					clearTimeout(timer);
					child.stdout!.off('data', check);
					child.off('exit', exited);
					ok();
				}
			};
			const exited = (code: number | null) => {
				clearTimeout(timer);
				fail(new Error(`gateway exited with ${code}:\n${this.#out}`));
			};
			child.stdout!.on('data', check);
			child.once('exit', exited);
		});
	}

	/** Kill the process (SIGKILL: a crash, no close frames; SIGTERM: a clean 1001 shutdown). */
	async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
		const child = this.#child;
		if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
		const exited = once(child, 'exit');
		child.kill(signal);
		await exited;
	}

	/** POST a fault control (`drop`, `restart`, `stall-pongs`, `refuse?seconds=20`, …). */
	async fault(name: string): Promise<Record<string, unknown>> {
		const res = await fetch(`${this.url}/_faults/${name}`, { method: 'POST' });
		if (!res.ok) throw new Error(`fault ${name}: HTTP ${res.status}`);
		return (await res.json()) as Record<string, unknown>;
	}

	/** `GET /_health`. */
	async health(): Promise<{ epoch: string; clients: number }> {
		const res = await fetch(`${this.url}/_health`);
		return (await res.json()) as { epoch: string; clients: number };
	}

	async stop(): Promise<void> {
		await this.kill('SIGTERM');
	}
}
