/**
 * The gateway under test in a process of its own, so its CPU time and memory are measured apart
 * from the clients that load it (and so both get a core on a 2-core machine). The runner forks
 * its own bundle with `--child=gateway`; the two talk over the IPC channel.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { startGateway, type Gateway } from '../../server/gateway';
import type { Source } from '../../server/sources/source';
import { onCleanup } from './cleanup';
import { compactEntries, simulatorEntries } from './entries';
import { FirehoseSource, PacedSource } from './sources';

/** What the gateway child runs. */
export interface GatewayConfig {
	/** Offer permessage-deflate. */
	deflate: boolean;
	/** The hub's delivery tick. Default the hub's (50 ms). */
	batchIntervalMs?: number;
	/** Log entries the hub's history holds. Default the hub's (10,000). */
	historyLogs?: number;
	/** The hub's cap on one log batch, in bytes. Default the hub's (4 MiB). */
	maxBatchBytes?: number;
	/** The most one connection may hold unsent, in bytes. Default the hub's (16 MiB). */
	sendMaxBytes?: number;
	/** Pre-built entries to cycle through. Default 2,000. */
	entries?: number;
	/** Which entries: real simulator lines (about 750 bytes) or compact ones (about 290). Default `simulator`. */
	entryProfile?: 'simulator' | 'compact';
	source:
		| {
				kind: 'firehose';
				/** Entries kept waiting; default 90% of the log history. */ window?: number;
		  }
		| {
				kind: 'paced';
				/** Entries per second. */ rate: number;
				/** How often it publishes what is due, in ms. Default 50. */ tickMs?: number;
		  };
}

/** A snapshot of the gateway process and its hub. */
export interface GatewaySample {
	/** `process.cpuUsage()` of the gateway process, in µs. */
	cpu: { user: number; system: number };
	memory: NodeJS.MemoryUsage;
	clients: number;
	/** The newest log seq (entries published this epoch). */
	lastLogSeq: number;
	framesOut: number;
	bytesOut: number;
	/** Log entries the hub reported as dropped (to every client together). */
	droppedLogs: number;
	logBatchesBuilt: number;
	overflowTerminated: number;
}

type Request =
	| { id: number; type: 'start'; config: GatewayConfig }
	| { id: number; type: 'sample' }
	| { id: number; type: 'gc' }
	| { id: number; type: 'stop' };

type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** Entry point of the child (`runner.js --child=gateway`). */
export function runGatewayChild(): void {
	let gateway: Gateway | undefined;
	const send = (reply: Reply) => process.send?.(reply);

	const sample = (): GatewaySample => {
		if (!gateway) throw new Error('gateway not started');
		const s = gateway.hub.stats();
		return {
			cpu: process.cpuUsage(),
			memory: process.memoryUsage(),
			clients: s.clients,
			lastLogSeq: s.streams.logs.lastSeq,
			framesOut: s.totals.framesOut,
			bytesOut: s.totals.bytesOut,
			droppedLogs: s.totals.dropped.logs,
			logBatchesBuilt: s.totals.logBatchesBuilt,
			overflowTerminated: s.totals.overflowTerminated
		};
	};

	const handle = async (req: Request): Promise<unknown> => {
		switch (req.type) {
			case 'start': {
				const c = req.config;
				const entries = (c.entryProfile === 'compact' ? compactEntries : simulatorEntries)(
					c.entries ?? 2_000
				);
				const historyLogs = c.historyLogs ?? 10_000;
				let source: Source;
				if (c.source.kind === 'firehose') {
					const window = c.source.window ?? Math.floor(historyLogs * 0.9);
					source = new FirehoseSource(entries, window, () => {
						// The slowest log subscriber's distance from the head (undefined: none).
						const stats = gateway?.hub.stats();
						if (!stats) return undefined;
						let min = Infinity;
						for (const session of stats.sessions) {
							for (const sub of session.subscriptions) {
								if (sub.stream === 'logs' && sub.cursor < min) min = sub.cursor;
							}
						}
						return min === Infinity ? undefined : stats.streams.logs.lastSeq - min;
					});
				} else {
					source = new PacedSource(entries, c.source.rate, c.source.tickMs);
				}
				gateway = await startGateway({
					port: 0,
					host: '127.0.0.1',
					source,
					deflate: c.deflate,
					...(c.batchIntervalMs ? { batchIntervalMs: c.batchIntervalMs } : {}),
					...(c.maxBatchBytes ? { maxBatchBytes: c.maxBatchBytes } : {}),
					...(c.sendMaxBytes ? { sendMaxBytes: c.sendMaxBytes } : {}),
					history: { logs: historyLogs },
					// The benchmark's clients connect from Node, with no Origin header.
					allowedOrigins: []
				});
				return { wsUrl: gateway.wsUrl };
			}
			case 'sample':
				return sample();
			case 'gc': {
				const gc = (globalThis as { gc?: () => void }).gc;
				if (!gc) throw new Error('run the child with --expose-gc');
				gc();
				gc();
				return sample();
			}
			case 'stop':
				await gateway?.close();
				gateway = undefined;
				setImmediate(() => process.exit(0));
				return null;
		}
	};

	process.on('message', (req: Request) => {
		handle(req).then(
			(value) => send({ id: req.id, ok: true, value }),
			(error: unknown) =>
				send({
					id: req.id,
					ok: false,
					error: error instanceof Error ? (error.stack ?? error.message) : String(error)
				})
		);
	});
	// Without the runner there is nothing to serve.
	process.on('disconnect', () => process.exit(0));
}

