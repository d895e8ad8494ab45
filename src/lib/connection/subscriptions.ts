/**
 * The subscription registry: many local subscribers, one server subscription per
 * `(stream, resourceId)` (the server's own key: `unsubscribe` names no filter), and for every
 * subscriber a gap-free, duplicate-free, in-order feed across reconnects and server restarts.
 *
 * - Ref-counted: the first subscriber of a resource sends `subscribe`, the last one leaving sends
 *   `unsubscribe`.
 * - Filters: the server keeps one filter per stream (per connection), for all its resources. When
 *   every subscriber of a stream wants the same filter the server applies it; when they differ
 *   the stream goes unfiltered and each subscriber filters locally (routing.ts).
 * - Positions: the server keeps one cursor per stream, so every confirmed subscription of a
 *   stream is as far as the newest item of that stream; `restore()` re-subscribes with `since`
 *   after every (re)open.
 * - Recovery: `recovered: true` → `recovered`; `recovered: false` after a `since` → `resynced`,
 *   with the gap when it can be sized, and fresh history is fetched.
 * - History is merged, not appended: while a subscriber waits for a history reply its live items
 *   are held back, then history and held items are sorted and de-duplicated together, so it never
 *   sees seq 101 before seq 2.
 *
 * The registry never touches the socket: methods return the frames to send, and the machine
 * decides whether the link can carry them now (or `restore()` regenerates them later).
 */
import type {
	ClientMessage,
	ServerMessage,
	Stream,
	StreamFilter,
	StreamItem,
	StreamItems,
	StreamPosition
} from '$lib/protocol';
import { filterKey, itemsOf, matchesFilter, matchesResource } from './routing';

/**
 * - `pending`: not yet confirmed by the server.
 * - `live`: subscribed from the current head, nothing to recover.
 * - `recovered`: resumed after a reconnect; every missed item was replayed.
 * - `resynced`: the server could not replay (new epoch, or history too short); fresh history was
 *   loaded and `gap` says how many items were lost, when known.
 */
export type Recovery = 'pending' | 'live' | 'recovered' | 'resynced';

/** A subscription's recovery state, as told to `onStatus` and with every `onItems` batch. */
export interface SubscriptionStatus {
	recovery: Recovery;
	/** The server epoch the positions refer to. */
	epoch?: string;
	/** Items lost at the last resync: a count, or null when unknown; 0 otherwise. */
	gap: number | null;
	/** Items the server reported dropped (`dropped` messages) on this subscription's stream. */
	dropped: number;
}

/** What accompanies each `onItems` batch. */
export interface ItemsMeta<S extends Stream = Stream> {
	stream: S;
	recovery: SubscriptionStatus;
}

/** Options of one subscriber. */
export interface SubscribeOptions<S extends Stream = Stream> {
	/** `*`, a task ARN, `service:<name>` or `cluster:<name>`. Default `*`. */
	resourceId?: string;
	/** Server-side filter (levels, search, taskIds...). Default none. */
	filter?: StreamFilter;
	/** Items of history to load before live items, merged in order. Default 0 (none). */
	history?: number;
	/**
	 * Items in seq order, duplicates removed; one call per inbound frame or history merge. The
	 * array may be the one the frame carried, shared with other subscribers: read it, never change
	 * it.
	 */
	onItems: (items: readonly StreamItems[S][], meta: ItemsMeta<S>) => void;
	/** Recovery state changes (called once at once with the current state). Default none. */
	onStatus?: (status: SubscriptionStatus) => void;
}

/** One local subscriber. Opaque to callers; pass it back to `remove`. */
export interface Subscriber {
	readonly stream: Stream;
	readonly resourceId: string;
	/** Its last delivered position, for the demo page and tests. */
	readonly last: StreamPosition | undefined;
}

interface Listener extends Subscriber {
	last: StreamPosition | undefined;
	filter: StreamFilter | undefined;
	key: string;
	history: number;
	/** Filter locally because the server subscription is unfiltered (filters differ). */
	local: boolean;
	/** Live items held back while a history reply is awaited. */
	hold: StreamItem[] | undefined;
	onItems: (items: readonly StreamItem[], meta: ItemsMeta) => void;
	/** The last `meta` handed over, reused while the subscription's status is the same object. */
	meta?: ItemsMeta;
	onStatus: ((status: SubscriptionStatus) => void) | undefined;
	wire: Wire;
}

