/**
 * Live logs: the KECS guide's `useWebSocketLogStream`, over the tab's one connection.
 *
 * Where the guide lost lines, this store keeps every promise and says when it cannot:
 * - Lines go into a fixed-capacity {@link Ring} as they arrive (one slot write each, no copy);
 *   stores publish at most once per animation frame. `logs` (the guide's array) is built from
 *   the ring only while someone subscribes to it, once per frame; `view` hands the ring itself
 *   to a `VirtualList`.
 * - `pause()` freezes what the user sees but keeps receiving into a second ring of the same
 *   capacity; `resume()` appends what came. The guide discarded everything while paused.
 * - Lines that are let go are counted in `dropped` and marked in place with a gap item
 *   ("N lines missing"): a pause that outlasted the buffer, the server's `dropped` notices, and
 *   reconnects the server could not replay (`recovery.gap`).
 * - `setFilter` changes the server-side filter by re-subscribing through the registry (see
 *   {@link LogStream.setFilter} for why not a bare `update_filter`).
 */
import type { Readable } from 'svelte/store';
import type { ItemsMeta, SubscriptionStatus } from '$lib/connection/subscriptions';
import { LOG_LEVELS, type LogEntry } from '$lib/protocol';
import { compileSearch, escapeRegExp, type Matcher } from '$lib/render/highlight';
import { detectLevel } from '$lib/render/level';
import { isLogGap, type LogGap } from '$lib/render/log-gap';
import { animationFrame, FrameBatcher, type FrameScheduler } from './frame';
import { Lease, leasedCell, type LeasedCell } from './lease';
import { LinkStores } from './link';
import {
	checkLogFilter,
	compileLogFilter,
	fromContainer,
	logFilterKey,
	type LogFilter
} from './log-filter';
import { Ring, type RingView } from './ring';
import { contextClient, type ContextOptions, type StreamClient } from './stream-client';

export type { LogFilter } from './log-filter';
export type { LogGap } from '$lib/render/log-gap';

/** What the log buffer holds: entries, and gap markers where lines are missing. */
export type LogItem = LogEntry | LogGap;

/**
 * When a line's level is worked out from its text with `detectLevel`:
 * - `missing`: only when the line has no valid level (sources that cannot tell, fakes, old hubs).
 * - `info`: also for lines that arrive as `info`, the level sources give raw stdout by default.
 * - `off`: never.
 */
export type LevelDetection = 'missing' | 'info' | 'off';

/** Options of {@link createLogStream} (the guide's `useWebSocketLogStream` options, and more). */
export interface LogStreamOptions {
	/** Lines of this task only (its ARN, as items carry it). Default every task. */
	taskId?: string;
	/** Lines of this service only; ignored when `taskId` is set. Default every service. */
	serviceName?: string;
	/** Lines of this container only (`containerId`, or the container source's identifier or name), filtered in the browser: the protocol has no such server filter. Default every container. */
	containerId?: string;
	/** Keep receiving new lines (`tail -f`); false loads the recent lines once and stops. Default true. */
	follow?: boolean;
	/** Lines kept; also the most held aside while paused. Default 10000. */
	maxBufferSize?: number;
	/** Server-side filter to start with (levels, search, regex, taskIds, serviceNames). Default none. */
	filter?: LogFilter;
	/** Lines of history loaded on subscribe (the protocol allows at most 1000). Default min(maxBufferSize, 1000). */
	history?: number;
	/** When to detect a line's level from its text (see {@link LevelDetection}). Default 'missing'. */
	levelDetection?: LevelDetection;
	/** Frame scheduler for publishing. Default `requestAnimationFrame` (a 16 ms timeout where there is none). */
	schedule?: FrameScheduler;
}

/** Client-side highlighting: terms marked in rows, never used to filter. */
export interface Highlight {
	/** The terms (or patterns) as given. */
	readonly terms: readonly string[];
	/** The compiled matcher for `LogRow`'s `matcher`, or null when there is nothing to mark. */
	readonly matcher: Matcher | null;
	/** Why the terms could not be compiled, or null. */
	readonly error: string | null;
}

/** Options of {@link LogStream.setHighlight}. */
export interface HighlightOptions {
	/** Treat the terms as regular expressions. Default false (literal text). */
	regex?: boolean;
	/** Match case exactly. Default false. */
	caseSensitive?: boolean;
}

