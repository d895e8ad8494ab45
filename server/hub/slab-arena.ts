/**
 * Where log entries' JSON lives while history holds them: UTF-8 bytes in large reusable buffers
 * (slabs) outside the JavaScript heap, each entry followed by a `,`.
 *
 * Why: a JSON string per held entry is copied by every scavenge it survives and then by the
 * major collector, at up to 150 MB/s of log text; bytes in a slab are not the collector's
 * business, and a log batch is a copy of byte ranges rather than a UTF-8 encoding per entry.
 * Entries published one after another sit side by side with their separating commas, so the
 * entries of a batch that fall in one slab are one contiguous range: one copy for thousands of
 * entries.
 *
 * A slab is reused once every entry written into it was released (history evicted it); history
 * evicts in publication order, so slabs free up in order too and the arena holds about the
 * history's bytes plus a slab. A record keeps the generation of the slab it was written in, so a
 * record that outlived its slab's reuse is detected ({@link SlabArena.valid}) instead of reading
 * another entry's bytes.
 */

/** One buffer of the arena. */
export class Slab {
	/** Bumped each time the slab is reused. */
	generation = 0;
	/** Entries written in this generation and not yet released. */
	live = 0;

	constructor(readonly bytes: Buffer) {}
}

/** Where one entry's bytes are: `slab.bytes[start, end)`, valid while `slab.generation === generation`. */
export interface SlabRef {
	slab: Slab | undefined;
	generation: number;
	start: number;
	end: number;
}

/** See the module comment. */
export class SlabArena {
	readonly #free: Slab[] = [];
	#current: Slab | undefined;
	#offset = 0;
	/** Slabs allocated so far (tests and diagnostics). */
	allocated = 0;

	/**
	 * @param slabBytes size of a slab (an entry larger than this gets a slab of its own)
	 * @param keep the most unused slabs kept for reuse
	 */
	constructor(
		readonly slabBytes = 1024 * 1024,
		readonly keep = 2
	) {
		if (!Number.isInteger(slabBytes) || slabBytes < 2) {
			throw new RangeError(`slab size must be an integer of at least 2, got ${slabBytes}`);
		}
	}

	/** Write `text` as UTF-8 (then a `,`) and record where into `ref`. */
	write(text: string, ref: SlabRef): void {
		let slab = this.#current;
		let offset = this.#offset;
		// UTF-8 takes at most 3 bytes per UTF-16 unit: measure exactly only when that could overflow.
		if (slab === undefined || offset + text.length * 3 + 1 > slab.bytes.length) {
			const needed = Buffer.byteLength(text) + 1;
			if (slab === undefined || offset + needed > slab.bytes.length) {
				slab = this.#next(needed);
				offset = 0;
			}
		}
		const written = slab.bytes.write(text, offset, 'utf8');
		slab.bytes[offset + written] = 0x2c; // ','
		slab.live++;
		ref.slab = slab;
		ref.generation = slab.generation;
		ref.start = offset;
		ref.end = offset + written;
		this.#offset = offset + written + 1;
	}

	/** Whether `ref`'s bytes are still its entry's. */
	valid(ref: SlabRef): boolean {
		return ref.slab !== undefined && ref.slab.generation === ref.generation;
	}

	/** The entry is no longer held: its slab may be reused once none of its entries is. */
	release(ref: SlabRef): void {
		const slab = ref.slab;
		if (slab === undefined || slab.generation !== ref.generation) return;
		if (--slab.live === 0 && slab !== this.#current) this.#recycle(slab);
	}

	/** Unused slabs kept for reuse. */
	get idle(): number {
		return this.#free.length;
	}

	/** Make a slab with room for `needed` bytes current; the previous one is recycled if empty. */
	#next(needed: number): Slab {
		const previous = this.#current;
		let slab: Slab | undefined;
		if (needed <= this.slabBytes) slab = this.#free.pop();
		if (slab === undefined) {
			slab = new Slab(Buffer.allocUnsafeSlow(Math.max(needed, this.slabBytes)));
			this.allocated++;
		}
		this.#current = slab;
		this.#offset = 0;
		if (previous !== undefined && previous.live === 0) this.#recycle(previous);
		return slab;
	}

	#recycle(slab: Slab): void {
		slab.generation++;
		slab.live = 0;
		if (slab.bytes.length === this.slabBytes && this.#free.length < this.keep) {
			this.#free.push(slab);
		}
	}
}
