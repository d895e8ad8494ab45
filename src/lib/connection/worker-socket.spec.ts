import { beforeEach, describe, expect, it, vi } from 'vitest';
import {
	decodeServerFrame,
	type DecodeResult,
	type LogEntry,
	type ServerMessage
} from '$lib/protocol';
import { generateCases, inheritedSurprises, Rng } from '$lib/protocol/testing/fuzz';
import { SERVER_VECTORS } from '$lib/protocol/testing/vectors';
import { TestClock } from '$lib/testing/clock';
import { differences } from '$lib/testing/differences';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { FakeWorker } from '$lib/testing/fake-worker';
import { logBatch, logEntry, subscribed } from '$lib/testing/fixtures';
import { ConnectionClient } from './client';
import type { SocketMessageEvent, WebSocketLike } from './socket';
import { restorePrototypes, WorkerTransport } from './worker-socket';
import { BACKLOG_CLOSE_REASON, MAX_BATCHES_IN_FLIGHT } from './worker-wire';

const URL_ = 'ws://worker.invalid/ws';

function setup(options: { boot?: boolean; maxBacklogBytes?: number; maxPostBytes?: number } = {}) {
	const worker = new FakeWorker({ WebSocketImpl: FakeWebSocket, ...options });
	const onChange = vi.fn();
	const transport = new WorkerTransport({
		createWorker: () => worker,
		fallback: FakeWebSocket,
		onChange,
		shutdownTimeout: 50
	});
	return { worker, transport, onChange };
}

/** The message events `ws` receives, as they arrive. */
function messagesOf(ws: WebSocketLike): SocketMessageEvent[] {
	const events: SocketMessageEvent[] = [];
	ws.onmessage = (e) => events.push(e);
	return events;
}

/** Every event a socket fires, in order, as short strings. */
function record(ws: WebSocketLike): string[] {
	const log: string[] = [];
	ws.onopen = () => log.push('open');
	ws.onmessage = (event: SocketMessageEvent) => {
		const r = event.decoded;
		log.push(
			r
				? `message ${r.ok ? r.message.type : r.error.code} ${event.bytes}`
				: `raw ${String(event.data)}`
		);
	};
	ws.onerror = () => log.push('error');
	ws.onclose = (e) => log.push(`close ${e.code} ${e.reason} ${e.wasClean}`);
	return log;
}

beforeEach(() => FakeWebSocket.reset());

