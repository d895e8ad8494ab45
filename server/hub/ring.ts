/**
 * A bounded FIFO of items in ascending `seq` order. History must never grow with uptime, so the
 * oldest item is evicted when the ring is full; a fixed array with a moving head does that in
 * O(1) without the copying `push`/`shift` would cost at tens of thousands of items per second.
 */
export class Ring<T extends { readonly seq: number }> {
	readonly #buf: (T | undefined)[];
	#head = 0;
	#size = 0;

	/** @param capacity the most items held; must be a positive integer. */
	constructor(readonly capacity: number) {
		if (!Number.isInteger(capacity) || capacity < 1) {
			throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
		}
		this.#buf = new Array<T | undefined>(capacity);
	}

	/** Number of items held. */
	get size(): number {
		return this.#size;
	}

	/** The oldest item held, if any. */
	get oldest(): T | undefined {
		return this.#size === 0 ? undefined : this.#buf[this.#head];
	}

	/** The newest item held, if any. */
	get newest(): T | undefined {
		return this.#size === 0 ? undefined : this.#buf[(this.#head + this.#size - 1) % this.capacity];
	}

	/**
	 * Append an item whose `seq` is greater than every held one; returns the item evicted to make
	 * room, if any. Out-of-order appends throw, because binary search relies on the order.
	 */
	push(item: T): T | undefined {
		const newest = this.newest;
		if (newest !== undefined && item.seq <= newest.seq) {
			throw new RangeError(`ring items must have increasing seq (${item.seq} after ${newest.seq})`);
		}
		if (this.#size < this.capacity) {
			this.#buf[(this.#head + this.#size) % this.capacity] = item;
			this.#size++;
			return undefined;
		}
		const evicted = this.#buf[this.#head];
		this.#buf[this.#head] = item;
		this.#head = (this.#head + 1) % this.capacity;
		return evicted;
	}

	/** The item at `index` (0 is the oldest), or undefined outside `0..size-1`. */
	at(index: number): T | undefined {
		if (index < 0 || index >= this.#size) return undefined;
		return this.#buf[(this.#head + index) % this.capacity];
	}

	/** Index of the first item whose seq is greater than `seq` (`size` when there is none). */
	indexAfter(seq: number): number {
		let lo = 0;
		let hi = this.#size;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			const item = this.at(mid);
			if (item !== undefined && item.seq <= seq) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}

	/** Remove every item (their memory is released with the references). */
	clear(): void {
		this.#buf.fill(undefined);
		this.#head = 0;
		this.#size = 0;
	}
}