/** What {@link createLogStream} and `useWebSocketLogStream` return. */
export interface LogStream {
	/** The lines shown, oldest first (the guide's array: `$logs.map(...)`); gap markers left out. Built only while subscribed, at most once per frame. */
	readonly logs: Readable<LogEntry[]>;
	/** The buffer as a `VirtualList` source, gap markers in place; `keyOf` gives stable row keys. */
	readonly view: Readable<RingView<LogItem>>;
	/** The gap markers in the buffer, oldest first. */
	readonly gaps: Readable<readonly LogGap[]>;
	/** True while the connection is open. */
	readonly isConnected: Readable<boolean>;
	/** True while a lost connection is being re-established. */
	readonly isReconnecting: Readable<boolean>;
	/** A refused filter, else the connection's error, else null. */
	readonly error: Readable<Error | null>;
	/** True between `pause()` and `resume()`. */
	readonly isPaused: Readable<boolean>;
	/** Lines received since `pause()` (shown by `resume()`). */
	readonly newWhilePaused: Readable<number>;
	/** Lines let go since the start or the last `clear()`/`setFilter()`: pause overflow, server drops, unrecoverable reconnect gaps. */
	readonly dropped: Readable<number>;
	/** The subscription's recovery state (`live`, `recovered`, `resynced` with its `gap`...). */
	readonly recovery: Readable<SubscriptionStatus>;
	/** The server-side filter in effect (normalised). */
	readonly filter: Readable<LogFilter>;
	/** Highlight terms and their matcher. */
	readonly highlight: Readable<Highlight>;
	/** Freeze what is shown; keep receiving (counted in `newWhilePaused`). */
	pause(): void;
	/** Show what arrived while paused (with a gap marker if some had to be let go). */
	resume(): void;
	/** Empty the buffer (and what is held aside); resets `dropped` and `newWhilePaused`. */
	clear(): void;
	/**
	 * Replace the server-side filter (`update_filter` semantics: levels, search, regex, taskIds,
	 * serviceNames; empty fields restrict nothing). The buffer is emptied and refilled with the
	 * history that matches. Returns false, and sets `error`, if the filter is refused (bad regex,
	 * over the protocol's limits); the previous filter then stays.
	 *
	 * Implemented as a re-subscription through the registry (remove, then add with the new
	 * filter and history), not a bare `request('update_filter')`: the registry owns the stream's
	 * server filter. It sends `update_filter` itself when the filter its subscribers agree on
	 * changes (before the history request, so the history comes filtered), re-sends it on every
	 * reconnect, and filters locally when subscribers disagree. A filter set behind its back
	 * would be undone by the next reconnect and would filter other stores' lines too.
	 */
	setFilter(filter: LogFilter | null): boolean;
	/** Mark `terms` in rows (a string, or several: any matches). Never filters. */
	setHighlight(terms: string | readonly string[], options?: HighlightOptions): void;
	/**
	 * Hold the subscription without subscribing to a store (benchmarks, non-Svelte callers);
	 * returns the release function.
	 */
	retain(): () => void;
}

const KNOWN_LEVEL: Readonly<Record<string, true>> = Object.freeze(
	Object.fromEntries(LOG_LEVELS.map((l) => [l, true as const]))
);

const INITIAL_STATUS: SubscriptionStatus = Object.freeze({
	recovery: 'pending',
	gap: 0,
	dropped: 0
}) as SubscriptionStatus;

/** The protocol's largest `request_history`. */
const HISTORY_MAX = 1000;

/** How a (re)joined stream continues after a break, settled by the first batch after it. */
interface PendingJoin {
	/** The server could not replay (a known loss), rather than a restart of our subscription. */
	resynced: boolean;
	/** The registry's estimate of the loss (already counted in `dropped`), null if unknown. */
	gap: number | null;
	/** Why the stream broke, for the gap marker. */
	reason: string;
}

/** A gap marker in the visible ring, with its absolute position (to drop it once evicted). */
interface PlacedGap {
	position: number;
	gap: LogGap;
}

class LogStreamCore {
	readonly #client: StreamClient | null;
	readonly #capacity: number;
	readonly #historySize: number;
	readonly #follow: boolean;
	readonly #resourceId: string;
	readonly #containerId: string | undefined;
	readonly #detect: 0 | 1 | 2;
	readonly #batcher: FrameBatcher;
	readonly #lease: Lease;
	readonly link: LinkStores;

