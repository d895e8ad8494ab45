/**
 * The worker transport, main-thread side: WebSockets whose frames are received and decoded in a
 * dedicated Worker (worker-decoder.ts), so this thread only takes already-decoded messages. In
 * Chromium, JSON.parse of a 5,000-entry `log_batch` (3.2 MB) costs the main thread 27–34 ms;
 * taking the same entries from a worker (structured-clone deserialisation) 13 ms, and the UTF-8
 * decoding and validation leave this thread too. The worker pays more than that in all (it also
 * serialises), so it wins where a core is free; docs/connection.md ("Worker transport") has the
 * measurements.
 *
 * `WorkerTransport.WebSocketImpl` is a `WebSocketConstructor`, so the socket actor (socket.ts)
 * uses it like any other: the sockets it makes mirror the worker's socket (`readyState`, `onopen`,
 * `onmessage`, `onerror`, `onclose` with code, reason and `wasClean`), and their message events
 * carry the decoded frame (`decoded`, `bytes`) instead of `data`. One worker per transport, reused
 * by every socket the transport makes; each socket has an id, so nothing of a closed socket can
 * reach its successor.
 *
 * Fallback: when the worker cannot be created (no `Worker`, a CSP that forbids it) or fails to
 * load, sockets are plain main-thread WebSockets from then on (a socket opened while the worker
 * was loading is moved over without being closed), and {@link WorkerTransport.fallbackReason}
 * says why. A worker that fails after it started ends the sockets it held as an abnormal closure
 * (1006), and the connection's next attempt uses the main thread.
 */
import type { DecodeResult, LogEntry, ServerMessage } from '$lib/protocol';
import type { WebSocketConstructor, WebSocketLike, SocketMessageEvent } from './socket';
import { preferArrayBuffer, relayEvents } from './socket-relay';
import type { FromWorker, SocketReport, ToWorker } from './worker-wire';

/** The part of `Worker` the transport uses (a fake in tests). */
export interface WorkerLike {
	postMessage(message: ToWorker): void;
	terminate(): void;
	onmessage: ((event: { data: FromWorker }) => void) | null;
	onerror: ((event: { message?: string }) => void) | null;
	onmessageerror: ((event: unknown) => void) | null;
}

/** Which thread receives and decodes frames. */
export type TransportKind = 'worker' | 'main';

/** Start the decoding worker (Vite bundles socket.worker.ts as a module worker). */
export function startSocketWorker(): WorkerLike {
	return new Worker(new URL('./socket.worker.ts', import.meta.url), {
		type: 'module',
		name: 'kecs-live socket'
	}) as unknown as WorkerLike;
}

/** Options of a {@link WorkerTransport}. */
export interface WorkerTransportOptions {
	/** Starts the worker; may throw (no `Worker`, CSP). Default {@link startSocketWorker}. */
	createWorker?: () => WorkerLike;
	/** The main-thread WebSocket used when the worker is unavailable. Default `globalThis.WebSocket`. */
	fallback?: WebSocketConstructor | undefined;
	/** Base of relative socket URLs, as a page's WebSocket resolves them. Default `location.href`. */
	baseUrl?: string | undefined;
	/** Told when {@link WorkerTransport.kind} changes (the worker failed). Default none. */
	onChange?: () => void;
	/** How long `dispose` waits for the worker to close its sockets before terminating it. Default 2000 ms. */
	shutdownTimeout?: number;
}

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** Report an exception from a handler without losing the rest of the batch (as a browser would). */
function rethrowLater(error: unknown): void {
	queueMicrotask(() => {
		throw error;
	});
}

function metadataOf(entry: LogEntry): void {
	if (entry.metadata !== undefined) Object.setPrototypeOf(entry.metadata, null);
}

