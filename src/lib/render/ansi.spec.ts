import { describe, expect, it } from 'vitest';
import { isPlain, parseAnsi, stripAnsi } from './ansi';

const E = '\x1b';

describe('parseAnsi', () => {
	it('returns plain text as one segment without work', () => {
		expect(parseAnsi('hello world')).toEqual([{ text: 'hello world' }]);
		expect(parseAnsi('')).toEqual([]);
	});

	it('keeps tabs and newlines', () => {
		expect(parseAnsi('a\tb\nc')).toEqual([{ text: 'a\tb\nc' }]);
	});

	it('maps the 16 basic colours to themed variables', () => {
		expect(parseAnsi(`${E}[31mred${E}[0m plain`)).toEqual([
			{ text: 'red', fg: 'var(--ansi-1)' },
			{ text: ' plain' }
		]);
		expect(parseAnsi(`${E}[92mok`)).toEqual([{ text: 'ok', fg: 'var(--ansi-10)' }]);
		expect(parseAnsi(`${E}[44mbg`)).toEqual([{ text: 'bg', bg: 'var(--ansi-4)' }]);
		expect(parseAnsi(`${E}[107mbg`)).toEqual([{ text: 'bg', bg: 'var(--ansi-15)' }]);
	});

	it('handles 256-colour and truecolour, in semicolon and colon forms', () => {
		expect(parseAnsi(`${E}[38;5;196mx`)).toEqual([{ text: 'x', fg: '#ff0000' }]);
		expect(parseAnsi(`${E}[38;5;3mx`)).toEqual([{ text: 'x', fg: 'var(--ansi-3)' }]);
		expect(parseAnsi(`${E}[48;5;244mx`)).toEqual([{ text: 'x', bg: '#808080' }]);
		expect(parseAnsi(`${E}[38;2;10;20;30mx`)).toEqual([{ text: 'x', fg: '#0a141e' }]);
		expect(parseAnsi(`${E}[38:2::255:128:0mx`)).toEqual([{ text: 'x', fg: '#ff8000' }]);
		expect(parseAnsi(`${E}[38:5:21mx`)).toEqual([{ text: 'x', fg: '#0000ff' }]);
	});

	it('ignores out-of-range extended colours and keeps reading the rest', () => {
		expect(parseAnsi(`${E}[38;2;300;0;0;1mx`)).toEqual([{ text: 'x', bold: true }]);
		expect(parseAnsi(`${E}[38;5;999mx`)).toEqual([{ text: 'x' }]);
	});

	it('tracks attributes and their resets', () => {
		expect(parseAnsi(`${E}[1;3;4mA${E}[22mB${E}[23;24mC${E}[2mD${E}[0mE`)).toEqual([
			{ text: 'A', bold: true, italic: true, underline: true },
			{ text: 'B', italic: true, underline: true },
			{ text: 'C' },
			{ text: 'D', dim: true },
			{ text: 'E' }
		]);
		expect(parseAnsi(`${E}[31;1mx${E}[39my${E}[mz`)).toEqual([
			{ text: 'x', fg: 'var(--ansi-1)', bold: true },
			{ text: 'y', bold: true },
			{ text: 'z' }
		]);
		expect(parseAnsi(`${E}[9mgone${E}[29m`)).toEqual([{ text: 'gone', strike: true }]);
	});

	it('resolves inverse video into explicit colours', () => {
		expect(parseAnsi(`${E}[7mx`)).toEqual([{ text: 'x', fg: 'var(--surface)', bg: 'var(--text)' }]);
		expect(parseAnsi(`${E}[31;7mx${E}[27my`)).toEqual([
			{ text: 'x', fg: 'var(--surface)', bg: 'var(--ansi-1)' },
			{ text: 'y', fg: 'var(--ansi-1)' }
		]);
	});

	it('merges segments with the same style and drops empty ones', () => {
		expect(parseAnsi(`${E}[31ma${E}[31mb${E}[0m${E}[0m`)).toEqual([
			{ text: 'ab', fg: 'var(--ansi-1)' }
		]);
	});

	it('strips cursor moves, erase, private modes and other CSI sequences', () => {
		expect(parseAnsi(`a${E}[2Jb${E}[10;20Hc${E}[?25ld${E}[Ke${E}[1Af`)).toEqual([
			{ text: 'abcdef' }
		]);
		expect(parseAnsi(`${E}[?1049h${E}[>4mx`)).toEqual([{ text: 'x' }]);
	});

	it('strips OSC (titles, hyperlinks) with BEL or ST terminators', () => {
		expect(parseAnsi(`${E}]0;pwned title\x07after`)).toEqual([{ text: 'after' }]);
		expect(parseAnsi(`${E}]8;;https://evil.example\x1b\\link${E}]8;;${E}\\`)).toEqual([
			{ text: 'link' }
		]);
		// Unterminated: the payload is swallowed, never shown.
		expect(parseAnsi(`ok${E}]52;c;c2VjcmV0`)).toEqual([{ text: 'ok' }]);
	});

	it('strips DCS, APC, PM, SOS and C1 forms', () => {
		expect(
			parseAnsi(`a${E}Pq#0;2;0;0;0${E}\\b${E}_apc${E}\\c${E}^pm${E}\\d${E}Xsos${E}\\e`)
		).toEqual([{ text: 'abcde' }]);
		// C1 CSI sets a colour; C1 OSC is swallowed up to its BEL.
		expect(parseAnsi('a\x9b31mb\x9d0;t\x07c')).toEqual([
			{ text: 'a' },
			{ text: 'bc', fg: 'var(--ansi-1)' }
		]);
	});

	it('strips other escapes and control characters', () => {
		expect(parseAnsi(`a${E}(Bb${E}7c${E}cd${E}`)).toEqual([{ text: 'abcd' }]);
		expect(parseAnsi('a\rb\bc\x00d\x07e\x7ff\x85g')).toEqual([{ text: 'abcdefg' }]);
	});

	it('removes bidi overrides so a line cannot reorder its text', () => {
		expect(parseAnsi('user\u202Eexe.txt\u202C and \u2066x\u2069')).toEqual([
			{ text: 'userexe.txt and x' }
		]);
	});

	it('never lets input reach a colour value', () => {
		const hostile = `${E}[38;2;1;2;3);background:url(x)m${E}[31;"onmouseover=alert(1)mx`;
		for (const seg of parseAnsi(hostile)) {
			for (const c of [seg.fg, seg.bg]) {
				if (c !== undefined)
					expect(c).toMatch(/^(var\(--(ansi-\d{1,2}|surface|text)\)|#[0-9a-f]{6})$/);
			}
		}
		expect(stripAnsi(hostile)).not.toContain('\x1b');
	});

	it('keeps markup as text (rendering is done by text nodes)', () => {
		expect(parseAnsi(`${E}[31m<img src=x onerror=alert(1)>`)).toEqual([
			{ text: '<img src=x onerror=alert(1)>', fg: 'var(--ansi-1)' }
		]);
	});

	it('caps the number of segments on hostile input', () => {
		const line = `${E}[31mx${E}[32my`.repeat(5000);
		const segs = parseAnsi(line, { maxSegments: 100 });
		expect(segs.length).toBeLessThanOrEqual(101);
		expect(segs.map((s) => s.text).join('')).toBe('xy'.repeat(5000));
	});

	it('is linear on long escape-heavy lines', () => {
		const line = `${E}[1m${E}]0;t`.repeat(1) + 'a'.repeat(1_000_000);
		const t0 = performance.now();
		parseAnsi(line);
		parseAnsi(`${E}[`.repeat(200_000));
		parseAnsi(`${E}[${'1;'.repeat(200_000)}m`);
		expect(performance.now() - t0).toBeLessThan(2000);
	});
});

describe('stripAnsi and isPlain', () => {
	it('returns the visible text', () => {
		expect(stripAnsi(`${E}[1;31mERROR${E}[0m disk ${E}]0;x\x07full`)).toBe('ERROR disk full');
		expect(stripAnsi('plain')).toBe('plain');
	});
	it('tells unstyled segments', () => {
		expect(isPlain({})).toBe(true);
		expect(isPlain({ bold: true })).toBe(false);
		expect(isPlain({ fg: 'var(--ansi-1)' })).toBe(false);
	});
});
