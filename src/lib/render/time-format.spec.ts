import { describe, expect, it } from 'vitest';
import { formatAgo, formatDateTime, formatDuration } from './time-format';

describe('time formats', () => {
	it('says how long ago', () => {
		const now = Date.UTC(2026, 10, 26, 12);
		const ago = (ms: number) => formatAgo(new Date(now - ms), now);
		expect(ago(500)).toBe('just now');
		expect(ago(-5000)).toBe('just now');
		expect(ago(12_000)).toBe('12 s ago');
		expect(ago(3 * 60_000 + 10_000)).toBe('3 min ago');
		expect(ago(5 * 3_600_000)).toBe('5 h ago');
		expect(ago(72 * 3_600_000)).toBe('3 d ago');
		expect(formatAgo(new Date(NaN), now)).toBe('just now');
	});

	it('formats durations and date-times', () => {
		expect(formatDuration(45_000)).toBe('45 s');
		expect(formatDuration(200_000)).toBe('3 min 20 s');
		expect(formatDuration(180_000)).toBe('3 min');
		expect(formatDuration(7_500_000)).toBe('2 h 5 min');
		expect(formatDateTime(new Date(2026, 0, 2, 3, 4, 5))).toBe('2026-01-02 03:04:05');
		expect(formatDateTime(new Date(NaN))).toBe('');
	});
});
