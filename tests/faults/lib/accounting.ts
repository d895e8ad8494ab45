/**
 * Loss and duplicate accounting over what a log buffer holds: entries by `seq`, and the gap
 * markers the client inserted where it knew lines were missing (a `dropped` report, a resync,
 * a restart). A hole the client announced is not silent loss; a hole it did not announce is.
 */

/** One item of a log buffer: a line (`seq`, `id` when known) or a gap marker (`gap` = lines missing, null = unknown). */
export interface SeqItem {
	seq: number;
	id?: string;
	gap?: number | null;
}

/** What {@link account} found. */
export interface Account {
	/** Lines in the buffer. */
	lines: number;
	/** Lines whose seq was already seen in the same epoch (or the same id twice). */
	duplicated: number;
	/** Lines missing in a hole the client did not announce. */
	silentlyLost: number;
	/** Gap markers (announced losses). */
	announcedGaps: number;
	/** Lines announced as missing, where the count was known. */
	announcedLines: number;
	/** Gap markers whose count was unknown (a resync after a restart). */
	unknownGaps: number;
	/** Seqs that went backwards to a line never seen, with no marker: an epoch change not announced. */
	unannouncedEpochs: number;
	/** Seqs seen again (by seq, where ids are unknown). */
	repeats: number[];
	/** Where the silent holes were: first missing seq and length. */
	holes: { from: number; missing: number }[];
}

/** Walk a buffer, oldest first. */
export function account(items: readonly SeqItem[]): Account {
	const out: Account = {
		lines: 0,
		duplicated: 0,
		silentlyLost: 0,
		announcedGaps: 0,
		announcedLines: 0,
		unknownGaps: 0,
		unannouncedEpochs: 0,
		repeats: [],
		holes: []
	};
	const ids = new Set<string>();
	let prev: number | undefined;
	// Lines a preceding marker allows to be missing: undefined none, null any (another epoch).
	let allowance: number | null | undefined;
	for (const item of items) {
		if (item.gap !== undefined) {
			out.announcedGaps++;
			if (item.gap === null) {
				out.unknownGaps++;
				allowance = null;
			} else {
				out.announcedLines += item.gap;
				if (allowance !== null) allowance = (allowance ?? 0) + item.gap;
			}
			continue;
		}
		out.lines++;
		let repeatedId = false;
		if (item.id !== undefined) {
			repeatedId = ids.has(item.id);
			if (repeatedId) out.duplicated++;
			ids.add(item.id);
		}
		const s = item.seq;
		if (prev !== undefined) {
			if (s <= prev) {
				// Backwards is only legitimate into a new epoch, which the client announces.
				if (allowance !== null && !repeatedId) {
					if (item.id === undefined) {
						out.duplicated++;
						out.repeats.push(s);
					} else out.unannouncedEpochs++;
				}
			} else if (s !== prev + 1) {
				const hole = s - prev - 1;
				const covered = allowance === null ? hole : Math.min(hole, allowance ?? 0);
				if (hole > covered) {
					out.silentlyLost += hole - covered;
					out.holes.push({ from: prev + 1, missing: hole - covered });
				}
			}
		}
		prev = s;
		allowance = undefined;
	}
	return out;
}

/** The contiguous tail of a buffer in its current epoch: seq → id (walking back while seq falls). */
export function currentEpochTail(items: readonly SeqItem[]): Map<number, string | undefined> {
	const tail = new Map<number, string | undefined>();
	let next: number | undefined;
	for (let i = items.length - 1; i >= 0; i--) {
		const item = items[i]!;
		if (item.gap === null) break;
		if (item.gap !== undefined) continue;
		if (next !== undefined && item.seq >= next) break;
		tail.set(item.seq, item.id);
		next = item.seq;
	}
	return tail;
}

/**
 * Compare a client's tail with the server's history (same epoch): server items at or after the
 * client's first seq of the epoch that the client lacks (outside announced gaps, which
 * {@link account} already excused), and items whose id differs.
 */
export function compareWithServer(
	items: readonly SeqItem[],
	server: readonly { seq: number; id: string }[]
): { compared: number; missing: number; mismatched: number } {
	const tail = currentEpochTail(items);
	const first = Math.min(...tail.keys());
	const last = Math.max(...tail.keys());
	const announced = new Set<number>();
	// Seqs inside announced gaps of the tail are excused.
	const sorted = [...items];
	for (let i = 0; i < sorted.length; i++) {
		const it = sorted[i]!;
		if (it.gap === undefined) continue;
		const next = sorted.slice(i + 1).find((x) => x.gap === undefined);
		for (let s = it.seq; next && s < next.seq; s++) announced.add(s);
	}
	let compared = 0;
	let missing = 0;
	let mismatched = 0;
	for (const item of server) {
		if (item.seq < first || item.seq > last) continue;
		compared++;
		if (!tail.has(item.seq)) {
			if (!announced.has(item.seq)) missing++;
		} else {
			const id = tail.get(item.seq);
			if (id !== undefined && id !== item.id) mismatched++;
		}
	}
	return { compared, missing, mismatched };
}
