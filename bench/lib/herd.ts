/**
 * The reconnect herd: many lightweight `ws` clients, each reconnecting after a close with the
 * delays of one reconnect policy, so that the server sees what a fleet of browsers running that
 * policy would send it. The clients only connect (no subscription): what is measured is when
 * connections arrive, which only the policy decides.
 *
 * Policies:
 * - `ours`: exactly what the real client does (src/lib/connection/machine.ts): the close is
 *   classified by `classifyClose(code, reason)` and the delay drawn by `retryDelay` with the
 *   client's defaults (full jitter, 500 ms base, factor 2, 30 s cap). After the hub's restart
 *   (1012, `{"retryAfterMs": 0, "spreadMs": n / 500 s}`) that is uniform over the wider of the
 *   normal ceiling and the server's window; after a refused attempt (no close frame) it is
 *   uniform in [0, min(cap, base · 2^attempt)].
 *   If that attempt fails too (the server is still down), the following ceilings double from the
 *   server's window rather than from 500 ms (`retryBaseAfter`), until a connection opens.
 * - `no jitter`: the same policy without randomness (`random = () => 1`: always the end of the
 *   window, so the server's window only delays the burst).
 * - `socket.io-client`: its Manager's defaults (reconnectionDelay 1000, reconnectionDelayMax
 *   5000, randomizationFactor 0.5) through its `Backoff` (socket.io-client 4.8.4,
 *   build/esm/contrib/backo2.js, not exported by the package), reproduced below line for line:
 *   `ms = min · factor^attempts`; with jitter, one `rand` gives both the deviation
 *   `floor(rand · jitter · ms)` and its sign (`floor(rand · 10) & 1`); the result is
 *   `min(ms, max) | 0`. Its Manager resets the attempts when a connection opens.
 */
import WebSocket from 'ws';
import { retryBaseAfter, retryDelay } from '../../src/lib/connection/backoff';
import { classifyClose } from '../../src/lib/connection/close-codes';
import { DEFAULTS } from '../../src/lib/connection/config';

/**
 * The delay before retry number `attempt` (0-based), after a close with `code` and `reason`
 * (1006 and no reason when the attempt was refused or the link dropped). One per client: it may
 * keep state across a run of retries, as the real client's machine does.
 */
export type RetryFn = (attempt: number, code: number, reason: string) => number;

/** A reconnect policy: makes each client's {@link RetryFn}. */
export interface ReconnectPolicy {
	key: string;
	label: string;
	create(): RetryFn;
}

/**
 * What src/lib/connection/machine.ts `scheduleRetry` does, with its defaults: classify the close,
 * carry the server's window as the base of the run of retries, draw the delay.
 */
function ourRetry(random: () => number): RetryFn {
	let carried = 0;
	return (attempt, code, reason) => {
		if (attempt === 0) carried = 0; // the machine resets it with the attempts, on a stable link
		const decision = classifyClose(code, reason);
		carried = retryBaseAfter(decision, carried, ours.cap);
		return retryDelay(attempt, decision, {
			...ours,
			base: Math.max(ours.base, carried),
			random
		});
	};
}

/** socket.io-client's `Backoff.prototype.duration` (see the module comment), as a function. */
export function socketIoDuration(
	attempt: number,
	opts: { min: number; max: number; factor: number; jitter: number },
	random: () => number = Math.random
): number {
	let ms = opts.min * Math.pow(opts.factor, attempt);
	if (opts.jitter) {
		const rand = random();
		const deviation = Math.floor(rand * opts.jitter * ms);
		ms = (Math.floor(rand * 10) & 1) == 0 ? ms - deviation : ms + deviation;
	}
	return Math.min(ms, opts.max) | 0;
}

const ours = {
	base: DEFAULTS.reconnectInterval,
	cap: DEFAULTS.maxReconnectDelay,
	longBase: DEFAULTS.longReconnectInterval
};