describe('WorkerTransport: one socket', () => {
	it('mirrors open, messages (decoded in the worker) and close, in order', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		expect(ws.readyState).toBe(0);
		worker.flush();
		const real = FakeWebSocket.last();
		expect(real.url).toBe(URL_);
		expect(real.binaryType).toBe('arraybuffer');

		real.open();
		const frame = JSON.stringify({ type: 'log_entry', payload: logEntry(1) });
		real.message(frame);
		real.message('not json');
		real.serverClose(1001, 'going away');
		expect(log).toEqual([]); // nothing reaches the main thread before it is delivered
		worker.flush();
		expect(log).toEqual([
			'open',
			`message log_entry ${frame.length}`,
			'message invalid_json 8',
			'close 1001 going away true'
		]);
		expect(ws.readyState).toBe(3);
	});

	it('passes decoded messages with Dates and no raw data', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const events = messagesOf(ws);
		worker.flush();
		FakeWebSocket.last()
			.open()
			.message({ type: 'log_entry', payload: logEntry(7) });
		worker.flush();
		expect(events).toHaveLength(1);
		const r = events[0]!.decoded!;
		expect(r.ok).toBe(true);
		if (r.ok && r.message.type === 'log_entry') {
			expect(r.message.payload.seq).toBe(7);
			expect(r.message.payload.timestamp).toBeInstanceOf(Date);
		}
		expect(events[0]!.data).toBeNull();
	});

	it('sends only while open; close() is CLOSING at once and CLOSED when the worker says so', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		expect(() => ws.send('early')).toThrow(/CONNECTING/);
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		worker.flush();
		ws.send('{"type":"ping"}');
		ws.close(4000, 'bye');
		expect(ws.readyState).toBe(2);
		ws.send('after close'); // dropped, as a browser drops sends after close()
		worker.flush();
		expect(real.sent).toEqual(['{"type":"ping"}']);
		expect(real.closeCalls).toEqual([{ code: 4000, reason: 'bye' }]);
		expect(log).toEqual(['open', 'close 4000 bye true']);
		expect(ws.readyState).toBe(3);
	});

	it('validates close codes and reasons as a browser does', () => {
		const { transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		expect(() => ws.close(1006)).toThrow(/not allowed/);
		expect(() => ws.close(1000, 'x'.repeat(124))).toThrow(/123 bytes/);
		expect(ws.readyState).toBe(0);
	});

	it('drops frames after close() and fires no open after close()', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		const real = FakeWebSocket.last();
		real.open().message({ type: 'pong' }); // posted before the close reaches the worker
		ws.close();
		worker.deliverToMain();
		expect(log).toEqual([]);
		worker.flush();
		expect(log).toEqual(['close 1005  false']);
	});

	it('maps a socket error to onerror then onclose, as a browser', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		FakeWebSocket.last().error().drop();
		worker.flush();
		expect(log).toEqual(['error', 'close 1006  false']);
	});

	it('throws a SyntaxError for a URL a browser refuses, and resolves http(s) and relative URLs', () => {
		const { transport } = setup();
		expect(() => new transport.WebSocketImpl('ftp://x/ws')).toThrow(/invalid/);
		expect(() => new transport.WebSocketImpl('ws://x/ws#frag')).toThrow(/invalid/);
		expect(() => new transport.WebSocketImpl('/ws')).toThrow(/invalid/); // no base in Node
		const relative = new WorkerTransport({
			createWorker: () => new FakeWorker({ WebSocketImpl: FakeWebSocket }),
			baseUrl: 'https://page.invalid/app/'
		});
		expect((new relative.WebSocketImpl('ws') as unknown as { url: string }).url).toBe(
			'wss://page.invalid/app/ws'
		);
	});

	it('a WebSocket constructor that throws in the worker fails that attempt with error + 1006', () => {
		const Throwing = class {
			constructor() {
				throw new SyntaxError('bad subprotocol');
			}
		};
		const worker = new FakeWorker({ WebSocketImpl: Throwing as never });
		const transport = new WorkerTransport({ createWorker: () => worker });
		const ws = new transport.WebSocketImpl(URL_, ['a b']);
		const log = record(ws);
		worker.flush();
		expect(log).toEqual(['error', 'close 1006 bad subprotocol false']);
	});
});