interface Wire {
	stream: Stream;
	resourceId: string;
	epoch: string | undefined;
	position: StreamPosition | undefined;
	/** The `since` of the last `subscribe` sent, to size a gap when it fails. */
	since: StreamPosition | undefined;
	status: SubscriptionStatus;
	listeners: Set<Listener>;
}

/** Held items beyond this are released rather than buffered without bound. */
const HOLD_LIMIT = 10_000;
/** History loaded on a resync when no subscriber asked for a size. */
const RESYNC_HISTORY = 100;

function wireKey(stream: Stream, resourceId: string): string {
	return `${stream}\u0000${resourceId}`;
}

/** The highest `seq` among `items`, -1 for none. */
function newestSeq(items: StreamItem[]): number {
	let newest = -1;
	for (const item of items) if (item.seq > newest) newest = item.seq;
	return newest;
}

/**
 * Report a subscriber's exception without letting it unwind into the connection machine or stop
 * the other subscribers.
 */
function rethrowLater(error: unknown): void {
	queueMicrotask(() => {
		throw error;
	});
}

function guard(fn: () => void): void {
	try {
		fn();
	} catch (error) {
		rethrowLater(error);
	}
}

/** Whether every item is newer than `after` and the items are in ascending seq order. */
function newAndAscending(items: readonly StreamItem[], after: number): boolean {
	let previous = after;
	for (let i = 0; i < items.length; i++) {
		const seq = items[i]!.seq;
		if (seq <= previous) return false;
		previous = seq;
	}
	return true;
}

/** See the module comment. */
export class SubscriptionRegistry {
	private readonly wires = new Map<string, Wire>();
	/** The filter the server applies per stream (absent: none). */
	private readonly filters = new Map<Stream, { filter: StreamFilter; key: string }>();
	/** history request id → the subscribers waiting for it. */
	private readonly awaiting = new Map<string, Listener[]>();
	private readonly nextId: () => string;

	/** `nextId` makes envelope ids (shared with the client's requests so they never collide). */
	constructor(nextId: () => string) {
		this.nextId = nextId;
	}

	/** Server subscriptions held. */
	get size(): number {
		return this.wires.size;
	}

	/** Add a subscriber; returns it and the frames to send if the link is open now. */
	add<S extends Stream>(
		stream: S,
		options: SubscribeOptions<S>
	): { subscriber: Subscriber; frames: ClientMessage[] } {
		const resourceId = options.resourceId || '*';
		const k = wireKey(stream, resourceId);
		let wire = this.wires.get(k);
		const fresh = !wire;
		if (!wire) {
			wire = {
				stream,
				resourceId,
				epoch: undefined,
				position: undefined,
				since: undefined,
				status: { recovery: 'pending', gap: 0, dropped: 0 },
				listeners: new Set()
			};
			this.wires.set(k, wire);
		}
		const listener: Listener = {
			stream,
			resourceId,
			last: undefined,
			filter: options.filter,
			key: filterKey(options.filter),
			history: Math.max(0, Math.floor(options.history ?? 0)),
			local: false,
			hold: undefined,
			onItems: options.onItems as Listener['onItems'],
			onStatus: options.onStatus,
			wire
		};
		wire.listeners.add(listener);
		const frames: ClientMessage[] = [];
		// The filter goes first, so the replay that follows `subscribe` is already filtered.
		const filterFrame = this.refilter(stream);
		if (filterFrame) frames.push(filterFrame);
		if (fresh) frames.push(this.subscribeFrame(wire));
		if (listener.history > 0) frames.push(this.requestHistory([listener], listener.history));
		const status = wire.status;
		if (listener.onStatus) guard(() => listener.onStatus?.(status));
		return { subscriber: listener, frames };
	}

