/**
 * Per-stream history: the items a stream published in the current epoch that the hub still
 * holds, for `subscribe` with `since` (resume), `request_history`, and for delivering to clients
 * that are behind. Bounded, so memory does not grow with uptime.
 *
 * Two shapes: logs, notifications and tasks keep one ring of the newest N items; metrics keep N
 * samples per resource (a busy task must not push a quiet one's samples out), in at most M
 * resources, least recently updated evicted first.
 */
import type { LogEntry } from '../../src/lib/protocol/index';
import type { SourceLogEntry } from '../sources/source';
import { logEntryJson } from './log-json';
import { Ring } from './ring';
import type { ResourceKeys, ResourceRef } from './resource';
import type { Slab, SlabArena, SlabRef } from './slab-arena';

/**
 * One published item plus what the hub derived from it. The JSON is produced lazily and cached,
 * so an item is serialised at most once however many clients receive it.
 */
export class HistoryRecord<T extends { seq: number }> {
	/** The item's sequence number. */
	readonly seq: number;
	readonly #item: T;
	#json: string | undefined;
	#frame: string | undefined;

	/**
	 * @param liveType the message type that carries one such item (`log_entry`, …)
	 * @param item the item as published, with its `seq`
	 * @param keys the resources the item belongs to
	 * @param seq the item's seq; only for a subclass whose `item` is built on demand (the `item`
	 *   passed is then its fields without `seq`, see {@link LogRecord})
	 */
	constructor(
		readonly liveType: string,
		item: T,
		readonly keys: ResourceKeys,
		seq: number = item.seq
	) {
		this.#item = item;
		this.seq = seq;
	}

	/** The item as published, with its `seq`. */
	get item(): T {
		return this.#item;
	}

	/**
	 * The item's fields, for filters to read: the item itself, or, for a log record, the entry as
	 * the source published it (no `seq`, and nothing copied).
	 */
	get fields(): Omit<T, 'seq'> {
		return this.#item;
	}

