import { describe, expect, it } from 'vitest';
import { createRng } from './prng';
import { Scheduler } from './scheduler';

describe('Scheduler', () => {
	it('pops in time order and keeps scheduling order for ties', () => {
		const s = new Scheduler();
		const order: string[] = [];
		s.at(20, () => order.push('b'));
		s.at(10, () => order.push('a'));
		s.at(20, () => order.push('c'));
		s.at(5, () => order.push('first'));
		s.at(20, () => order.push('d'));
		for (let e = s.pop(); e !== undefined; e = s.pop()) e.action();
		expect(order).toEqual(['first', 'a', 'b', 'c', 'd']);
		expect(s.peekTime()).toBe(Infinity);
		expect(s.size).toBe(0);
	});

	it('stays ordered over many random insertions', () => {
		const rng = createRng(1);
		const s = new Scheduler();
		for (let i = 0; i < 5_000; i++) s.at(rng.int(1_000), () => {});
		let last = -1;
		let n = 0;
		for (let e = s.pop(); e !== undefined; e = s.pop()) {
			expect(e.time).toBeGreaterThanOrEqual(last);
			last = e.time;
			n++;
		}
		expect(n).toBe(5_000);
	});
});
