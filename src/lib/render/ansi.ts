/**
 * ANSI escape handling for log lines. Container output often carries SGR colour codes; we keep
 * those as styled segments and remove every other escape or control sequence, so a log line can
 * colour its text and do nothing else: no cursor moves, no title changes (OSC), no hyperlinks, no
 * bidi overrides that reorder what follows.
 *
 * The result is plain data rendered by Svelte as text nodes with inline styles. Colours are only
 * ever values this module builds (`var(--ansi-N)` or `#rrggbb`), never text copied from the input,
 * so a crafted sequence cannot inject CSS either.
 */

/** The text attributes an SGR sequence can set. Absent means "terminal default". */
export interface AnsiStyle {
	/** Foreground colour: `var(--ansi-0)`..`var(--ansi-15)` for the 16 themed colours, or `#rrggbb`. */
	fg?: string;
	/** Background colour, same forms as `fg`. */
	bg?: string;
	bold?: boolean;
	dim?: boolean;
	italic?: boolean;
	underline?: boolean;
	strike?: boolean;
}

/** A run of text with one style. */
export interface AnsiSegment extends AnsiStyle {
	text: string;
}

/** Options of {@link parseAnsi}. */
export interface ParseAnsiOptions {
	/**
	 * Most styled segments to produce (default 500); the rest of the line keeps the last style. A
	 * hostile line of a million `ESC[31mx` must not become a million spans.
	 */
	maxSegments?: number;
}

const ESC = 0x1b;
const BEL = 0x07;

