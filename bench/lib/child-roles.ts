/**
 * Two more child processes for the reconnect and fan-out cases, beside lib/gateway-child.ts:
 *
 * - `gateway`: the real gateway (server/gateway.ts) with a paced log source whose rate can be
 *   changed while it runs, a fixed port if asked (so a new process can take the old one's place),
 *   the hub's restart (what `POST /_faults/restart` does: new epoch, history lost, every
 *   connection closed 1012), and a record of when each WebSocket upgrade was accepted.
 * - `broadcast`: the limit for this server stack: a bare `ws` server that sends the same
 *   pre-built batch frames (lib/entries.ts' FrameFactory, one buffer per tick shared by every
 *   client) to every subscribed client at a fixed rate, with the hub's high-water mark (a client
 *   whose socket holds 1 MiB unsent skips the frame), and nothing else.
 *
 * The runner has one role switch (`--child=gateway`, bench/runner.ts) that these files may not
 * extend, so a child is the runner bundle forked with `--child=gateway` (which only listens for
 * lib/gateway-child.ts' IPC requests and exits with its parent) plus `KECS_BENCH_ROLE` in its
 * environment, which this module reads when the bundle loads. Requests and replies use their own
 * keys (`roleReq`/`roleRep`), so the two never answer each other. A `--child=<role>` in the
 * runner would be the tidier switch: {@link runRoleChild} is ready for it.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import type { Task } from '../../src/lib/protocol/types';
import { startGateway, type Gateway } from '../../server/gateway';
import type { Source, SourceHealth, SourceLogEntry, SourceSink } from '../../server/sources/source';
import { onCleanup } from './cleanup';
import { compactEntries, FrameFactory, simulatorEntries } from './entries';

const ROLE_ENV = 'KECS_BENCH_ROLE';
const CONFIG_ENV = 'KECS_BENCH_ROLE_CONFIG';
/** The hub's default high-water mark for stream data (server/hub/outbox.ts). */
const HIGH_WATER_BYTES = 1024 * 1024;
/** Delivery tick of both servers (the hub's default). */
export const TICK_MS = 50;

export type RoleName = 'gateway' | 'broadcast';

/** Configuration of a role child. */
export interface RoleConfig {
	/** Log entries per second published (every subscriber of `*` gets them all). */
	rate: number;
	/** Port to listen on (0: a free one). */
	port?: number;
	/** Real simulator lines (about 750 bytes) or compact ones (about 340). Default `simulator`. */
	entryProfile?: 'simulator' | 'compact';
}

/** A snapshot of a role child. */
export interface RoleSample {
	/** Wall-clock ms (`performance.timeOrigin + performance.now()`), comparable across processes. */
	at: number;
	cpu: { user: number; system: number };
	memory: NodeJS.MemoryUsage;
	clients: number;
	/** Frames written to clients (the hub's `framesOut`; the loop's sends). */
	framesOut: number;
	/** Log entries published so far. */
	published: number;
}

type RoleRequest =
	| { op: 'sample' }
	| { op: 'gc' }
	| { op: 'rate'; rate: number }
	| { op: 'restart' }
	| { op: 'shutdown' }
	| { op: 'accepts' }
	| { op: 'stop' };

interface RoleEnvelope {
	roleReq: number;
	req: RoleRequest;
}

interface RoleReply {
	roleRep: number;
	ok: boolean;
	value?: unknown;
	error?: string;
}

/** Wall-clock milliseconds with sub-millisecond resolution, comparable between processes. */
export function wallNow(): number {
	return performance.timeOrigin + performance.now();
}

/** A paced source whose rate can change while it runs (exact over time within each rate). */
class AdjustableSource implements Source {
	readonly name = 'bench-paced';
	readonly providesMetrics = false;
	published = 0;
	#sink: SourceSink | undefined;
	#timer: NodeJS.Timeout | undefined;
	#next = 0;
	#since = 0;
	#base = 0;

	constructor(
		private readonly entries: readonly SourceLogEntry[],
		private rate: number
	) {}

	start(sink: SourceSink): void {
		this.#sink = sink;
		this.setRate(this.rate);
		this.#timer = setInterval(() => this.#tick(), TICK_MS);
	}

	setRate(rate: number): void {
		this.rate = rate;
		this.#since = performance.now();
		this.#base = this.published;
	}

