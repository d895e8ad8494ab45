/**
 * One connection's state: who it is, what it subscribed to and how far it got in each stream,
 * its filters, its rate limit and bad-frame count, and its outbox.
 */
import type { WebSocket } from 'ws';
import type { Stream } from '../../src/lib/protocol/index';
import type { CompiledEventFilters } from './event-filter';
import type { Outbox } from './outbox';
import type { RateLimiter } from './rate-limiter';
import { Selection } from './selection';
import type { CompiledFilter } from './stream-filter';

/** One stream a session is subscribed to. */
export interface Subscription {
	/** Resource ids subscribed on this stream. */
	readonly resourceIds: Set<string>;
	/** The last seq handed to the client (or skipped as not selected). */
	cursor: number;
	/** Seqs up to here that history evicted have already been counted as dropped. */
	countedThrough: number;
	/** Items missed (evicted before delivery) not yet reported with `dropped`. */
	pendingDrop: number;
	/** What the client receives. */
	selection: Selection;
}

/** Constructor inputs of a {@link Session}. */
export interface SessionInit {
	id: number;
	ws: WebSocket;
	/** The stream named by an alias path (`/ws/logs`), if any. */
	pathStream: Stream | undefined;
	path: string;
	remoteAddress: string | undefined;
	/** Whether the connection starts authenticated (no token configured). */
	authenticated: boolean;
	limiter: RateLimiter;
	outbox: Outbox;
	now: number;
}

/** A connected client. */
export class Session {
	readonly id: number;
	readonly ws: WebSocket;
	readonly pathStream: Stream | undefined;
	readonly path: string;
	readonly remoteAddress: string | undefined;
	readonly limiter: RateLimiter;
	readonly outbox: Outbox;
	readonly connectedAt: number;
	authenticated: boolean;
	/** Last time anything arrived from the client (frame, ping or pong). */
	lastSeen: number;
	/** When the last `log_batch`/`log_entry` went out (batches are at least an interval apart). */
	lastLogBatchAt = -Infinity;
	/** Bad frames in a row. */
	badFrames = 0;
	/** The stall fault: the connection is ignored and silent until it closes. */
	stalled = false;
	closed = false;
	authTimer: NodeJS.Timeout | undefined;
	/** A follow-up delivery, while the session is behind (hub.ts `#followUp`). */
	deliveryTimer: NodeJS.Timeout | undefined;
	readonly subscriptions = new Map<Stream, Subscription>();
	/** Stream filters (`update_filter`), kept even while not subscribed. */
	readonly filters = new Map<Stream, CompiledFilter | null>();
	/** KECS event filters (`setFilters`). */
	eventFilters: CompiledEventFilters | null = null;
	/** Items reported as dropped, per stream. */
	readonly dropped: Record<Stream, number> = { logs: 0, metrics: 0, notifications: 0, tasks: 0 };

	constructor(init: SessionInit) {
		this.id = init.id;
		this.ws = init.ws;
		this.pathStream = init.pathStream;
		this.path = init.path;
		this.remoteAddress = init.remoteAddress;
		this.authenticated = init.authenticated;
		this.limiter = init.limiter;
		this.outbox = init.outbox;
		this.connectedAt = init.now;
		this.lastSeen = init.now;
	}

	/** A selection for `stream` over `resourceIds` with this session's current filters. */
	selectionFor(stream: Stream, resourceIds: Iterable<string>): Selection {
		return new Selection(stream, resourceIds, this.filters.get(stream) ?? null, this.eventFilters);
	}

	/** Rebuild a subscription's selection after its resources or filters changed. */
	refresh(stream: Stream): void {
		const sub = this.subscriptions.get(stream);
		if (sub) sub.selection = this.selectionFor(stream, sub.resourceIds);
	}
}