/**
 * Anything that needs the slow path: C0 controls except tab and newline, DEL, C1 controls, and the
 * Unicode bidi embedding/override/isolate characters (the "Trojan Source" trick). Compiled once.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const NEEDS_WORK = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/;

/** Bidi controls are dropped (a log line must not reorder the text that follows it). */
function isBidiControl(c: number): boolean {
	return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

/** True for characters dropped outright: controls other than tab/newline, DEL, C1, bidi. */
function isDroppedChar(c: number): boolean {
	return (c < 0x20 && c !== 0x09 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) || isBidiControl(c);
}

/** The 6x6x6 cube steps of xterm's 256-colour palette. */
const CUBE = [0, 95, 135, 175, 215, 255];

function hex2(n: number): string {
	return n.toString(16).padStart(2, '0');
}

function rgb(r: number, g: number, b: number): string {
	return `#${hex2(r)}${hex2(g)}${hex2(b)}`;
}

/** Colour for a 256-palette index; the first 16 follow the theme like the SGR 30–37/90–97 ones. */
function palette256(n: number): string | undefined {
	if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
	if (n < 16) return `var(--ansi-${n})`;
	if (n < 232) {
		const i = n - 16;
		return rgb(CUBE[Math.floor(i / 36)]!, CUBE[Math.floor(i / 6) % 6]!, CUBE[i % 6]!);
	}
	const v = 8 + (n - 232) * 10;
	return rgb(v, v, v);
}

function byte(n: number | undefined): number | undefined {
	return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

/**
 * Reads an extended colour (`38;5;n`, `38;2;r;g;b`, and the colon forms `38:5:n`, `38:2::r:g:b`)
 * starting at `params[i]` (the 38/48). Returns the colour and how many parameters it used.
 */
function extendedColour(
	params: number[],
	i: number,
	colon: boolean
): { colour: string | undefined; used: number } {
	const mode = params[i + 1];
	if (mode === 5) return { colour: palette256(params[i + 2] ?? -1), used: 3 };
	if (mode === 2) {
		// ITU T.416 colon form has a colour-space id before r:g:b (often empty): 38:2::r:g:b.
		const skip = colon && params.length - i >= 6 ? 1 : 0;
		const r = byte(params[i + 2 + skip]);
		const g = byte(params[i + 3 + skip]);
		const b = byte(params[i + 4 + skip]);
		const colour = r !== undefined && g !== undefined && b !== undefined ? rgb(r, g, b) : undefined;
		return { colour, used: 5 + skip };
	}
	return { colour: undefined, used: 2 };
}

/** Applies one SGR parameter list to a style, in place. Unknown codes are ignored. */
function applySgr(style: AnsiStyle & { inverse?: boolean }, raw: string): void {
	const colon = raw.includes(':');
	// An empty parameter means 0 (ESC[m and ESC[;1m both start with a reset).
	const params = raw === '' ? [0] : raw.split(/[;:]/).map((p) => (p === '' ? 0 : Number(p)));
	for (let i = 0; i < params.length; i++) {
		const p = params[i]!;
		if (p === 0) {
			for (const k of Object.keys(style)) delete style[k as keyof typeof style];
		} else if (p === 1) style.bold = true;
		else if (p === 2) style.dim = true;
		else if (p === 3) style.italic = true;
		else if (p === 4) style.underline = true;
		else if (p === 7) style.inverse = true;
		else if (p === 9) style.strike = true;
		else if (p === 21)
			style.underline = true; // double underline on most terminals
		else if (p === 22) {
			delete style.bold;
			delete style.dim;
		} else if (p === 23) delete style.italic;
		else if (p === 24) delete style.underline;
		else if (p === 27) delete style.inverse;
		else if (p === 29) delete style.strike;
		else if (p >= 30 && p <= 37) style.fg = `var(--ansi-${p - 30})`;
		else if (p >= 90 && p <= 97) style.fg = `var(--ansi-${p - 90 + 8})`;
		else if (p >= 40 && p <= 47) style.bg = `var(--ansi-${p - 40})`;
		else if (p >= 100 && p <= 107) style.bg = `var(--ansi-${p - 100 + 8})`;
		else if (p === 39) delete style.fg;
		else if (p === 49) delete style.bg;
		else if (p === 38 || p === 48) {
			const { colour, used } = extendedColour(params, i, colon);
			if (colour !== undefined) {
				if (p === 38) style.fg = colour;
				else style.bg = colour;
			}
			i += used - 1;
		}
	}
}

/** The style a segment gets: inverse resolved into explicit colours, false flags left out. */
function snapshot(style: AnsiStyle & { inverse?: boolean }): AnsiStyle {
	const out: AnsiStyle = {};
	let { fg, bg } = style;
	if (style.inverse) [fg, bg] = [bg ?? 'var(--surface)', fg ?? 'var(--text)'];
	if (fg !== undefined) out.fg = fg;
	if (bg !== undefined) out.bg = bg;
	if (style.bold) out.bold = true;
	if (style.dim) out.dim = true;
	if (style.italic) out.italic = true;
	if (style.underline) out.underline = true;
	if (style.strike) out.strike = true;
	return out;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
	return (
		a.fg === b.fg &&
		a.bg === b.bg &&
		a.bold === b.bold &&
		a.dim === b.dim &&
		a.italic === b.italic &&
		a.underline === b.underline &&
		a.strike === b.strike
	);
}

/**
 * Finds the end of the escape sequence starting at `s[i]` (an ESC or a C1 introducer) and, for an
 * SGR sequence, its parameters. Unterminated string sequences (OSC, DCS, ...) swallow the rest of
 * the line: showing their payload would show what the sender meant to hide.
 */
function scanEscape(s: string, i: number): { end: number; sgr?: string } {
	const n = s.length;
	let c = s.charCodeAt(i);
	let j = i + 1;
	let kind: number;
	if (c === ESC) {
		if (j >= n) return { end: n };
		kind = s.charCodeAt(j);
		j++;
	} else {
		// C1 forms: 0x9b = CSI, 0x9d = OSC, 0x90 = DCS, 0x98 = SOS, 0x9e = PM, 0x9f = APC.
		kind = c === 0x9b ? 0x5b : c === 0x9d ? 0x5d : c === 0x90 ? 0x50 : c === 0x98 ? 0x58 : c - 0x40;
	}
	if (kind === 0x5b) {
		// CSI: parameter bytes 0x30-0x3f, intermediates 0x20-0x2f, one final byte 0x40-0x7e.
		const start = j;
		while (j < n && (c = s.charCodeAt(j)) >= 0x30 && c <= 0x3f) j++;
		const paramsEnd = j;
		while (j < n && (c = s.charCodeAt(j)) >= 0x20 && c <= 0x2f) j++;
		if (j >= n) return { end: n };
		c = s.charCodeAt(j);
		if (c < 0x40 || c > 0x7e) return { end: j }; // malformed: drop the introducer, keep the rest
		const params = s.slice(start, paramsEnd);
		// Only plain SGR: private-mode forms such as ESC[?25m or ESC[>4m are not colours.
		const sgr = c === 0x6d && paramsEnd === j && /^[\d;:]*$/.test(params) ? params : undefined;
		return sgr === undefined ? { end: j + 1 } : { end: j + 1, sgr };
	}
	if (kind === 0x5d || kind === 0x50 || kind === 0x58 || kind === 0x5e || kind === 0x5f) {
		// OSC, DCS, SOS, PM, APC: a string terminated by BEL (OSC), ST (ESC \) or C1 ST (0x9c).
		for (; j < n; j++) {
			c = s.charCodeAt(j);
			if (c === BEL || c === 0x9c) return { end: j + 1 };
			if (c === ESC) return { end: j + 1 < n && s.charCodeAt(j + 1) === 0x5c ? j + 2 : j + 1 };
		}
		return { end: n };
	}
	if (c !== ESC) return { end: i + 1 }; // another C1 control on its own
	// Other ESC sequences (ESC ( B, ESC 7, ESC c, ...): intermediates then one final byte.
	j--;
	while (j < n && (c = s.charCodeAt(j)) >= 0x20 && c <= 0x2f) j++;
	return { end: j < n && c >= 0x30 && c <= 0x7e ? j + 1 : j };
}

/**
 * Splits a line into styled segments, dropping every escape and control sequence except SGR
 * (which becomes the segments' style) and keeping tabs and newlines. Adjacent segments with the
 * same style are merged; empty ones are left out. A line without escapes costs one regex test.
 *
 * @example parseAnsi('\x1b[31mred\x1b[0m plain') // [{ text: 'red', fg: 'var(--ansi-1)' }, { text: ' plain' }]
 */
export function parseAnsi(input: string, options: ParseAnsiOptions = {}): AnsiSegment[] {
	if (!NEEDS_WORK.test(input)) return input === '' ? [] : [{ text: input }];
	const maxSegments = options.maxSegments ?? 500;
	const out: AnsiSegment[] = [];
	const style: AnsiStyle & { inverse?: boolean } = {};
	let current: AnsiStyle = {};
	let text = '';
	let runStart = 0;

	const flush = () => {
		if (text === '') return;
		const last = out[out.length - 1];
		if (last !== undefined && sameStyle(last, current)) last.text += text;
		else out.push({ ...current, text });
		text = '';
	};

	const n = input.length;
	let i = 0;
	while (i < n) {
		const c = input.charCodeAt(i);
		if (c === ESC || (c >= 0x80 && c <= 0x9f)) {
			text += input.slice(runStart, i);
			const { end, sgr } = scanEscape(input, i);
			if (sgr !== undefined && out.length < maxSegments) {
				applySgr(style, sgr);
				const next = snapshot(style);
				if (!sameStyle(next, current)) {
					flush();
					current = next;
				}
			}
			i = runStart = end;
		} else if (isDroppedChar(c)) {
			text += input.slice(runStart, i);
			i = runStart = i + 1;
		} else {
			i++;
		}
	}
	text += input.slice(runStart, n);
	flush();
	return out;
}

/** The text of a line without any escape or control sequence (for search, copy and download). */
export function stripAnsi(input: string): string {
	if (!NEEDS_WORK.test(input)) return input;
	let out = '';
	for (const seg of parseAnsi(input, { maxSegments: Infinity })) out += seg.text;
	return out;
}

/** True when a segment has no style at all, so it can render as a bare text node. */
export function isPlain(seg: AnsiStyle): boolean {
	return (
		seg.fg === undefined &&
		seg.bg === undefined &&
		!seg.bold &&
		!seg.dim &&
		!seg.italic &&
		!seg.underline &&
		!seg.strike
	);
}
