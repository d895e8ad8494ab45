/**
 * The decoding worker's logic (socket.worker.ts runs it inside a dedicated Worker; tests run it
 * in Node behind a fake Worker). It owns the real WebSockets, decodes every frame with the same
 * `decodeServerFrame` as socket.ts, and reports each socket's events to the main thread in the
 * order they happened, as batches of {@link SocketReport}s.
 *
 * Batches: at most {@link MAX_BATCHES_IN_FLIGHT} are posted before the main thread acknowledges
 * one; meanwhile events pile up and go out together. An idle link therefore posts every frame at
 * once (no added latency), and a busy main thread gets one message event per batch instead of one
 * per frame. The backlog is bounded by {@link MAX_BACKLOG_BYTES}: see there.
 */
import { decodeServerFrame, type DecodeResult, type ServerMessage } from '$lib/protocol';
import { frameSize } from './frame-size';
import type { WebSocketConstructor, WebSocketLike } from './socket';
import { preferArrayBuffer } from './socket-relay';
import {
	BACKLOG_CLOSE_REASON,
	MAX_BACKLOG_BYTES,
	MAX_BATCHES_IN_FLIGHT,
	MAX_POST_BYTES,
	type FromWorker,
	type SocketReport,
	type ToWorker
} from './worker-wire';

/** What the decoder needs from its worker scope. */
export interface DecoderOptions {
	/** `self.postMessage`. */
	post: (message: FromWorker) => void;
	/** The worker's `WebSocket` (a fake in tests). */
	WebSocketImpl: WebSocketConstructor;
	/** `self.close`, called once every socket has closed after `shutdown`. Default none. */
	exit?: () => void;
	/** See {@link MAX_BACKLOG_BYTES}. Default that. */
	maxBacklogBytes?: number;
	/** See {@link MAX_POST_BYTES}. Default that. */
	maxPostBytes?: number;
}

/** Events that go in one postMessage, with the frame of each `message` (for {@link asRaw}). */
interface Piece {
	events: SocketReport[];
	frames: unknown[];
}

/** The entries of a decoded message that may be cut into runs: `log_batch`, log `history`. */
function entriesOf(r: DecodeResult<ServerMessage>): unknown[] | undefined {
	if (!r.ok) return undefined;
	const m = r.message;
	if (m.type === 'log_batch') return m.payload;
	if (m.type === 'history' && m.payload.stream === 'logs') return m.payload.items;
	return undefined;
}

function setEntries(r: DecodeResult<ServerMessage>, entries: unknown[]): void {
	if (!r.ok) return;
	const m = r.message;
	if (m.type === 'log_batch') m.payload = entries as typeof m.payload;
	else if (m.type === 'history' && m.payload.stream === 'logs') {
		m.payload.items = entries as typeof m.payload.items;
	}
}

/** A `message` event as its frame's text (always cloneable), if the frame is text or bytes. */
function asRaw(event: SocketReport, frame: unknown): SocketReport | undefined {
	if (event.t !== 'message') return undefined;
	if (typeof frame !== 'string' && !(frame instanceof ArrayBuffer)) return undefined;
	return { t: 'raw', s: event.s, data: frame, b: event.b };
}

/**
 * Cut a batch into postMessage-sized pieces of about `max` frame bytes: small frames share a
 * piece; a larger `log_batch` (or log `history`) becomes runs of its entries (`items` events,
 * each a piece) followed by the message with the last run, which the main thread puts back
 * together.
 */