	readonly #main: Ring<LogItem>;
	#pending: Ring<LogItem> | null = null;
	#placed: PlacedGap[] = [];
	#gapsDirty = false;
	#mainDirty = true;
	#version = 0;

	#paused = false;
	#newWhilePaused = 0;
	/** Lines evicted from the pause ring during this pause, and the seq of the first. */
	#pausedLost = 0;
	#pausedLostFrom = -1;
	#dropped = 0;

	#filter: LogFilter;
	#filterKey: string;
	#local: ((entry: LogEntry) => boolean) | null;
	#streamError: Error | null = null;

	#unsubscribe: (() => void) | undefined;
	#offChange: (() => void) | undefined;
	/** The next batch is the history merge: it goes to the visible ring even while paused. */
	#historyPhase = false;
	/** The first `onStatus` call only reports the shared subscription's current state. */
	#statusBaseline = false;
	#status: SubscriptionStatus = INITIAL_STATUS;
	#publishedStatus: SubscriptionStatus | undefined;
	#join: PendingJoin | null = null;
	#lastSeq = -1;
	#lastEpoch: string | undefined;

	readonly #logs: LeasedCell<LogEntry[]>;
	readonly #view: LeasedCell<RingView<LogItem>>;
	readonly #gaps: LeasedCell<readonly LogGap[]>;
	readonly #isPaused: LeasedCell<boolean>;
	readonly #newWhilePausedCell: LeasedCell<number>;
	readonly #droppedCell: LeasedCell<number>;
	readonly #recovery: LeasedCell<SubscriptionStatus>;
	readonly #filterCell: LeasedCell<LogFilter>;
	readonly #highlight: LeasedCell<Highlight>;

