/**
 * `ConnectionClient`: the framework-agnostic face of the connection actor. Components and stores
 * call methods here; the machine does the work. Nothing in this file keeps time or touches a
 * socket, so it is as testable as the machine.
 */
import {
	createActor,
	type Actor,
	type ActorOptions,
	type InspectionEvent,
	type Observer
} from 'xstate';
import type {
	ClientMessage,
	ClientMessageType,
	ClientPayloads,
	DecodeError,
	ServerMessage,
	Stream
} from '$lib/protocol';
import type { Random } from './backoff';
import type { WebSocketConfig } from './config';
import {
	connectionMachine,
	stateOf,
	type CloseInfo,
	type ConnectionState,
	type SubscriptionHandle
} from './machine';
import type { DropCounts, MessageClass } from './outbox';
import type { WebSocketConstructor, WebSocketLike } from './socket';
import { preferArrayBuffer, relayEvents } from './socket-relay';
import { SubscriptionRegistry, type SubscribeOptions } from './subscriptions';
// Types only: the worker transport is opt-in, so its code is loaded by `import()` when asked for
// (see `ConnectionClient.useWorker`) and a default client never downloads it.
import type { TransportKind, WorkerLike, WorkerTransport } from './worker-socket';

/** Options of a `ConnectionClient` beyond the connection's own config. */
export interface ClientOptions {
	/**
	 * Where frames are received and decoded: `worker` (a dedicated Web Worker owns the socket and
	 * decodes; this thread takes decoded messages) or `main` (this thread). Default `main`: on the
	 * 2-core machines we measure on, the worker's structured clone costs more in total than it
	 * saves the main thread (docs/connection.md, "Worker transport", has the figures); `worker`
	 * needs a `Worker` (browsers) and keeps rendering smoother only when the tab is overloaded.
	 */
	transport?: TransportKind;
	/** WebSocket constructor (`ws` in Node, a fake in tests), for the `main` transport. Default `globalThis.WebSocket`. */
	WebSocketImpl?: WebSocketConstructor;
	/** Starts the decoding worker of the `worker` transport. Default worker-socket.ts `startSocketWorker`. */
	createWorker?: () => WorkerLike;
	/** `window`-like target whose network/visibility events the client follows. Default none. */
	target?: BrowserTarget;
	/** XState clock (a `SimulatedClock` in tests). Default real timers. */
	clock?: Clock;
	/** Timestamp source matching `clock`. Default the clock's `now()` if it has one, else `Date.now`. */
	now?: () => number;
	/** Backoff randomness. Default `Math.random`. */
	random?: Random;
	/** XState inspection observer (transition log, Stately inspector). Default none. */
	inspect?: Observer<InspectionEvent> | ((event: InspectionEvent) => void);
}

/** The slice of `window` the client listens to; injected, so servers and tests need none. */
export interface BrowserTarget {
	addEventListener(type: string, listener: () => void): void;
	removeEventListener(type: string, listener: () => void): void;
	document?: {
		visibilityState?: string;
		addEventListener(type: string, listener: () => void): void;
		removeEventListener(type: string, listener: () => void): void;
	};
	navigator?: { onLine?: boolean };
}

/** Options of `send`. */
export interface SendOptions {
	/** Delivery class (see outbox.ts). Default `durable`, as the KECS guide queued every send. */
	class?: MessageClass;
}

/** Options of `request`. */
export interface RequestOptions {
	/** Deadline in ms from this call, queue time included. Default `messageTimeout`. */
	timeout?: number;
}

/** Everything the UI shows about the link. */
export interface ConnectionStats {
	/** Round-trip time of the last answered ping, in ms. */
	rtt: number | null;
	messagesIn: number;
	bytesIn: number;
	messagesOut: number;
	bytesOut: number;
	/** Inbound frames that failed validation (counted, never thrown). */
	invalidFrames: number;
	/** Connection attempts after the first. */
	reconnects: number;
	/** Consecutive failed attempts (reset after `stableAfter` of uptime). */
	attempts: number;
	/** The current or next attempt follows a lost link. */
	retrying: boolean;
	lastClose: CloseInfo | null;
	lastError: string | null;
	/** Why the connection is `failed`, if it is. */
	failure: string | null;
	/** When the current state was entered (ms, machine clock). */
	enteredAt: number;
	/** When the next retry fires (ms, machine clock), while in `backoff`. */
	nextRetryAt: number | null;
	queued: number;
	queuedBytes: number;
	dropped: DropCounts;
	pendingRequests: number;
	subscriptions: number;
	epoch: string | null;
	/** Ping period in effect. */
	heartbeatInterval: number;
	/** Where frames are received and decoded: `worker` or `main` (this thread). */
	transport: TransportKind;
	/** Why frames are decoded on this thread although the worker transport was asked for, else null. */
	transportFallback: string | null;
}