/** The parent's handle on a gateway child. */
export class GatewayProcess {
	#nextId = 1;
	readonly #pending = new Map<
		number,
		{ resolve: (v: unknown) => void; reject: (e: Error) => void }
	>();
	readonly #unhook: () => void;
	#exited = false;
	/** The hub's WebSocket URL. */
	wsUrl = '';

	private constructor(readonly child: ChildProcess) {
		child.on('message', (reply: Reply) => {
			const p = this.#pending.get(reply.id);
			if (!p) return;
			this.#pending.delete(reply.id);
			if (reply.ok) p.resolve(reply.value);
			else p.reject(new Error(`gateway child: ${reply.error}`));
		});
		child.on('exit', (code) => {
			this.#exited = true;
			for (const p of this.#pending.values()) p.reject(new Error(`gateway child exited (${code})`));
			this.#pending.clear();
		});
		this.#unhook = onCleanup(() => {
			if (!this.#exited) child.kill('SIGKILL');
		});
	}

	/** Fork `runnerPath --child=gateway` and start a gateway there with `config`. */
	static async start(runnerPath: string, config: GatewayConfig): Promise<GatewayProcess> {
		const child = fork(runnerPath, ['--child=gateway'], {
			// BENCH_CHILD_NODE_ARGS adds Node flags, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` to profile the gateway.
			execArgv: [
				'--expose-gc',
				'--enable-source-maps',
				...(process.env.BENCH_CHILD_NODE_ARGS ?? '').split(' ').filter(Boolean)
			],
			stdio: ['ignore', 'inherit', 'inherit', 'ipc']
		});
		const gp = new GatewayProcess(child);
		const { wsUrl } = (await gp.#request({ type: 'start', config })) as { wsUrl: string };
		gp.wsUrl = wsUrl;
		return gp;
	}

	#request(req: Omit<Request, 'id'> & { config?: GatewayConfig }): Promise<unknown> {
		if (this.#exited) return Promise.reject(new Error('gateway child has exited'));
		const id = this.#nextId++;
		return new Promise((resolve, reject) => {
			this.#pending.set(id, { resolve, reject });
			this.child.send({ ...req, id });
		});
	}

	/** CPU, memory and hub counters now. */
	sample(): Promise<GatewaySample> {
		return this.#request({ type: 'sample' }) as Promise<GatewaySample>;
	}

	/** Collect garbage (twice), then sample. */
	gc(): Promise<GatewaySample> {
		return this.#request({ type: 'gc' }) as Promise<GatewaySample>;
	}

	/** Close the gateway and end the child. */
	async stop(): Promise<void> {
		if (!this.#exited) {
			const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
			await this.#request({ type: 'stop' }).catch(() => {});
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
			if (!this.#exited) this.child.kill('SIGKILL');
		}
		this.#unhook();
	}
}

/** CPU time between two samples (of any child that reports `process.cpuUsage()`), in seconds. */
export function cpuSeconds(a: Pick<GatewaySample, 'cpu'>, b: Pick<GatewaySample, 'cpu'>): number {
	return (b.cpu.user - a.cpu.user + b.cpu.system - a.cpu.system) / 1e6;
}