	/** Remove a subscriber; returns the frames to send if the link is open now. */
	remove(subscriber: Subscriber): ClientMessage[] {
		const listener = subscriber as Listener;
		const wire = listener.wire;
		if (!wire.listeners.delete(listener)) return [];
		listener.hold = undefined;
		this.stopAwaiting(listener);
		const frames: ClientMessage[] = [];
		if (wire.listeners.size === 0) {
			this.wires.delete(wireKey(wire.stream, wire.resourceId));
			frames.push({
				type: 'unsubscribe',
				payload: { stream: wire.stream, resourceId: wire.resourceId }
			});
		}
		const filterFrame = this.refilter(wire.stream);
		if (filterFrame) frames.push(filterFrame);
		return frames;
	}

	/**
	 * Frames that restore the session on a fresh link, in the order they must go: every
	 * `subscribe` (with `since` where a position is known; the first of a stream carries its
	 * filter), then the history requests still owed.
	 */
	restore(): ClientMessage[] {
		this.awaiting.clear();
		const subscribes: ClientMessage[] = [];
		const filtered = new Set<Stream>();
		const owed = new Map<Wire, Listener[]>();
		for (const wire of this.wires.values()) {
			const frame = this.subscribeFrame(wire);
			const streamFilter = this.filters.get(wire.stream);
			if (streamFilter && !filtered.has(wire.stream)) {
				filtered.add(wire.stream);
				(frame.payload as { filter?: StreamFilter }).filter = streamFilter.filter;
			}
			subscribes.push(frame);
			for (const l of wire.listeners) {
				if (l.hold) owed.set(wire, [...(owed.get(wire) ?? []), l]);
			}
		}
		const histories: ClientMessage[] = [];
		for (const [wire, listeners] of owed) {
			histories.push(this.requestHistory(listeners, this.historySize(wire)));
		}
		return [...subscribes, ...histories];
	}

	/** Route one inbound message; returns follow-up frames (history for a resync). */
	handle(message: ServerMessage): ClientMessage[] {
		if (this.routeLive(message)) return [];
		switch (message.type) {
			case 'subscribed':
				return this.onSubscribed(message.payload);
			case 'history': {
				const waiting = message.id === undefined ? undefined : this.awaiting.get(message.id);
				if (!waiting || !message.id) return [];
				this.awaiting.delete(message.id);
				for (const l of waiting) this.merge(l, message.payload.items, message.payload.epoch);
				return [];
			}
			case 'dropped':
				for (const wire of this.wires.values()) {
					if (wire.stream !== message.payload.stream) continue;
					this.setStatus(wire, {
						...wire.status,
						dropped: wire.status.dropped + message.payload.count
					});
				}
				return [];
			case 'error': {
				// A refused history request must not hold live items back for ever.
				const ref = message.payload.ref ?? message.id;
				const waiting = ref === undefined ? undefined : this.awaiting.get(ref);
				if (waiting && ref !== undefined) {
					this.awaiting.delete(ref);
					for (const l of waiting) this.release(l);
				}
				return [];
			}
			default:
				return [];
		}
	}

	/**
	 * Route a live stream item (`log_entry`, `log_batch`, `metrics_update`, …) to its
	 * subscriptions. Returns false for anything else (which needs {@link handle}). Live items
	 * never call for a reply, which is what lets the connection route them past its machine
	 * (machine.ts, `fastLane`).
	 */
	routeLive(message: ServerMessage): boolean {
		const live = itemsOf(message);
		if (!live) return false;
		this.route(live.stream, live.items);
		return true;
	}

	/** Summary for inspectors and the demo page. */
	toJSON(): Array<{
		stream: Stream;
		resourceId: string;
		subscribers: number;
		position: StreamPosition | undefined;
		status: SubscriptionStatus;
	}> {
		return [...this.wires.values()].map((w) => ({
			stream: w.stream,
			resourceId: w.resourceId,
			subscribers: w.listeners.size,
			position: w.position,
			status: w.status
		}));
	}

	// ------------------------------------------------------------------------------------------

