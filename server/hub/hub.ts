/**
 * The WebSocket hub: one per gateway, serving every stream over `/ws` (and the alias paths) to
 * every client, as PROTOCOL.md specifies. It stamps sources' items with per-stream `seq`, keeps
 * the bounded histories, delivers to clients on a tick, and enforces the protocol's security
 * and flow limits. It does not own an HTTP server: {@link Hub.handleUpgrade} is called from the
 * server's `upgrade` event (the production gateway or Vite's dev server).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import {
	decodeClientFrame,
	encode,
	PROTOCOL_VERSION,
	STREAMS,
	type ErrorCode,
	type Stream
} from '../../src/lib/protocol/index';
import type { Source, SourceHealth, SourceSink } from '../sources/source';
import { closeReason, CloseCode, reconnectSpreadMs, type CloseAdvice } from './close';
import {
	batchBufferBytes,
	deliverStream,
	releaseBatches,
	type BatchCache,
	type DeliveryCounters
} from './delivery';
import { FramePool } from './frame-pool';
import { DEFAULT_HISTORY_LIMITS, EpochState, type HistoryLimits } from './epoch-state';
import { isOriginAllowed, normalizeOrigin } from './origin';
import { DEFAULT_OUTBOX_LIMITS, Outbox, type OutboxCounters } from './outbox';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limiter';
import { DEFAULT_REGEX_INPUT_MAX } from './regex-guard';
import { handleRequest, type RequestContext } from './requests';
import { Session } from './session';
import { FilterCompiler } from './stream-filter';

/** Options of a {@link Hub}; every one has a default. */
export interface HubOptions {
	/** Where items come from; the hub starts it with {@link Hub.start} and stops it on close. None by default. */
	source?: Source;
	/** Token clients must `authenticate` with; when unset (default) no authentication is required. */
	token?: string;
	/** Origins allowed besides same-origin, e.g. `https://ops.example.com`; `*` allows any. Default none. */
	allowedOrigins?: readonly string[];
	/** Server ping interval, advertised as `heartbeatInterval`; silent clients are terminated after twice this. Default 15,000 ms. */
	heartbeatIntervalMs?: number;
	/** Time a client has to `authenticate` when a token is set before it is closed with 4408. Default 5,000 ms. */
	authTimeoutMs?: number;
	/** Sustained messages per second per connection. Default 50. */
	rateLimitPerSecond?: number;
	/** Messages per connection accepted in a burst. Default 100. */
	rateLimitBurst?: number;
	/** Rate-limited messages within `rateLimitWindowMs` after which the connection is closed with 4429. Default 50. */
	rateLimitMaxViolations?: number;
	/** Window for `rateLimitMaxViolations`. Default 10,000 ms. */
	rateLimitWindowMs?: number;
	/** Bad frames in a row after which the connection is closed with 4400. Default 20. */
	maxBadFrames?: number;
	/** History sizes per stream. Defaults: 10,000 logs, 1,000 notifications, 1,000 task updates, 600 metric samples per resource for 64 resources. */
	history?: Partial<HistoryLimits>;
	/** Delivery tick: at most one log frame per client per interval. Default 50 ms. */
	batchIntervalMs?: number;
	/** A log batch stops growing at this size. Default 4 MiB (throughput: about 80 MB/s per client at 50 ms). */
	maxBatchBytes?: number;
	/** Stream data is written to a connection only while its unsent bytes are below this. Default 1 MiB. */
	sendHighWaterBytes?: number;
	/** …and only while fewer frames than this are unsent. Default 1,024. */
	sendHighWaterFrames?: number;
	/** A connection whose unsent bytes would pass this (it asks but never reads) is terminated. Default 16 MiB. */
	sendMaxBytes?: number;
	/** Offer permessage-deflate. Default false (it costs the server about 70 µs per message per connection). */
	deflate?: boolean;
	/** With deflate on, frames smaller than this are sent uncompressed. Default 1,024 bytes. */
	deflateThreshold?: number;
	/** Largest frame accepted from a client; larger ones close the connection with 1009. Default 1 MiB. */
	maxFrameBytes?: number;
	/**
	 * Open connections accepted from one remote address; more are closed with 1013 and a retry
	 * hint. Default 2,000 (the benchmarks open 1,000 from loopback; each costs about 8 KiB).
	 */
	maxConnectionsPerAddress?: number;
	/**
	 * When the hub closes every connection at once (restart, shutdown) it asks the clients to
	 * spread their return over `connections / reconnectRatePerSecond` seconds (the close reason's
	 * `spreadMs`, at most 30 s), so a fleet does not come back in one burst. Default 500/s: a
	 * thousand tabs return over 2 s, a single tab at once.
	 */
	reconnectRatePerSecond?: number;
	/** Characters of each log line a regex filter is run on. Default 1,000. */
	regexInputMax?: number;
	/** Where the hub reports unexpected errors. Default `console.error`. */
	onError?: (error: unknown, context: string) => void;
}