	/** The item as JSON (cached). */
	json(): string {
		return (this.#json ??= JSON.stringify(this.item));
	}

	/** The whole live frame for this one item (cached), e.g. `{"type":"notification",…}`. */
	frame(): string {
		return (this.#frame ??= `{"type":"${this.liveType}","payload":${this.json()}}`);
	}

	/** Drop the cached JSON after the item was changed in place (a notification marked read). */
	invalidate(): void {
		this.#json = undefined;
		this.#frame = undefined;
	}
}

/**
 * A log entry in history. Logs are the high-volume stream, so a log record is made for speed:
 * the source's entry is kept as it is (not copied to add `seq`), and its JSON is made once, at
 * publication (log-json.ts), straight into a slab of bytes outside the heap (slab-arena.ts),
 * which is what log batches are copied from. The record's own fields say where the bytes are.
 * Log entries are never changed in place, so there is nothing to invalidate.
 */
export class LogRecord extends HistoryRecord<LogEntry> implements SlabRef {
	slab: Slab | undefined = undefined;
	generation = 0;
	start = 0;
	end = 0;
	#item: LogEntry | undefined;

	/**
	 * @param entry the entry as the source published it (kept, not copied: sources must not
	 *   change an entry after publishing it)
	 * @param seq its seq
	 * @param keys the resources it belongs to
	 * @param arena where its JSON is written
	 */
	constructor(entry: SourceLogEntry, seq: number, keys: ResourceKeys, arena: SlabArena) {
		super('log_entry', entry as LogEntry, keys, seq);
		arena.write(logEntryJson(entry, seq), this);
	}

	/** The entry with its `seq` (made on first use: delivery and filters do not need it). */
	override get item(): LogEntry {
		return (this.#item ??= { ...this.fields, seq: this.seq });
	}

	/** Whether the JSON bytes are still held (always, while history holds the record). */
	get held(): boolean {
		return this.slab !== undefined && this.slab.generation === this.generation;
	}

	/** The JSON's UTF-8 bytes (a view of the slab, valid while {@link held}), if held. */
	bytes(): Buffer | undefined {
		return this.held ? this.slab!.bytes.subarray(this.start, this.end) : undefined;
	}

	override json(): string {
		if (this.held) return this.slab!.bytes.toString('utf8', this.start, this.end);
		return logEntryJson(this.fields, this.seq);
	}

	override frame(): string {
		return `{"type":"${this.liveType}","payload":${this.json()}}`;
	}
}

/** Result of a backwards page through history. */
export interface HistoryPage<T extends { seq: number }> {
	/** Oldest first. */
	records: HistoryRecord<T>[];
	/** True when the history holds no older matching item. */
	complete: boolean;
}

/** What the hub needs from a stream's history, whatever its shape. */
export interface StreamHistory<T extends { seq: number }> {
	/** The newest seq published in this epoch (0 before the first). Survives eviction. */
	readonly lastSeq: number;
	/** Records held now. */
	readonly size: number;
	/** Store a record; its seq must be `lastSeq + 1`. */
	append(record: HistoryRecord<T>): void;
	/**
	 * The oldest seq from which every item selected by `ref` is still held (`lastSeq + 1` when
	 * nothing is). A client positioned at `s` can be resumed exactly iff `s >= completeFrom - 1`.
	 */
	completeFrom(ref: ResourceRef): number;
	/** The highest seq no longer held: everything after it that was published is still here. */
	readonly evictedThrough: number;
	/** How many records with seq greater than `seq` are held (to count what was evicted). */
	heldAfter(seq: number): number;
	/** Visit held records with seq greater than `seq`, oldest first; return false to stop. */
	forEachAfter(seq: number, visit: (record: HistoryRecord<T>) => boolean | void): void;
	/** The newest `limit` matching records older than `beforeSeq` (all when undefined). */
	before(
		beforeSeq: number | undefined,
		limit: number,
		match: (record: HistoryRecord<T>) => boolean
	): HistoryPage<T>;
}

function pageBackwards<T extends { seq: number }>(
	ring: Ring<HistoryRecord<T>>,
	beforeSeq: number | undefined,
	limit: number,
	match: (record: HistoryRecord<T>) => boolean
): HistoryPage<T> {
	const end = beforeSeq === undefined ? ring.size : ring.indexAfter(beforeSeq - 1);
	const records: HistoryRecord<T>[] = [];
	for (let i = end - 1; i >= 0; i--) {
		const record = ring.at(i);
		if (record === undefined || !match(record)) continue;
		if (records.length === limit) return { records: records.reverse(), complete: false };
		records.push(record);
	}
	return { records: records.reverse(), complete: true };
}

/** One ring of the newest items of a stream (logs, notifications, tasks). */
export class SeqHistory<T extends { seq: number }> implements StreamHistory<T> {
	readonly #ring: Ring<HistoryRecord<T>>;
	readonly #onEvict: ((record: HistoryRecord<T>) => void) | undefined;
	#lastSeq = 0;

	/**
	 * @param capacity the most items held
	 * @param onEvict told about each record pushed out (to keep side indexes bounded too)
	 */
	constructor(capacity: number, onEvict?: (record: HistoryRecord<T>) => void) {
		this.#ring = new Ring(capacity);
		this.#onEvict = onEvict;
	}

	get lastSeq(): number {
		return this.#lastSeq;
	}

	get size(): number {
		return this.#ring.size;
	}

	append(record: HistoryRecord<T>): void {
		if (record.seq !== this.#lastSeq + 1) {
			throw new RangeError(`expected seq ${this.#lastSeq + 1}, got ${record.seq}`);
		}
		const evicted = this.#ring.push(record);
		this.#lastSeq = record.seq;
		if (evicted !== undefined) this.#onEvict?.(evicted);
	}

	completeFrom(): number {
		return this.#ring.oldest?.seq ?? this.#lastSeq + 1;
	}

	get evictedThrough(): number {
		return this.completeFrom() - 1;
	}

	heldAfter(seq: number): number {
		return this.#ring.size - this.#ring.indexAfter(seq);
	}

	forEachAfter(seq: number, visit: (record: HistoryRecord<T>) => boolean | void): void {
		if (seq >= this.#lastSeq) return;
		for (let i = this.#ring.indexAfter(seq); i < this.#ring.size; i++) {
			const record = this.#ring.at(i);
			if (record !== undefined && visit(record) === false) return;
		}
	}

	before(
		beforeSeq: number | undefined,
		limit: number,
		match: (record: HistoryRecord<T>) => boolean
	): HistoryPage<T> {
		return pageBackwards(this.#ring, beforeSeq, limit, match);
	}
}

interface KeyedRing<T extends { seq: number }> {
	ring: Ring<HistoryRecord<T>>;
	/** Highest seq of this key evicted so far: the key is complete from `watermark + 1`. */
	watermark: number;
}

/** Options of a {@link KeyedHistory}. */
export interface KeyedHistoryOptions<T extends { seq: number }> {
	/** Items held per key (metrics: 600 samples per task). */
	perKey: number;
	/** Keys held; the least recently updated key is dropped beyond this. */
	maxKeys: number;
	/** The key of a record (metrics: the update's `resourceId`). */
	keyOf: (record: HistoryRecord<T>) => string;
	/**
	 * Size of the index of the newest records across keys, which lets clients that are nearly
	 * caught up be served without merging every key's ring on each delivery. Default 4,096.
	 */
	recent?: number;
}

/** N newest items per key, for at most M keys (metrics: samples per task). */
export class KeyedHistory<T extends { seq: number }> implements StreamHistory<T> {
	readonly #rings = new Map<string, KeyedRing<T>>();
	readonly #recent: Ring<HistoryRecord<T>>;
	readonly #options: KeyedHistoryOptions<T>;
	#lastSeq = 0;
	#size = 0;
	/** Highest seq evicted from any key: every key is complete from here on. */
	#evictedMax = 0;
	/** Highest seq of a key dropped whole: a key seen again starts complete from here. */
	#droppedKeyMax = 0;

	constructor(options: KeyedHistoryOptions<T>) {
		this.#options = options;
		this.#recent = new Ring(options.recent ?? 4096);
	}

	get lastSeq(): number {
		return this.#lastSeq;
	}

	get size(): number {
		return this.#size;
	}

	/** Number of keys held. */
	get keys(): number {
		return this.#rings.size;
	}

	append(record: HistoryRecord<T>): void {
		if (record.seq !== this.#lastSeq + 1) {
			throw new RangeError(`expected seq ${this.#lastSeq + 1}, got ${record.seq}`);
		}
		const key = this.#options.keyOf(record);
		let entry = this.#rings.get(key);
		if (entry === undefined) {
			entry = { ring: new Ring(this.#options.perKey), watermark: this.#droppedKeyMax };
		} else {
			// Re-inserting moves the key to the end of the Map's order: least recently updated first.
			this.#rings.delete(key);
		}
		this.#rings.set(key, entry);
		const evicted = entry.ring.push(record);
		if (evicted === undefined) this.#size++;
		else {
			entry.watermark = evicted.seq;
			this.#evictedMax = Math.max(this.#evictedMax, evicted.seq);
		}
		this.#recent.push(record);
		this.#lastSeq = record.seq;
		if (this.#rings.size > this.#options.maxKeys) this.#dropLeastRecent();
	}

	#dropLeastRecent(): void {
		const first = this.#rings.entries().next();
		if (first.done) return;
		const [key, entry] = first.value;
		this.#rings.delete(key);
		this.#size -= entry.ring.size;
		const newest = entry.ring.newest?.seq ?? entry.watermark;
		this.#droppedKeyMax = Math.max(this.#droppedKeyMax, newest);
		this.#evictedMax = Math.max(this.#evictedMax, newest);
	}

	completeFrom(ref: ResourceRef): number {
		const exact = ref.kind === 'task' ? this.#rings.get(ref.id) : undefined;
		// Only an exact key has its own watermark; anything broader spans keys, so take the worst.
		const watermark = exact ? exact.watermark : this.#evictedMax;
		return Math.min(watermark + 1, this.#lastSeq + 1);
	}

	get evictedThrough(): number {
		return this.#evictedMax;
	}

	heldAfter(seq: number): number {
		let held = 0;
		for (const { ring } of this.#rings.values()) held += ring.size - ring.indexAfter(seq);
		return held;
	}

	forEachAfter(seq: number, visit: (record: HistoryRecord<T>) => boolean | void): void {
		if (seq >= this.#lastSeq) return;
		const recentOldest = this.#recent.oldest;
		if (recentOldest !== undefined && seq >= recentOldest.seq - 1) {
			for (let i = this.#recent.indexAfter(seq); i < this.#recent.size; i++) {
				const record = this.#recent.at(i);
				if (record !== undefined && visit(record) === false) return;
			}
			return;
		}
		const records: HistoryRecord<T>[] = [];
		for (const { ring } of this.#rings.values()) {
			for (let i = ring.indexAfter(seq); i < ring.size; i++) {
				const record = ring.at(i);
				if (record !== undefined) records.push(record);
			}
		}
		records.sort((a, b) => a.seq - b.seq);
		for (const record of records) if (visit(record) === false) return;
	}

	before(
		beforeSeq: number | undefined,
		limit: number,
		match: (record: HistoryRecord<T>) => boolean
	): HistoryPage<T> {
		const candidates: HistoryRecord<T>[] = [];
		// Each key contributes at most limit + 1, which is enough to fill the page and know
		// whether anything older remains.
		for (const { ring } of this.#rings.values()) {
			candidates.push(...pageBackwards(ring, beforeSeq, limit + 1, match).records);
		}
		candidates.sort((a, b) => a.seq - b.seq);
		const complete = candidates.length <= limit;
		return { records: complete ? candidates : candidates.slice(-limit), complete };
	}
}