	private subscribeFrame(wire: Wire): ClientMessage & { type: 'subscribe' } {
		wire.since = wire.position;
		const payload: { stream: Stream; resourceId: string; since?: StreamPosition } = {
			stream: wire.stream,
			resourceId: wire.resourceId
		};
		if (wire.position) payload.since = { ...wire.position };
		return { type: 'subscribe', payload };
	}

	private requestHistory(listeners: Listener[], limit: number): ClientMessage {
		const id = this.nextId();
		for (const l of listeners) l.hold ??= [];
		this.awaiting.set(id, listeners);
		const wire = listeners[0]!.wire;
		return {
			type: 'request_history',
			id,
			payload: { stream: wire.stream, resourceId: wire.resourceId, limit: Math.min(limit, 1000) }
		};
	}

	private historySize(wire: Wire): number {
		let n = 0;
		for (const l of wire.listeners) n = Math.max(n, l.history);
		return n || RESYNC_HISTORY;
	}

	/**
	 * Recompute a stream's server filter after its subscribers changed: theirs if they all agree,
	 * else none (and local filtering). Returns the `update_filter` to send when it changed.
	 */
	private refilter(stream: Stream): ClientMessage | undefined {
		const keys = new Set<string>();
		let first: Listener | undefined;
		for (const wire of this.wires.values()) {
			if (wire.stream !== stream) continue;
			for (const l of wire.listeners) {
				keys.add(l.key);
				first ??= l;
			}
		}
		const shared = keys.size === 1 ? first?.filter : undefined;
		const key = filterKey(shared);
		for (const wire of this.wires.values()) {
			if (wire.stream !== stream) continue;
			for (const l of wire.listeners) l.local = l.filter !== undefined && l.key !== key;
		}
		const current = this.filters.get(stream);
		if ((current?.key ?? '') === key) return undefined;
		if (shared && key) this.filters.set(stream, { filter: shared, key });
		else this.filters.delete(stream);
		// An empty filter clears the server's ("no restriction"); `subscribe` alone would keep it.
		return { type: 'update_filter', payload: { stream, filter: shared && key ? shared : {} } };
	}

	private onSubscribed(p: {
		stream: Stream;
		resourceId: string;
		epoch: string;
		recovered: boolean;
		oldestSeq?: number | undefined;
	}): ClientMessage[] {
		const wire = this.wires.get(wireKey(p.stream, p.resourceId));
		if (!wire) return [];
		const since = wire.since;
		wire.since = undefined;
		const epochChanged = wire.epoch !== undefined && wire.epoch !== p.epoch;
		wire.epoch = p.epoch;
		if (p.recovered || !since) {
			if (epochChanged) this.resetPositions(wire, p.epoch);
			this.setStatus(wire, {
				...wire.status,
				recovery: since ? 'recovered' : 'live',
				epoch: p.epoch,
				gap: 0
			});
			return [];
		}
		// The server could not replay from `since`: size the loss if we can, then resync.
		// Seqs count every item of the stream, so the hole is an item count only for an unfiltered
		// `*` subscription; for anything narrower it is not known.
		let gap: number | null = null;
		if (
			since.epoch === p.epoch &&
			p.oldestSeq !== undefined &&
			p.oldestSeq - since.seq - 1 > 0 &&
			wire.resourceId === '*' &&
			!this.filters.has(wire.stream)
		) {
			gap = p.oldestSeq - since.seq - 1;
		}
		if (since.epoch !== p.epoch) this.resetPositions(wire, p.epoch);
		this.setStatus(wire, { ...wire.status, recovery: 'resynced', epoch: p.epoch, gap });
		return [this.requestHistory([...wire.listeners], this.historySize(wire))];
	}

	/** A new epoch renumbers the stream: old positions mean nothing any more. */
	private resetPositions(wire: Wire, epoch: string): void {
		wire.position = undefined;
		wire.epoch = epoch;
		for (const l of wire.listeners) l.last = undefined;
	}

	private setStatus(wire: Wire, status: SubscriptionStatus): void {
		wire.status = status;
		for (const l of wire.listeners) {
			if (l.onStatus) guard(() => l.onStatus?.(status));
		}
	}

