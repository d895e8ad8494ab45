import { describe, expect, it } from 'vitest';
import { compileSafeRegex } from './regex-guard';

function reason(pattern: string): string | undefined {
	const r = compileSafeRegex(pattern);
	return r.ok ? undefined : r.reason;
}

describe('compileSafeRegex', () => {
	it.each([
		'error',
		'error.*timeout',
		'status=5\\d\\d',
		'took \\d{2,4}ms',
		'^\\[(WARN|ERROR)\\]',
		'(GET|POST) /api/',
		'[a-z]+@example\\.com',
		'(?:timeout)+',
		'(?<code>\\d{3}) OK',
		'(?=.*x)y',
		'a{2}b{1,3}c?',
		'\\(a+\\)',
		'[(a+)+]'
	])('accepts %s', (pattern) => {
		const r = compileSafeRegex(pattern);
		expect(r.ok, r.ok ? '' : r.reason).toBe(true);
	});

	it.each([
		['(a+)+$', /nested quantifiers/],
		['(a*)*b', /nested quantifiers/],
		['((ab)+c)*', /nested quantifiers/],
		['(\\w+\\s?){3}x', /nested quantifiers/],
		['(x|xx)*y', /alternation/],
		['((a|b)c)+', /alternation/],
		['(a)\\1', /backreferences/],
		['(?<x>a)\\k<x>', /backreferences/],
		['.*a.*b', /too expensive/],
		['\\d+\\s+\\w+', /too expensive/],
		['a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?a?.*', /too expensive/],
		['[', /Invalid regular expression/],
		['a'.repeat(257), /longer than 256/]
	])('refuses %s', (pattern, why) => {
		expect(reason(pattern)).toMatch(why);
	});

	it('bounds the cost with the input cap in mind', () => {
		// One unbounded quantifier over a capped input: inputMax² ≈ 1e6 steps, accepted.
		expect(compileSafeRegex('.*x', { inputMax: 1000 }).ok).toBe(true);
		// With a much longer input cap the same pattern is over budget.
		expect(compileSafeRegex('.*x', { inputMax: 10_000 }).ok).toBe(false);
	});

	it('keeps accepted patterns fast on hostile input', () => {
		const hostile = 'a'.repeat(1000);
		for (const pattern of ['a+x', 'a*a?b', '(?:a|b)?a+c', '[a-z]*z{1,3}']) {
			const r = compileSafeRegex(pattern);
			if (!r.ok) throw new Error(r.reason);
			const started = performance.now();
			r.regex.test(hostile);
			expect(performance.now() - started, pattern).toBeLessThan(50);
		}
	});
});