/** Put `before` (the runs that came ahead in `items` events) in front of a message's entries. */
function prepend(r: DecodeResult<ServerMessage>, before: LogEntry[]): void {
	if (!r.ok) return;
	const m = r.message;
	const append = (entries: LogEntry[]) => {
		for (const entry of entries) before.push(entry);
		return before;
	};
	if (m.type === 'log_batch') m.payload = append(m.payload);
	else if (m.type === 'history' && m.payload.stream === 'logs') {
		m.payload.items = append(m.payload.items);
	}
}

/**
 * Give back the null prototypes the decoder gives `metadata` objects (schemas.ts `safeRecord`,
 * fast-log.ts), which structured clone replaces with `Object.prototype`. A `__proto__` key from
 * the wire survives the clone as an own property either way (V8 defines, never sets, cloned
 * properties); this restores the rest of the guarantee: nothing inherited, so `metadata.toString`
 * or `'constructor' in metadata` means what the wire said. worker-socket.spec.ts compares every
 * server vector and fuzzed frame with the main-thread decoder, prototypes included, so a new
 * `safeRecord` field that is missing here fails there.
 */
export function restorePrototypes(result: DecodeResult<ServerMessage>): void {
	if (!result.ok) return;
	const m = result.message;
	switch (m.type) {
		case 'log_entry':
			metadataOf(m.payload);
			return;
		case 'log_batch':
			for (const entry of m.payload) metadataOf(entry);
			return;
		case 'history':
			if (m.payload.stream === 'logs') for (const entry of m.payload.items) metadataOf(entry);
			return;
		case 'filtersSet':
			for (const filter of m.payload) {
				if (filter.metadata !== undefined) Object.setPrototypeOf(filter.metadata, null);
			}
			return;
		default:
			return;
	}
}

/**
 * Resolve `url` as a page's `new WebSocket(url)` does, throwing the same `SyntaxError` at once
 * (the worker opens it later, where an exception could no longer reach the caller).
 */
function socketUrl(url: string, base: string | undefined): string {
	const fail = (): never => {
		throw new DOMException(`The URL '${url}' is invalid.`, 'SyntaxError');
	};
	let parsed: URL;
	try {
		parsed = base === undefined ? new URL(url) : new URL(url, base);
	} catch {
		return fail();
	}
	if (parsed.protocol === 'http:') parsed.protocol = 'ws:';
	else if (parsed.protocol === 'https:') parsed.protocol = 'wss:';
	if ((parsed.protocol !== 'ws:' && parsed.protocol !== 'wss:') || parsed.hash !== '') fail();
	return parsed.href;
}

/** One socket as the main thread sees it; the real one lives in the worker. */
class WorkerSocket implements WebSocketLike {
	binaryType = 'arraybuffer';
	onopen: WebSocketLike['onopen'] = null;
	onmessage: WebSocketLike['onmessage'] = null;
	onclose: WebSocketLike['onclose'] = null;
	onerror: WebSocketLike['onerror'] = null;
	private state = CONNECTING;
	/** Set when the worker failed to load and this socket moved to the main thread. */
	private inner: WebSocketLike | undefined;
	/** Entries of the next message, received ahead of it (`items` events). */
	private ahead: LogEntry[] | undefined;

	constructor(
		private readonly transport: WorkerTransport,
		readonly id: number,
		readonly url: string,
		readonly protocols: string | string[] | undefined
	) {}

	get readyState(): number {
		return this.inner ? this.inner.readyState : this.state;
	}

	send(data: string): void {
		if (this.inner) return this.inner.send(data);
		if (this.state === CONNECTING) {
			throw new DOMException('Still in CONNECTING state.', 'InvalidStateError');
		}
		if (this.state === OPEN) this.transport.post({ t: 'send', s: this.id, data });
	}

	close(code?: number, reason?: string): void {
		if (this.inner) return this.inner.close(code, reason);
		if (code !== undefined && code !== 1000 && (code < 3000 || code > 4999)) {
			throw new DOMException(`The close code ${code} is not allowed.`, 'InvalidAccessError');
		}
		if (reason !== undefined && new TextEncoder().encode(reason).length > 123) {
			throw new DOMException('The close reason is longer than 123 bytes.', 'SyntaxError');
		}
		if (this.state === CLOSING || this.state === CLOSED) return;
		this.state = CLOSING;
		this.transport.post({ t: 'close', s: this.id, code, reason });
	}

