/**
 * Reusable buffers for log batches, and a shared frame that goes back to the pool once every
 * socket it was written to has flushed it.
 *
 * Why not a joined string: `ws` turns a string into a fresh Buffer for each `send`, and building
 * a multi-megabyte batch as a string allocates it again. On the machines this runs on (sandboxed
 * VMs), the first touch of freshly allocated memory dominates: `parts.join(',')` plus
 * `Buffer.from` of a 4 MiB batch took about 100 ms, writing the same entries with `utf8Write`
 * into a buffer touched before took about 2 ms (measured in the hub's bench, docs/benchmarks.md).
 * One buffer also serves every client with the same selection and cursor, where strings were
 * encoded once per client.
 */

/** A pool of equally sized buffers, kept warm. */
export class FramePool {
	readonly #free: Buffer[] = [];

	/**
	 * @param size bytes per pooled buffer (a batch that needs more gets a one-off buffer)
	 * @param keep the most idle buffers kept
	 */
	constructor(
		readonly size: number,
		readonly keep = 4
	) {}

	/** A buffer of at least `bytes` (contents undefined). */
	acquire(bytes = this.size): Buffer {
		if (bytes > this.size) return Buffer.allocUnsafeSlow(bytes);
		return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.size);
	}

	/** Give a buffer back; only pooled-size buffers are kept, and at most `keep` of them. */
	release(buffer: Buffer): void {
		if (buffer.length === this.size && this.#free.length < this.keep) this.#free.push(buffer);
	}

	/** Idle buffers held. */
	get idle(): number {
		return this.#free.length;
	}
}

/**
 * A frame written into a pooled buffer. It starts with one reference (its builder's); each
 * socket write takes one more and gives it back in its completion callback. When the count
 * reaches zero the buffer returns to the pool. A write whose callback never comes only means
 * the buffer is left to the garbage collector instead of being reused: never reused too early.
 */
export class SharedFrame {
	#refs = 1;
	readonly #backing: Buffer;
	readonly #pool: FramePool | undefined;
	/** The frame's bytes (a view of the backing buffer). */
	readonly bytes: Buffer;

	/**
	 * @param backing the buffer the frame was written into
	 * @param start first byte of the frame
	 * @param end one past its last byte
	 * @param pool where the buffer goes back to
	 */
	constructor(backing: Buffer, start: number, end: number, pool?: FramePool) {
		this.#backing = backing;
		this.#pool = pool;
		this.bytes = backing.subarray(start, end);
	}

	/** Take a reference (before handing the bytes to a socket). */
	retain(): void {
		if (this.#refs === 0) throw new Error('SharedFrame used after release');
		this.#refs++;
	}

	/** Give a reference back; the last one returns the buffer to the pool. */
	release(): void {
		if (this.#refs === 0) return;
		if (--this.#refs === 0) this.#pool?.release(this.#backing);
	}

	/** The frame as text (tests and diagnostics). */
	toString(): string {
		return this.bytes.toString('utf8');
	}
}