export function cut(events: SocketReport[], frames: unknown[], max: number): Piece[] {
	const pieces: Piece[] = [];
	let current: Piece = { events: [], frames: [] };
	let size = 0;
	const close = () => {
		if (current.events.length === 0) return;
		pieces.push(current);
		current = { events: [], frames: [] };
		size = 0;
	};
	for (let i = 0; i < events.length; i++) {
		const event = events[i]!;
		const frame = frames[i];
		const bytes = event.t === 'message' ? event.b : 0;
		const entries = bytes > max && event.t === 'message' ? entriesOf(event.r) : undefined;
		if (entries && entries.length > 1 && event.t === 'message') {
			close();
			const run = Math.max(1, Math.floor((entries.length * max) / bytes));
			let start = 0;
			for (; entries.length - start > run; start += run) {
				pieces.push({
					events: [{ t: 'items', s: event.s, items: entries.slice(start, start + run) }],
					frames: [undefined]
				});
			}
			setEntries(event.r, entries.slice(start));
			current.events.push(event);
			current.frames.push(frame);
			close();
			continue;
		}
		if (size > 0 && size + bytes > max) close();
		current.events.push(event);
		current.frames.push(frame);
		size += bytes;
	}
	close();
	return pieces;
}

const noop = () => {};

/**
 * Start the decoder: posts `ready` and returns the handler for the main thread's messages
 * (`self.onmessage = (e) => handle(e.data)`).
 */
