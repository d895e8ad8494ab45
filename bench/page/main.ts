/**
 * The bench page: three ways to take the same log frames into a tab (see {@link IngestMode}),
 * measured the same way. Each consumer counts what it takes (one increment, no clock reads per
 * message) and the count is read in `requestAnimationFrame` samples, so measuring costs every mode
 * the same. For `client` the count is what the published store shows: the bench server numbers
 * entries consecutively, so the last seq in `$logs` is an exact count.
 */
import { ConnectionClient } from '$lib/connection/client';
import type { WebSocketConstructor } from '$lib/connection/socket';
import type { LogEntry } from '$lib/protocol';
import { createLogStream } from '$lib/streams/logs';
import type {
	IngestMode,
	IngestOptions,
	IngestResult,
	KecsBench,
	RunOptions,
	RunStatus
} from './api';
import { closeSocket, whenClosed } from './close-socket';
import { PeerStreamClient, type PeerKind } from './peers';
import { render } from './render';
import { viewRun, type ViewRun } from './views';

/** The bench server numbers every stream from here (bench/lib/entries.ts). */
const FIRST_SEQ = 1_000_000_000;
const SUBSCRIBE = JSON.stringify({
	type: 'subscribe',
	payload: { stream: 'logs', resourceId: '*' }
});

interface Probe {
	/** Entries so far, and when that count was current. */
	sample(): { at: number; entries: number };
	status(): RunStatus;
	/** Close; resolves once the socket has closed (or after 5 s), so runs never overlap. */
	stop(): Promise<void>;
}

interface WireMessage {
	type: string;
	payload: unknown;
}

/** (a) The limit: parse, count, nothing else. */
function bare(url: string): Probe {
	let entries = 0;
	let frames = 0;
	const ws = new WebSocket(url);
	ws.onopen = () => ws.send(SUBSCRIBE);
	ws.onmessage = (event: MessageEvent<string>) => {
		const message = JSON.parse(event.data) as WireMessage;
		if (message.type === 'log_batch') {
			entries += (message.payload as unknown[]).length;
			frames++;
		} else if (message.type === 'log_entry') {
			entries++;
			frames++;
		}
	};
	const status = (): RunStatus => ({
		mode: 'bare',
		entries,
		held: 0,
		frames,
		invalid: 0,
		dropped: 0,
		publications: 0
	});
	return {
		sample: () => ({ at: performance.now(), entries }),
		status,
		stop: () => closeSocket(ws)
	};
}

/** (c) The KECS guide's hook, minus React: a new array per entry. */
function guide(url: string, max: number): Probe {
	let logs: unknown[] = [];
	let entries = 0;
	let frames = 0;
	const ws = new WebSocket(url);
	ws.onopen = () => ws.send(SUBSCRIBE);
	ws.onmessage = (event: MessageEvent<string>) => {
		const message = JSON.parse(event.data) as WireMessage;
		if (message.type === 'log_entry') {
			logs = [...logs, message.payload].slice(-max);
			entries++;
			frames++;
		} else if (message.type === 'log_batch') {
			for (const entry of message.payload as unknown[]) {
				logs = [...logs, entry].slice(-max);
				entries++;
			}
			frames++;
		}
	};
	return {
		sample: () => ({ at: performance.now(), entries }),
		status: () => ({
			mode: 'guide',
			entries,
			held: logs.length,
			frames,
			invalid: 0,
			dropped: 0,
			publications: 0
		}),
		stop: () => closeSocket(ws)
	};
}

/**
 * Watch a log store as `$logs` would (subscribed, so it materialises each frame): the entries it
 * shows (the bench server numbers them consecutively, so the last seq is an exact count), when
 * that count was current, and what it holds, published and reported dropped.
 */
function watchLogStore(stream: ReturnType<typeof createLogStream>) {
	let at = performance.now();
	let lastSeq = -1;
	let held = 0;
	let publications = 0;
	let dropped = 0;
	const offLogs = stream.logs.subscribe((logs: LogEntry[]) => {
		publications++;
		const last = logs[logs.length - 1];
		if (last) {
			lastSeq = last.seq;
			held = logs.length;
			at = performance.now();
		}
	});
	const offDropped = stream.dropped.subscribe((n) => (dropped = n));
	const entries = () => (lastSeq < 0 ? 0 : lastSeq - FIRST_SEQ + 1);
	return {
		sample: () => ({ at, entries: entries() }),
		counts: () => ({ entries: entries(), held, dropped, publications }),
		off: () => {
			offLogs();
			offDropped();
		}
	};
}

/**
 * (b) Ours: connection statechart, codec, registry, ring, store. `main`: the client's default
 * transport (frames decoded on this thread); `worker`: received and decoded in a Worker.
 */
