/**
 * A marker item that a log buffer holds where the stream lost lines (a `seq` hole, a `dropped`
 * message, or a resync after `recovered: false`), so the list can show "N lines missing" in place
 * instead of pretending the log is continuous.
 */

/** A hole in a log stream, as an item of the same buffer as the entries around it. */
export interface LogGap {
	/** Discriminant: log entries have no `kind`. */
	kind: 'gap';
	/** The first missing `seq` (so the gap sorts with the entries around it). */
	seq: number;
	/** How many lines are missing, or `null` when the server could not say (a resync). */
	missing: number | null;
	/** Why lines are missing, in words, when known (e.g. "slow consumer", "server restarted"). */
	reason?: string;
}

/** True for a gap marker, false for a log entry. */
export function isLogGap(item: object): item is LogGap {
	return (item as { kind?: unknown }).kind === 'gap';
}

/** "1 line missing", "1,204 lines missing", "Some lines missing" (count unknown). */
export function gapText(gap: Pick<LogGap, 'missing'>): string {
	if (gap.missing === null) return 'Some lines missing';
	const n = gap.missing.toLocaleString('en-US');
	return gap.missing === 1 ? '1 line missing' : `${n} lines missing`;
}
