/**
 * The connection statechart: one resilient socket per tab.
 *
 * ```
 * idle ──connect──▶ link ─────────────────────────────────────────────┐ (invokes the socket actor)
 *                    connecting ─opened─▶ authenticating ─▶ open        │
 *                                                          ├ heartbeat: waiting ⇄ probing
 *                                                          └ stability: settling → stable
 *   link ──close/timeout──▶ backoff ──retryDelay──▶ link
 *   open ──no pong──▶ heartbeatTimeout ──▶ backoff
 *   link/backoff ──browser.offline──▶ offline ──browser.online──▶ link
 *   terminal close / attempts exhausted ──▶ failed ──retry──▶ link
 *   disconnect (anywhere) ──▶ closed ──connect──▶ link
 * ```
 *
 * Everything is named (actions, guards, actors, delays) so the inspector shows names and tests
 * `.provide()` replacements. Time is only ever kept by named delays and delayed `raise`s, so a
 * `SimulatedClock` drives every test; timestamps come from the injected `now`.
 *
 * Context holds plain data that guards and delays read (assigned immutably) and four runtime
 * objects that only *custom* actions touch: the outbox, the pending requests, the subscription
 * registry and the traffic meter. Custom actions do not run during `xstate/graph` traversal, so
 * path generation never mutates them.
 */
import { and, assign, emit, enqueueActions, fromPromise, setup, type AnyActorRef } from 'xstate';
import {
	encode,
	type ClientMessage,
	type DecodeError,
	type ServerMessage,
	type Stream
} from '$lib/protocol';
import { retryBaseAfter, retryDelay, type Random } from './backoff';
import { classifyClose, type CloseAction, type CloseDecision } from './close-codes';
import {
	resolveConfig,
	type ResolvedConfig,
	type TokenProvider,
	type WebSocketConfig
} from './config';
import { DisconnectedError, RequestTimeoutError, ServerError } from './errors';
import { Outbox, type MessageClass, type OutboxEntry } from './outbox';
import { socketActor, type SocketEvent, type WebSocketConstructor } from './socket';
import { SubscriptionRegistry, type SubscribeOptions, type Subscriber } from './subscriptions';

/** A request awaiting its reply. */
export interface PendingRequest {
	type: string;
	timeout: number;
	/** Written to the socket (a reply can only come on the link that carried it). */
	sent: boolean;
	resolve: (message: ServerMessage) => void;
	reject: (error: Error) => void;
}

/** Traffic counters, mutated in place by custom actions (they are not state). */
export interface Meter {
	messagesIn: number;
	bytesIn: number;
	messagesOut: number;
	bytesOut: number;
	invalidFrames: number;
}

/** How a closed or dropped link was last seen to end. */
export interface CloseInfo {
	code: number;
	reason: string;
	wasClean: boolean;
	at: number;
}

/** A mutable box filled when the registry accepts a subscriber (see `connection.subscribe`). */
export interface SubscriptionHandle {
	subscriber?: Subscriber;
	cancelled?: boolean;
}

/** What the machine needs from its creator. Every effect is injected here. */
export interface ConnectionInput {
	/** Connection options (see config.ts); resolved here if not already. */
	config: WebSocketConfig;
	/** WebSocket constructor. Default `globalThis.WebSocket`. */
	WebSocketImpl?: WebSocketConstructor;
	/** Wall clock for timestamps; pass the `SimulatedClock`'s `now` in tests. Default `Date.now`. */
	now?: () => number;
	/** Randomness for backoff jitter. Default `Math.random`. */
	random?: Random;
	/** Envelope id source shared with the client. Default a counter. */
	nextId?: () => string;
	/** Subscription registry shared with the client. Default a fresh one. */
	registry?: SubscriptionRegistry;
	/** Whether the network is up at start (`navigator.onLine`). Default true. */
	online?: boolean;
	/** Told of every live stream item that took the fast lane (the machine's `inbound` emit is not). */
	onInbound?: (message: ServerMessage) => void;
}

/**
 * Fixed references (set once from input): configuration, injected effects, and the runtime
 * objects only custom actions mutate.
 */
export interface Runtime {
	config: ResolvedConfig;
	WebSocketImpl: WebSocketConstructor | undefined;
	now: () => number;
	random: Random;
	nextId: () => string;
	registry: SubscriptionRegistry;
	outbox: Outbox;
	requests: Map<string, PendingRequest>;
	meter: Meter;
	/** Live stream items routed by {@link fastLane}, counted so the heartbeat still sees them. */
	liveness: { frames: number };
	onInbound: ((message: ServerMessage) => void) | undefined;
}

