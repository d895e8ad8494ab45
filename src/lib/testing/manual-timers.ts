/**
 * Hand-driven wall clock and delays for stores that keep time (metrics publish intervals, task
 * pruning): `advance(ms)` moves the clock and runs what fell due, in order.
 */
export function manualTimers(start = Date.UTC(2026, 10, 26, 10, 0, 0)) {
	let now = start;
	let nextId = 0;
	const due = new Map<number, { at: number; callback: () => void }>();
	return {
		now: () => now,
		after(ms: number, callback: () => void): () => void {
			const id = nextId++;
			due.set(id, { at: now + Math.max(0, ms), callback });
			return () => due.delete(id);
		},
		/** Move time forward by `ms`, running each callback at its due time. */
		advance(ms: number): void {
			const target = now + ms;
			for (;;) {
				let first: [number, { at: number; callback: () => void }] | undefined;
				for (const entry of due) if (!first || entry[1].at < first[1].at) first = entry;
				if (!first || first[1].at > target) break;
				due.delete(first[0]);
				now = Math.max(now, first[1].at);
				first[1].callback();
			}
			now = target;
		},
		/** Set the clock without running anything (a jump). */
		set(ms: number): void {
			now = ms;
		},
		/** Delays waiting. */
		get pending(): number {
			return due.size;
		}
	};
}

export type ManualTimers = ReturnType<typeof manualTimers>;