	constructor(client: StreamClient | null, options: LogStreamOptions) {
		const capacity = options.maxBufferSize ?? 10_000;
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`maxBufferSize must be an integer ≥ 1, got ${capacity}`);
		}
		this.#client = client;
		this.#capacity = capacity;
		this.#historySize = Math.max(
			0,
			Math.min(Math.floor(options.history ?? capacity), capacity, HISTORY_MAX)
		);
		this.#follow = options.follow ?? true;
		this.#resourceId = options.taskId
			? options.taskId
			: options.serviceName
				? `service:${options.serviceName}`
				: '*';
		this.#containerId = options.containerId || undefined;
		const detection = options.levelDetection ?? 'missing';
		this.#detect = detection === 'off' ? 0 : detection === 'info' ? 2 : 1;
		const checked = checkLogFilter(options.filter);
		if (!checked.ok) throw new Error(`invalid log filter: ${checked.error}`);
		this.#filter = checked.filter;
		this.#filterKey = logFilterKey(checked.filter);
		this.#local = compileLogFilter(checked.filter);

		this.#main = new Ring<LogItem>(capacity);
		this.#batcher = new FrameBatcher(options.schedule ?? animationFrame, this.#flush);
		this.#lease = new Lease(this.#start, this.#stop);
		this.link = new LinkStores(this.#lease);
		const lease = this.#lease;
		this.#logs = leasedCell<LogEntry[]>(lease, [], (watched, set) => {
			// Built on demand: a list that reads `view` never pays for the array.
			if (watched) set(this.#materialize());
		});
		this.#view = leasedCell(lease, this.#main.view(0));
		this.#gaps = leasedCell<readonly LogGap[]>(lease, []);
		this.#isPaused = leasedCell(lease, false);
		this.#newWhilePausedCell = leasedCell(lease, 0);
		this.#droppedCell = leasedCell(lease, 0);
		this.#recovery = leasedCell(lease, INITIAL_STATUS);
		this.#filterCell = leasedCell(lease, this.#filter);
		this.#highlight = leasedCell<Highlight>(lease, { terms: [], matcher: null, error: null });
	}

	result(): LogStream {
		return {
			logs: this.#logs.store,
			view: this.#view.store,
			gaps: this.#gaps.store,
			isConnected: this.link.isConnected,
			isReconnecting: this.link.isReconnecting,
			error: this.link.error,
			isPaused: this.#isPaused.store,
			newWhilePaused: this.#newWhilePausedCell.store,
			dropped: this.#droppedCell.store,
			recovery: this.#recovery.store,
			filter: this.#filterCell.store,
			highlight: this.#highlight.store,
			pause: () => this.pause(),
			resume: () => this.resume(),
			clear: () => this.clear(),
			setFilter: (filter) => this.setFilter(filter),
			setHighlight: (terms, options) => this.setHighlight(terms, options),
			retain: () => this.#lease.acquire()
		};
	}

	// ---- lifecycle ---------------------------------------------------------------------------

	readonly #start = (): void => {
		const client = this.#client;
		if (!client) return;
		this.#offChange = client.onChange(this.#onLinkChange);
		// Lines kept from an earlier run: the history that comes must be joined to them.
		if (this.#lastSeq >= 0) {
			this.#join = { resynced: false, gap: null, reason: 'not followed for a while' };
		}
		this.#subscribe();
		this.#batcher.request();
	};

	readonly #stop = (): void => {
		this.#offChange?.();
		this.#offChange = undefined;
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
		this.#batcher.cancel();
	};

	#subscribe(): void {
		const client = this.#client;
		if (!client) return;
		this.#historyPhase = this.#historySize > 0;
		this.#statusBaseline = true;
		const filtered = this.#local !== null;
		this.#unsubscribe = client.subscribe('logs', {
			resourceId: this.#resourceId,
			...(filtered ? { filter: this.#filter } : {}),
			history: this.#historySize,
			onItems: this.#onItems,
			onStatus: this.#onStatus
		});
	}

	readonly #onLinkChange = (): void => {
		this.#batcher.request();
	};

	// ---- ingest (the hot path) ---------------------------------------------------------------

	readonly #onItems = (items: readonly LogEntry[], meta: ItemsMeta<'logs'>): void => {
		const count = items.length;
		if (count === 0) return;
		const epoch = meta.recovery.epoch;
		const start = this.#join === null ? 0 : this.#joinAt(items, epoch);
		const toMain = !this.#paused || this.#historyPhase;
		this.#historyPhase = false;
		const ring = toMain ? this.#main : this.#pending!;
		const container = this.#containerId;
		const local = this.#local;
		const detect = this.#detect;
		let accepted = 0;
		let lost = 0;
		for (let i = start; i < count; i++) {
			const entry = items[i]!;
			if (container !== undefined && !fromContainer(entry, container)) continue;
			if (local !== null && !local(entry)) continue;
			if (detect !== 0) {
				const level = entry.level as string;
				if (KNOWN_LEVEL[level] !== true || (detect === 2 && level === 'info')) {
					entry.level = detectLevel(typeof entry.message === 'string' ? entry.message : '', 'info');
				}
			}
			const evicted = ring.push(entry);
			accepted++;
			// Only the pause ring's evictions are lines the user never saw.
			if (evicted !== undefined && !toMain && !isLogGap(evicted)) {
				if (this.#pausedLost++ === 0) this.#pausedLostFrom = evicted.seq;
				lost++;
			}
		}
		this.#lastSeq = items[count - 1]!.seq;
		this.#lastEpoch = epoch;
		if (toMain) {
			if (accepted > 0) this.#mainDirty = true;
		} else {
			this.#newWhilePaused += accepted;
			this.#dropped += lost;
		}
		if (!this.#follow) {
			// A snapshot (`follow: false`): the first batch is the history; stop there.
			this.#unsubscribe?.();
			this.#unsubscribe = undefined;
		}
		this.#batcher.request();
	};

	/**
	 * The first batch after a break (reconnect resync, or a restart of the subscription): skip
	 * what we already have, and mark the hole between our last line and the first new one.
	 * Returns the index of the first new item.
	 */
	#joinAt(items: readonly LogEntry[], epoch: string | undefined): number {
		const join = this.#join!;
		const count = items.length;
		this.#join = null;
		let start = 0;
		if (this.#lastSeq < 0) return start;
		if (epoch !== undefined && epoch === this.#lastEpoch) {
			while (start < items.length && items[start]!.seq <= this.#lastSeq) start++;
			if (start === items.length) return start;
			const first = items[start]!.seq;
			// Overlapping or adjacent: nothing is missing.
			if (start > 0 || first === this.#lastSeq + 1) return start;
			// An unfiltered `*` subscription sees every seq, so the hole is exact; a narrower one
			// sees holes that are only other tasks' lines: there, trust the registry or say "some".
			const exact = this.#resourceId === '*' && this.#local === null && !this.#containerId;
			if (exact) {
				const missing = first - this.#lastSeq - 1;
				this.#dropped += Math.max(0, missing - (join.gap ?? 0));
				this.#insertGap({ kind: 'gap', seq: this.#lastSeq + 1, missing, reason: join.reason });
			} else if (join.resynced || count - start >= this.#historySize) {
				// A resync is a known loss; after a plain restart, only a full history page
				// (older matching lines may lie beyond it) leaves room for one.
				this.#insertGap({
					kind: 'gap',
					seq: this.#lastSeq + 1,
					missing: join.gap,
					reason: join.reason
				});
			}
			return start;
		}
		// Another epoch: the server restarted and lost what it had not sent.
		this.#insertGap({
			kind: 'gap',
			seq: items[0]!.seq,
			missing: join.gap,
			reason: 'server restarted'
		});
		return start;
	}

	readonly #onStatus = (status: SubscriptionStatus): void => {
		const previous = this.#status;
		this.#status = status;
		this.#batcher.request();
		if (this.#statusBaseline) {
			// The shared subscription's state as it was: its past drops are not ours.
			this.#statusBaseline = false;
			return;
		}
		if (status.dropped > previous.dropped) {
			// The server says so just before the lines that follow the hole (delivery.ts).
			const count = status.dropped - previous.dropped;
			this.#dropped += count;
			this.#insertGap({
				kind: 'gap',
				seq: this.#lastSeq + 1,
				missing: count,
				reason: 'dropped by the server: this tab fell behind'
			});
		} else if (status.recovery === 'resynced') {
			const gap = status.gap;
			if (typeof gap === 'number') this.#dropped += gap;
			this.#join = {
				resynced: true,
				gap,
				reason:
					status.epoch !== this.#lastEpoch
						? 'server restarted'
						: 'lost while disconnected: the server no longer had them'
			};
		}
	};

	#insertGap(gap: LogGap): void {
		if (this.#paused && !this.#historyPhase) {
			const evicted = this.#pending!.push(gap);
			if (evicted !== undefined && !isLogGap(evicted)) {
				if (this.#pausedLost++ === 0) this.#pausedLostFrom = evicted.seq;
				this.#dropped++;
			}
		} else {
			this.#pushMain(gap);
		}
	}

	/** Push onto the visible ring, keeping track of gap markers (not the hot path). */
	#pushMain(item: LogItem): void {
		if (isLogGap(item)) {
			this.#placed.push({ position: this.#main.head, gap: item });
			this.#gapsDirty = true;
		}
		this.#main.push(item);
		this.#mainDirty = true;
	}

	// ---- publishing --------------------------------------------------------------------------

	readonly #flush = (): void => {
		if (this.#mainDirty) {
			this.#mainDirty = false;
			this.#version++;
			this.#view.set(this.#main.view(this.#version));
			if (this.#logs.watched) this.#logs.set(this.#materialize());
			const first = this.#main.first;
			let evicted = 0;
			while (evicted < this.#placed.length && this.#placed[evicted]!.position < first) evicted++;
			if (evicted > 0) {
				this.#placed = this.#placed.slice(evicted);
				this.#gapsDirty = true;
			}
		}
		if (this.#gapsDirty) {
			this.#gapsDirty = false;
			this.#gaps.set(this.#placed.map((p) => p.gap));
		}
		this.#isPaused.set(this.#paused);
		this.#newWhilePausedCell.set(this.#newWhilePaused);
		this.#droppedCell.set(this.#dropped);
		if (this.#status !== this.#publishedStatus) {
			this.#publishedStatus = this.#status;
			this.#recovery.set(this.#status);
		}
		this.link.update(this.#client, this.#streamError);
	};

	#materialize(): LogEntry[] {
		const main = this.#main;
		if (this.#placed.length === 0) return main.toArray() as LogEntry[];
		const out: LogEntry[] = [];
		for (let i = 0; i < main.size; i++) {
			const item = main.get(i);
			if (!isLogGap(item)) out.push(item);
		}
		return out;
	}

	// ---- user actions ------------------------------------------------------------------------

	pause(): void {
		if (this.#paused) return;
		this.#paused = true;
		this.#pending ??= new Ring<LogItem>(this.#capacity);
		this.#newWhilePaused = 0;
		this.#pausedLost = 0;
		this.#pausedLostFrom = -1;
		// Publish now: what is frozen is the buffer as it stands, lines of this frame included.
		this.#batcher.flushNow();
	}

	resume(): void {
		if (!this.#paused) return;
		this.#paused = false;
		const pending = this.#pending!;
		let from = 0;
		if (this.#pausedLost > 0) {
			let missing: number | null = this.#pausedLost;
			// The marker takes a slot like any item: after an overflow the pause ring is full, so
			// one more line goes (counted), or the marker would be evicted by the lines it heads.
			if (pending.size === this.#capacity) {
				const oldest = pending.get(0);
				from = 1;
				if (!isLogGap(oldest)) {
					missing++;
					this.#dropped++;
				} else {
					missing = oldest.missing === null ? null : missing + oldest.missing;
				}
			}
			this.#pushMain({
				kind: 'gap',
				seq: this.#pausedLostFrom,
				missing,
				reason: 'paused: more lines arrived than the buffer holds'
			});
		}
		for (let i = from; i < pending.size; i++) this.#pushMain(pending.get(i));
		pending.clear();
		this.#newWhilePaused = 0;
		this.#pausedLost = 0;
		this.#mainDirty = true;
		this.#batcher.flushNow();
	}

	clear(): void {
		this.#resetBuffers();
		this.#batcher.flushNow();
	}

	#resetBuffers(): void {
		this.#main.clear();
		this.#pending?.clear();
		this.#placed = [];
		this.#gapsDirty = true;
		this.#newWhilePaused = 0;
		this.#pausedLost = 0;
		this.#dropped = 0;
		this.#mainDirty = true;
	}

	setFilter(filter: LogFilter | null): boolean {
		const checked = checkLogFilter(filter);
		if (!checked.ok) {
			this.#streamError = new Error(`Filter refused: ${checked.error}`);
			this.#batcher.request();
			return false;
		}
		this.#streamError = null;
		const key = logFilterKey(checked.filter);
		if (key === this.#filterKey) {
			this.#batcher.request();
			return true;
		}
		this.#filter = checked.filter;
		this.#filterKey = key;
		this.#local = compileLogFilter(checked.filter);
		this.#filterCell.set(checked.filter);
		const active = this.#lease.active;
		this.#unsubscribe?.();
		this.#unsubscribe = undefined;
		// Another filter is another stream: start afresh rather than join.
		this.#resetBuffers();
		this.#lastSeq = -1;
		this.#lastEpoch = undefined;
		this.#join = null;
		this.#status = INITIAL_STATUS;
		if (active) this.#subscribe();
		this.#batcher.flushNow();
		return true;
	}

	setHighlight(terms: string | readonly string[], options: HighlightOptions = {}): void {
		const list = (typeof terms === 'string' ? [terms] : [...terms]).filter((t) => t !== '');
		if (list.length === 0) {
			this.#highlight.set({ terms: [], matcher: null, error: null });
			return;
		}
		const query = options.regex
			? list.map((t) => (list.length === 1 ? t : `(?:${t})`)).join('|')
			: list.map(escapeRegExp).join('|');
		const compiled = compileSearch(query, {
			regex: true,
			caseSensitive: options.caseSensitive ?? false,
			// Escaped literals cannot backtrack badly, so only patterns are held to the limit.
			maxLength: options.regex ? 256 : 100_000
		});
		this.#highlight.set(
			compiled.ok
				? { terms: list, matcher: compiled.matcher, error: null }
				: { terms: list, matcher: null, error: compiled.error }
		);
	}
}

/**
 * The log stream over `client` (framework-agnostic core of `useWebSocketLogStream`). Creates no
 * socket; subscribes while any of its stores has a subscriber (or `retain()` is held). A null
 * client (server rendering) gives inert stores.
 */
export function createLogStream(
	client: StreamClient | null,
	options: LogStreamOptions = {}
): LogStream {
	return new LogStreamCore(client, options).result();
}

/**
 * The KECS guide's `useWebSocketLogStream` over the tab's connection from context (or
 * `options.connection`). Call during component initialisation; the subscription lives while
 * the component (or anything else) reads one of the stores.
 *
 * ```svelte
 * const { logs, pause, resume, isPaused, newWhilePaused, dropped } =
 * 	useWebSocketLogStream({ taskId, follow: true, maxBufferSize: 10000 });
 * {#each $logs as log (log.id)}<div>[{log.timestamp.toISOString()}] {log.level}: {log.message}</div>{/each}
 * ```
 */
export function useWebSocketLogStream(options: LogStreamOptions & ContextOptions = {}): LogStream {
	return createLogStream(contextClient(options), options);
}
