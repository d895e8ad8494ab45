import { describe, expect, it } from 'vitest';
import { createRng } from './prng';

function draw(seed: number, n: number): number[] {
	const rng = createRng(seed);
	return Array.from({ length: n }, () => rng.uint32());
}

describe('createRng', () => {
	it('gives the same stream for the same seed', () => {
		expect(draw(42, 1000)).toEqual(draw(42, 1000));
	});

	it('gives unrelated streams for neighbouring seeds', () => {
		const a = draw(1, 1000);
		const b = draw(2, 1000);
		const same = a.filter((x, i) => x === b[i]).length;
		expect(same).toBeLessThan(3);
	});

	it('draws floats in [0, 1) with a plausible mean and spread', () => {
		const rng = createRng(7);
		let sum = 0;
		let min = 1;
		let max = 0;
		const n = 100_000;
		for (let i = 0; i < n; i++) {
			const x = rng.next();
			sum += x;
			min = Math.min(min, x);
			max = Math.max(max, x);
		}
		expect(min).toBeGreaterThanOrEqual(0);
		expect(max).toBeLessThan(1);
		expect(sum / n).toBeGreaterThan(0.49);
		expect(sum / n).toBeLessThan(0.51);
	});

	it('keeps integer helpers within their bounds and covers them', () => {
		const rng = createRng(3);
		const seen = new Set<number>();
		for (let i = 0; i < 10_000; i++) {
			const x = rng.intBetween(3, 6);
			expect(x).toBeGreaterThanOrEqual(3);
			expect(x).toBeLessThanOrEqual(6);
			seen.add(x);
			const y = rng.int(10);
			expect(Number.isInteger(y) && y >= 0 && y < 10).toBe(true);
		}
		expect([...seen].sort()).toEqual([3, 4, 5, 6]);
	});

	it('produces normal and exponential deviates with the right moments', () => {
		const rng = createRng(11);
		const n = 50_000;
		let sum = 0;
		let squares = 0;
		let expSum = 0;
		for (let i = 0; i < n; i++) {
			const z = rng.normal();
			sum += z;
			squares += z * z;
			expSum += rng.exponential(5);
		}
		expect(Math.abs(sum / n)).toBeLessThan(0.03);
		expect(squares / n).toBeGreaterThan(0.95);
		expect(squares / n).toBeLessThan(1.05);
		expect(expSum / n).toBeGreaterThan(4.8);
		expect(expSum / n).toBeLessThan(5.2);
	});

	it('formats hex and digit strings of the requested length', () => {
		const rng = createRng(5);
		for (const length of [1, 8, 12, 32, 64])
			expect(rng.hex(length)).toMatch(new RegExp(`^[0-9a-f]{${length}}$`));
		expect(rng.digits(19)).toMatch(/^[1-9][0-9]{18}$/);
	});

	it('forks reproducibly, and a fork does not replay its parent', () => {
		const a = createRng(9);
		const b = createRng(9);
		const fa = a.fork();
		const fb = b.fork();
		const forked = Array.from({ length: 50 }, () => fa.uint32());
		expect(forked).toEqual(Array.from({ length: 50 }, () => fb.uint32()));
		expect(forked).not.toEqual(Array.from({ length: 50 }, () => a.uint32()));
	});

	it('refuses to pick from nothing and rejects a non-finite seed', () => {
		expect(() => createRng(1).pick([])).toThrow(RangeError);
		expect(() => createRng(Number.NaN)).toThrow(RangeError);
	});
});