describe('WorkerTransport: sockets over time', () => {
	it('reuses one worker and ignores events of an older socket', () => {
		const created: FakeWorker[] = [];
		const transport = new WorkerTransport({
			createWorker: () => {
				const w = new FakeWorker({ WebSocketImpl: FakeWebSocket });
				created.push(w);
				return w;
			}
		});
		const worker = created[0]!;
		const a = new transport.WebSocketImpl(URL_);
		const logA = record(a);
		worker.flush();
		const realA = FakeWebSocket.last();
		realA.open();
		worker.flush();
		// The machine lets go of A (handlers detached, close without waiting) and opens B.
		a.close();
		a.onmessage = null;
		a.onclose = null;
		const b = new transport.WebSocketImpl(URL_);
		const logB = record(b);
		realA.message({ type: 'pong', id: 'late' }); // A's late frame, before the close lands
		worker.flush();
		const realB = FakeWebSocket.last();
		expect(realB).not.toBe(realA);
		realB.open().message({ type: 'pong', id: 'b' });
		worker.flush();
		expect(created).toHaveLength(1);
		expect(logA).toEqual(['open']);
		expect(logB).toEqual(['open', expect.stringMatching(/^message pong /)]);

		// An event naming A after it closed (a stale id) reaches nobody.
		const onmessage = vi.fn();
		a.onmessage = onmessage;
		worker.toMain.push({
			t: 'batch',
			events: [{ t: 'message', s: 1, r: { ok: true, message: { type: 'pong' } }, b: 15 }]
		});
		worker.flush();
		expect(onmessage).not.toHaveBeenCalled();
	});

	it('batches events while the main thread is busy, keeping their order', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const seqs: number[] = [];
		ws.onmessage = (e) => {
			const r = e.decoded;
			if (r?.ok && r.message.type === 'log_entry') seqs.push(r.message.payload.seq);
		};
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		for (let seq = 1; seq <= 10; seq++) real.message({ type: 'log_entry', payload: logEntry(seq) });
		// Main has not run: the open and the first frame went out alone, the rest wait for an ack.
		expect(worker.toMain.map((m) => (m.t === 'batch' ? m.events.length : 0))).toEqual([1, 1]);
		expect(MAX_BATCHES_IN_FLIGHT).toBe(2);
		worker.deliverToMain(1); // the open batch: one ack goes back
		worker.deliverToWorker();
		expect(worker.toMain.map((m) => (m.t === 'batch' ? m.events.length : 0))).toEqual([1, 9]);
		worker.flush();
		expect(seqs).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
	});

	it('cuts a large log_batch into runs of entries and puts it back together, in order', () => {
		const { worker, transport } = setup({ maxPostBytes: 2_000 });
		const ws = new transport.WebSocketImpl(URL_);
		const got: { type: string; seqs: number[]; bytes: number | undefined }[] = [];
		ws.onmessage = (e) => {
			const r = e.decoded;
			if (!r?.ok) return;
			const m = r.message;
			const seqs =
				m.type === 'log_batch'
					? m.payload.map((x) => x.seq)
					: m.type === 'history' && m.payload.stream === 'logs'
						? m.payload.items.map((x) => x.seq)
						: [];
			got.push({ type: m.type, seqs, bytes: e.bytes });
		};
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		worker.flush();
		const seqs = Array.from({ length: 40 }, (_, i) => i + 1);
		const batch = JSON.stringify(logBatch(seqs, { metadata: { '': 1 }, message: 'x'.repeat(100) }));
		const history = JSON.stringify({
			type: 'history',
			payload: {
				stream: 'logs',
				resourceId: '*',
				epoch: 'e1',
				complete: true,
				items: seqs.map((seq) => logEntry(seq + 100))
			}
		});
		real.message(batch);
		const posts = worker.toMain.filter((m) => m.t === 'batch');
		// The batch went alone (nothing in flight), in pieces; only its last piece ends it.
		expect(posts.length).toBeGreaterThan(5);
		expect(posts.slice(0, -1).every((m) => m.t === 'batch' && m.more)).toBe(true);
		expect(posts.at(-1)).not.toHaveProperty('more');
		real.message({ type: 'pong' });
		real.message(history);
		worker.flush();
		expect(got).toEqual([
			{ type: 'log_batch', seqs, bytes: batch.length },
			{ type: 'pong', seqs: [], bytes: 15 },
			{ type: 'history', seqs: seqs.map((x) => x + 100), bytes: history.length }
		]);
		// One acknowledgement per batch (the open, the log_batch, the pong, the history), not per piece.
		expect(worker.received.filter((m) => m.t === 'ack')).toHaveLength(4);
	});

	it('keeps small frames together in one postMessage', () => {
		const { worker, transport } = setup({ maxPostBytes: 100_000 });
		const ws = new transport.WebSocketImpl(URL_);
		ws.onmessage = () => {};
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		for (let seq = 1; seq <= 50; seq++) real.message({ type: 'log_entry', payload: logEntry(seq) });
		// The open and the first frame went alone; once they are acknowledged, the other 49 go in one.
		worker.deliverToMain(2).deliverToWorker();
		expect(worker.toMain).toHaveLength(1);
		const last = worker.toMain[0]!;
		expect(last.t === 'batch' && last.events.length).toBe(49);
	});

	it('sends a split frame as text when a run of it cannot be cloned', () => {
		const { worker, transport } = setup({ maxPostBytes: 1_000 });
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		worker.flush();
		const deep = '['.repeat(50_000) + ']'.repeat(50_000);
		const entries = [1, 2, 3, 4, 5, 6].map((seq) => JSON.stringify(logEntry(seq)));
		entries[1] = entries[1]!.slice(0, -1) + `,"metadata":{"deep":${deep}}}`;
		const frame = `{"type":"log_batch","payload":[${entries.join(',')}]}`;
		real.message(frame);
		real.message({ type: 'log_entry', payload: logEntry(7) });
		worker.flush();
		expect(log).toEqual(['open', `raw ${frame}`, expect.stringMatching(/^message log_entry/)]);
	});

	it('closes a socket whose backlog passes the bound, after what was already handed over', () => {
		const frame = JSON.stringify({ type: 'log_entry', payload: logEntry(1) });
		const { worker, transport } = setup({ maxBacklogBytes: frame.length * 4 });
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		worker.flush();
		for (let seq = 1; seq <= 6; seq++) {
			real.message(JSON.stringify({ type: 'log_entry', payload: logEntry(seq) }));
		}
		expect(real.readyState).toBe(3);
		expect(real.attached).toBe(false);
		worker.flush();
		// Two batches were in flight (seq 1, seq 2); 3 and 4 were waiting and are dropped with it.
		expect(log).toEqual([
			'open',
			expect.stringMatching(/^message log_entry/),
			expect.stringMatching(/^message log_entry/),
			`close 1006 ${BACKLOG_CLOSE_REASON} false`
		]);
	});
});

