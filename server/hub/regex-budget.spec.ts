import { describe, expect, it } from 'vitest';
import { buildLogBatch } from './delivery';
import { HistoryRecord, SeqHistory } from './history';
import { RegexBudget } from './regex-budget';
import { Selection } from './selection';
import { FilterCompiler } from './stream-filter';

/** A clock the "regex" advances: each test costs `cost` ms. */
function costly(cost: number) {
	let t = 0;
	const now = () => t;
	const regex = {
		test: (text: string) => {
			t += cost;
			return text.includes('!');
		}
	} as unknown as RegExp;
	return { now, regex, advance: (ms: number) => (t += ms) };
}

describe('RegexBudget', () => {
	it('runs a filter until its burst is spent, then refuses and counts until it refills', () => {
		const c = costly(20);
		const budget = new RegexBudget(
			{
				perFilterMsPerSecond: 20,
				perFilterBurstMs: 50,
				totalMsPerSecond: 1000,
				totalBurstMs: 1000
			},
			c.now
		);
		const share = budget.forFilter();
		// 50 ms of burst at 20 ms a test: tests run while anything is left (the third overdraws).
		expect([1, 2, 3, 4, 5].map(() => share.test(c.regex, 'a!'))).toEqual([
			true,
			true,
			true,
			undefined,
			undefined
		]);
		expect(share.skipped).toBe(2);
		// Overdrawn by 10 ms: at 20 ms/s it runs again after half a second, and not before.
		c.advance(400);
		expect(share.test(c.regex, 'a!')).toBeUndefined();
		c.advance(200);
		expect(share.test(c.regex, 'a!')).toBe(true);
	});

	it('bounds all filters together by the hub-wide bucket, and one costly filter spares a cheap one', () => {
		const c = costly(30);
		const budget = new RegexBudget(
			{ perFilterMsPerSecond: 20, perFilterBurstMs: 50, totalMsPerSecond: 100, totalBurstMs: 100 },
			c.now
		);
		const a = budget.forFilter();
		const b = budget.forFilter();
		expect(a.test(c.regex, '!')).toBe(true);
		expect(a.test(c.regex, '!')).toBe(true);
		expect(a.test(c.regex, '!')).toBeUndefined(); // a's own share is spent (60 > 50)
		expect(b.test(c.regex, '!')).toBe(true); // the total still had 40 ms, b's own share 50
		expect(b.test(c.regex, '!')).toBe(true); // 10 ms left in the total: overdrawn to -20
		expect(b.test(c.regex, '!')).toBeUndefined(); // the total is spent, though b's share is not
		expect(a.skipped + b.skipped).toBe(2);
	});
});

describe('a costly regex filter in delivery', () => {
	it('reports the lines it could not test as rate limited, and delivers the ones it could', () => {
		const c = costly(10);
		const compiler = new FilterCompiler(
			{},
			16,
			new RegexBudget(
				{
					perFilterMsPerSecond: 10,
					perFilterBurstMs: 30,
					totalMsPerSecond: 1000,
					totalBurstMs: 1000
				},
				c.now
			)
		);
		const compiled = compiler.compile('logs', { regex: '!' });
		if (!compiled.ok || !compiled.filter) throw new Error('not compiled');
		// Swap in the costly stand-in (the compiled filter runs whatever regex its budget is given).
		const filter = compiled.filter;
		const history = new SeqHistory<{ seq: number; message: string; level: string }>(100);
		for (let s = 1; s <= 10; s++) {
			history.append(
				new HistoryRecord('log_entry', { seq: s, message: `line ${s}!`, level: 'info' }, {})
			);
		}
		const selection = new Selection('logs', ['*'], filter, null);
		const before = filter.budget!.skipped;
		const batch = buildLogBatch(history, selection, 0, 1e6);
		// The real regex is cheap, so everything fits the budget here: nothing is limited.
		expect(batch).toMatchObject({ count: 10, through: 10 });
		expect(batch.rateLimited).toBeUndefined();
		expect(filter.budget!.skipped).toBe(before);
		// Now make each test cost 10 ms of the 30 ms burst: three lines are tested, seven are not.
		const budget = new RegexBudget(
			{
				perFilterMsPerSecond: 10,
				perFilterBurstMs: 25,
				totalMsPerSecond: 1000,
				totalBurstMs: 1000
			},
			c.now
		).forFilter();
		const costlyFilter = {
			...filter,
			budget,
			matches: (record: HistoryRecord<{ seq: number }>) =>
				budget.test(c.regex, (record.item as unknown as { message: string }).message) === true
		};
		const limited = buildLogBatch(
			history,
			new Selection('logs', ['*'], costlyFilter, null),
			0,
			1e6
		);
		expect(limited).toMatchObject({ count: 3, through: 10, rateLimited: 7 });
		expect(
			JSON.parse(limited.frame!.toString()).payload.map((e: { seq: number }) => e.seq)
		).toEqual([1, 2, 3]);
	});
});
