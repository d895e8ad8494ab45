import { describe, expect, it } from 'vitest';
import { RateLimiter } from './rate-limiter';

function limiter(options: Partial<ConstructorParameters<typeof RateLimiter>[0]> = {}) {
	let now = 0;
	const l = new RateLimiter(
		{ perSecond: 50, burst: 100, maxViolations: 5, windowMs: 1000, ...options },
		() => now
	);
	return { l, advance: (ms: number) => (now += ms) };
}

describe('RateLimiter', () => {
	it('accepts a burst, then refuses until tokens refill at the rate', () => {
		const { l, advance } = limiter();
		for (let i = 0; i < 100; i++) expect(l.take()).toBe('accept');
		expect(l.take()).toBe('refuse');
		advance(20); // 1 token at 50/s
		expect(l.take()).toBe('accept');
		expect(l.take()).toBe('refuse');
		advance(10_000);
		expect(l.tokens).toBe(100); // capped at the burst
	});

	it('closes on the maxViolations-th refusal within the window', () => {
		const { l } = limiter({ burst: 1 });
		expect(l.take()).toBe('accept');
		for (let i = 0; i < 4; i++) expect(l.take()).toBe('refuse');
		expect(l.take()).toBe('close');
	});

	it('does not close when refusals are spread wider than the window', () => {
		const { l, advance } = limiter({ burst: 1, perSecond: 0.001 });
		l.take();
		for (let i = 0; i < 20; i++) {
			expect(l.take()).toBe('refuse');
			advance(300); // 4 refusals per 1,200 ms: never 5 within 1,000 ms
		}
	});

	it('closes at the first refusal with maxViolations 1', () => {
		const { l } = limiter({ burst: 1, maxViolations: 1 });
		l.take();
		expect(l.take()).toBe('close');
	});
});