export function createSocketDecoder(options: DecoderOptions): (message: ToWorker) => void {
	const { post, WebSocketImpl } = options;
	const maxBacklog = options.maxBacklogBytes ?? MAX_BACKLOG_BYTES;
	const maxPost = options.maxPostBytes ?? MAX_POST_BYTES;
	const sockets = new Map<number, WebSocketLike>();
	/** Sockets the main thread asked to close: their frames are no longer decoded. */
	const closing = new Set<number>();
	let pending: SocketReport[] = [];
	/** The frame of each pending `message` event, in case its decoded form cannot be cloned. */
	let pendingFrames: unknown[] = [];
	let pendingBytes = 0;
	/** Frame bytes of each posted, unacknowledged batch, oldest first. */
	const inFlight: number[] = [];
	let backlog = 0;
	let stopping = false;

	/** Sockets whose current split message must go as text (a piece of it would not clone). */
	const poisoned = new Set<number>();

	const flush = () => {
		if (pending.length === 0 || inFlight.length >= MAX_BATCHES_IN_FLIGHT) return;
		const events = pending;
		const frames = pendingFrames;
		inFlight.push(pendingBytes);
		pending = [];
		pendingFrames = [];
		pendingBytes = 0;
		const pieces = cut(events, frames, maxPost);
		for (let i = 0; i < pieces.length; i++) {
			const piece = pieces[i]!;
			const last = i === pieces.length - 1;
			if (poisoned.size === 0 || !piece.events.some((e) => poisoned.has(e.s))) {
				try {
					post(
						last
							? { t: 'batch', events: piece.events }
							: { t: 'batch', events: piece.events, more: true }
					);
					continue;
				} catch {
					// Too deep to clone: see postOneByOne.
				}
			}
			postOneByOne(piece, last);
		}
	};

	/**
	 * Structured clone refused a piece (a value nested deeper than its recursion allows; V8's
	 * JSON.parse has no such limit): post its events one by one. A message that still fails goes
	 * as its frame's text, for the main thread to decode as it would without the worker; so does a
	 * split message one of whose runs of entries failed (the main thread drops the runs it got).
	 */
	const postOneByOne = (piece: Piece, last: boolean) => {
		const { events, frames } = piece;
		for (let i = 0; i < events.length; i++) {
			const end = last && i === events.length - 1;
			const send = (list: SocketReport[]) =>
				post(end ? { t: 'batch', events: list } : { t: 'batch', events: list, more: true });
			let event = events[i]!;
			const frame = frames[i];
			if (poisoned.has(event.s)) {
				if (event.t === 'items') {
					if (end) send([]);
					continue;
				}
				if (event.t === 'message') {
					poisoned.delete(event.s);
					event = asRaw(event, frame) ?? event;
				}
			}
			try {
				send([event]);
			} catch {
				if (event.t === 'items') poisoned.add(event.s);
				const raw = event.t === 'message' ? asRaw(event, frame) : undefined;
				send(raw ? [raw] : []);
			}
		}
	};

	const report = (event: SocketReport, frame?: unknown) => {
		if (stopping) return;
		pending.push(event);
		pendingFrames.push(frame);
		flush();
	};

	const stopIfDone = () => {
		if (stopping && sockets.size === 0) {
			post({ t: 'stopped' });
			options.exit?.();
		}
	};

	const detach = (ws: WebSocketLike) => {
		ws.onopen = null;
		ws.onmessage = null;
		ws.onclose = null;
		ws.onerror = noop;
	};

	/** Give up on a socket whose frames the main thread cannot take fast enough. */
	const abandon = (id: number, ws: WebSocketLike) => {
		detach(ws);
		sockets.delete(id);
		closing.delete(id);
		try {
			ws.close();
		} catch {
			// Already closing; the handlers are gone either way.
		}
		// Its undelivered frames go too: the main thread resumes from the last one it applied.
		const kept: SocketReport[] = [];
		const keptFrames: unknown[] = [];
		for (let i = 0; i < pending.length; i++) {
			const event = pending[i]!;
			if (event.s !== id) {
				kept.push(event);
				keptFrames.push(pendingFrames[i]);
			} else if (event.t === 'message') {
				pendingBytes -= event.b;
				backlog -= event.b;
			}
		}
		pending = kept;
		pendingFrames = keptFrames;
		report({ t: 'close', s: id, code: 1006, reason: BACKLOG_CLOSE_REASON, clean: false });
	};

	const open = (id: number, url: string, protocols: string | string[] | undefined) => {
		let ws: WebSocketLike;
		try {
			ws = new WebSocketImpl(url, protocols);
		} catch (error) {
			// The main thread checked the URL as a browser would; anything left (bad subprotocols)
			// fails this attempt like a refused connection.
			report({ t: 'error', s: id });
			const reason = error instanceof Error ? error.message : String(error);
			report({ t: 'close', s: id, code: 1006, reason: reason.slice(0, 123), clean: false });
			return;
		}
		sockets.set(id, ws);
		preferArrayBuffer(ws);
		ws.onopen = () => report({ t: 'open', s: id });
		ws.onmessage = (event) => {
			if (stopping || closing.has(id)) return;
			const bytes = frameSize(event.data);
			if (backlog + bytes > maxBacklog) return abandon(id, ws);
			const r = decodeServerFrame(event.data);
			backlog += bytes;
			pendingBytes += bytes;
			report({ t: 'message', s: id, r, b: bytes }, event.data);
		};
		ws.onerror = () => report({ t: 'error', s: id });
		ws.onclose = (event) => {
			sockets.delete(id);
			closing.delete(id);
			detach(ws);
			report({
				t: 'close',
				s: id,
				code: typeof event.code === 'number' ? event.code : 1006,
				reason: typeof event.reason === 'string' ? event.reason : '',
				clean: event.wasClean === true
			});
			stopIfDone();
		};
	};

	const handle = (message: ToWorker) => {
		switch (message.t) {
			case 'open':
				if (!stopping) open(message.s, message.url, message.protocols);
				return;
			case 'send': {
				const ws = sockets.get(message.s);
				try {
					ws?.send(message.data);
				} catch {
					// The main thread sends only while it sees the socket open; a socket that has
					// started closing here since then drops the frame, as a browser's does.
				}
				return;
			}
			case 'close': {
				const ws = sockets.get(message.s);
				if (!ws) return;
				closing.add(message.s);
				try {
					if (message.code !== undefined) ws.close(message.code, message.reason);
					else ws.close();
				} catch {
					// The main thread validated code and reason; close without them rather than not at all.
					ws.close();
				}
				return;
			}
			case 'ack': {
				backlog -= inFlight.shift() ?? 0;
				flush();
				return;
			}
			case 'shutdown': {
				stopping = true;
				pending = [];
				pendingFrames = [];
				pendingBytes = 0;
				for (const ws of sockets.values()) {
					try {
						ws.close();
					} catch {
						// Closing already.
					}
				}
				stopIfDone();
				return;
			}
		}
	};

	post({ t: 'ready' });
	return handle;
}