	/** An event from the worker's socket. */
	receive(event: SocketReport): void {
		switch (event.t) {
			case 'open':
				// After close() a browser fires no `open` either.
				if (this.state !== CONNECTING) return;
				this.state = OPEN;
				this.onopen?.({ type: 'open' });
				return;
			case 'items': {
				if (this.state !== OPEN) return;
				const ahead = (this.ahead ??= []);
				for (const entry of event.items as LogEntry[]) {
					metadataOf(entry);
					ahead.push(entry);
				}
				return;
			}
			case 'message': {
				const ahead = this.ahead;
				this.ahead = undefined;
				if (this.state !== OPEN) return;
				restorePrototypes(event.r);
				if (ahead) prepend(event.r, ahead);
				const message: SocketMessageEvent = { data: null, decoded: event.r, bytes: event.b };
				this.onmessage?.(message);
				return;
			}
			case 'raw':
				// socket.ts decodes it, as without the worker (runs received ahead of it are moot).
				this.ahead = undefined;
				if (this.state === OPEN) this.onmessage?.({ data: event.data });
				return;
			case 'error':
				if (this.state !== CLOSED) this.onerror?.({ type: 'error' });
				return;
			case 'close':
				this.end(event.code, event.reason, event.clean);
				return;
		}
	}

	/** Closed (by the worker's socket, or because the worker is gone). */
	end(code: number, reason: string, wasClean: boolean): void {
		if (this.state === CLOSED) return;
		this.state = CLOSED;
		this.transport.forget(this.id);
		this.onclose?.({ code, reason, wasClean });
	}

	/** The worker never started: carry on as a main-thread WebSocket, unless already closed. */
	moveTo(Impl: WebSocketConstructor | undefined): void {
		if (this.state !== CONNECTING || !Impl) {
			// A browser fails a socket closed while connecting with an error and a 1006.
			if (this.state !== CLOSED) this.onerror?.({ type: 'error' });
			this.end(1006, '', false);
			return;
		}
		let inner: WebSocketLike;
		try {
			inner = new Impl(this.url, this.protocols);
		} catch {
			this.onerror?.({ type: 'error' });
			this.end(1006, '', false);
			return;
		}
		this.inner = inner;
		this.transport.forget(this.id);
		preferArrayBuffer(inner);
		relayEvents(inner, this);
	}
}

/**
 * Makes {@link WebSocketLike} sockets backed by one decoding worker (see the module comment).
 * Create one per `ConnectionClient`; `dispose` ends the worker.
 */
export class WorkerTransport {
	/** Pass this to the machine as its `WebSocketImpl`. */
	readonly WebSocketImpl: WebSocketConstructor;
	private worker: WorkerLike | null = null;
	private ready = false;
	private disposed = false;
	private reason: string | null = null;
	private readonly sockets = new Map<number, WorkerSocket>();
	private ids = 0;
	private readonly fallback: WebSocketConstructor | undefined;
	private readonly baseUrl: string | undefined;
	private readonly onChange: (() => void) | undefined;
	private readonly shutdownTimeout: number;
	private stopped: Promise<void> = Promise.resolve();

	constructor(options: WorkerTransportOptions = {}) {
		const globals = globalThis as { WebSocket?: WebSocketConstructor; location?: { href: string } };
		this.fallback = options.fallback ?? globals.WebSocket;
		this.baseUrl = options.baseUrl ?? globals.location?.href;
		this.onChange = options.onChange;
		this.shutdownTimeout = options.shutdownTimeout ?? 2000;
		// eslint-disable-next-line @typescript-eslint/no-this-alias -- the constructor below returns the transport's sockets
		const transport = this;
		this.WebSocketImpl = class {
			constructor(url: string, protocols?: string | string[]) {
				return transport.open(url, protocols);
			}
		} as unknown as WebSocketConstructor;
		try {
			const worker = (options.createWorker ?? startSocketWorker)();
			worker.onmessage = (event) => this.onWorkerMessage(event.data);
			worker.onerror = (event) => this.fail(`decoding worker failed: ${event.message ?? 'error'}`);
			worker.onmessageerror = () =>
				this.fail('decoding worker sent a message that could not be read');
			this.worker = worker;
		} catch (error) {
			this.reason = `decoding worker unavailable: ${error instanceof Error ? error.message : String(error)}`;
		}
	}