/** XState's clock interface (not exported by name). */
export type Clock = NonNullable<ActorOptions<typeof connectionMachine>['clock']>;

type Listener<T> = (value: T) => void;

/** Call every listener, reporting (not propagating) their exceptions. */
function fanOut<T>(listeners: Set<Listener<T>>, value: T): void {
	for (const listener of listeners) {
		try {
			listener(value);
		} catch (error) {
			queueMicrotask(() => {
				throw error;
			});
		}
	}
}

const noop = () => {};

/**
 * A socket asked for while the worker transport's module is still loading: `CONNECTING` until
 * `load` gives the real constructor, then a relay to the socket it makes (the actor set its
 * handlers on this object, which passes every event on, so nothing is reordered or lost).
 * Closed before that, it makes no socket at all (the actor has detached its handlers already).
 */
function deferredSocket(
	url: string,
	protocols: string | string[] | undefined,
	load: Promise<WebSocketConstructor | undefined>
): WebSocketLike {
	let inner: WebSocketLike | undefined;
	let closed = false;
	const relay: WebSocketLike = {
		get readyState() {
			return inner ? inner.readyState : closed ? 3 : 0;
		},
		onopen: null,
		onmessage: null,
		onclose: null,
		onerror: null,
		// socket.ts only sends on an OPEN socket, which this is only once `inner` exists.
		send: (data) => inner?.send(data),
		close(code, reason) {
			if (inner) inner.close(code, reason);
			closed = true;
		}
	};
	void load.then((Impl) => {
		if (closed) return;
		try {
			if (!Impl) throw new TypeError('WebSocket is not available');
			inner = new Impl(url, protocols);
		} catch {
			// As a browser reports a socket that could not be opened: an error, then 1006.
			closed = true;
			relay.onerror?.({ type: 'error' });
			relay.onclose?.({ code: 1006, reason: '', wasClean: false });
			return;
		}
		preferArrayBuffer(inner);
		relayEvents(inner, relay);
	});
	return relay;
}

/** See the module comment. One per tab. */
export class ConnectionClient {
	/** The running connection actor (for inspectors and `@xstate/svelte` in the browser). */
	readonly actor: Actor<typeof connectionMachine>;
	/** Subscriptions, positions and recovery states. */
	readonly registry: SubscriptionRegistry;
	private readonly messageListeners = new Set<Listener<ServerMessage>>();
	private readonly changeListeners = new Set<() => void>();
	private readonly invalidListeners = new Set<Listener<DecodeError>>();
	private readonly timeout: number;
	private detachTarget: (() => void) | undefined;
	/** The worker transport, once its module loaded (else sockets come from `WebSocketImpl`). */
	private transport: WorkerTransport | undefined;
	/** Settles when the transport asked for is in place (at once for the main thread). */
	private transportReady: Promise<unknown> = Promise.resolve();
	private transportKind: TransportKind = 'main';
	/** Why the worker transport's module could not be loaded, if it could not. */
	private loadFailure: string | null = null;
	private disposal: Promise<void> | undefined;
	private ids = 0;
	private readonly idPrefix = Math.random().toString(36).slice(2, 6);

	constructor(config: WebSocketConfig, options: ClientOptions = {}) {
		const nextId = () => this.nextId();
		this.registry = new SubscriptionRegistry(nextId);
		const clock = options.clock;
		const clockNow = (clock as { now?: () => number } | undefined)?.now;
		const now = options.now ?? (clockNow ? () => clockNow.call(clock) : Date.now);
		const WebSocketImpl =
			options.transport === 'worker' ? this.useWorker(options) : options.WebSocketImpl;
		this.actor = createActor(connectionMachine, {
			input: {
				config,
				now,
				nextId,
				registry: this.registry,
				onInbound: (message) => {
					fanOut(this.messageListeners, message);
					for (const notify of this.changeListeners) notify();
				},
				...(WebSocketImpl ? { WebSocketImpl } : {}),
				...(options.random ? { random: options.random } : {}),
				online: options.target?.navigator?.onLine ?? true
			},
			...(clock ? { clock } : {}),
			...(options.inspect ? { inspect: options.inspect } : {})
		});
		this.timeout = this.actor.getSnapshot().context.rt.config.messageTimeout;
		this.actor.on('inbound', (e) => fanOut(this.messageListeners, e.message));
		this.actor.on('invalid', (e) => fanOut(this.invalidListeners, e.error));
		// Starting in `idle` is inert: no socket until `connect()`.
		this.actor.start();
		if (options.target) this.attach(options.target);
	}

	/** The user-facing state name. */
	get state(): ConnectionState {
		return stateOf(this.actor.getSnapshot().value);
	}

