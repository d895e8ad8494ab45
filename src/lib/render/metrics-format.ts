/**
 * The numbers a metrics panel shows beside its chart, and the y-axis ranges. Kept pure so the
 * formats are tested without a canvas.
 */

/** ECS CPU units per vCPU: a reservation of 512 units is half a core, shown as 50 %. */
export const CPU_UNITS_PER_VCPU = 1024;

/** A task's CPU reservation (ECS units) as the percent scale the CPU series uses. */
export function cpuUnitsToPercent(units: number): number {
	return (units / CPU_UNITS_PER_VCPU) * 100;
}

/** The last finite value of a series, or null (a series may end with gaps). */
export function lastValue(values: ArrayLike<number | null | undefined>): number | null {
	for (let i = values.length - 1; i >= 0; i--) {
		const v = values[i];
		if (typeof v === 'number' && Number.isFinite(v)) return v;
	}
	return null;
}

/** The largest finite value of a series, or 0. */
export function maxValue(values: ArrayLike<number | null | undefined>): number {
	let max = 0;
	for (let i = 0; i < values.length; i++) {
		const v = values[i];
		if (typeof v === 'number' && v > max) max = v;
	}
	return max;
}

/** `37.2` for CPU percent: one decimal below 100, none above (a 4-core task shows 312 %). */
export function formatPercent(value: number): string {
	return value >= 100 ? value.toFixed(0) : value.toFixed(1);
}

/** `412`, `2,048` or `12.3` (MiB): whole MiB from 100 up, one decimal below. */
export function formatMiB(value: number): string {
	return value >= 100 ? Math.round(value).toLocaleString('en-US') : value.toFixed(1);
}

/** A round upper bound for an axis: 1, 2, 2.5 or 5 times a power of ten, at least `value`. */
export function niceCeil(value: number): number {
	if (!(value > 0)) return 1;
	const p = 10 ** Math.floor(Math.log10(value));
	for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= value) return m * p;
	return 10 * p;
}

/**
 * A tighter round upper bound for a chart's y axis: 1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a
 * power of ten. With only 1-2-2.5-5 steps a CPU reservation of 100 % puts the axis at 200 % and
 * the data in the bottom half; here it goes to 120 %.
 */
export function niceCeilFine(value: number): number {
	if (!(value > 0)) return 1;
	const p = 10 ** Math.floor(Math.log10(value));
	for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= value - 1e-9) return m * p;
	return 10 * p;
}

/**
 * How full a value is relative to its reservation: 'ok', 'high' (≥ 85 %) or 'over' (≥ 100 %).
 * With `soft`, a value over the reservation is only 'high': ECS lets a task burst above its CPU
 * reservation when the host has spare cycles, while memory beyond the limit gets the task killed.
 */
export function pressure(
	value: number | null,
	reservation: number | null | undefined,
	soft = false
): 'ok' | 'high' | 'over' {
	if (value === null || !reservation || reservation <= 0) return 'ok';
	const ratio = value / reservation;
	if (ratio >= 1) return soft ? 'high' : 'over';
	return ratio >= 0.85 ? 'high' : 'ok';
}

/** Axis tick labels for a time axis in seconds: `HH:MM`, or `HH:MM:SS` when ticks are closer. */
export function formatTimeTicks(splits: number[]): string[] {
	const step = splits.length > 1 ? Math.abs(splits[1]! - splits[0]!) : 60;
	const pad = (n: number) => String(n).padStart(2, '0');
	return splits.map((t) => {
		const d = new Date(t * 1000);
		const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
		return step % 60 === 0 ? hm : `${hm}:${pad(d.getSeconds())}`;
	});
}