function client(url: string, max: number, transport: 'worker' | 'main'): Probe {
	// The browser's own WebSocket, only remembered so `stop` can wait for it to close (the worker
	// transport's socket lives in the worker: `whenDisposed` waits for that one).
	const sockets: WebSocket[] = [];
	class TrackedWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols);
			sockets.push(this);
		}
	}
	const connection = new ConnectionClient(
		{ url },
		transport === 'main'
			? {
					// The client's default; the tracked constructor lets `stop` wait for the socket.
					// The DOM types its handlers more narrowly than the client's structural interface;
					// the client falls back to this same constructor (`globalThis.WebSocket`) by default.
					WebSocketImpl: TrackedWebSocket as unknown as WebSocketConstructor
				}
			: { transport: 'worker' }
	);
	const watch = watchLogStore(createLogStream(connection, { maxBufferSize: max }));
	connection.connect();
	return {
		sample: watch.sample,
		status: () => {
			const stats = connection.stats;
			return {
				mode: transport === 'main' ? 'client' : 'client_worker',
				...watch.counts(),
				frames: stats.messagesIn,
				invalid: stats.invalidFrames,
				transport: stats.transport
			};
		},
		stop: () => {
			watch.off();
			connection.dispose();
			return Promise.all([...sockets.map(whenClosed), connection.whenDisposed()]).then(() => {});
		}
	};
}

/** (d) A peer's reconnecting socket and hand-written glue feeding the same log store. */
function peer(kind: PeerKind, url: string, max: number): Probe {
	const glue = new PeerStreamClient(kind, url);
	const watch = watchLogStore(createLogStream(glue, { maxBufferSize: max }));
	return {
		sample: watch.sample,
		status: () => ({ mode: kind, ...watch.counts(), frames: glue.frames, invalid: 0 }),
		stop: () => {
			watch.off();
			glue.close();
			return new Promise<void>((resolve) => setTimeout(resolve, 50));
		}
	};
}

function probe(options: RunOptions): Probe {
	const modes: Record<IngestMode, () => Probe> = {
		bare: () => bare(options.url),
		guide: () => guide(options.url, options.maxBufferSize),
		client: () => client(options.url, options.maxBufferSize, 'main'),
		client_worker: () => client(options.url, options.maxBufferSize, 'worker'),
		partysocket: () => peer('partysocket', options.url, options.maxBufferSize),
		reconnecting_websocket: () => peer('reconnecting_websocket', options.url, options.maxBufferSize)
	};
	return modes[options.mode]();
}

function ingest(options: IngestOptions): Promise<IngestResult> {
	const startedAt = performance.now();
	const p = probe(options);
	const deadline = startedAt + (options.timeoutMs ?? 60_000);
	return new Promise((resolve, reject) => {
		let firstAt = -1;
		let t0 = -1;
		let e0 = 0;
		let samples = 0;
		const tick = () => {
			samples++;
			const s = p.sample();
			if (firstAt < 0 && s.entries > 0) firstAt = s.at;
			if (firstAt >= 0 && t0 < 0 && s.at - firstAt >= options.warmupMs) {
				t0 = s.at;
				e0 = s.entries;
			} else if (t0 >= 0 && s.at - t0 >= options.measureMs) {
				const status = p.status();
				const seconds = (s.at - t0) / 1000;
				const result: IngestResult = {
					...status,
					rate: (s.entries - e0) / seconds,
					seconds,
					samples,
					startupMs: firstAt - startedAt,
					totalMs: performance.now() - startedAt
				};
				void p.stop().then(() => resolve(result));
				return;
			}
			if (performance.now() > deadline) {
				const status = p.status();
				void p
					.stop()
					.then(() =>
						reject(new Error(`${options.mode}: not done in time: ${JSON.stringify(status)}`))
					);
				return;
			}
			requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
}

/** Runs started by `start`: a probe, or with `view` a rendered run (views.ts). */
const runs = new Map<number, ViewRun>();
let nextHandle = 1;

const api: KecsBench = {
	ready: true,
	ingest,
	render,
	start(options) {
		const handle = nextHandle++;
		runs.set(handle, options.view ? viewRun(options) : probe(options));
		return handle;
	},
	status(handle) {
		const p = runs.get(handle);
		if (!p) throw new Error(`no run ${handle}`);
		return p.status();
	},
	async stop(handle) {
		const p = runs.get(handle);
		if (!p) throw new Error(`no run ${handle}`);
		runs.delete(handle);
		const status = p.status();
		await p.stop();
		return status;
	}
};

(window as unknown as { kecsBench: KecsBench }).kecsBench = api;