describe('WorkerTransport: fallback', () => {
	it('uses main-thread WebSockets when the worker cannot be created, and says why', () => {
		const transport = new WorkerTransport({
			createWorker: () => {
				throw new Error('Worker is not defined');
			},
			fallback: FakeWebSocket
		});
		expect(transport.kind).toBe('main');
		expect(transport.fallbackReason).toMatch(/unavailable: Worker is not defined/);
		const ws = new transport.WebSocketImpl(URL_);
		expect(ws).toBe(FakeWebSocket.last());
	});

	it('moves a socket opened while the worker was loading to the main thread', () => {
		const { worker, transport, onChange } = setup({ boot: false });
		const ws = new transport.WebSocketImpl(URL_, 'p1');
		const log = record(ws);
		worker.fail('blocked by CSP');
		expect(worker.terminated).toBe(true);
		expect(transport.kind).toBe('main');
		expect(transport.fallbackReason).toBe('decoding worker failed: blocked by CSP');
		expect(onChange).toHaveBeenCalledTimes(1);
		const real = FakeWebSocket.last();
		expect(real.url).toBe(URL_);
		expect(real.protocols).toBe('p1');
		real.open().message('{"type":"pong"}');
		expect(ws.readyState).toBe(1);
		ws.send('x');
		expect(real.sent).toEqual(['x']);
		real.serverClose(1000);
		expect(log).toEqual(['open', 'raw {"type":"pong"}', 'close 1000  true']);
		expect(ws.readyState).toBe(3);
		// Later sockets are plain main-thread ones.
		expect(new transport.WebSocketImpl(URL_)).toBe(FakeWebSocket.last());
	});

	it('ends the sockets of a worker that fails after it started (error + 1006)', () => {
		const { worker, transport, onChange } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		FakeWebSocket.last().open();
		worker.flush();
		worker.fail('out of memory');
		expect(log).toEqual([
			'open',
			'error',
			'close 1006 decoding worker failed: out of memory false'
		]);
		expect(transport.kind).toBe('main');
		expect(onChange).toHaveBeenCalledTimes(1);
	});
});

describe('WorkerTransport: dispose', () => {
	it('closes the worker’s sockets, waits for them, then terminates it', async () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		worker.flush();
		const done = transport.dispose();
		worker.flush();
		await done;
		expect(real.readyState).toBe(3);
		expect(worker.exited).toBe(true);
		expect(worker.terminated).toBe(true);
		expect(ws.readyState).toBe(1); // the main side was let go of, not told
	});

	it('terminates a worker that does not answer', async () => {
		const { worker, transport } = setup();
		await transport.dispose();
		expect(worker.terminated).toBe(true);
	});
});

