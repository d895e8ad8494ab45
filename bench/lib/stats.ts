/**
 * Summaries of repeated measurements. Shared machines drift from run to run, so every figure is
 * a median over repeats with its spread, and comparisons are ratios taken within one repeat.
 */

/** A figure measured several times. */
export interface Summary {
	/** The individual measurements, in the order taken. */
	samples: number[];
	median: number;
	min: number;
	max: number;
	/** (max − min) / median, as a fraction: 0.1 means the repeats spread over ±5% around the median. */
	spread: number;
}

/** The median of `values` (NaN when empty). */
export function median(values: readonly number[]): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The `p`-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
	if (values.length === 0) return NaN;
	const sorted = [...values].sort((a, b) => a - b);
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
	return sorted[rank]!;
}

/** Summarise repeated measurements of one figure. */
export function summarize(samples: readonly number[]): Summary {
	const finite = samples.filter((v) => Number.isFinite(v));
	const m = median(finite);
	const min = finite.length ? Math.min(...finite) : NaN;
	const max = finite.length ? Math.max(...finite) : NaN;
	return {
		samples: [...samples],
		median: m,
		min,
		max,
		spread: m !== 0 && Number.isFinite(m) ? (max - min) / Math.abs(m) : NaN
	};
}

/** Sleep for `ms`. */
export function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}