	/** Statistics of the link (a fresh object per call). */
	get stats(): ConnectionStats {
		const c = this.actor.getSnapshot().context;
		return {
			rtt: c.link.rtt,
			...c.rt.meter,
			reconnects: c.reconnects,
			attempts: c.attempts,
			retrying: c.retrying,
			lastClose: c.lastClose,
			lastError: c.lastError,
			failure: c.failure,
			enteredAt: c.enteredAt,
			nextRetryAt: c.nextRetryAt,
			queued: c.rt.outbox.size,
			queuedBytes: c.rt.outbox.bytes,
			dropped: { ...c.rt.outbox.dropped },
			pendingRequests: c.rt.requests.size,
			subscriptions: this.registry.size,
			epoch: c.link.epoch,
			heartbeatInterval: c.link.heartbeatInterval,
			transport: this.transport?.kind ?? this.transportKind,
			transportFallback: this.transport?.fallbackReason ?? this.loadFailure
		};
	}

	/** When the next retry fires (machine clock), or null. */
	get nextRetryAt(): number | null {
		return this.actor.getSnapshot().context.nextRetryAt;
	}

	/** What went wrong, for display: the reason for `failed`, else the last error, else null. */
	get error(): string | null {
		const c = this.actor.getSnapshot().context;
		return this.state === 'failed' ? (c.failure ?? c.lastError) : c.lastError;
	}

	/** Open the link (from `idle` or `closed`), or retry now (from `failed`/`backoff`). */
	connect(): void {
		this.actor.send({ type: 'connection.connect' });
	}

	/** Close with `code` (1000 or 3000–4999) and stay closed until `connect()`. */
	disconnect(code = 1000, reason = 'client disconnect'): void {
		const valid = code === 1000 || (code >= 3000 && code <= 4999);
		this.actor.send({ type: 'connection.disconnect', code: valid ? code : 1000, reason });
	}

	/** Leave `failed` (or skip the rest of a backoff) and try again at once. */
	retry(): void {
		this.actor.send({ type: 'connection.retry' });
	}

	/**
	 * Send a message now, or queue it per its class. The promise resolves when the frame is handed
	 * to the socket and rejects with `MessageDroppedError` when it is dropped; a caller that does
	 * not care may ignore it (drops are also counted in `stats.dropped`).
	 */
	send(message: ClientMessage, options: SendOptions = {}): Promise<void> {
		const result = new Promise<void>((resolve, reject) => {
			this.actor.send({
				type: 'connection.send',
				id: message.id ?? this.nextId(),
				message,
				class: options.class ?? 'durable',
				settle: (error) => (error ? reject(error) : resolve())
			});
		});
		result.catch(noop);
		return result;
	}

	/**
	 * Send a request and await the reply that echoes its id (any type, `error` rejects with
	 * `ServerError`). Rejects with `RequestTimeoutError` `timeout` ms after this call (time spent
	 * queued while offline included), or `DisconnectedError` if the link carrying it is lost.
	 */
	request<K extends ClientMessageType>(
		type: K,
		payload?: ClientPayloads[K],
		options: RequestOptions = {}
	): Promise<ServerMessage> {
		const id = this.nextId();
		const message = { type, id, ...(payload === undefined ? {} : { payload }) } as ClientMessage;
		const timeout = options.timeout && options.timeout > 0 ? options.timeout : this.timeout;
		return new Promise<ServerMessage>((resolve, reject) => {
			this.actor.send({ type: 'connection.request', id, message, timeout, resolve, reject });
		});
	}

	/**
	 * Subscribe to a stream. Subscribers of the same `(stream, resourceId)` share one server
	 * subscription; each gets its items in seq order, duplicates dropped, one `onItems` call per
	 * inbound frame. Returns the unsubscribe function (idempotent).
	 */
	subscribe<S extends Stream>(stream: S, options: SubscribeOptions<S>): () => void {
		const handle: SubscriptionHandle = {};
		this.actor.send({
			type: 'connection.subscribe',
			stream,
			options: options as unknown as SubscribeOptions,
			handle
		});
		let done = false;
		return () => {
			if (done) return;
			done = true;
			this.actor.send({ type: 'connection.unsubscribe', handle });
		};
	}

	/** Every valid inbound message, after the machine processed it. Returns the remover. */
	onMessage(listener: (message: ServerMessage) => void): () => void {
		this.messageListeners.add(listener);
		return () => this.messageListeners.delete(listener);
	}

	/** Every invalid inbound frame (already counted). Returns the remover. */
	onInvalid(listener: (error: DecodeError) => void): () => void {
		this.invalidListeners.add(listener);
		return () => this.invalidListeners.delete(listener);
	}