export const POLICIES: readonly ReconnectPolicy[] = [
	{
		key: 'ours',
		label: `our backoff (full jitter, ${ours.base} ms base, cap ${ours.cap / 1000} s)`,
		create: () => ourRetry(Math.random)
	},
	{
		key: 'no_jitter',
		label: 'no jitter (same exponential, no randomness)',
		create: () => ourRetry(() => 1)
	},
	{
		key: 'socketio',
		label: 'socket.io-client defaults (1000 ms, max 5000 ms, randomization 0.5)',
		create: () => (attempt) =>
			socketIoDuration(attempt, { min: 1000, max: 5000, factor: 2, jitter: 0.5 })
	}
];

/** One lightweight client of the herd. */
class HerdClient {
	ws: WebSocket | undefined;
	open = false;
	attempt = 0;
	/** Connections opened (the first one included). */
	opens = 0;
	#timer: NodeJS.Timeout | undefined;
	#disposed = false;
	readonly #retry: RetryFn;

	constructor(
		private readonly url: string,
		private readonly policy: ReconnectPolicy,
		private readonly onOpen: () => void,
		private readonly onSchedule: (at: number) => void
	) {
		this.#retry = policy.create();
	}

	connect(): void {
		if (this.#disposed) return;
		const ws = new WebSocket(this.url, { perMessageDeflate: false });
		this.ws = ws;
		ws.on('open', () => {
			this.open = true;
			this.opens++;
			this.attempt = 0;
			this.onOpen();
		});
		ws.on('error', () => {});
		ws.on('close', (code, reason) => {
			this.open = false;
			if (this.#disposed) return;
			const delay = this.#retry(this.attempt++, code, reason.toString('utf8'));
			this.onSchedule(performance.timeOrigin + performance.now() + delay);
			this.#timer = setTimeout(() => this.connect(), delay);
		});
	}

	dispose(): void {
		this.#disposed = true;
		clearTimeout(this.#timer);
		this.ws?.terminate();
	}
}

/** A fleet of {@link HerdClient}s running one policy. */
export class Herd {
	readonly clients: HerdClient[];
	/**
	 * When each reconnection attempt was scheduled to start (wall-clock ms: the close as this
	 * process saw it plus the policy's delay): what a fleet of separate machines would send,
	 * free of this one process's queueing. Cleared by the caller.
	 */
	scheduled: number[] = [];
	#openWaiters: (() => void)[] = [];

	constructor(url: string, policy: ReconnectPolicy, size: number) {
		this.clients = Array.from(
			{ length: size },
			() =>
				new HerdClient(
					url,
					policy,
					() => this.#notify(),
					(at) => this.scheduled.push(at)
				)
		);
	}

	#notify(): void {
		for (const w of this.#openWaiters.splice(0)) w();
	}

	/** Clients with an open connection. */
	get openCount(): number {
		let n = 0;
		for (const c of this.clients) if (c.open) n++;
		return n;
	}

	/** Connect everyone, `concurrency` handshakes at a time; resolves when all are open. */
	async connectAll(concurrency = 50, timeoutMs = 60_000): Promise<void> {
		const deadline = Date.now() + timeoutMs;
		let next = 0;
		const worker = async () => {
			while (next < this.clients.length) {
				const c = this.clients[next++]!;
				c.connect();
				while (!c.open) {
					if (Date.now() > deadline) throw new Error('herd: clients did not connect in time');
					await new Promise<void>((resolve) => {
						this.#openWaiters.push(resolve);
						setTimeout(resolve, 100);
					});
				}
			}
		};
		await Promise.all(Array.from({ length: concurrency }, worker));
	}

	/** Wait until every client has opened `opens` connections (or the timeout passes). */
	async waitOpens(opens: number, timeoutMs: number): Promise<boolean> {
		const deadline = Date.now() + timeoutMs;
		while (Date.now() < deadline) {
			if (this.clients.every((c) => c.open && c.opens >= opens)) return true;
			await new Promise((r) => setTimeout(r, 20));
		}
		return false;
	}

	dispose(): void {
		for (const c of this.clients) c.dispose();
	}
}

/** Counts per `bucketMs` of `times` measured from `t0` (bucket 0 starts at t0). */
export function buckets(times: readonly number[], t0: number, bucketMs = 100): number[] {
	const out: number[] = [];
	for (const t of times) {
		const b = Math.max(0, Math.floor((t - t0) / bucketMs));
		while (out.length <= b) out.push(0);
		out[b]!++;
	}
	return out;
}