	/** `worker`, or `main` once the worker could not start or failed (see {@link fallbackReason}). */
	get kind(): TransportKind {
		return this.reason === null ? 'worker' : 'main';
	}

	/** Why the worker is not in use although this transport was asked for, else null. */
	get fallbackReason(): string | null {
		return this.reason;
	}

	/**
	 * Shut the worker down (its sockets close first). Resolves once it confirmed that every
	 * socket closed, or after `shutdownTimeout`, when it is terminated anyway. Sockets made later
	 * are main-thread WebSockets.
	 */
	dispose(): Promise<void> {
		if (this.disposed) return this.stopped;
		this.disposed = true;
		const worker = this.worker;
		this.worker = null;
		this.sockets.clear();
		if (!worker) return this.stopped;
		this.stopped = new Promise<void>((resolve) => {
			const timer = setTimeout(done, this.shutdownTimeout);
			function done() {
				clearTimeout(timer);
				worker!.onmessage = null;
				worker!.onerror = null;
				worker!.onmessageerror = null;
				worker!.terminate();
				resolve();
			}
			worker.onmessage = (event) => {
				if (event.data.t === 'stopped') done();
			};
			worker.onerror = done;
			worker.onmessageerror = null;
			try {
				worker.postMessage({ t: 'shutdown' });
			} catch {
				done();
			}
		});
		return this.stopped;
	}

	/** @internal Post to the worker, if there still is one. */
	post(message: ToWorker): void {
		this.worker?.postMessage(message);
	}

	/** @internal A socket closed (or moved to the main thread): its late events are ignored. */
	forget(id: number): void {
		this.sockets.delete(id);
	}

	private open(url: string, protocols: string | string[] | undefined): WebSocketLike {
		if (!this.worker) {
			if (!this.fallback) throw new TypeError('WebSocket is not available');
			return new this.fallback(url, protocols);
		}
		const href = socketUrl(url, this.baseUrl);
		const socket = new WorkerSocket(this, ++this.ids, href, protocols);
		this.sockets.set(socket.id, socket);
		this.post({ t: 'open', s: socket.id, url: href, protocols });
		return socket;
	}

	private onWorkerMessage(message: FromWorker): void {
		if (message.t === 'ready') {
			this.ready = true;
			return;
		}
		if (message.t !== 'batch') return;
		for (const event of message.events) {
			const socket = this.sockets.get(event.s);
			if (!socket) continue;
			try {
				socket.receive(event);
			} catch (error) {
				rethrowLater(error);
			}
		}
		if (!message.more) this.post({ t: 'ack' });
	}

	/** The worker is unusable: before `ready` its sockets move to the main thread, after it they end. */
	private fail(reason: string): void {
		const worker = this.worker;
		if (!worker) return;
		this.worker = null;
		this.reason = reason;
		worker.onmessage = null;
		worker.onerror = null;
		worker.onmessageerror = null;
		try {
			worker.terminate();
		} catch {
			// Gone already.
		}
		const sockets = [...this.sockets.values()];
		this.sockets.clear();
		for (const socket of sockets) {
			try {
				if (this.ready) {
					socket.onerror?.({ type: 'error' });
					socket.end(1006, reason.slice(0, 123), false);
				} else {
					socket.moveTo(this.fallback);
				}
			} catch (error) {
				rethrowLater(error);
			}
		}
		this.onChange?.();
	}
}