/** What the current (or last) link knows; updated on every inbound frame. */
export interface LinkState {
	/** Effective ping period (config, lowered by the server's `welcome`). */
	heartbeatInterval: number;
	epoch: string | null;
	pingId: string | null;
	pingSentAt: number | null;
	/** A frame arrived after the outstanding ping was sent (ordering, not timestamps: exact). */
	heardSincePing: boolean;
	/** `rt.liveness.frames` when the outstanding ping was sent: a fast-lane frame since is news too. */
	framesAtPing: number;
	lastInboundAt: number;
	rtt: number | null;
	openedAt: number | null;
	authId: string | null;
}

/**
 * The machine's context. Deliberately narrow at the top level: XState's `assign` copies the
 * context with `Object.assign({}, …)`, which V8 makes ~20× slower past about 20 keys, and one
 * assign runs per inbound frame. Hence the `rt` and `link` sub-objects.
 */
export interface ConnectionContext {
	rt: Runtime;
	link: LinkState;
	/** Consecutive failed attempts since the last stable link. */
	attempts: number;
	/** Connection attempts made after the first one (the "reconnect count"). */
	reconnects: number;
	/** The current attempt follows a lost link (the KECS guide's "reconnecting"). */
	retrying: boolean;
	retryDelay: number;
	nextRetryAt: number | null;
	/** Why the last link ended, classified; drives long backoff. */
	closeDecision: CloseDecision | null;
	/**
	 * The server's reconnection window (`spreadMs`) from the mass close that started this run of
	 * retries, 0 if none: the backoff doubles from it until a stable link (backoff.ts
	 * `retryBaseAfter`).
	 */
	retryBase: number;
	enteredAt: number;
	online: boolean;
	/** The next authentication must ask the token provider for a fresh token. */
	freshToken: boolean;
	lastClose: CloseInfo | null;
	lastError: string | null;
	/** Why the machine is in `failed`. */
	failure: string | null;
}

type BrowserEvent =
	| { type: 'browser.online' }
	| { type: 'browser.offline' }
	| { type: 'browser.visible' }
	| { type: 'browser.focus' }
	| { type: 'browser.pageshow' };

/** Every event the machine accepts, namespaced by source. */
export type ConnectionEvent =
	| { type: 'connection.connect' }
	| { type: 'connection.disconnect'; code?: number; reason?: string }
	| { type: 'connection.retry' }
	| {
			type: 'connection.send';
			id: string;
			message: ClientMessage;
			class: MessageClass;
			settle?: (error?: Error) => void;
	  }
	| {
			type: 'connection.request';
			id: string;
			message: ClientMessage;
			timeout: number;
			resolve: (message: ServerMessage) => void;
			reject: (error: Error) => void;
	  }
	| {
			type: 'connection.subscribe';
			stream: Stream;
			options: SubscribeOptions;
			handle: SubscriptionHandle;
	  }
	| { type: 'connection.unsubscribe'; handle: SubscriptionHandle }
	| SocketEvent
	| BrowserEvent
	| { type: 'heartbeat.pong' }
	| { type: 'heartbeat.configured' }
	| { type: 'timer.deadline'; id: string };

/** Events the machine emits to `actor.on(...)` listeners. */
export type ConnectionEmitted =
	{ type: 'inbound'; message: ServerMessage } | { type: 'invalid'; error: DecodeError };

let fallbackIds = 0;

/** Delay of the observable `heartbeatTimeout` state before it moves on (TOOLCHAIN §8). */
const HEARTBEAT_TIMEOUT_LINGER = 0;
/** Floor of a `welcome` heartbeat interval, so a bogus server value cannot make us spin. */
const MIN_HEARTBEAT = 100;

function socketOf(self: AnyActorRef): AnyActorRef | undefined {
	return (self.getSnapshot() as { children: Record<string, AnyActorRef | undefined> }).children
		.socket;
}

/** Write one encoded frame to the current socket and count it. */
function writeRaw(self: AnyActorRef, context: ConnectionContext, data: string): void {
	socketOf(self)?.send({ type: 'socket.send', data });
	context.rt.meter.messagesOut++;
	context.rt.meter.bytesOut += data.length;
}

/** Write one frame to the current socket and count it. */
function write(self: AnyActorRef, context: ConnectionContext, frame: ClientMessage): void {
	writeRaw(self, context, encode(frame));
}

/** Whether anything arrived since the outstanding ping: a machine event or a fast-lane item. */
function heardSincePing(context: ConnectionContext): boolean {
	return context.link.heardSincePing || context.rt.liveness.frames !== context.link.framesAtPing;
}