type Resolved = Required<Omit<HubOptions, 'source' | 'token' | 'history'>> & {
	token: string | undefined;
	history: HistoryLimits;
};

function positive(name: string, value: number, integer = true): number {
	if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
		throw new RangeError(
			`hub option ${name} must be a positive ${integer ? 'integer' : 'number'}, got ${value}`
		);
	}
	return value;
}

function resolveOptions(options: HubOptions): Resolved {
	const history = { ...DEFAULT_HISTORY_LIMITS, ...options.history };
	for (const [k, v] of Object.entries(history)) positive(`history.${k}`, v);
	const r: Resolved = {
		token: options.token === '' ? undefined : options.token,
		allowedOrigins: (options.allowedOrigins ?? []).map(normalizeOrigin),
		heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15_000,
		authTimeoutMs: options.authTimeoutMs ?? 5_000,
		rateLimitPerSecond: options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT.perSecond,
		rateLimitBurst: options.rateLimitBurst ?? DEFAULT_RATE_LIMIT.burst,
		rateLimitMaxViolations: options.rateLimitMaxViolations ?? DEFAULT_RATE_LIMIT.maxViolations,
		rateLimitWindowMs: options.rateLimitWindowMs ?? DEFAULT_RATE_LIMIT.windowMs,
		maxBadFrames: options.maxBadFrames ?? 20,
		history,
		batchIntervalMs: options.batchIntervalMs ?? 50,
		maxBatchBytes: options.maxBatchBytes ?? 4 * 1024 * 1024,
		sendHighWaterBytes: options.sendHighWaterBytes ?? DEFAULT_OUTBOX_LIMITS.highWaterBytes,
		sendHighWaterFrames: options.sendHighWaterFrames ?? DEFAULT_OUTBOX_LIMITS.highWaterFrames,
		sendMaxBytes: options.sendMaxBytes ?? DEFAULT_OUTBOX_LIMITS.maxBytes,
		deflate: options.deflate ?? false,
		deflateThreshold: options.deflateThreshold ?? 1024,
		maxFrameBytes: options.maxFrameBytes ?? 1024 * 1024,
		maxConnectionsPerAddress: options.maxConnectionsPerAddress ?? 2000,
		reconnectRatePerSecond: options.reconnectRatePerSecond ?? 500,
		regexInputMax: options.regexInputMax ?? DEFAULT_REGEX_INPUT_MAX,
		onError: options.onError ?? ((error, context) => console.error(`[hub] ${context}:`, error))
	};
	positive('heartbeatIntervalMs', r.heartbeatIntervalMs);
	positive('authTimeoutMs', r.authTimeoutMs);
	positive('rateLimitPerSecond', r.rateLimitPerSecond, false);
	positive('rateLimitBurst', r.rateLimitBurst);
	positive('rateLimitMaxViolations', r.rateLimitMaxViolations);
	positive('rateLimitWindowMs', r.rateLimitWindowMs);
	positive('maxBadFrames', r.maxBadFrames);
	positive('batchIntervalMs', r.batchIntervalMs);
	positive('maxBatchBytes', r.maxBatchBytes);
	positive('sendHighWaterBytes', r.sendHighWaterBytes);
	positive('sendHighWaterFrames', r.sendHighWaterFrames);
	positive('sendMaxBytes', r.sendMaxBytes);
	positive('maxFrameBytes', r.maxFrameBytes);
	positive('maxConnectionsPerAddress', r.maxConnectionsPerAddress);
	positive('reconnectRatePerSecond', r.reconnectRatePerSecond, false);
	positive('regexInputMax', r.regexInputMax);
	return r;
}

