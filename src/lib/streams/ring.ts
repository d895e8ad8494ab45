/**
 * Fixed-capacity ring buffers: the only buffers the streams keep. A push is a couple of integer
 * operations and one slot write, never an array copy, so ingest cost does not grow with the
 * buffer (the KECS guide's `[...logs, entry].slice(-max)` copied the whole buffer per line).
 *
 * - {@link Ring}: references (log entries, gap markers), oldest first, with absolute positions
 *   that never repeat, so a list row can keep its key while older rows are evicted.
 * - {@link ColumnarRing}: numbers in `Float64Array` columns sharing one time column (metrics),
 *   kept contiguous so a chart library gets zero-copy typed arrays instead of arrays of
 *   `{timestamp, value}` objects.
 */

/**
 * What a windowed list reads: a snapshot of a ring at one publish (the `ListSource` of
 * `VirtualList`). A new object per publish, so `version` and the object identity both change.
 */
export interface RingView<T> {
	/** Items in the snapshot; index 0 is the oldest. */
	readonly size: number;
	/** The item at `index` (0 ≤ index < size). */
	get(index: number): T;
	/** Changes on every publish. */
	readonly version: number;
	/**
	 * A key for the item at `index`: its absolute position in the stream since the buffer was
	 * created. It grows with the index and survives eviction and `clear`, which makes it the
	 * `keyOf` a `VirtualList` wants (it anchors a paused reader's row while older rows go).
	 */
	keyOf(item: T, index: number): number;
}

/** A fixed-capacity FIFO of references; pushing into a full ring evicts the oldest item. */
export class Ring<T> {
	/** Most items held at once. */
	readonly capacity: number;
	readonly #items: (T | undefined)[];
	/** Physical slot of the oldest item. */
	#start = 0;
	#size = 0;
	/** Absolute position after the newest item: items ever pushed. */
	#head = 0;
	#evicted = 0;

