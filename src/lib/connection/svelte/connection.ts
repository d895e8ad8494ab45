/**
 * `createConnection`: the one connection of a tab as the root layout holds it. In the browser it
 * owns a `ConnectionClient` (inert until `start()`, which the provider calls in `onMount`); during
 * server rendering it owns nothing and its stores stay at `idle`, so SSR never opens a socket.
 *
 * Stores publish at most once per animation frame however many messages arrive (DESIGN.md 8);
 * the scheduler is injected so tests can flush frames by hand.
 */
import { readable, type Readable } from 'svelte/store';
import {
	ConnectionClient,
	type BrowserTarget,
	type ClientOptions,
	type ConnectionStats
} from '../client';
import type { WebSocketConfig } from '../config';
import {
	attachStatelyInspector,
	createInspectionHub,
	createTransitionLog,
	type TransitionLog
} from '../inspect';
import type { ConnectionState } from '../machine';

/** Runs `callback` once, later (next animation frame); returns a canceller. */
export type FrameScheduler = (callback: () => void) => () => void;

/** `requestAnimationFrame` where it exists, else a 16 ms timeout. */
export const animationFrame: FrameScheduler = (callback) => {
	if (typeof requestAnimationFrame === 'function') {
		const handle = requestAnimationFrame(() => callback());
		return () => cancelAnimationFrame(handle);
	}
	const handle = setTimeout(callback, 16);
	return () => clearTimeout(handle);
};

/** The KECS guide's connection states, derived from the statechart's. */
export type WebSocketState = 'connecting' | 'connected' | 'disconnected' | 'reconnecting' | 'error';

/** The KECS guide's state names as constants (`WebSocketState.CONNECTED`...). */
export const WebSocketState = {
	CONNECTING: 'connecting',
	CONNECTED: 'connected',
	DISCONNECTED: 'disconnected',
	RECONNECTING: 'reconnecting',
	ERROR: 'error'
} as const satisfies Record<string, WebSocketState>;

/** Map a statechart state to the guide's vocabulary. */
export function toWebSocketState(state: ConnectionState, retrying: boolean): WebSocketState {
	switch (state) {
		case 'open':
			return 'connected';
		case 'connecting':
		case 'authenticating':
			return retrying ? 'reconnecting' : 'connecting';
		case 'heartbeatTimeout':
		case 'backoff':
		case 'offline':
			return 'reconnecting';
		case 'failed':
			return 'error';
		default:
			return 'disconnected';
	}
}

/** What the UI reads, published at most once per frame. */
export interface ConnectionView {
	state: ConnectionState;
	webSocketState: WebSocketState;
	stats: ConnectionStats;
	nextRetryAt: number | null;
	error: string | null;
}

/** Options of `createConnection`. */
export interface CreateConnectionOptions extends ClientOptions {
	/** Whether this is a browser (creates the client). Default `typeof window !== 'undefined'`. */
	browser?: boolean;
	/** Connect when `start()` runs. Default true. */
	autoConnect?: boolean;
	/** Load the Stately inspector on `start()` (see `wantsInspector`). Default false. */
	inspector?: boolean;
	/** Frame scheduler for store updates. Default `animationFrame`. */
	schedule?: FrameScheduler;
	/** Entries kept by the transition log. Default 200. */
	logLimit?: number;
}

/** The tab's connection, as shared through context. */
export interface Connection {
	/** The client; null during server rendering. */
	readonly client: ConnectionClient | null;
	/** Everything the UI shows, at most one update per frame. */
	readonly view: Readable<ConnectionView>;
	/** The last transitions of the statechart (offline-safe), for the demo page. */
	readonly log: TransitionLog;
	/**
	 * Browser only: follow `target`'s network and visibility events, connect if `autoConnect`,
	 * load the inspector if asked. Returns `stop`. A no-op during SSR.
	 */
	start(target?: BrowserTarget): () => void;
	/** Detach from the window and dispose of the client. */
	stop(): void;
}

/** The stats of a connection that never ran (server-side rendering, tests). */
export const EMPTY_STATS: ConnectionStats = {
	rtt: null,
	messagesIn: 0,
	bytesIn: 0,
	messagesOut: 0,
	bytesOut: 0,
	invalidFrames: 0,
	reconnects: 0,
	attempts: 0,
	retrying: false,
	lastClose: null,
	lastError: null,
	failure: null,
	enteredAt: 0,
	nextRetryAt: null,
	queued: 0,
	queuedBytes: 0,
	dropped: { offline: 0, expired: 0, overflow: 0, too_large: 0, disconnected: 0 },
	pendingRequests: 0,
	subscriptions: 0,
	epoch: null,
	heartbeatInterval: 0,
	transport: 'main',
	transportFallback: null
};

/** The view of a client (or of no client, during SSR). */
export function viewOf(client: ConnectionClient | null): ConnectionView {
	if (!client) {
		return {
			state: 'idle',
			webSocketState: 'disconnected',
			stats: EMPTY_STATS,
			nextRetryAt: null,
			error: null
		};
	}
	const stats = client.stats;
	const state = client.state;
	return {
		state,
		webSocketState: toWebSocketState(state, stats.retrying),
		stats,
		nextRetryAt: stats.nextRetryAt,
		error: client.error
	};
}

/** A store of `compute()` that re-computes at most once per scheduled frame after a change. */
export function frameStore<T>(
	client: ConnectionClient | null,
	compute: () => T,
	schedule: FrameScheduler
): Readable<T> {
	return readable(compute(), (set) => {
		if (!client) return;
		let cancel: (() => void) | undefined;
		const off = client.onChange(() => {
			cancel ??= schedule(() => {
				cancel = undefined;
				set(compute());
			});
		});
		set(compute());
		return () => {
			off();
			cancel?.();
		};
	});
}

/** Create the tab's connection (see the module comment). */
export function createConnection(
	config: WebSocketConfig,
	options: CreateConnectionOptions = {}
): Connection {
	const browser = options.browser ?? typeof window !== 'undefined';
	const log = createTransitionLog({
		...(options.logLimit ? { limit: options.logLimit } : {}),
		...(options.now ? { now: options.now } : {})
	});
	const hub = createInspectionHub();
	hub.add(log.inspect);
	if (options.inspect) {
		const extra = options.inspect;
		hub.add((event) => (typeof extra === 'function' ? extra(event) : extra.next?.(event)));
	}
	const client = browser
		? new ConnectionClient(config, { ...options, inspect: hub.inspect })
		: null;
	const schedule = options.schedule ?? animationFrame;
	const view = frameStore(client, () => viewOf(client), schedule);
	let detach: (() => void) | undefined;
	let started = false;

	const stop = () => {
		detach?.();
		detach = undefined;
		client?.dispose();
	};

	return {
		client,
		view,
		log,
		start(target) {
			if (!client || started) return stop;
			started = true;
			if (target) detach = client.attach(target);
			if (options.autoConnect ?? true) client.connect();
			if (options.inspector) void attachStatelyInspector(client.actor, hub);
			return stop;
		},
		stop
	};
}