/** WebSocket paths the hub serves, and the stream each alias implies. */
export const HUB_PATHS: ReadonlyMap<string, Stream | undefined> = new Map<
	string,
	Stream | undefined
>([['/ws', undefined], ...STREAMS.map((s): [string, Stream] => [`/ws/${s}`, s])]);

/** The hub path a request URL names, or undefined when it is not one of ours. */
export function hubPath(url: string | undefined): string | undefined {
	const pathname = new URL(url ?? '/', 'http://localhost').pathname;
	const path = pathname.length > 1 && pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
	return HUB_PATHS.has(path) ? path : undefined;
}

/** A frame that is not JSON, for the malformed-frame fault. */
export const MALFORMED_FRAME = '{"type":"log_entry","payload":{"id":"malformed-';

/** Per-connection figures in {@link HubStats}. */
export interface SessionStats {
	id: number;
	path: string;
	remoteAddress: string | undefined;
	authenticated: boolean;
	stalled: boolean;
	connectedAt: string;
	subscriptions: {
		stream: Stream;
		resourceIds: string[];
		/** Last seq handed over (or passed over as not selected). */
		cursor: number;
		/** Items missed and not yet reported (reported once the client reads again). */
		pendingDrop: number;
		filtered: boolean;
	}[];
	/** Bytes written but not yet taken by the socket. */
	bufferedBytes: number;
	/** Frames written but not yet flushed. */
	unflushedFrames: number;
	/** Items reported as dropped, per stream. */
	dropped: Record<Stream, number>;
}

/** A snapshot of the hub, for `/_health`, tests and benchmarks. */
export interface HubStats {
	epoch: string;
	epochStartedAt: string;
	clients: number;
	/** Until when new connections are refused (the refuse fault), if they are. */
	refusingUntil: string | undefined;
	streams: Record<Stream, { lastSeq: number; held: number; oldestSeq: number }>;
	totals: {
		connections: number;
		framesIn: number;
		framesOut: number;
		bytesOut: number;
		rateLimited: number;
		badFrames: number;
		refused: number;
		idleTerminated: number;
		overflowTerminated: number;
		logBatchesBuilt: number;
		dropped: Record<Stream, number>;
	};
	sessions: SessionStats[];
}

/** What a restart did. */
export interface RestartResult {
	previousEpoch: string;
	epoch: string;
	/** Connections closed with 1012. */
	closed: number;
}

/** The hub. Create it, {@link Hub.start} it, route upgrades to it, {@link Hub.close} it. */
export class Hub {
	readonly #options: Resolved;
	readonly #wss: WebSocketServer;
	readonly #sessions = new Set<Session>();
	readonly #compiler: FilterCompiler;
	readonly #source: Source | undefined;
	readonly #counters: OutboxCounters &
		DeliveryCounters & {
			connections: number;
			framesIn: number;
			rateLimited: number;
			badFrames: number;
			refused: number;
			idleTerminated: number;
		};
	readonly #context: RequestContext;
	#state: EpochState;
	#nextId = 1;
	#tickTimer: NodeJS.Timeout | undefined;
	#heartbeatTimer: NodeJS.Timeout | undefined;
	#refuseUntil = 0;
	/** Open connections per remote address (for `maxConnectionsPerAddress`). */
	readonly #perAddress = new Map<string, number>();
	#started = false;
	/** The log interest last told to the source (sorted resource ids, one per line). */
	#logInterestKey = '';
	#closing: Promise<void> | undefined;
	/** Log batches built in the current turn of the event loop, shared by every session served in it. */
	readonly #batchCache: BatchCache;
	#batchCacheRelease: NodeJS.Immediate | undefined;