	/** Called after every processed event (state or stats may have changed). Returns the remover. */
	onChange(listener: (client: ConnectionClient) => void): () => void {
		const notify = () => {
			try {
				listener(this);
			} catch (error) {
				queueMicrotask(() => {
					throw error;
				});
			}
		};
		// Machine events, and live items on the fast lane (they change the stats, not the snapshot).
		const subscription = this.actor.subscribe(notify);
		this.changeListeners.add(notify);
		return () => {
			subscription.unsubscribe();
			this.changeListeners.delete(notify);
		};
	}

	/**
	 * Follow a window's `online`/`offline`, `focus`, `pageshow` and document `visibilitychange`.
	 * Returns (and remembers, for `dispose`) the detach function. Attaching again detaches first.
	 */
	attach(target: BrowserTarget): () => void {
		this.detachTarget?.();
		const send =
			(type: 'browser.online' | 'browser.offline' | 'browser.focus' | 'browser.pageshow') => () =>
				this.actor.send({ type });
		const online = send('browser.online');
		const offline = send('browser.offline');
		const focus = send('browser.focus');
		const pageshow = send('browser.pageshow');
		const doc = target.document;
		const visibility = () => {
			if (doc?.visibilityState === 'visible') this.actor.send({ type: 'browser.visible' });
		};
		target.addEventListener('online', online);
		target.addEventListener('offline', offline);
		target.addEventListener('focus', focus);
		target.addEventListener('pageshow', pageshow);
		doc?.addEventListener('visibilitychange', visibility);
		if (target.navigator?.onLine === false) offline();
		const detach = () => {
			target.removeEventListener('online', online);
			target.removeEventListener('offline', offline);
			target.removeEventListener('focus', focus);
			target.removeEventListener('pageshow', pageshow);
			doc?.removeEventListener('visibilitychange', visibility);
			if (this.detachTarget === detach) this.detachTarget = undefined;
		};
		this.detachTarget = detach;
		return detach;
	}

	/** Disconnect, stop listening to the window, stop the actor and end the decoding worker. */
	dispose(): void {
		this.detachTarget?.();
		if (this.actor.getSnapshot().status === 'active') {
			this.disconnect(1000, 'client disposed');
			this.actor.stop();
		}
		// A transport still loading is never made (see `useWorker`): wait for the load to settle.
		this.disposal ??= this.transport?.dispose() ?? this.transportReady.then(noop);
		this.messageListeners.clear();
		this.changeListeners.clear();
		this.invalidListeners.clear();
	}

	/**
	 * Resolves once `dispose` has let go of the network: the decoding worker closed its socket and
	 * ended (or was terminated after ~2 s). At once with the main-thread transport, whose socket
	 * closes on its own, and before `dispose` is called.
	 */
	whenDisposed(): Promise<void> {
		return this.disposal ?? Promise.resolve();
	}

	/**
	 * Start loading the worker transport (worker-socket.ts, its own chunk) and return the socket
	 * constructor for the machine: the transport's own once loaded; before that, sockets that
	 * wait for it (see `deferredSocket`). `stats.transport` says `worker` meanwhile, as it did
	 * while the worker itself loaded. If the module cannot be loaded (offline, a deployment that
	 * replaced the chunk) the main thread takes over, as when the worker cannot start.
	 */
	private useWorker(options: ClientOptions): WebSocketConstructor {
		this.transportKind = 'worker';
		const fallback =
			options.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
		const notify = () => {
			for (const listener of this.changeListeners) listener();
		};
		const load = import('./worker-socket')
			.then(({ WorkerTransport }) => {
				if (this.disposal) return undefined;
				this.transport = new WorkerTransport({
					...(options.createWorker ? { createWorker: options.createWorker } : {}),
					fallback: options.WebSocketImpl,
					onChange: notify
				});
				notify();
				return this.transport.WebSocketImpl;
			})
			.catch((error: unknown) => {
				this.transportKind = 'main';
				this.loadFailure = `worker transport failed to load: ${error instanceof Error ? error.message : String(error)}`;
				notify();
				return fallback;
			});
		this.transportReady = load;
		// eslint-disable-next-line @typescript-eslint/no-this-alias -- the constructor below returns the client's sockets
		const client = this;
		return class {
			constructor(url: string, protocols?: string | string[]) {
				if (client.transport) return new client.transport.WebSocketImpl(url, protocols);
				if (!client.loadFailure) return deferredSocket(url, protocols, load);
				if (!fallback) throw new TypeError('WebSocket is not available');
				return new fallback(url, protocols);
			}
		} as unknown as WebSocketConstructor;
	}

	private nextId(): string {
		return `${this.idPrefix}${(++this.ids).toString(36)}`;
	}
}