/**
 * The fast lane for live stream items (`log_entry`, `log_batch`, `metrics_update`,
 * `notification`, `task_update`): they are counted, routed to their subscriptions and handed to
 * inbound listeners without an event through the machine. They change no state the machine
 * decides on except liveness, which the heartbeat's guards read from `rt.liveness` (see
 * {@link heardSincePing}); they settle no request and never call for a reply. Measured in the
 * browser ingest bench with single-entry frames, an XState event per frame (a snapshot, an
 * assign, the context copies) cost more than the rest of the client path together; control
 * frames (welcome, pong, subscribed, history, error, dropped…) still go through the machine, so
 * the inspector shows every decision, just not every log line.
 */
function fastLane(rt: Runtime, message: ServerMessage, bytes: number): boolean {
	if (!rt.registry.routeLive(message)) return false;
	rt.meter.messagesIn++;
	rt.meter.bytesIn += bytes;
	rt.liveness.frames++;
	rt.onInbound?.(message);
	return true;
}

/** Build the outbox entry for a send or a request event. */
function entryOf(context: ConnectionContext, event: ConnectionEvent): OutboxEntry | undefined {
	const now = context.rt.now();
	if (event.type === 'connection.send') {
		const entry: OutboxEntry = { id: event.id, class: event.class, data: encode(event.message) };
		if (event.class === 'expiring') entry.deadline = now + context.rt.config.messageTimeout;
		if (event.settle) entry.settle = event.settle;
		return entry;
	}
	if (event.type === 'connection.request') {
		const { requests } = context.rt;
		const id = event.id;
		return {
			id,
			class: 'expiring',
			data: encode(event.message),
			deadline: now + event.timeout,
			settle: (error) => {
				const pending = requests.get(id);
				if (!pending) return;
				if (error) {
					requests.delete(id);
					pending.reject(error);
				} else {
					pending.sent = true;
				}
			}
		};
	}
	return undefined;
}

function rejectAll(context: ConnectionContext, make: () => Error, onlySent: boolean): void {
	for (const [id, pending] of context.rt.requests) {
		if (onlySent && !pending.sent) continue;
		context.rt.requests.delete(id);
		// Leaving it queued would send a request nobody waits for.
		context.rt.outbox.expire(id, 'disconnected');
		pending.reject(make());
	}
}

/** The flat, user-facing name of a snapshot's state. */
export type ConnectionState =
	| 'idle'
	| 'connecting'
	| 'authenticating'
	| 'open'
	| 'heartbeatTimeout'
	| 'backoff'
	| 'offline'
	| 'failed'
	| 'closed';

/** Map a snapshot value (`{ link: { open: ... } }`) to its `ConnectionState`. */
export function stateOf(value: unknown): ConnectionState {
	if (typeof value === 'string') return value as ConnectionState;
	const link = (value as { link?: unknown } | null)?.link;
	if (typeof link === 'string') return link as ConnectionState;
	if (link && typeof link === 'object') return Object.keys(link)[0] as ConnectionState;
	return 'idle';
}