	/** @param capacity most items held (an integer ≥ 1) */
	constructor(capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be an integer ≥ 1, got ${capacity}`);
		}
		this.capacity = capacity;
		// Filled, not `new Array(n)`: a holey array makes every read check the prototype chain.
		const items: (T | undefined)[] = [];
		for (let i = 0; i < capacity; i++) items.push(undefined);
		this.#items = items;
	}

	/** Items held. */
	get size(): number {
		return this.#size;
	}

	/** Items pushed out by newer ones since creation (not counting `clear`). */
	get evicted(): number {
		return this.#evicted;
	}

	/** Absolute position of the oldest item held (equals `head` when empty). */
	get first(): number {
		return this.#head - this.#size;
	}

	/** Absolute position the next push takes: the number of items ever pushed. */
	get head(): number {
		return this.#head;
	}

	/** Append `item`; returns the item it evicted, if the ring was full. */
	push(item: T): T | undefined {
		const capacity = this.capacity;
		this.#head++;
		if (this.#size < capacity) {
			let slot = this.#start + this.#size;
			if (slot >= capacity) slot -= capacity;
			this.#items[slot] = item;
			this.#size++;
			return undefined;
		}
		const slot = this.#start;
		const evicted = this.#items[slot];
		this.#items[slot] = item;
		this.#start = slot + 1 === capacity ? 0 : slot + 1;
		this.#evicted++;
		return evicted;
	}

	/** Append `items[from..to)` in order; returns how many items were evicted. */
	pushMany(items: ArrayLike<T>, from = 0, to = items.length): number {
		const before = this.#evicted;
		for (let i = from; i < to; i++) this.push(items[i] as T);
		return this.#evicted - before;
	}

	/** The item at `index`, 0 being the oldest. Outside `0..size-1` the result is undefined. */
	get(index: number): T {
		let slot = this.#start + index;
		if (slot >= this.capacity) slot -= this.capacity;
		return this.#items[slot] as T;
	}

	/** The item at absolute `position` (see `first`/`head`), or undefined if not held. */
	at(position: number): T | undefined {
		const index = position - this.first;
		if (index < 0 || index >= this.#size) return undefined;
		return this.get(index);
	}

	/** The newest item, or undefined when empty. */
	newest(): T | undefined {
		return this.#size === 0 ? undefined : this.get(this.#size - 1);
	}

	/** The oldest item, or undefined when empty. */
	oldest(): T | undefined {
		return this.#size === 0 ? undefined : this.get(0);
	}

	/**
	 * Drop everything. Positions keep counting (the next item gets `head`), so keys handed out
	 * before never come back. References are released so the items can be collected.
	 */
	clear(): void {
		for (let i = 0; i < this.#size; i++) {
			let slot = this.#start + i;
			if (slot >= this.capacity) slot -= this.capacity;
			this.#items[slot] = undefined;
		}
		this.#start = 0;
		this.#size = 0;
	}

	/** Call `fn` for each item, oldest first. */
	forEach(fn: (item: T, index: number) => void): void {
		for (let i = 0; i < this.#size; i++) fn(this.get(i), i);
	}

	/** A new array of the items, oldest first (for materialising; not for the hot path). */
	toArray(): T[] {
		const out = new Array<T>(this.#size);
		for (let i = 0; i < this.#size; i++) out[i] = this.get(i);
		return out;
	}

	/**
	 * A snapshot view for a list, valid until the ring changes again. It addresses items by
	 * absolute position, so a reader that renders between publishes still gets the item it was
	 * shown (or, if that one was evicted meanwhile, a held one: never `undefined` while the ring
	 * holds anything; publish after `clear` before readers look again).
	 */
	view(version: number): RingView<T> {
		const first = this.first;
		const size = this.#size;
		const get = (index: number): T => {
			const item = this.at(first + index);
			if (item !== undefined) return item;
			return this.get(Math.max(0, Math.min(index, this.#size - 1)));
		};
		return { size, version, get, keyOf: (_item: T, index: number) => first + index };
	}
}

/**
 * A fixed-capacity ring of rows `(t, v0, v1, …)` in `Float64Array` columns, laid out as a sliding
 * window over buffers three times the capacity: rows are appended at the end and the oldest are
 * dropped by moving the start, so the held rows are always one contiguous range and
 * {@link ColumnarRing.times} / {@link ColumnarRing.values} return `subarray` views, no copy.
 * When the end reaches the buffer's end the held rows are moved to the front (`copyWithin`,
 * once per at least `2 × capacity` pushes, so O(1) amortised).
 *
 * Why three times: a view handed to a chart must not change under it between two publishes.
 * Appends never write inside a view already handed out, and the compaction can reach one only
 * after `capacity` more pushes, so every view stays exactly as published for at least
 * `capacity` further pushes (with a mirrored ring the next push would overwrite its oldest row).
 */
export class ColumnarRing {
	/** Most rows held at once. */
	readonly capacity: number;
	/** Value columns per row (besides the time). */
	readonly columns: number;
	readonly #t: Float64Array;
	readonly #v: Float64Array[];
	/** Buffer index of the oldest row. */
	#start = 0;
	/** Buffer index after the newest row. */
	#end = 0;
	#evicted = 0;

	/**
	 * @param capacity most rows held (an integer ≥ 1)
	 * @param columns value columns per row (an integer ≥ 0)
	 */
	constructor(capacity: number, columns: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be an integer ≥ 1, got ${capacity}`);
		}
		if (!Number.isInteger(columns) || columns < 0) {
			throw new RangeError(`column count must be an integer ≥ 0, got ${columns}`);
		}
		this.capacity = capacity;
		this.columns = columns;
		this.#t = new Float64Array(capacity * 3);
		this.#v = [];
		for (let c = 0; c < columns; c++) this.#v.push(new Float64Array(capacity * 3));
	}

	/** Rows held. */
	get size(): number {
		return this.#end - this.#start;
	}

	/** Rows pushed out (by capacity or by `trimBefore`) since creation. */
	get evicted(): number {
		return this.#evicted;
	}

	/**
	 * Append a row. `values[c]` fills column `c`; missing values are stored as NaN (a gap to a
	 * chart, skipped by "last value" readers). Pass a reused array: nothing is kept.
	 */
	push(t: number, values: ArrayLike<number>): void {
		if (this.#end === this.#t.length) this.#compact();
		if (this.#end - this.#start === this.capacity) {
			this.#start++;
			this.#evicted++;
		}
		const at = this.#end++;
		this.#t[at] = t;
		for (let c = 0; c < this.columns; c++) {
			this.#v[c]![at] = c < values.length ? (values[c] as number) : NaN;
		}
	}

	/** Drop the oldest rows whose time is before `t` (rows are assumed time-ordered). */
	trimBefore(t: number): number {
		const from = this.#start;
		while (this.#start < this.#end && this.#t[this.#start]! < t) this.#start++;
		const dropped = this.#start - from;
		this.#evicted += dropped;
		return dropped;
	}

	/** Time of row `index` (0 = oldest). */
	time(index: number): number {
		return this.#t[this.#start + index]!;
	}

	/** Value of column `column` in row `index` (0 = oldest). */
	value(column: number, index: number): number {
		return this.#v[column]![this.#start + index]!;
	}

	/** Time of the newest row, or NaN when empty. */
	lastTime(): number {
		return this.#end === this.#start ? NaN : this.#t[this.#end - 1]!;
	}

	/** The held times, oldest first: a view (no copy), unchanged for `capacity` more pushes. */
	times(): Float64Array {
		return this.#t.subarray(this.#start, this.#end);
	}

	/** Column `column`, oldest first: a view (no copy), unchanged for `capacity` more pushes. */
	values(column: number): Float64Array {
		const v = this.#v[column];
		if (v === undefined) throw new RangeError(`no column ${column}`);
		return v.subarray(this.#start, this.#end);
	}

	/** Drop every row. Views handed out keep their contents until overwritten. */
	clear(): void {
		this.#start = this.#end;
	}

	#compact(): void {
		const from = this.#start;
		const to = this.#end;
		this.#t.copyWithin(0, from, to);
		for (const column of this.#v) column.copyWithin(0, from, to);
		this.#start = 0;
		this.#end = to - from;
	}
}