describe('restorePrototypes: what crosses from the worker equals the main-thread decoder', () => {
	const through = (r: DecodeResult<ServerMessage>) => {
		const copy = structuredClone(r);
		restorePrototypes(copy);
		return copy;
	};

	it('for every server vector', () => {
		for (const v of SERVER_VECTORS) {
			const r = decodeServerFrame(JSON.stringify(v.frame));
			expect(r.ok, v.type).toBe(true);
			expect(differences(through(r), r), v.type).toEqual([]);
		}
	});

	it('for fuzzed server frames', () => {
		const types = new Set(SERVER_VECTORS.map((v) => v.type));
		let decoded = 0;
		let uncloneable = 0;
		for (const c of generateCases(new Rng(7).int(1e9), 3_000, SERVER_VECTORS, types)) {
			const r = decodeServerFrame(c.frame);
			if (r.ok) decoded++;
			let copy: DecodeResult<ServerMessage>;
			try {
				copy = through(r);
			} catch (error) {
				// Too deep for structured clone: the worker sends such a frame as text (next test).
				expect(String(error)).toMatch(/call stack/);
				uncloneable++;
				continue;
			}
			expect(differences(copy, r), String(c.frame).slice(0, 200)).toEqual([]);
		}
		expect(decoded).toBeGreaterThan(100);
		expect(uncloneable).toBeLessThan(decoded);
	});

	it('sends a frame too deep to clone as text, in its place, for the main thread to decode', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const log = record(ws);
		worker.flush();
		const real = FakeWebSocket.last();
		const deep = '['.repeat(50_000) + ']'.repeat(50_000);
		const payload = JSON.stringify(logEntry(2)).slice(0, -1) + `,"metadata":{"deep":${deep}}}`;
		const frame = `{"type":"log_entry","payload":${payload}}`;
		expect(decodeServerFrame(frame).ok).toBe(true);
		real.open();
		real.message({ type: 'log_entry', payload: logEntry(1) });
		real.message({ type: 'pong' }); // waits, with the deep one, for an ack
		real.message(frame);
		real.message({ type: 'log_entry', payload: logEntry(3) });
		worker.flush();
		expect(log).toEqual([
			'open',
			expect.stringMatching(/^message log_entry/),
			expect.stringMatching(/^message pong/),
			`raw ${frame}`,
			expect.stringMatching(/^message log_entry/)
		]);
	});

	/** Frames through the whole worker path (cut, pack, clone, unpack), as the main thread gets them. */
	function throughWorker(frames: (string | Uint8Array)[], maxPostBytes?: number) {
		const { worker, transport } = setup(maxPostBytes === undefined ? {} : { maxPostBytes });
		const ws = new transport.WebSocketImpl(URL_);
		const got: DecodeResult<ServerMessage>[] = [];
		ws.onmessage = (e) => got.push(e.decoded ?? decodeServerFrame(e.data));
		worker.flush();
		const real = FakeWebSocket.last();
		real.open();
		for (const frame of frames) {
			real.message(
				typeof frame === 'string'
					? frame
					: frame.buffer.slice(frame.byteOffset, frame.byteOffset + frame.byteLength)
			);
		}
		worker.flush();
		return got;
	}

	it('through the worker, for every server vector and runs of entries cut small', () => {
		const frames = SERVER_VECTORS.map((v) => JSON.stringify(v.frame));
		frames.push(JSON.stringify(logBatch([1, 2, 3, 4, 5, 6, 7], { metadata: { a: { b: [1] } } })));
		for (const max of [undefined, 300]) {
			const got = throughWorker(frames, max);
			expect(got).toHaveLength(frames.length);
			got.forEach((r, i) => {
				expect(differences(r, decodeServerFrame(frames[i]!)), frames[i]).toEqual([]);
			});
		}
	});

	it('through the worker, for fuzzed server frames', () => {
		const types = new Set(SERVER_VECTORS.map((v) => v.type));
		const frames = [...generateCases(new Rng(11).int(1e9), 2_000, SERVER_VECTORS, types)].map(
			(c) => c.frame
		);
		for (const max of [undefined, 2_000]) {
			const got = throughWorker(frames, max);
			expect(got).toHaveLength(frames.length);
			got.forEach((r, i) => {
				const frame = frames[i]!;
				expect(differences(r, decodeServerFrame(frame)), String(frame).slice(0, 200)).toEqual([]);
			});
		}
	});

	it('keeps a __proto__ key from the wire an own key of a null-prototype object', () => {
		const { worker, transport } = setup();
		const ws = new transport.WebSocketImpl(URL_);
		const got = messagesOf(ws);
		worker.flush();
		const payload =
			JSON.stringify(logEntry(1)).slice(0, -1) +
			',"metadata":{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":1}}}}';
		FakeWebSocket.last().open().message(`{"type":"log_batch","payload":[${payload}]}`);
		worker.flush();
		const r = got[0]!.decoded!;
		if (!r.ok || r.message.type !== 'log_batch') throw new Error('not a batch');
		const entry: LogEntry = r.message.payload[0]!;
		const meta = entry.metadata!;
		expect(Object.getPrototypeOf(meta)).toBeNull();
		expect(Object.hasOwn(meta, '__proto__')).toBe(true);
		expect(Object.keys(meta)).toEqual(['__proto__', 'constructor']);
		expect(entry.timestamp).toBeInstanceOf(Date);
		expect(inheritedSurprises(r.message)).toEqual([]);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});

describe('ConnectionClient with the worker transport', () => {
	function client(options: ConstructorParameters<typeof ConnectionClient>[1] = {}) {
		return new ConnectionClient(
			{ url: URL_ },
			{ clock: new TestClock(), random: () => 0.5, ...options }
		);
	}

	it('is not the default: the main thread is, even when a Worker can be made', () => {
		const c = client({ createWorker: () => new FakeWorker({ WebSocketImpl: FakeWebSocket }) });
		expect(c.stats.transport).toBe('main');
	});

	it("is used with transport: 'worker', and data flows through it", async () => {
		const worker = new FakeWorker({ WebSocketImpl: FakeWebSocket });
		const createWorker = vi.fn(() => worker);
		const c = client({ transport: 'worker', createWorker });
		expect(c.stats.transport).toBe('worker');
		expect(c.stats.transportFallback).toBeNull();
		const items: number[] = [];
		c.subscribe('logs', { onItems: (batch) => items.push(...batch.map((e) => e.seq)) });
		// Connecting before the transport's module (loaded on demand) arrived: the socket waits.
		c.connect();
		expect(c.state).toBe('connecting');
		await vi.waitFor(() => expect(createWorker).toHaveBeenCalledOnce());
		worker.flush();
		const real = FakeWebSocket.last();
		real.open().message(welcomeFrame());
		worker.flush();
		expect(c.state).toBe('open');
		real.message(subscribed('logs'));
		real.message(logBatch([1, 2, 3]));
		real.message({ type: 'log_entry', payload: logEntry(4) });
		worker.flush();
		expect(items).toEqual([1, 2, 3, 4]);
		expect(real.sentTypes()).toContain('subscribe');
		expect(c.stats.messagesIn).toBe(4);
		expect(c.stats.bytesIn).toBeGreaterThan(0);
		c.dispose();
		worker.flush();
		expect(real.readyState).toBe(3);
		expect(worker.terminated).toBe(true);
	});

	it('opens no socket for a connection closed while its module loads, nor after dispose', async () => {
		const worker = new FakeWorker({ WebSocketImpl: FakeWebSocket });
		const createWorker = vi.fn(() => worker);
		const c = client({ transport: 'worker', createWorker });
		c.connect();
		c.disconnect();
		expect(c.state).toBe('closed');
		await vi.waitFor(() => expect(createWorker).toHaveBeenCalledOnce());
		worker.flush();
		expect(FakeWebSocket.instances).toHaveLength(0);
		c.dispose();
		await c.whenDisposed();
		expect(worker.terminated).toBe(true);

		// Disposed before the module arrived: no worker is ever started.
		const never = vi.fn(() => new FakeWorker({ WebSocketImpl: FakeWebSocket }));
		const d = client({ transport: 'worker', createWorker: never });
		d.connect();
		d.dispose();
		await d.whenDisposed();
		expect(never).not.toHaveBeenCalled();
		expect(FakeWebSocket.instances).toHaveLength(0);
	});

	it('reconnects over the same worker after a drop', async () => {
		const workers: FakeWorker[] = [];
		const clock = new TestClock();
		const c = new ConnectionClient(
			{ url: URL_ },
			{
				clock,
				random: () => 0,
				transport: 'worker',
				createWorker: () => {
					const w = new FakeWorker({ WebSocketImpl: FakeWebSocket });
					workers.push(w);
					return w;
				}
			}
		);
		c.connect();
		await vi.waitFor(() => expect(workers).toHaveLength(1));
		const worker = workers[0]!;
		worker.flush();
		FakeWebSocket.last().open().message(welcomeFrame());
		worker.flush();
		FakeWebSocket.last().drop();
		worker.flush();
		expect(c.state).toBe('backoff');
		clock.advance(1_000);
		worker.flush();
		expect(FakeWebSocket.instances).toHaveLength(2);
		FakeWebSocket.last().open().message(welcomeFrame());
		worker.flush();
		expect(c.state).toBe('open');
		expect(workers).toHaveLength(1);
		c.dispose();
	});

	it('shows a failed worker in the stats and falls back', async () => {
		const c = client({
			transport: 'worker',
			WebSocketImpl: FakeWebSocket,
			createWorker: () => {
				throw new Error('refused by CSP');
			}
		});
		await vi.waitFor(() => expect(c.stats.transport).toBe('main'));
		expect(c.stats.transportFallback).toMatch(/refused by CSP/);
		c.connect();
		FakeWebSocket.last().open().message(welcomeFrame());
		expect(c.state).toBe('open');
		c.dispose();
	});

	it('keeps the main thread in Node and with transport: main', () => {
		expect(client({ WebSocketImpl: FakeWebSocket }).stats.transport).toBe('main');
		const createWorker = vi.fn();
		const c = client({ transport: 'main', WebSocketImpl: FakeWebSocket, createWorker });
		expect(c.stats).toMatchObject({ transport: 'main', transportFallback: null });
		expect(createWorker).not.toHaveBeenCalled();
	});
});