	private advance(wire: Wire, seq: number): void {
		if (wire.epoch === undefined || seq < 0) return;
		if (!wire.position || wire.position.epoch !== wire.epoch || seq > wire.position.seq) {
			wire.position = { epoch: wire.epoch, seq };
		}
	}

	private route(stream: Stream, items: StreamItem[]): void {
		const newest = newestSeq(items);
		let wires = 0;
		for (const wire of this.wires.values()) if (wire.stream === stream) wires++;
		for (const wire of this.wires.values()) {
			if (wire.stream !== stream) continue;
			// One server cursor per stream: an item of seq S means everything up to S was
			// considered for every confirmed subscription of the stream.
			if (wire.status.recovery !== 'pending') this.advance(wire, newest);
			// With one subscription per stream, the server sent only what it selected; with more,
			// split by resource (keeping items whose resource cannot be told, rather than losing them).
			const mine =
				wires === 1 || wire.resourceId === '*'
					? items
					: items.filter((i) => matchesResource(stream, wire.resourceId, i) !== false);
			if (mine.length === 0) continue;
			for (const l of wire.listeners) {
				if (l.hold) {
					for (const item of mine) l.hold.push(item);
					if (l.hold.length > HOLD_LIMIT) this.release(l);
				} else {
					this.deliver(l, mine, l.local);
				}
			}
		}
	}

	/** Stop waiting for history: deliver what was held. */
	private release(l: Listener): void {
		const held = l.hold;
		l.hold = undefined;
		this.stopAwaiting(l);
		if (held?.length) this.deliver(l, held, l.local);
	}

	/** `l` waits for no history reply any more (the reply, if it comes, is for the others). */
	private stopAwaiting(l: Listener): void {
		for (const [id, waiting] of this.awaiting) {
			const rest = waiting.filter((w) => w !== l);
			if (rest.length) this.awaiting.set(id, rest);
			else this.awaiting.delete(id);
		}
	}

	private merge(l: Listener, history: StreamItem[], epoch: string): void {
		const wire = l.wire;
		if (wire.epoch === undefined) wire.epoch = epoch;
		if (epoch !== wire.epoch) {
			// History from an older epoch than the live feed: useless, deliver what was held.
			this.release(l);
			return;
		}
		// The server filtered the history as it filters the live feed; `deliver` applies a local
		// filter where the server could not.
		const held = l.hold ?? [];
		l.hold = undefined;
		this.advance(wire, newestSeq(history));
		this.deliver(l, history.concat(held), l.local);
	}

	/** Sort, drop what this subscriber already has, filter if needed, and hand over one batch. */
	private deliver(l: Listener, items: StreamItem[], filterLocally: boolean): void {
		const epoch = l.wire.epoch;
		let lastSeq = l.last && l.last.epoch === epoch ? l.last.seq : -1;
		let out: StreamItem[];
		if (newAndAscending(items, lastSeq) && !(filterLocally && l.filter)) {
			// The live feed's usual case: nothing to sort, drop or filter, so the frame's own array
			// is handed over (subscribers only read it) instead of a copy per frame.
			out = items;
			if (items.length > 0) lastSeq = items[items.length - 1]!.seq;
		} else {
			let sorted = items;
			for (let i = 1; i < items.length; i++) {
				if (items[i]!.seq < items[i - 1]!.seq) {
					sorted = [...items].sort((a, b) => a.seq - b.seq);
					break;
				}
			}
			out = [];
			for (const item of sorted) {
				if (item.seq <= lastSeq) continue;
				lastSeq = item.seq;
				if (filterLocally && l.filter && !matchesFilter(l.stream, item, l.filter)) continue;
				out.push(item);
			}
		}
		if (epoch !== undefined && lastSeq >= 0) l.last = { epoch, seq: lastSeq };
		if (out.length === 0) return;
		let meta = l.meta;
		if (meta === undefined || meta.recovery !== l.wire.status) {
			meta = l.meta = { stream: l.stream, recovery: l.wire.status };
		}
		// `guard` inlined: no closure per frame on the live path.
		try {
			l.onItems(out, meta);
		} catch (error) {
			rethrowLater(error);
		}
	}
}
