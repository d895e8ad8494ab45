import { describe, expect, it } from 'vitest';
import { ColumnarRing, Ring } from './ring';

describe('Ring', () => {
	it('keeps the newest `capacity` items, oldest first, counting evictions', () => {
		const ring = new Ring<number>(3);
		expect(ring.push(1)).toBeUndefined();
		ring.push(2);
		ring.push(3);
		expect(ring.push(4)).toBe(1);
		expect(ring.pushMany([5, 6, 7])).toBe(3);
		expect(ring.toArray()).toEqual([5, 6, 7]);
		expect(ring.size).toBe(3);
		expect(ring.evicted).toBe(4);
		expect([ring.get(0), ring.get(2), ring.oldest(), ring.newest()]).toEqual([5, 7, 5, 7]);
	});

	it('addresses items by absolute position, which survives eviction and clear', () => {
		const ring = new Ring<string>(2);
		ring.pushMany(['a', 'b', 'c']);
		expect([ring.first, ring.head]).toEqual([1, 3]);
		expect([ring.at(0), ring.at(1), ring.at(2), ring.at(3)]).toEqual([
			undefined,
			'b',
			'c',
			undefined
		]);
		ring.clear();
		expect([ring.size, ring.first, ring.head, ring.evicted]).toEqual([0, 3, 3, 1]);
		ring.push('d');
		expect(ring.at(3)).toBe('d');
		expect(ring.toArray()).toEqual(['d']);
	});

	it('gives a snapshot view whose keys are absolute and whose items stay put', () => {
		const ring = new Ring<number>(4);
		ring.pushMany([10, 11, 12]);
		const view = ring.view(7);
		expect([view.size, view.version, view.get(0), view.get(2)]).toEqual([3, 7, 10, 12]);
		expect(view.keyOf(10, 0)).toBe(0);
		ring.pushMany([13, 14]); // evicts 10
		// Item 1 of the snapshot is still 11, although 11 is now at index 0 of the ring.
		expect(view.get(1)).toBe(11);
		expect(view.get(0)).toBeDefined(); // evicted: falls back to a held item, never undefined
		const next = ring.view(8);
		expect(next.keyOf(11, 0)).toBe(1);
		expect(next.get(3)).toBe(14);
	});

	it('rejects a capacity that is not a positive integer', () => {
		expect(() => new Ring(0)).toThrow(RangeError);
		expect(() => new Ring(1.5)).toThrow(RangeError);
	});

	it('wraps around many times without losing order', () => {
		const ring = new Ring<number>(7);
		for (let i = 0; i < 1000; i++) ring.push(i);
		expect(ring.toArray()).toEqual([993, 994, 995, 996, 997, 998, 999]);
		const seen: number[] = [];
		ring.forEach((v) => seen.push(v));
		expect(seen).toEqual(ring.toArray());
	});
});

describe('ColumnarRing', () => {
	it('keeps rows contiguous in typed arrays, oldest first, bounded by capacity', () => {
		const ring = new ColumnarRing(3, 2);
		const row = [0, 0];
		for (let i = 1; i <= 5; i++) {
			row[0] = i * 10;
			row[1] = i * 100;
			ring.push(i, row);
		}
		expect(ring.size).toBe(3);
		expect(ring.evicted).toBe(2);
		expect(Array.from(ring.times())).toEqual([3, 4, 5]);
		expect(Array.from(ring.values(0))).toEqual([30, 40, 50]);
		expect(Array.from(ring.values(1))).toEqual([300, 400, 500]);
		expect(ring.times()).toBeInstanceOf(Float64Array);
		expect([ring.time(0), ring.value(1, 2), ring.lastTime()]).toEqual([3, 500, 5]);
	});

	it('stores missing values as NaN', () => {
		const ring = new ColumnarRing(2, 2);
		ring.push(1, [5]);
		expect(ring.value(0, 0)).toBe(5);
		expect(ring.value(1, 0)).toBeNaN();
	});

	it('trims by time', () => {
		const ring = new ColumnarRing(10, 1);
		for (let t = 0; t < 6; t++) ring.push(t, [t]);
		expect(ring.trimBefore(3.5)).toBe(4);
		expect(Array.from(ring.times())).toEqual([4, 5]);
		expect(ring.trimBefore(100)).toBe(2);
		expect(ring.size).toBe(0);
		expect(ring.lastTime()).toBeNaN();
	});

	it('leaves a published view unchanged for at least `capacity` further pushes', () => {
		const capacity = 5;
		for (let offset = 0; offset < 4 * capacity; offset++) {
			const ring = new ColumnarRing(capacity, 1);
			let t = 0;
			for (let i = 0; i < offset; i++, t++) ring.push(t, [t]);
			const times = ring.times();
			const values = ring.values(0);
			const before = [Array.from(times), Array.from(values)];
			for (let i = 0; i < capacity; i++, t++) ring.push(t, [t]);
			expect([Array.from(times), Array.from(values)]).toEqual(before);
			// ...and the ring itself is right after the compactions.
			const expected = Array.from(
				{ length: Math.min(t, capacity) },
				(_, k) => t - Math.min(t, capacity) + k
			);
			expect(Array.from(ring.times())).toEqual(expected);
			expect(Array.from(ring.values(0))).toEqual(expected);
		}
	});
});