const connectionSetup = setup({
	types: {
		context: {} as ConnectionContext,
		events: {} as ConnectionEvent,
		input: {} as ConnectionInput,
		emitted: {} as ConnectionEmitted
	},
	actors: {
		socket: socketActor,
		fetchToken: fromPromise<string, { getToken: TokenProvider | undefined; fresh: boolean }>(
			async ({ input }) => {
				if (!input.getToken) throw new Error('no token provider');
				const token = await input.getToken({ fresh: input.fresh });
				if (typeof token !== 'string' || token === '') throw new Error('empty token');
				return token;
			}
		)
	},
	delays: {
		connectTimeout: ({ context }) => context.rt.config.connectTimeout,
		heartbeatInterval: ({ context }) => context.link.heartbeatInterval,
		pongTimeout: ({ context }) => context.rt.config.pongTimeout,
		stableAfter: ({ context }) => context.rt.config.stableAfter,
		retryDelay: ({ context }) => context.retryDelay,
		heartbeatTimeoutLinger: HEARTBEAT_TIMEOUT_LINGER,
		/** A request's own timeout, or `messageTimeout` for an expiring message. */
		deadline: ({ context, event }) =>
			event.type === 'connection.request' ? event.timeout : context.rt.config.messageTimeout
	},
	guards: {
		isOffline: ({ context }) => !context.online,
		needsAuth: ({ context }) => context.rt.config.getToken !== undefined,
		reconnectDisabled: ({ context }) => !context.rt.config.reconnect,
		attemptsExhausted: ({ context }) => context.attempts >= context.rt.config.maxReconnectAttempts,
		closeIs: ({ event }, params: { action: CloseAction }) =>
			event.type === 'socket.closed' &&
			classifyClose(event.code, event.reason).action === params.action,
		canRefreshToken: ({ context }) =>
			context.rt.config.getToken !== undefined && !context.freshToken,
		isFatalError: ({ event }) => event.type === 'socket.error' && event.fatal,
		isAuthenticated: ({ event }) =>
			event.type === 'socket.message' && event.message.type === 'authenticated',
		/** The server requires a token and we have no way to get one: retrying cannot help. */
		authMissing: ({ context, event }) =>
			event.type === 'socket.message' &&
			event.message.type === 'welcome' &&
			event.message.payload.authRequired &&
			context.rt.config.getToken === undefined,
		/** Nothing at all arrived since the last ping (checked when its deadline timer fires). */
		linkSilent: ({ context }) => context.link.pingSentAt !== null && !heardSincePing(context),
		/**
		 * Judged on timestamps, for events that may come long after a throttled timer should
		 * have fired: a ping is outstanding, nothing arrived since, and its deadline has passed.
		 */
		pongOverdue: ({ context }) =>
			context.link.pingSentAt !== null &&
			!heardSincePing(context) &&
			context.rt.now() - context.link.pingSentAt >= context.rt.config.pongTimeout
	},
	actions: {
		markEntered: assign({ enteredAt: ({ context }) => context.rt.now() }),
		markOnline: assign({ online: true }),
		markOffline: assign({ online: false }),
		countReconnect: assign({
			reconnects: ({ context }) => context.reconnects + 1,
			retrying: true
		}),
		beginSession: assign({ retrying: false }),
		resetAttempts: assign({ attempts: 0, retryBase: 0, freshToken: false }),
		clearFailure: assign({ failure: null }),

		recordClose: assign(({ context, event }) => {
			if (event.type !== 'socket.closed') return {};
			return {
				lastClose: {
					code: event.code,
					reason: event.reason,
					wasClean: event.wasClean,
					at: context.rt.now()
				},
				closeDecision: classifyClose(event.code, event.reason)
			};
		}),
		recordError: assign(({ event }) => ({
			lastError:
				event.type === 'socket.error'
					? event.message
					: 'error' in event && event.error instanceof Error
						? event.error.message
						: 'error'
		})),
		recordConnectTimeout: assign(({ context }) => ({
			lastError: `no connection within ${context.rt.config.connectTimeout} ms`,
			closeDecision: null
		})),
		recordHeartbeatTimeout: assign(({ context }) => ({
			lastClose: {
				code: 1006,
				reason: `heartbeat timeout: no reply within ${context.rt.config.pongTimeout} ms`,
				wasClean: false,
				at: context.rt.now()
			},
			closeDecision: null
		})),
		fail: assign((_, params: { why: string }) => ({ failure: params.why, nextRetryAt: null })),
		failFromClose: assign(({ event }) => ({
			failure:
				event.type === 'socket.closed'
					? `closed by the server (${event.code}${event.reason ? `: ${event.reason}` : ''})`
					: 'closed by the server',
			nextRetryAt: null
		})),
		useFreshToken: assign({ freshToken: true }),

		scheduleRetry: assign(({ context }) => {
			const c = context.rt.config;
			const decision = context.closeDecision;
			const random = context.rt.random;
			const retryBase = retryBaseAfter(decision, context.retryBase, c.maxReconnectDelay);
			const delay = retryDelay(context.attempts, decision, {
				base: Math.max(c.reconnectInterval, retryBase),
				cap: c.maxReconnectDelay,
				longBase: c.longReconnectInterval,
				random
			});
			return {
				retryBase,
				attempts: context.attempts + 1,
				retryDelay: delay,
				nextRetryAt: context.rt.now() + delay,
				closeDecision: null
			};
		}),
		clearRetry: assign({ nextRetryAt: null }),

		markOpened: assign(({ context }) => {
			const now = context.rt.now();
			return {
				link: {
					...context.link,
					openedAt: now,
					lastInboundAt: now,
					pingId: null,
					pingSentAt: null
				},
				lastError: null
			};
		}),
		markLinkDown: assign(({ context }) => ({
			link: { ...context.link, openedAt: null, pingId: null, pingSentAt: null, authId: null }
		})),

		/** Raise the heartbeat region's internal events for a pong to our ping or a `welcome`. */
		signalHeartbeat: enqueueActions(({ context, event, enqueue }) => {
			if (event.type !== 'socket.message') return;
			const m = event.message;
			if (m.type === 'pong' && m.id !== undefined && m.id === context.link.pingId) {
				enqueue.raise({ type: 'heartbeat.pong' });
			} else if (m.type === 'welcome') {
				enqueue.raise({ type: 'heartbeat.configured' });
			}
		}),
		noteInbound: assign(({ context, event }) => {
			if (event.type !== 'socket.message') return {};
			const now = context.rt.now();
			const m = event.message;
			const link: LinkState = { ...context.link, lastInboundAt: now, heardSincePing: true };
			if (m.type === 'welcome') {
				// The server drops clients silent for 2× its interval: never ping less often.
				link.heartbeatInterval = Math.max(
					MIN_HEARTBEAT,
					Math.min(context.rt.config.heartbeatInterval, m.payload.heartbeatInterval)
				);
				link.epoch = m.payload.epoch;
			} else if (m.type === 'pong' && m.id !== undefined && m.id === link.pingId) {
				if (link.pingSentAt !== null) link.rtt = now - link.pingSentAt;
				link.pingId = null;
			}
			return { link };
		}),
		/** Count, settle requests, route to subscriptions (and send their follow-ups). */
		handleMessage: ({ context, event, self }) => {
			if (event.type !== 'socket.message') return;
			const { message, bytes } = event;
			context.rt.meter.messagesIn++;
			context.rt.meter.bytesIn += bytes;
			const ref = message.type === 'error' ? (message.payload.ref ?? message.id) : message.id;
			const pending = ref === undefined ? undefined : context.rt.requests.get(ref);
			if (pending && ref !== undefined) {
				context.rt.requests.delete(ref);
				if (message.type === 'error') {
					pending.reject(new ServerError(message.payload.error, message.payload.message));
				} else {
					pending.resolve(message);
				}
			}
			for (const frame of context.rt.registry.handle(message)) write(self, context, frame);
		},
		emitInbound: emit(({ event }) => ({
			type: 'inbound' as const,
			message: (event as Extract<ConnectionEvent, { type: 'socket.message' }>).message
		})),
		noteInvalid: ({ context, event }) => {
			if (event.type !== 'socket.invalid') return;
			context.rt.meter.invalidFrames++;
			context.rt.meter.messagesIn++;
			context.rt.meter.bytesIn += event.bytes;
		},
		emitInvalid: emit(({ event }) => ({
			type: 'invalid' as const,
			error: (event as Extract<ConnectionEvent, { type: 'socket.invalid' }>).error
		})),

		preparePing: assign(({ context }) => ({
			link: {
				...context.link,
				pingId: context.rt.nextId(),
				pingSentAt: context.rt.now(),
				heardSincePing: false,
				framesAtPing: context.rt.liveness.frames
			}
		})),
		writePing: ({ context, self }) => {
			if (context.link.pingId !== null)
				write(self, context, { type: 'ping', id: context.link.pingId });
		},
		prepareAuth: assign(({ context }) => ({
			link: { ...context.link, authId: context.rt.nextId() }
		})),
		writeAuth: ({ context, event, self }) => {
			const token = (event as { output?: unknown }).output;
			if (typeof token !== 'string' || context.link.authId === null) return;
			write(self, context, { type: 'authenticate', id: context.link.authId, payload: { token } });
		},
		/**
		 * The session is restored before anything queued goes out: every subscription (with
		 * `since`) first, then history still owed, then the outbox in order. A queued message
		 * therefore never reaches the server ahead of the session it belongs to.
		 */
		restoreSession: ({ context, self }) => {
			for (const frame of context.rt.registry.restore()) write(self, context, frame);
			for (const entry of context.rt.outbox.drain(context.rt.now())) {
				writeRaw(self, context, entry.data);
				entry.settle?.();
			}
		},

		registerRequest: ({ context, event }) => {
			if (event.type !== 'connection.request') return;
			context.rt.requests.set(event.id, {
				type: event.message.type,
				timeout: event.timeout,
				sent: false,
				resolve: event.resolve,
				reject: event.reject
			});
		},
		/**
		 * One clock for every deadline: a delayed raise on the machine's own scheduler, for
		 * requests (whether sent or queued) and for queued `expiring` messages.
		 */
		scheduleDeadline: enqueueActions(({ event, enqueue }) => {
			if (
				event.type === 'connection.request' ||
				(event.type === 'connection.send' && event.class === 'expiring')
			) {
				enqueue.raise({ type: 'timer.deadline', id: event.id }, { delay: 'deadline' });
			}
		}),
		queueOutgoing: ({ context, event }) => {
			const entry = entryOf(context, event);
			if (entry) context.rt.outbox.offer(entry);
		},
		sendOutgoing: ({ context, event, self }) => {
			const entry = entryOf(context, event);
			if (!entry) return;
			writeRaw(self, context, entry.data);
			entry.settle?.();
		},
		expireDeadline: ({ context, event }) => {
			if (event.type !== 'timer.deadline') return;
			const pending = context.rt.requests.get(event.id);
			if (pending) {
				context.rt.requests.delete(event.id);
				pending.reject(new RequestTimeoutError(pending.type, pending.timeout));
			}
			context.rt.outbox.expire(event.id, 'expired');
		},
		/** Replies only come on the link that carried the request. */
		abandonInflight: ({ context }) => {
			rejectAll(context, () => new DisconnectedError(), true);
		},

		addSubscriber: ({ context, event, self }, params: { transmit: boolean }) => {
			if (event.type !== 'connection.subscribe' || event.handle.cancelled) return;
			const { subscriber, frames } = context.rt.registry.add(event.stream, event.options);
			event.handle.subscriber = subscriber;
			if (params.transmit) for (const frame of frames) write(self, context, frame);
		},
		removeSubscriber: ({ context, event, self }, params: { transmit: boolean }) => {
			if (event.type !== 'connection.unsubscribe') return;
			const { subscriber } = event.handle;
			event.handle.cancelled = true;
			if (!subscriber) return;
			const frames = context.rt.registry.remove(subscriber);
			if (params.transmit) for (const frame of frames) write(self, context, frame);
		},

		/**
		 * Leaving `link` lets go of the socket: a user's disconnect closes with its code (a clean
		 * handshake the server can log); anything else is a drop that waits for nothing.
		 */
		closeSocket: ({ event, self }) => {
			const socket = socketOf(self);
			if (!socket) return;
			if (event.type === 'connection.disconnect') {
				socket.send({
					type: 'socket.close',
					code: event.code ?? 1000,
					reason: event.reason ?? 'client disconnect',
					abrupt: false
				});
			} else {
				socket.send({ type: 'socket.close', abrupt: true });
			}
		},
		/** A deliberate disconnect ends the session: nothing queued is sent later. */
		endSession: ({ context }) => {
			rejectAll(context, () => new DisconnectedError('disconnected by the client'), false);
			context.rt.outbox.clear('disconnected');
		},
		failPending: ({ context }) => {
			rejectAll(context, () => new DisconnectedError('connection failed'), false);
		}
	}
});

