// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { parseAnsi } from './ansi';
import { compileSearch, splitByRanges } from './highlight';
import { paintSegments, segmentStyle } from './segments-dom';

function el(): HTMLElement {
	return document.createElement('span');
}

describe('paintSegments', () => {
	it('writes a plain line as one text node and reuses it for the next plain line', () => {
		const target = el();
		paintSegments(target, parseAnsi('first line'));
		expect(target.childNodes).toHaveLength(1);
		const node = target.firstChild;
		expect(node?.nodeType).toBe(Node.TEXT_NODE);
		paintSegments(target, parseAnsi('second line'));
		expect(target.firstChild).toBe(node);
		expect(target.textContent).toBe('second line');
	});

	it('writes ANSI segments as styled spans, with only the vocabulary of parseAnsi', () => {
		const target = el();
		paintSegments(target, parseAnsi('\x1b[1;31mred bold\x1b[0m plain \x1b[4;2;3;9mx\x1b[0m'));
		const spans = [...target.querySelectorAll<HTMLElement>('span.seg')];
		expect(spans.map((s) => s.textContent)).toEqual(['red bold', 'x']);
		expect(spans[0]!.className).toBe('seg b');
		expect(spans[0]!.style.color).toBe('var(--ansi-1)');
		expect(spans[1]!.className).toBe('seg d i u s');
		expect(spans[1]!.getAttribute('style')).toBeNull();
		expect(target.textContent).toBe('red bold plain x');
	});

	it('goes from styled back to plain, and to nothing', () => {
		const target = el();
		paintSegments(target, parseAnsi('\x1b[32mok\x1b[0m done'));
		expect(target.querySelectorAll('span')).toHaveLength(1);
		paintSegments(target, parseAnsi('plain again'));
		expect(target.querySelectorAll('span')).toHaveLength(0);
		expect(target.childNodes).toHaveLength(1);
		expect(target.textContent).toBe('plain again');
		paintSegments(target, []);
		expect(target.childNodes).toHaveLength(0);
	});

	it('wraps search matches in mark, inside a styled span where the match is coloured', () => {
		const search = compileSearch('disk|ful', { regex: true });
		if (!search.ok || !search.matcher) throw new Error('search did not compile');
		const segments = parseAnsi('disk \x1b[33mfull\x1b[0m');
		const parts = splitByRanges(segments, search.matcher.ranges('disk full'));
		const target = el();
		paintSegments(target, parts);
		expect([...target.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['disk', 'ful']);
		expect(target.querySelector('span.seg > mark')?.textContent).toBe('ful');
		expect(target.textContent).toBe('disk full');
	});

	it('renders markup in the text as text, never as HTML', () => {
		const target = el();
		const hostile = '<img src=x onerror=alert(1)><script>alert(2)</script>';
		paintSegments(target, parseAnsi(hostile));
		expect(target.querySelector('img, script')).toBeNull();
		expect(target.textContent).toBe(hostile);
		paintSegments(target, parseAnsi(`\x1b[31m${hostile}\x1b[0m`));
		expect(target.querySelector('img, script')).toBeNull();
		expect(target.textContent).toBe(hostile);
	});

	it('builds colour styles only from the segment fields', () => {
		expect(segmentStyle({})).toBeUndefined();
		expect(segmentStyle({ fg: '#00ff00', bg: 'var(--ansi-4)' })).toBe(
			'color:#00ff00;background-color:var(--ansi-4);'
		);
	});
});
