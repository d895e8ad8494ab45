import { describe, expect, it } from 'vitest';
import { jsonStart, looksLikeJson, prettyJsonLine } from './json-line';

describe('looksLikeJson', () => {
	it('detects objects and arrays, with an optional prefix', () => {
		expect(looksLikeJson('{"a":1}')).toBe(true);
		expect(looksLikeJson('  [1,2]  ')).toBe(true);
		expect(looksLikeJson('2026-11-26T10:00:00Z stdout F {"a":1}')).toBe(true);
		expect(jsonStart('ts {"a":1}')).toBe(3);
	});
	it('rejects everything else', () => {
		for (const s of ['', '{', 'plain', '"str"', '42', '{a', 'x}', 'a {b} c']) {
			expect(looksLikeJson(s), s).toBe(false);
		}
	});
});

describe('prettyJsonLine', () => {
	it('indents objects and arrays', () => {
		expect(prettyJsonLine('{"level":"info","n":[1,2],"o":{},"e":[]}')?.text).toBe(
			'{\n  "level": "info",\n  "n": [\n    1,\n    2\n  ],\n  "o": {},\n  "e": []\n}'
		);
	});

	it('keeps numbers, escapes and key order exactly as logged', () => {
		const line =
			'{"id":12345678901234567890,"price":1.50,"e":1E+3,"s":"a\\"b\\u00e9","z":null,"t":true}';
		const pretty = prettyJsonLine(line)!;
		expect(pretty.text).toContain('12345678901234567890');
		expect(pretty.text).toContain('1.50');
		expect(pretty.text).toContain('1E+3');
		expect(pretty.text).toContain('"a\\"b\\u00e9"');
		expect(pretty.text.replace(/\s+/g, '')).toBe(line);
	});

	it('tags tokens for colouring', () => {
		const { tokens } = prettyJsonLine('{"k":"v","n":1,"b":false}')!;
		const kinds = tokens.filter((t) => t.kind !== 'space' && t.kind !== 'punct');
		expect(kinds).toEqual([
			{ kind: 'key', text: '"k"' },
			{ kind: 'string', text: '"v"' },
			{ kind: 'key', text: '"n"' },
			{ kind: 'number', text: '1' },
			{ kind: 'key', text: '"b"' },
			{ kind: 'literal', text: 'false' }
		]);
	});

	it('keeps a prefix apart', () => {
		const p = prettyJsonLine('10:00:00 app {"a":1}')!;
		expect(p.prefix).toBe('10:00:00 app ');
		expect(p.text).toBe('{\n  "a": 1\n}');
	});

	it('returns null for invalid JSON', () => {
		for (const s of [
			'{"a":}',
			'{"a" 1}',
			'{a:1}',
			'{"a":1,}',
			'[1 2]',
			'{"a":"unterminated}',
			'{"a":01}',
			'{"a":1}{"b":2}',
			'{"a":tru}',
			'{"a":"x\ny"}'
		]) {
			expect(prettyJsonLine(s), s).toBeNull();
		}
	});

	it('survives hostile nesting and size', () => {
		expect(prettyJsonLine('['.repeat(10_000) + ']'.repeat(10_000))).toBeNull();
		expect(prettyJsonLine('{"a":"' + 'x'.repeat(300_000) + '"}')).toBeNull();
		expect(
			prettyJsonLine('{"a":"' + 'x'.repeat(300_000) + '"}', { maxLength: 1e6 })
		).not.toBeNull();
	});

	it('keeps __proto__ as a plain key', () => {
		const p = prettyJsonLine('{"__proto__":{"polluted":1}}')!;
		expect(p.text).toContain('"__proto__"');
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
});