type Recorder = 'recordClose' | 'recordConnectTimeout' | 'recordError';

/** A wake event while a ping is outstanding: dead if its deadline passed (timestamps), else wait. */
const overdue = { guard: 'pongOverdue' as const, target: '#connection.heartbeatTimeout' };

/** Where every path that gives up on a link goes: back off, unless retrying is pointless. */
function retry(record?: Recorder) {
	const pre: Recorder[] = record ? [record] : [];
	return [
		{
			guard: 'reconnectDisabled' as const,
			target: '#connection.failed',
			actions: [
				...pre,
				{ type: 'fail' as const, params: { why: 'connection lost (reconnect disabled)' } }
			]
		},
		{
			guard: 'attemptsExhausted' as const,
			target: '#connection.failed',
			actions: [
				...pre,
				{ type: 'fail' as const, params: { why: 'gave up after maxReconnectAttempts' } }
			]
		},
		{ target: '#connection.backoff', actions: pre }
	];
}

/** The connection statechart. Create with `createActor(connectionMachine, { input })`. */
export const connectionMachine = connectionSetup.createMachine({
	id: 'connection',
	initial: 'idle',
	context: ({ input }) => {
		const config = resolveConfig(input.config);
		const nextId = input.nextId ?? (() => `m${++fallbackIds}`);
		const now = input.now ?? Date.now;
		return {
			rt: {
				config,
				WebSocketImpl:
					input.WebSocketImpl ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket,
				now,
				random: input.random ?? Math.random,
				nextId,
				registry: input.registry ?? new SubscriptionRegistry(nextId),
				outbox: new Outbox(config.outbox),
				requests: new Map(),
				meter: { messagesIn: 0, bytesIn: 0, messagesOut: 0, bytesOut: 0, invalidFrames: 0 },
				liveness: { frames: 0 },
				onInbound: input.onInbound
			},
			link: {
				heartbeatInterval: config.heartbeatInterval,
				epoch: null,
				pingId: null,
				pingSentAt: null,
				heardSincePing: false,
				framesAtPing: 0,
				lastInboundAt: 0,
				rtt: null,
				openedAt: null,
				authId: null
			},
			attempts: 0,
			reconnects: 0,
			retrying: false,
			retryDelay: 0,
			nextRetryAt: null,
			closeDecision: null,
			retryBase: 0,
			enteredAt: now(),
			online: input.online ?? true,
			freshToken: false,
			lastClose: null,
			lastError: null,
			failure: null
		};
	},
	on: {
		'connection.send': { actions: ['queueOutgoing', 'scheduleDeadline'] },
		'connection.request': { actions: ['registerRequest', 'queueOutgoing', 'scheduleDeadline'] },
		'connection.subscribe': { actions: { type: 'addSubscriber', params: { transmit: false } } },
		'connection.unsubscribe': {
			actions: { type: 'removeSubscriber', params: { transmit: false } }
		},
		'connection.disconnect': { target: '.closed' },
		'timer.deadline': { actions: 'expireDeadline' },
		'browser.online': { actions: 'markOnline' },
		'browser.offline': { actions: 'markOffline' }
	},
	states: {
		/** Inert: server-side rendering creates the machine here and nothing happens. */
		idle: {
			on: {
				'connection.connect': [
					{ guard: 'isOffline', target: 'offline', actions: 'beginSession' },
					{ target: 'link', actions: 'beginSession' }
				]
			}
		},
		/** A socket exists (invoked here, so leaving this state always lets go of it). */
		link: {
			initial: 'connecting',
			invoke: {
				id: 'socket',
				src: 'socket',
				input: ({ context }) => ({
					url: context.rt.config.url,
					protocols: context.rt.config.protocols,
					// A missing implementation surfaces as the actor's fatal constructor error.
					WebSocketImpl: context.rt.WebSocketImpl ?? (undefined as unknown as WebSocketConstructor),
					fastLane: (message: ServerMessage, bytes: number) => fastLane(context.rt, message, bytes)
				})
			},
			exit: ['closeSocket', 'abandonInflight', 'markLinkDown'],
			on: {
				'socket.message': [
					{
						guard: 'authMissing',
						target: 'failed',
						actions: [
							'noteInbound',
							'handleMessage',
							'emitInbound',
							{
								type: 'fail',
								params: { why: 'the server requires authentication and no getToken is set' }
							}
						]
					},
					{ actions: ['signalHeartbeat', 'noteInbound', 'handleMessage', 'emitInbound'] }
				],
				'socket.invalid': { actions: ['noteInvalid', 'emitInvalid'] },
				'socket.error': [
					{
						guard: 'isFatalError',
						target: 'failed',
						actions: ['recordError', { type: 'fail', params: { why: 'cannot create a socket' } }]
					},
					{ actions: 'recordError' }
				],
				'socket.closed': [
					{
						guard: { type: 'closeIs', params: { action: 'closed' } },
						target: 'closed',
						actions: 'recordClose'
					},
					{
						guard: and([
							{ type: 'closeIs', params: { action: 'reauth' as const } },
							'canRefreshToken'
						]),
						target: 'link',
						reenter: true,
						actions: ['recordClose', 'useFreshToken', 'countReconnect']
					},
					{
						guard: { type: 'closeIs', params: { action: 'reauth' } },
						target: 'failed',
						actions: ['recordClose', 'failFromClose']
					},
					{
						guard: { type: 'closeIs', params: { action: 'failed' } },
						target: 'failed',
						actions: ['recordClose', 'failFromClose']
					},
					...retry('recordClose')
				],
				'browser.offline': { target: 'offline', actions: 'markOffline' }
			},
			states: {
				connecting: {
					entry: 'markEntered',
					on: {
						'socket.opened': [{ guard: 'needsAuth', target: 'authenticating' }, { target: 'open' }]
					},
					after: {
						connectTimeout: retry('recordConnectTimeout')
					}
				},
				authenticating: {
					entry: 'markEntered',
					initial: 'fetchingToken',
					after: {
						connectTimeout: retry('recordConnectTimeout')
					},
					states: {
						fetchingToken: {
							invoke: {
								id: 'token',
								src: 'fetchToken',
								input: ({ context }) => ({
									getToken: context.rt.config.getToken,
									fresh: context.freshToken
								}),
								onDone: { target: 'awaitingReply', actions: ['prepareAuth', 'writeAuth'] },
								onError: retry('recordError')
							}
						},
						awaitingReply: {
							on: {
								'socket.message': [
									{
										guard: 'isAuthenticated',
										target: '#connection.link.open',
										actions: ['noteInbound', 'handleMessage', 'emitInbound']
									}
								]
							}
						}
					}
				},
				open: {
					type: 'parallel',
					entry: ['markEntered', 'markOpened', 'restoreSession'],
					on: {
						// A send is a chance to notice a link that died while timers slept.
						'connection.send': [
							{
								guard: 'pongOverdue',
								target: '#connection.heartbeatTimeout',
								actions: ['queueOutgoing', 'scheduleDeadline']
							},
							{ actions: 'sendOutgoing' }
						],
						'connection.request': [
							{
								guard: 'pongOverdue',
								target: '#connection.heartbeatTimeout',
								actions: ['registerRequest', 'queueOutgoing', 'scheduleDeadline']
							},
							{ actions: ['registerRequest', 'sendOutgoing', 'scheduleDeadline'] }
						],
						'connection.subscribe': {
							actions: { type: 'addSubscriber', params: { transmit: true } }
						},
						'connection.unsubscribe': {
							actions: { type: 'removeSubscriber', params: { transmit: true } }
						}
					},
					states: {
						heartbeat: {
							// A ping as soon as the link opens (after the session's restore burst, which
							// the parent's entry sent): the round trip is known at once, not one interval
							// later, and a link that opened but carries nothing is found within
							// pongTimeout instead of heartbeatInterval + pongTimeout.
							initial: 'probing',
							states: {
								waiting: {
									after: { heartbeatInterval: 'probing' },
									on: {
										// The server's interval arrived: restart the period with it.
										'heartbeat.configured': { target: 'waiting', reenter: true },
										'browser.visible': 'probing',
										'browser.focus': 'probing',
										'browser.pageshow': 'probing',
										'browser.online': { target: 'probing', actions: 'markOnline' }
									}
								},
								probing: {
									entry: ['preparePing', 'writePing'],
									on: {
										'heartbeat.pong': 'waiting',
										'browser.visible': overdue,
										'browser.focus': overdue,
										'browser.pageshow': overdue,
										'browser.online': [
											{ ...overdue, actions: 'markOnline' },
											{ actions: 'markOnline' }
										]
									},
									after: {
										pongTimeout: [
											{ guard: 'linkSilent', target: '#connection.heartbeatTimeout' },
											// Other frames arrived: alive, though the pong is late.
											{ target: 'waiting' }
										]
									}
								}
							}
						},
						stability: {
							initial: 'settling',
							states: {
								settling: {
									after: { stableAfter: { target: 'stable', actions: 'resetAttempts' } }
								},
								stable: {}
							}
						}
					}
				}
			}
		},
		/** The link was declared dead; the socket is already dropped. Visible for one tick. */
		heartbeatTimeout: {
			entry: ['markEntered', 'recordHeartbeatTimeout'],
			after: { heartbeatTimeoutLinger: retry() },
			on: { 'browser.offline': { target: 'offline', actions: 'markOffline' } }
		},
		backoff: {
			entry: ['markEntered', 'scheduleRetry'],
			exit: 'clearRetry',
			after: { retryDelay: { target: 'link', actions: 'countReconnect' } },
			on: {
				'browser.online': { target: 'link', actions: ['markOnline', 'countReconnect'] },
				'browser.offline': { target: 'offline', actions: 'markOffline' },
				'connection.connect': { target: 'link', actions: 'countReconnect' },
				'connection.retry': { target: 'link', actions: 'countReconnect' }
			}
		},
		/** The network is down; no point in trying until it comes back. */
		offline: {
			entry: 'markEntered',
			on: {
				'browser.online': { target: 'link', actions: ['markOnline', 'countReconnect'] },
				// The user insists: navigator.onLine can be wrong.
				'connection.retry': { target: 'link', actions: 'countReconnect' }
			}
		},
		/** No retry until the user acts (`connection.retry` or `connection.connect`). */
		failed: {
			entry: ['markEntered', 'failPending'],
			on: {
				'connection.retry': {
					target: 'link',
					actions: ['resetAttempts', 'clearFailure', 'countReconnect']
				},
				'connection.connect': {
					target: 'link',
					actions: ['resetAttempts', 'clearFailure', 'countReconnect']
				}
			}
		},
		/** The user's `disconnect()`; only the user's `connect()` leaves, never a browser event. */
		closed: {
			entry: ['markEntered', 'endSession', 'resetAttempts'],
			on: {
				'connection.connect': [
					{ guard: 'isOffline', target: 'offline', actions: ['clearFailure', 'beginSession'] },
					{ target: 'link', actions: ['clearFailure', 'beginSession'] }
				]
			}
		}
	}
});

/** The machine's type, for `createActor` callers and tests. */
export type ConnectionMachine = typeof connectionMachine;
