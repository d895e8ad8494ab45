import { describe, expect, it } from 'vitest';
import { Ring } from './ring';

const item = (seq: number) => ({ seq });

describe('Ring', () => {
	it('keeps the newest items up to capacity, evicting the oldest', () => {
		const ring = new Ring<{ seq: number }>(3);
		expect(ring.push(item(1))).toBeUndefined();
		ring.push(item(2));
		ring.push(item(3));
		expect(ring.push(item(4))).toEqual(item(1));
		expect(ring.size).toBe(3);
		expect([0, 1, 2].map((i) => ring.at(i)?.seq)).toEqual([2, 3, 4]);
		expect(ring.oldest?.seq).toBe(2);
		expect(ring.newest?.seq).toBe(4);
		expect(ring.at(3)).toBeUndefined();
		expect(ring.at(-1)).toBeUndefined();
	});

	it('finds the first item after a seq by binary search, across wrap-around and gaps', () => {
		const ring = new Ring<{ seq: number }>(5);
		for (const seq of [2, 4, 6, 8, 10, 12, 14]) ring.push(item(seq)); // holds 6..14
		expect(ring.indexAfter(0)).toBe(0);
		expect(ring.indexAfter(6)).toBe(1);
		expect(ring.indexAfter(7)).toBe(1);
		expect(ring.indexAfter(13)).toBe(4);
		expect(ring.indexAfter(14)).toBe(5);
		expect(ring.indexAfter(99)).toBe(5);
	});

	it('refuses out-of-order items and bad capacities', () => {
		const ring = new Ring<{ seq: number }>(2);
		ring.push(item(5));
		expect(() => ring.push(item(5))).toThrow(RangeError);
		expect(() => ring.push(item(4))).toThrow(RangeError);
		expect(() => new Ring(0)).toThrow(RangeError);
		expect(() => new Ring(1.5)).toThrow(RangeError);
	});

	it('clears', () => {
		const ring = new Ring<{ seq: number }>(2);
		ring.push(item(1));
		ring.clear();
		expect(ring.size).toBe(0);
		expect(ring.oldest).toBeUndefined();
		ring.push(item(1));
		expect(ring.newest?.seq).toBe(1);
	});
});
