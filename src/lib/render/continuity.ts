/**
 * Did the log lose or repeat anything? Walks a log buffer (entries and gap markers, oldest first)
 * and checks that `seq` goes up by exactly one from line to line, except where a gap marker says
 * lines are missing. The demo page shows the answer live while faults are injected, and the
 * end-to-end tests assert on the same function's idea of "continuous".
 *
 * Only meaningful for an unfiltered subscription to every task (`*`): a narrower one sees holes
 * that are merely other tasks' lines.
 */
import type { LogEntry } from '$lib/protocol';
import { isLogGap, type LogGap } from './log-gap';

/** A buffer to check: anything with a size and indexed items. */
export interface SeqSource {
	readonly size: number;
	get(index: number): LogEntry | LogGap;
}

/** The verdict. */
export interface Continuity {
	/** Log lines checked (gap markers not counted). */
	lines: number;
	/** Seq of the oldest and newest line, or null when there is none. */
	first: number | null;
	last: number | null;
	/** Jumps in seq that no gap marker explains, and the lines they skip. */
	holes: number;
	missing: number;
	/** Lines whose seq was not above the previous one's (duplicates, reordering) without a marker. */
	repeats: number;
	/** Gap markers in the buffer, and the lines they report (null if any count is unknown). */
	reportedGaps: number;
	reportedMissing: number | null;
	/** True when nothing was lost or repeated silently. */
	ok: boolean;
}

/** Check `source` (see the module comment). */
export function checkContinuity(source: SeqSource): Continuity {
	let lines = 0;
	let first: number | null = null;
	let previous: number | null = null;
	let holes = 0;
	let missing = 0;
	let repeats = 0;
	let reportedGaps = 0;
	let reportedMissing: number | null = 0;
	let afterGap = false;
	for (let i = 0; i < source.size; i++) {
		const item = source.get(i);
		if (isLogGap(item)) {
			reportedGaps++;
			reportedMissing =
				reportedMissing === null || item.missing === null ? null : reportedMissing + item.missing;
			afterGap = true;
			continue;
		}
		const seq = item.seq;
		lines++;
		if (previous !== null && !afterGap) {
			if (seq <= previous) repeats++;
			else if (seq > previous + 1) {
				holes++;
				missing += seq - previous - 1;
			}
		}
		first ??= seq;
		previous = seq;
		afterGap = false;
	}
	return {
		lines,
		first,
		last: previous,
		holes,
		missing,
		repeats,
		reportedGaps,
		reportedMissing,
		ok: holes === 0 && repeats === 0
	};
}
