import { describe, expect, it } from 'vitest';
import { compileSearch, escapeRegExp, highlight, splitByRanges, type Matcher } from './highlight';

function matcher(query: string, options = {}): Matcher {
	const c = compileSearch(query, options);
	if (!c.ok || c.matcher === null) throw new Error('expected a matcher');
	return c.matcher;
}

describe('compileSearch', () => {
	it('gives no matcher for an empty query', () => {
		expect(compileSearch('')).toEqual({ ok: true, matcher: null });
	});

	it('matches substrings case-insensitively by default', () => {
		const m = matcher('error');
		expect(m.ranges('An ERROR and an error')).toEqual([
			[3, 8],
			[16, 21]
		]);
		expect(m.test('no match here')).toBe(false);
		expect(matcher('Error', { caseSensitive: true }).ranges('error Error')).toEqual([[6, 11]]);
	});

	it('treats regex characters literally in substring mode', () => {
		expect(matcher('a.b(').ranges('axb( a.b(')).toEqual([[5, 9]]);
		expect(matcher('[').test('x[y')).toBe(true);
	});

	it('compiles regexes', () => {
		expect(matcher('\\d+ms', { regex: true }).ranges('took 12ms, then 300ms')).toEqual([
			[5, 9],
			[16, 21]
		]);
		expect(matcher('(?:GET|POST) /api', { regex: true }).test('POST /api/x')).toBe(true);
		expect(matcher('(\\d{1,3}\\.){3}\\d{1,3}', { regex: true }).test('ip 10.0.0.1')).toBe(true);
		expect(matcher('(?<code>\\d{3})', { regex: true }).test('HTTP 503')).toBe(true);
	});

	it('returns a message instead of throwing for invalid patterns', () => {
		for (const bad of ['(', '[a-', '*x', 'a{2,1}', '(?<n>x)(?<n>y)']) {
			const c = compileSearch(bad, { regex: true });
			expect(c.ok).toBe(false);
			if (!c.ok) expect(c.error).toMatch(/^Invalid regular expression: /);
		}
	});

	it('refuses catastrophic-backtracking shapes', () => {
		for (const bad of ['(a+)+$', '(\\w*)*x', '(x|y+){2,}', '((ab)*)+']) {
			const c = compileSearch(bad, { regex: true });
			expect(c.ok, bad).toBe(false);
			if (!c.ok) expect(c.error).toMatch(/Nested quantifiers/);
		}
		// A quantified group without an inner quantifier is fine, and so is an inner one alone.
		expect(compileSearch('(ab)+', { regex: true }).ok).toBe(true);
		expect(compileSearch('(a+b)', { regex: true }).ok).toBe(true);
		expect(compileSearch('[(+)]+', { regex: true }).ok).toBe(true);
	});

	it('refuses overlong queries', () => {
		const c = compileSearch('x'.repeat(300));
		expect(c.ok).toBe(false);
	});

	it('skips empty matches instead of looping', () => {
		const m = matcher('x*', { regex: true });
		expect(m.ranges('abc')).toEqual([]);
		expect(m.test('abc')).toBe(false);
		expect(m.ranges('axxb')).toEqual([[1, 3]]);
		expect(matcher('^', { regex: true }).ranges('abc')).toEqual([]);
	});

	it('caps the number of ranges', () => {
		expect(matcher('a').ranges('a'.repeat(5000))).toHaveLength(1000);
		expect(matcher('a').ranges('a'.repeat(50), 10)).toHaveLength(10);
	});

	it('is reusable (no lastIndex leaks between calls)', () => {
		const m = matcher('b');
		expect(m.test('abc')).toBe(true);
		expect(m.test('abc')).toBe(true);
		expect(m.ranges('bb')).toEqual([
			[0, 1],
			[1, 2]
		]);
	});
});

describe('highlight and splitByRanges', () => {
	it('splits text into matched and unmatched parts', () => {
		expect(highlight('disk full on disk 2', matcher('disk'))).toEqual([
			{ text: 'disk', match: true },
			{ text: ' full on ', match: false },
			{ text: 'disk', match: true },
			{ text: ' 2', match: false }
		]);
		expect(highlight('abc', null)).toEqual([{ text: 'abc', match: false }]);
		expect(highlight('', matcher('a'))).toEqual([]);
	});

	it('splits styled segments across their boundaries and keeps their style', () => {
		const segs = [{ text: 'ERR', fg: 'red' }, { text: 'OR: x' }];
		expect(splitByRanges(segs, [[1, 5]])).toEqual([
			{ text: 'E', fg: 'red', match: false },
			{ text: 'RR', fg: 'red', match: true },
			{ text: 'OR', match: true },
			{ text: ': x', match: false }
		]);
		expect(splitByRanges(segs, [])).toEqual([
			{ text: 'ERR', fg: 'red', match: false },
			{ text: 'OR: x', match: false }
		]);
	});

	it('escapes every regex special character', () => {
		const specials = '.*+?^${}()|[]\\';
		expect(new RegExp(escapeRegExp(specials)).test(specials)).toBe(true);
	});
});
