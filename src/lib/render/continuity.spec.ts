import { describe, expect, it } from 'vitest';
import type { LogEntry } from '$lib/protocol';
import { checkContinuity } from './continuity';
import type { LogGap } from './log-gap';

function source(items: (number | LogGap)[]) {
	const list = items.map((i) => (typeof i === 'number' ? ({ seq: i } as LogEntry) : i));
	return { size: list.length, get: (i: number) => list[i]! };
}
const gap = (seq: number, missing: number | null): LogGap => ({ kind: 'gap', seq, missing });

describe('checkContinuity', () => {
	it('passes consecutive seqs', () => {
		expect(checkContinuity(source([5, 6, 7, 8]))).toMatchObject({
			lines: 4,
			first: 5,
			last: 8,
			holes: 0,
			repeats: 0,
			ok: true
		});
		expect(checkContinuity(source([]))).toMatchObject({ lines: 0, first: null, ok: true });
	});

	it('finds unreported holes and repeats', () => {
		const r = checkContinuity(source([1, 2, 5, 5, 6, 4, 7]));
		expect(r).toMatchObject({ holes: 2, missing: 2 + 2, repeats: 2, ok: false });
	});

	it('accepts a jump or a new epoch behind a gap marker, and sums what it reports', () => {
		const r = checkContinuity(source([1, 2, gap(3, 10), 13, 14, gap(1, null), 1, 2]));
		expect(r).toMatchObject({ ok: true, reportedGaps: 2, reportedMissing: null, lines: 6 });
		expect(checkContinuity(source([1, gap(2, 3), 5])).reportedMissing).toBe(3);
	});
});