	#tick(): void {
		const due =
			Math.floor(((performance.now() - this.#since) / 1000) * this.rate) -
			(this.published - this.#base);
		if (due <= 0 || !this.#sink) return;
		const entries = this.entries;
		let i = this.#next;
		for (let k = 0; k < due; k++) {
			this.#sink.log(entries[i]!);
			if (++i === entries.length) i = 0;
		}
		this.#next = i;
		this.published += due;
	}

	stop(): void {
		clearInterval(this.#timer);
	}

	tasks(): Task[] {
		return [];
	}

	health(): SourceHealth {
		return { status: 'healthy', since: new Date(0) };
	}
}

interface RoleServer {
	handle(req: RoleRequest): unknown;
	close(): Promise<void>;
}

async function gatewayRole(config: RoleConfig, url: (u: string) => void): Promise<RoleServer> {
	const entries = (config.entryProfile === 'compact' ? compactEntries : simulatorEntries)(2_000);
	const source = new AdjustableSource(entries, config.rate);
	const gateway: Gateway = await startGateway({
		port: config.port ?? 0,
		host: '127.0.0.1',
		source,
		deflate: false,
		// The benchmark's clients connect from Node, with no Origin header.
		allowedOrigins: [],
		onError: () => {}
	});
	// After the hub's own listener: the upgrade was handed to `ws` (no auth, no origin check
	// fails, no refusal is set), so each event is one accepted connection.
	let accepts: number[] = [];
	gateway.server.on('upgrade', () => accepts.push(wallNow()));
	url(gateway.wsUrl);
	const sample = (): RoleSample => {
		const s = gateway.hub.stats();
		return {
			at: wallNow(),
			cpu: process.cpuUsage(),
			memory: process.memoryUsage(),
			clients: s.clients,
			framesOut: s.totals.framesOut,
			published: source.published
		};
	};
	return {
		handle(req) {
			switch (req.op) {
				case 'sample':
					return sample();
				case 'gc':
					collect();
					return sample();
				case 'rate':
					source.setRate(req.rate);
					return null;
				case 'restart': {
					// What `POST /_faults/restart` runs (server/faults.ts), without the HTTP round trip.
					const at = wallNow();
					return { at, ...gateway.hub.restart() };
				}
				case 'shutdown': {
					// A process restart's first half: stop listening (new connections are refused from
					// now on and the port is free for the next process), then the restart's 1012 to all.
					gateway.server.close();
					const at = wallNow();
					return { at, ...gateway.hub.restart() };
				}
				case 'accepts': {
					const out = accepts;
					accepts = [];
					return out;
				}
				case 'stop':
					return null;
			}
		},
		close: () => gateway.close()
	};
}

async function broadcastRole(config: RoleConfig, url: (u: string) => void): Promise<RoleServer> {
	const entries = (config.entryProfile === 'compact' ? compactEntries : simulatorEntries)(2_000);
	const wss = new WebSocketServer({ port: config.port ?? 0, host: '127.0.0.1' });
	await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
	const port = (wss.address() as AddressInfo).port;
	const subscribed = new Set<WebSocket>();
	let connected = 0;
	let framesOut = 0;
	let published = 0;
	wss.on('connection', (ws) => {
		connected++;
		ws.on('error', () => {});
		ws.on('message', (data: Buffer) => {
			// Just enough protocol for lib/node-client.ts: a `subscribe` gets `subscribed`.
			const text = data.toString('utf8');
			if (text.includes('"subscribe"')) {
				ws.send('{"type":"subscribed","payload":{"stream":"logs","resourceId":"*"}}');
				subscribed.add(ws);
			}
		});
		ws.on('close', () => {
			connected--;
			subscribed.delete(ws);
		});
	});

	let rate = config.rate;
	let factory: FrameFactory | undefined;
	let since = 0;
	let base = 0;
	const setRate = (r: number) => {
		rate = r;
		// One frame per tick, as the hub sends one batch per client per tick.
		const perFrame = Math.max(1, Math.round((rate * TICK_MS) / 1000));
		factory = new FrameFactory(entries, perFrame, 4);
		since = performance.now();
		base = published;
	};
	setRate(rate);
	const timer = setInterval(() => {
		const f = factory!;
		let due = Math.floor(((performance.now() - since) / 1000) * rate) - (published - base);
		while (due >= f.perFrame) {
			// One copy per frame, shared by every client (the factory reuses its buffers).
			const frame = Buffer.from(f.next());
			for (const ws of subscribed) {
				if (ws.readyState !== WebSocket.OPEN || ws.bufferedAmount >= HIGH_WATER_BYTES) continue;
				ws.send(frame);
				framesOut++;
			}
			published += f.perFrame;
			due -= f.perFrame;
		}
	}, TICK_MS);
	url(`ws://127.0.0.1:${port}/ws`);
	const sample = (): RoleSample => ({
		at: wallNow(),
		cpu: process.cpuUsage(),
		memory: process.memoryUsage(),
		clients: connected,
		framesOut,
		published
	});
	return {
		handle(req) {
			switch (req.op) {
				case 'sample':
					return sample();
				case 'gc':
					collect();
					return sample();
				case 'rate':
					setRate(req.rate);
					return null;
				case 'stop':
					return null;
				default:
					throw new Error(`broadcast child: no ${req.op}`);
			}
		},
		close: async () => {
			clearInterval(timer);
			for (const ws of wss.clients) ws.terminate();
			await new Promise<void>((resolve) => wss.close(() => resolve()));
		}
	};
}

function collect(): void {
	const gc = (globalThis as { gc?: () => void }).gc;
	if (!gc) throw new Error('run the child with --expose-gc');
	gc();
	gc();
}

/** Entry point of a role child (see the module comment). */
export function runRoleChild(role: RoleName, config: RoleConfig): void {
	const send = (message: unknown) => process.send?.(message);
	const ready = role === 'gateway' ? gatewayRole : broadcastRole;
	let server: RoleServer | undefined;
	process.on('message', (message: Partial<RoleEnvelope>) => {
		if (typeof message?.roleReq !== 'number' || !message.req) return;
		const id = message.roleReq;
		const req = message.req;
		const reply = (r: Omit<RoleReply, 'roleRep'>) => send({ roleRep: id, ...r });
		try {
			if (!server) throw new Error('not started');
			const value = server.handle(req);
			reply({ ok: true, value });
			if (req.op === 'stop') {
				void server.close().finally(() => setImmediate(() => process.exit(0)));
			}
		} catch (error) {
			reply({ ok: false, error: error instanceof Error ? error.message : String(error) });
		}
	});
	ready(config, (wsUrl) => send({ roleReady: wsUrl })).then(
		(s) => (server = s),
		(error: unknown) => {
			send({ roleFailed: error instanceof Error ? (error.stack ?? error.message) : String(error) });
			process.exit(1);
		}
	);
}

// See the module comment: a forked runner bundle becomes a role child here.
{
	const role = process.env[ROLE_ENV];
	if ((role === 'gateway' || role === 'broadcast') && process.argv.includes('--child=gateway')) {
		runRoleChild(role, JSON.parse(process.env[CONFIG_ENV] ?? '{}') as RoleConfig);
	}
}

/** The parent's handle on a role child. */
export class RoleProcess {
	#next = 1;
	readonly #pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();
	readonly #unhook: () => void;
	#exited = false;
	wsUrl = '';

	private constructor(readonly child: ChildProcess) {
		child.on('message', (m: Partial<RoleReply>) => {
			if (typeof m?.roleRep !== 'number') return;
			const p = this.#pending.get(m.roleRep);
			if (!p) return;
			this.#pending.delete(m.roleRep);
			if (m.ok) p.resolve(m.value);
			else p.reject(new Error(`role child: ${m.error}`));
		});
		child.on('exit', (code) => {
			this.#exited = true;
			for (const p of this.#pending.values()) p.reject(new Error(`role child exited (${code})`));
			this.#pending.clear();
		});
		this.#unhook = onCleanup(() => {
			if (!this.#exited) child.kill('SIGKILL');
		});
	}

	/** Fork the runner bundle as a `role` child and wait until it listens. */
	static async start(runnerPath: string, role: RoleName, config: RoleConfig): Promise<RoleProcess> {
		const child = fork(runnerPath, ['--child=gateway'], {
			execArgv: [
				'--expose-gc',
				'--enable-source-maps',
				...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
			],
			env: { ...process.env, [ROLE_ENV]: role, [CONFIG_ENV]: JSON.stringify(config) },
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		const rp = new RoleProcess(child);
		rp.wsUrl = await new Promise<string>((resolve, reject) => {
			const onMessage = (m: { roleReady?: string; roleFailed?: string }) => {
				if (m?.roleReady) {
					child.off('message', onMessage);
					resolve(m.roleReady);
				} else if (m?.roleFailed) reject(new Error(`${role} child: ${m.roleFailed}`));
			};
			child.on('message', onMessage);
			child.once('exit', (code) =>
				reject(new Error(`${role} child exited (${code}) before listening`))
			);
		});
		return rp;
	}

	#request<T>(req: RoleRequest): Promise<T> {
		if (this.#exited) return Promise.reject(new Error('role child has exited'));
		const id = this.#next++;
		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
			this.child.send({ roleReq: id, req } satisfies RoleEnvelope);
		});
	}

	sample(): Promise<RoleSample> {
		return this.#request({ op: 'sample' });
	}

	/** Collect garbage (twice), then sample. */
	gc(): Promise<RoleSample> {
		return this.#request({ op: 'gc' });
	}

	setRate(rate: number): Promise<void> {
		return this.#request({ op: 'rate', rate });
	}

	/** The hub's restart (gateway role): when it ran (wall clock) and the epochs. */
	restart(): Promise<{ at: number; previousEpoch: string; epoch: string; closed: number }> {
		return this.#request({ op: 'restart' });
	}

	/**
	 * Stop listening, then the hub's restart (gateway role): the first half of a process restart;
	 * {@link stop} this process and start another on the same port for the second half.
	 */
	shutdown(): Promise<{ at: number; previousEpoch: string; epoch: string; closed: number }> {
		return this.#request({ op: 'shutdown' });
	}

	/** The port this child listens on. */
	get port(): number {
		return Number(new URL(this.wsUrl).port);
	}

	/** Wall-clock times of the upgrades accepted since the last call (gateway role). */
	accepts(): Promise<number[]> {
		return this.#request({ op: 'accepts' });
	}

	/** Close the server and end the child (SIGKILL after 5 s). */
	async stop(): Promise<void> {
		if (!this.#exited) {
			const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
			await this.#request({ op: 'stop' }).catch(() => {});
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
			if (!this.#exited) this.child.kill('SIGKILL');
		}
		this.#unhook();
	}
}