	/** Where sources deliver items. Each call stamps `seq` and stores the item in history. */
	readonly sink: SourceSink = {
		log: (entry) => {
			this.#state.publishLog(entry);
		},
		metrics: (update) => {
			this.#state.publishMetrics(update);
		},
		notification: (notification) => {
			this.#state.publishNotification(notification);
		},
		task: (update) => {
			this.#state.publishTask(update);
		}
	};

	constructor(options: HubOptions = {}) {
		this.#options = resolveOptions(options);
		this.#source = options.source;
		this.#state = new EpochState(this.#options.history);
		this.#compiler = new FilterCompiler({ inputMax: this.#options.regexInputMax });
		this.#batchCache = {
			batches: new Map(),
			pool: new FramePool(batchBufferBytes(this.#options.maxBatchBytes))
		};
		this.#counters = {
			connections: 0,
			framesIn: 0,
			framesOut: 0,
			bytesOut: 0,
			overflows: 0,
			rateLimited: 0,
			badFrames: 0,
			refused: 0,
			idleTerminated: 0,
			logBatchesBuilt: 0,
			dropped: { logs: 0, metrics: 0, notifications: 0, tasks: 0 }
		};
		this.#wss = new WebSocketServer({
			noServer: true,
			clientTracking: false,
			maxPayload: this.#options.maxFrameBytes,
			// Pongs are answered by hand so that the stall fault can silence them too.
			autoPong: false,
			perMessageDeflate: this.#options.deflate
				? { threshold: this.#options.deflateThreshold }
				: false
		});
		const currentState = (): EpochState => this.#state;
		this.#context = {
			// A getter: a restart replaces the state, and handlers must see the new one.
			get state() {
				return currentState();
			},
			compiler: this.#compiler,
			token: this.#options.token,
			deliver: (session, stream) => {
				const behind = deliverStream(
					session,
					stream,
					this.#state,
					this.#options,
					this.#counters,
					performance.now(),
					this.#cache()
				);
				if (behind) this.#followUp(session);
			},
			broadcast: (frame, except) => {
				for (const s of this.#sessions) {
					if (s !== except && s.authenticated) s.outbox.send(frame);
				}
			},
			close: (session, code, reason) => this.#close(session, code, reason)
		};
	}

	/** The current epoch. */
	get epoch(): string {
		return this.#state.epoch;
	}

	/** Connected clients. */
	get clientCount(): number {
		return this.#sessions.size;
	}

	/** The heartbeat interval clients are told in `welcome`. */
	get heartbeatIntervalMs(): number {
		return this.#options.heartbeatIntervalMs;
	}

	/** Start the timers and the source. Idempotent. */
	start(): void {
		if (this.#started) return;
		this.#started = true;
		this.#tickTimer = setInterval(
			() => this.#guard('tick', () => this.tick()),
			this.#options.batchIntervalMs
		);
		this.#tickTimer.unref();
		this.#heartbeatTimer = setInterval(
			() => this.#guard('heartbeat', () => this.#heartbeat()),
			this.#options.heartbeatIntervalMs
		);
		this.#heartbeatTimer.unref();
		this.#source?.start(this.sink);
	}

	#guard(context: string, fn: () => void): void {
		try {
			fn();
		} catch (error) {
			this.#options.onError(error, context);
		}
	}

	/**
	 * Take an HTTP upgrade if it is for a hub path; returns false, touching nothing, otherwise
	 * (so another listener, such as Vite's HMR, can take it).
	 */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
		const path = hubPath(req.url);
		if (path === undefined) return false;
		if (this.#closing) {
			socket.destroy();
			return true;
		}
		this.#wss.handleUpgrade(req, socket, head, (ws) => {
			this.#guard('accept', () => this.#accept(ws, req, path));
		});
		return true;
	}

	#accept(ws: WebSocket, req: IncomingMessage, path: string): void {
		ws.on('error', () => {
			// Protocol errors (oversized frame: 1009, bad UTF-8: 1007) are answered by ws itself with
			// the right close code; there is nothing more to do, but the event must be handled.
		});
		if (!isOriginAllowed(req.headers.origin, req.headers.host, this.#options.allowedOrigins)) {
			this.#counters.refused++;
			ws.close(CloseCode.policyViolation, closeReason('origin not allowed'));
			return;
		}
		const refuseFor = this.#refuseUntil - Date.now();
		if (refuseFor > 0) {
			this.#counters.refused++;
			ws.close(CloseCode.tryAgainLater, closeReason({ reconnect: true, retryAfterMs: refuseFor }));
			return;
		}
		const address = req.socket.remoteAddress ?? '';
		const open = this.#perAddress.get(address) ?? 0;
		if (open >= this.#options.maxConnectionsPerAddress) {
			this.#counters.refused++;
			ws.close(CloseCode.tryAgainLater, closeReason({ reconnect: true, retryAfterMs: 5000 }));
			return;
		}
		this.#perAddress.set(address, open + 1);
		ws.once('close', () => {
			const left = (this.#perAddress.get(address) ?? 1) - 1;
			if (left > 0) this.#perAddress.set(address, left);
			else this.#perAddress.delete(address);
		});
		this.#counters.connections++;
		const now = Date.now();
		const session: Session = new Session({
			id: this.#nextId++,
			ws,
			path,
			pathStream: HUB_PATHS.get(path),
			remoteAddress: req.socket.remoteAddress,
			authenticated: this.#options.token === undefined,
			limiter: new RateLimiter({
				perSecond: this.#options.rateLimitPerSecond,
				burst: this.#options.rateLimitBurst,
				maxViolations: this.#options.rateLimitMaxViolations,
				windowMs: this.#options.rateLimitWindowMs
			}),
			outbox: new Outbox(
				ws,
				{
					highWaterBytes: this.#options.sendHighWaterBytes,
					highWaterFrames: this.#options.sendHighWaterFrames,
					maxBytes: this.#options.sendMaxBytes
				},
				this.#counters,
				() => ws.terminate()
			),
			now
		});
		session.outbox.onReady = () => this.#scheduleDelivery(session);
		this.#sessions.add(session);
		ws.on('message', (data, isBinary) =>
			this.#guard('message', () => this.#onMessage(session, data, isBinary))
		);
		ws.on('ping', (data) => {
			if (session.stalled) return;
			session.lastSeen = Date.now();
			if (ws.readyState === WebSocket.OPEN) ws.pong(data);
		});
		ws.on('pong', () => {
			if (!session.stalled) session.lastSeen = Date.now();
		});
		ws.on('close', () => this.#onClose(session));
		session.outbox.send(
			encode({
				type: 'welcome',
				payload: {
					protocol: PROTOCOL_VERSION,
					epoch: this.#state.epoch,
					heartbeatInterval: this.#options.heartbeatIntervalMs,
					authRequired: this.#options.token !== undefined,
					serverTime: new Date()
				}
			})
		);
		if (!session.authenticated) {
			session.authTimer = setTimeout(() => {
				if (!session.authenticated) {
					this.#close(session, CloseCode.authenticationTimeout, 'authentication timeout');
				}
			}, this.#options.authTimeoutMs);
			session.authTimer.unref();
		}
	}

	#onClose(session: Session): void {
		session.closed = true;
		clearTimeout(session.authTimer);
		clearTimeout(session.deliveryTimer);
		this.#sessions.delete(session);
		if (session.subscriptions.has('logs')) this.#updateLogInterest();
	}

	/**
	 * Tell the source which log resources are subscribed now, if it wants to know and the set
	 * changed (KECS opens a log connection per subscribed task; see `Source.setLogInterest`).
	 */
	#updateLogInterest(): void {
		const source = this.#source;
		if (source?.setLogInterest === undefined) return;
		const ids = new Set<string>();
		for (const session of this.#sessions) {
			const sub = session.subscriptions.get('logs');
			if (sub !== undefined) for (const id of sub.resourceIds) ids.add(id);
		}
		const key = [...ids].sort().join('\n');
		if (key === this.#logInterestKey) return;
		this.#logInterestKey = key;
		this.#guard('source log interest', () => source.setLogInterest?.(ids));
	}

	#close(session: Session, code: number, reason: string): void {
		const ws = session.ws;
		if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) {
			ws.close(code, reason);
		}
	}

	#sendError(session: Session, code: ErrorCode, message: string, ref: string | undefined): void {
		session.outbox.send(encode({ type: 'error', payload: { error: code, message, ref }, id: ref }));
	}

	#onMessage(session: Session, data: RawData, isBinary: boolean): void {
		if (session.stalled || session.ws.readyState !== WebSocket.OPEN) return;
		session.lastSeen = Date.now();
		this.#counters.framesIn++;
		const text = rawToText(data, isBinary);
		const decision = session.limiter.take();
		if (decision !== 'accept') {
			this.#counters.rateLimited++;
			this.#sendError(
				session,
				'rate_limit_exceeded',
				`rate limit exceeded (${this.#options.rateLimitPerSecond} messages/s, burst ${this.#options.rateLimitBurst})`,
				cheapId(text)
			);
			if (decision === 'close') {
				const advice: CloseAdvice = {
					reconnect: true,
					retryAfterMs: this.#options.rateLimitWindowMs
				};
				this.#close(session, CloseCode.rateLimited, closeReason(advice));
			}
			return;
		}
		const decoded = decodeClientFrame(text, { maxLength: this.#options.maxFrameBytes });
		const rejection = decoded.ok
			? handleRequest(this.#context, session, decoded.message)
			: { code: decoded.error.code, message: decoded.error.message };
		if (
			decoded.ok &&
			(decoded.message.type === 'subscribe' || decoded.message.type === 'unsubscribe')
		) {
			this.#updateLogInterest();
		}
		if (rejection === undefined) {
			session.badFrames = 0;
			return;
		}
		const ref = decoded.ok ? decoded.message.id : decoded.error.ref;
		session.badFrames++;
		this.#counters.badFrames++;
		this.#sendError(session, rejection.code, rejection.message, ref);
		if (session.badFrames >= this.#options.maxBadFrames) {
			this.#close(session, CloseCode.protocolViolation, `${session.badFrames} bad frames in a row`);
		}
	}

	/** Deliver pending items to every client (runs every `batchIntervalMs`; public for tests). */
	tick(): void {
		const now = performance.now();
		const cache = this.#cache();
		for (const session of this.#sessions) this.#deliverSession(session, now, cache);
	}

	/** Deliver what `session` has not had on each stream; arrange a follow-up if it stays behind. */
	#deliverSession(session: Session, now: number, cache: BatchCache): void {
		if (!session.authenticated || session.stalled || session.closed) return;
		let behind = false;
		for (const stream of session.subscriptions.keys()) {
			if (deliverStream(session, stream, this.#state, this.#options, this.#counters, now, cache)) {
				behind = true;
			}
		}
		if (behind) this.#followUp(session);
	}

	/**
	 * A session is still behind after a delivery: serve it again as soon as it may be served,
	 * rather than at the next tick. When its outbox is full, that is when the socket drains;
	 * otherwise when its log batch interval has passed. A client that can take more than one
	 * batch per tick gets one every `batchIntervalMs`, not one every other tick.
	 */
	#followUp(session: Session): void {
		if (session.outbox.ready) this.#scheduleDelivery(session);
		else session.outbox.notifyWhenReady();
	}

	#scheduleDelivery(session: Session): void {
		if (session.deliveryTimer !== undefined || session.closed) return;
		const now = performance.now();
		const wait = Math.max(0, session.lastLogBatchAt + this.#options.batchIntervalMs - now);
		session.deliveryTimer = setTimeout(() => {
			session.deliveryTimer = undefined;
			this.#guard('deliver', () => this.#deliverSession(session, performance.now(), this.#cache()));
		}, wait);
	}

	/**
	 * The batch cache for this turn of the event loop. Sessions served in the same turn (the
	 * tick, or follow-ups that fall due together) share batches; the builders' references are
	 * given back once the turn ends.
	 */
	#cache(): BatchCache {
		if (this.#batchCacheRelease === undefined) {
			this.#batchCacheRelease = setImmediate(() => {
				this.#batchCacheRelease = undefined;
				releaseBatches(this.#batchCache);
			});
		}
		return this.#batchCache;
	}

	#heartbeat(): void {
		const now = Date.now();
		const limit = 2 * this.#options.heartbeatIntervalMs;
		for (const session of this.#sessions) {
			if (now - session.lastSeen > limit) {
				this.#counters.idleTerminated++;
				session.ws.terminate();
			} else if (!session.stalled && session.ws.readyState === WebSocket.OPEN) {
				session.ws.ping();
			}
		}
	}

	// --- Fault controls (the gateway exposes them only when faults are enabled) ---------------

	/** Drop every connection abruptly: no close frame, as if the network went away. */
	dropAll(): number {
		const count = this.#sessions.size;
		for (const session of this.#sessions) session.ws.terminate();
		return count;
	}

	/**
	 * Restart with a new epoch: history is lost, sequence numbers start again, and every
	 * connection is closed with 1012. The source keeps running; the tasks it knows are published
	 * again so that the new epoch's history still describes the world.
	 */
	restart(): RestartResult {
		const previousEpoch = this.#state.epoch;
		releaseBatches(this.#batchCache);
		this.#state = new EpochState(this.#options.history);
		const closed = this.#sessions.size;
		const reason = closeReason({
			reconnect: true,
			retryAfterMs: 0,
			spreadMs: reconnectSpreadMs(closed, this.#options.reconnectRatePerSecond)
		});
		for (const session of this.#sessions) this.#close(session, CloseCode.serviceRestart, reason);
		const timestamp = new Date();
		for (const task of this.#source?.tasks() ?? []) {
			this.#state.publishTask({ taskId: task.taskArn, updateType: 'updated', task, timestamp });
		}
		return { previousEpoch, epoch: this.#state.epoch, closed };
	}

	/**
	 * Stall every current connection: from now on it gets nothing (no data, no pongs, no pings)
	 * and what it sends is ignored, while TCP stays open: a half-open link. Items published
	 * meanwhile stay in history, so the client's resume recovers them. The idle check still
	 * terminates a stalled connection after twice the heartbeat interval.
	 */
	stallAll(): number {
		let count = 0;
		for (const session of this.#sessions) {
			if (session.stalled) continue;
			session.stalled = true;
			session.outbox.suspended = true;
			count++;
		}
		return count;
	}

	/** Refuse new connections (1013 with `retryAfterMs`) for `ms` milliseconds. */
	refuse(ms: number): Date {
		this.#refuseUntil = Date.now() + ms;
		return new Date(this.#refuseUntil);
	}

	/** Send one frame that is not valid JSON to every live connection. */
	sendMalformed(): number {
		let count = 0;
		for (const session of this.#sessions) if (session.outbox.send(MALFORMED_FRAME)) count++;
		return count;
	}

	/**
	 * The source's health, if there is a source, with its name and whether it produces metrics
	 * (KECS has no metrics feed: the UI then says so instead of waiting for samples).
	 */
	sourceHealth(): (SourceHealth & { name: string; providesMetrics: boolean }) | undefined {
		if (!this.#source) return undefined;
		return {
			name: this.#source.name,
			providesMetrics: this.#source.providesMetrics,
			...this.#source.health()
		};
	}

	/** A snapshot of the hub's state and counters. */
	stats(): HubStats {
		const state = this.#state;
		const streams = {} as HubStats['streams'];
		for (const stream of STREAMS) {
			const history = state.history(stream);
			streams[stream] = {
				lastSeq: history.lastSeq,
				held: history.size,
				oldestSeq: history.completeFrom({ kind: 'all' })
			};
		}
		const c = this.#counters;
		return {
			epoch: state.epoch,
			epochStartedAt: new Date(state.startedAt).toISOString(),
			clients: this.#sessions.size,
			refusingUntil:
				this.#refuseUntil > Date.now() ? new Date(this.#refuseUntil).toISOString() : undefined,
			streams,
			totals: {
				connections: c.connections,
				framesIn: c.framesIn,
				framesOut: c.framesOut,
				bytesOut: c.bytesOut,
				rateLimited: c.rateLimited,
				badFrames: c.badFrames,
				refused: c.refused,
				idleTerminated: c.idleTerminated,
				overflowTerminated: c.overflows,
				logBatchesBuilt: c.logBatchesBuilt,
				dropped: { ...c.dropped }
			},
			sessions: [...this.#sessions].map((s) => ({
				id: s.id,
				path: s.path,
				remoteAddress: s.remoteAddress,
				authenticated: s.authenticated,
				stalled: s.stalled,
				connectedAt: new Date(s.connectedAt).toISOString(),
				subscriptions: [...s.subscriptions].map(([stream, sub]) => ({
					stream,
					resourceIds: [...sub.resourceIds],
					cursor: sub.cursor,
					pendingDrop: sub.pendingDrop,
					filtered: !sub.selection.unfiltered
				})),
				bufferedBytes: s.outbox.bufferedBytes,
				unflushedFrames: s.outbox.unflushedFrames,
				dropped: { ...s.dropped }
			}))
		};
	}

	/**
	 * Close every connection with `code` (1001 by default: going away, retry), stop the timers
	 * and the source. Connections that have not finished the close handshake within
	 * `graceMs` are terminated.
	 */
	close(code: number = CloseCode.goingAway, graceMs = 1000): Promise<void> {
		this.#closing ??= (async () => {
			clearInterval(this.#tickTimer);
			clearInterval(this.#heartbeatTimer);
			const reason = closeReason({
				reconnect: true,
				retryAfterMs: 1000,
				spreadMs: reconnectSpreadMs(this.#sessions.size, this.#options.reconnectRatePerSecond)
			});
			const closed = [...this.#sessions].map(
				(session) =>
					new Promise<void>((resolve) => {
						if (session.ws.readyState === WebSocket.CLOSED) return resolve();
						session.ws.once('close', () => resolve());
						this.#close(session, code, reason);
					})
			);
			const timer = setTimeout(() => {
				for (const session of this.#sessions) session.ws.terminate();
			}, graceMs);
			await Promise.all(closed);
			clearTimeout(timer);
			try {
				await this.#source?.stop();
			} catch (error) {
				this.#options.onError(error, 'source stop');
			}
			await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
		})();
		return this.#closing;
	}
}

function rawToText(data: RawData, isBinary: boolean): string | Buffer {
	if (Buffer.isBuffer(data)) return isBinary ? data : data.toString('utf8');
	if (Array.isArray(data)) return Buffer.concat(data);
	return Buffer.from(data);
}

/**
 * The `id` of a frame refused by the rate limiter, so the error can carry `ref`, without paying
 * for a full parse of a large frame (which is what the limiter is there to avoid).
 */
function cheapId(text: string | Buffer): string | undefined {
	if (typeof text !== 'string' || text.length > 4096) return undefined;
	try {
		const value: unknown = JSON.parse(text);
		if (typeof value === 'object' && value !== null && 'id' in value) {
			const id = (value as { id: unknown }).id;
			if (typeof id === 'string' && id.length <= 128) return id;
		}
	} catch {
		// Not JSON: no id to echo.
	}
	return undefined;
}
