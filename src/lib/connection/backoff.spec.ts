import { describe, expect, it } from 'vitest';
import {
	backoffCeiling,
	backoffDelay,
	hintedBackoffDelay,
	longBackoffDelay,
	MAX_RETRY_AFTER_MS
} from './backoff';

/** A deterministic uniform generator (mulberry32), so the statistics below are reproducible. */
function seeded(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const base = 500;
const cap = 30_000;

describe('backoffCeiling', () => {
	it('doubles from the base and stops at the cap', () => {
		expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => backoffCeiling(n, base, cap))).toEqual([
			500, 1000, 2000, 4000, 8000, 16000, 30000, 30000
		]);
	});

	it('stays finite for absurd attempt counts', () => {
		expect(backoffCeiling(10_000, base, cap)).toBe(cap);
		expect(backoffCeiling(-3, base, cap)).toBe(base);
	});
});

describe('backoffDelay over 10,000 samples', () => {
	const N = 10_000;

	for (const attempt of [0, 3, 6, 20]) {
		it(`attempt ${attempt}: every delay within [0, ceiling]`, () => {
			const random = seeded(attempt + 1);
			const ceiling = backoffCeiling(attempt, base, cap);
			let min = Infinity;
			let max = -Infinity;
			for (let i = 0; i < N; i++) {
				const d = backoffDelay(attempt, { base, cap, random });
				min = Math.min(min, d);
				max = Math.max(max, d);
			}
			expect(min).toBeGreaterThanOrEqual(0);
			expect(max).toBeLessThanOrEqual(ceiling);
		});
	}

	it('stays wide at the cap: uniform over [0, cap], not collapsed onto it', () => {
		const random = seeded(42);
		const samples = Array.from({ length: N }, () => backoffDelay(20, { base, cap, random }));
		const min = Math.min(...samples);
		const max = Math.max(...samples);
		const mean = samples.reduce((a, b) => a + b, 0) / N;
		const sd = Math.sqrt(samples.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
		// Spread: the draws cover nearly the whole range...
		expect(min).toBeLessThan(cap * 0.01);
		expect(max).toBeGreaterThan(cap * 0.99);
		// ...with the moments of a uniform distribution (mean cap/2, sd cap/√12 ≈ 0.289 cap)...
		expect(mean / cap).toBeCloseTo(0.5, 1);
		expect(sd / cap).toBeCloseTo(1 / Math.sqrt(12), 1);
		// ...and every tenth of the range holding about a tenth of the draws.
		const deciles = new Array(10).fill(0) as number[];
		for (const s of samples) deciles[Math.min(9, Math.floor((s / cap) * 10))]!++;
		for (const count of deciles) expect(count / N).toBeGreaterThan(0.08);
		// Not one value repeated: at most a handful of draws share any millisecond.
		expect(new Set(samples).size).toBeGreaterThan(N * 0.7);
	});

	it('without jitter (random = 1) every client waits exactly the ceiling', () => {
		expect(backoffDelay(20, { base, cap, random: () => 1 })).toBe(cap);
		expect(backoffDelay(2, { base, cap, random: () => 1 })).toBe(2000);
	});

	it('tolerates a broken random source', () => {
		expect(backoffDelay(1, { base, cap, random: () => NaN })).toBe(0);
		expect(backoffDelay(1, { base, cap, random: () => 7 })).toBe(1000);
	});
});

describe('longBackoffDelay', () => {
	it('grows from its own base and is never shorter than the floor', () => {
		const lo = { base: 5000, cap, random: () => 0 };
		expect(longBackoffDelay(0, lo)).toBe(5000);
		expect(longBackoffDelay(1, lo)).toBe(10_000);
		expect(longBackoffDelay(9, lo)).toBe(cap);
		expect(longBackoffDelay(9, { ...lo, random: () => 1 })).toBe(2 * cap);
	});
});

describe('hintedBackoffDelay', () => {
	it('honours retryAfterMs as the floor and spreads up to twice it', () => {
		const random = seeded(7);
		const samples = Array.from({ length: 10_000 }, () =>
			hintedBackoffDelay(0, 20_000, { base, cap, random })
		);
		expect(Math.min(...samples)).toBeGreaterThanOrEqual(20_000);
		expect(Math.max(...samples)).toBeLessThanOrEqual(40_000);
		expect(Math.max(...samples) - Math.min(...samples)).toBeGreaterThan(19_000);
	});

	it('keeps full jitter when the hint is 0 (a restart telling everyone "now")', () => {
		const random = seeded(9);
		const samples = Array.from({ length: 10_000 }, () =>
			hintedBackoffDelay(3, 0, { base, cap, random })
		);
		expect(Math.min(...samples)).toBeLessThan(100);
		expect(Math.max(...samples)).toBeGreaterThan(3_900);
		expect(Math.max(...samples)).toBeLessThanOrEqual(4_000);
	});

	it('caps a bogus hint', () => {
		expect(hintedBackoffDelay(0, 9e12, { base, cap, random: () => 0 })).toBe(MAX_RETRY_AFTER_MS);
	});

	it("widens the window to the server's spreadMs, so a closed fleet returns gradually", () => {
		const random = seeded(11);
		const samples = Array.from({ length: 10_000 }, () =>
			hintedBackoffDelay(0, 0, { base, cap, random }, 2_000)
		);
		expect(Math.min(...samples)).toBeLessThan(20);
		expect(Math.max(...samples)).toBeGreaterThan(1_950);
		expect(Math.max(...samples)).toBeLessThanOrEqual(2_000);
		// Uniform: about a twentieth of the fleet in each 100 ms, none of it bunched at the start.
		const first = samples.filter((d) => d < 100).length / samples.length;
		expect(first).toBeGreaterThan(0.035);
		expect(first).toBeLessThan(0.065);
	});

	it('keeps the normal ceiling when the spread is smaller, and caps a huge spread at cap', () => {
		expect(hintedBackoffDelay(0, 0, { base, cap, random: () => 1 }, 2)).toBe(base);
		expect(hintedBackoffDelay(0, 0, { base, cap, random: () => 1 }, 9e12)).toBe(cap);
		expect(hintedBackoffDelay(0, 0, { base, cap, random: () => 1 }, Number.NaN)).toBe(base);
		expect(hintedBackoffDelay(0, 1_000, { base, cap, random: () => 1 }, 3_000)).toBe(4_000);
	});
});
