/**
 * The bench page: three ways to take the same log frames into a tab (see {@link IngestMode}),
 * measured the same way. Counting happens in `requestAnimationFrame` samples, never per message,
 * so the measurement costs every mode the same; for `client` the count is what the published
 * store shows (consecutive seqs from the bench server make its last seq an exact count).
 */
import { ConnectionClient } from '$lib/connection/client';
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
	stop(): void;
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
		stop: () => ws.close(1000)
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
		stop: () => ws.close(1000)
	};
}

/** (b) Ours: connection statechart, codec, registry, ring, store. */
function client(url: string, max: number): Probe {
	const connection = new ConnectionClient({ url });
	const stream = createLogStream(connection, { maxBufferSize: max });
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
	connection.connect();
	const entries = () => (lastSeq < 0 ? 0 : lastSeq - FIRST_SEQ + 1);
	return {
		sample: () => ({ at, entries: entries() }),
		status: () => {
			const stats = connection.stats;
			return {
				mode: 'client',
				entries: entries(),
				held,
				frames: stats.messagesIn,
				invalid: stats.invalidFrames,
				dropped,
				publications
			};
		},
		stop: () => {
			offLogs();
			offDropped();
			connection.dispose();
		}
	};
}

function probe(options: RunOptions): Probe {
	const modes: Record<IngestMode, () => Probe> = {
		bare: () => bare(options.url),
		guide: () => guide(options.url, options.maxBufferSize),
		client: () => client(options.url, options.maxBufferSize)
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
				p.stop();
				const seconds = (s.at - t0) / 1000;
				resolve({
					...status,
					rate: (s.entries - e0) / seconds,
					seconds,
					samples,
					startupMs: firstAt - startedAt,
					totalMs: performance.now() - startedAt
				});
				return;
			}
			if (performance.now() > deadline) {
				const status = p.status();
				p.stop();
				reject(new Error(`${options.mode}: not done in time: ${JSON.stringify(status)}`));
				return;
			}
			requestAnimationFrame(tick);
		};
		requestAnimationFrame(tick);
	});
}

const runs = new Map<number, Probe>();
let nextHandle = 1;

const api: KecsBench = {
	ready: true,
	ingest,
	start(options) {
		const handle = nextHandle++;
		runs.set(handle, probe(options));
		return handle;
	},
	status(handle) {
		const p = runs.get(handle);
		if (!p) throw new Error(`no run ${handle}`);
		return p.status();
	},
	stop(handle) {
		const p = runs.get(handle);
		if (!p) throw new Error(`no run ${handle}`);
		runs.delete(handle);
		const status = p.status();
		p.stop();
		return status;
	}
};

(window as unknown as { kecsBench: KecsBench }).kecsBench = api;
