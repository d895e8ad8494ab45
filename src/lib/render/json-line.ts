/**
 * JSON log lines: cheap detection for every visible row, and pretty-printing for the one row the
 * user expands. The printer re-indents the original tokens instead of `JSON.parse` +
 * `JSON.stringify`, so what the user sees is exactly what was logged: 64-bit ids such as
 * 1234567890123456789 keep every digit, `1.50` stays `1.50`, key order and escapes are untouched.
 */

/** What a token of pretty-printed JSON is, for colouring. */
export type JsonTokenKind = 'key' | 'string' | 'number' | 'literal' | 'punct' | 'space';

/** A piece of pretty-printed JSON. Concatenating the texts gives the pretty text. */
export interface JsonToken {
	kind: JsonTokenKind;
	text: string;
}

/** A pretty-printed JSON line. */
export interface PrettyJson {
	/** Text before the JSON value on the line (`2026-11-26T10:00:00Z stdout F `), or ''. */
	prefix: string;
	tokens: JsonToken[];
	/** The tokens joined: the pretty text. */
	text: string;
}

/** Options of {@link prettyJsonLine}. */
export interface PrettyJsonOptions {
	/** Indentation per level (default two spaces). */
	indent?: string;
	/** Longest line that is pretty-printed (default 256 KiB); longer ones are left alone. */
	maxLength?: number;
}

/**
 * Where the JSON value of a line starts, or -1. A line is a JSON line when, after leading
 * whitespace, it starts with `{` or `[` and ends with the matching bracket, or when a prefix is
 * followed by ` {` and the line ends with `}` (runtimes that prepend a timestamp). This only looks
 * at the ends of the line; {@link prettyJsonLine} validates.
 */
export function jsonStart(line: string): number {
	let end = line.length - 1;
	while (end >= 0 && isWs(line.charCodeAt(end))) end--;
	if (end < 1) return -1;
	const last = line.charCodeAt(end);
	let start = 0;
	while (start < end && isWs(line.charCodeAt(start))) start++;
	const first = line.charCodeAt(start);
	if ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d)) return start;
	if (last !== 0x7d) return -1;
	const brace = line.indexOf(' {', start);
	return brace < 0 || brace > 200 ? -1 : brace + 1;
}

/** True when a line looks like JSON (see {@link jsonStart}); O(1) in practice. */
export function looksLikeJson(line: string): boolean {
	return jsonStart(line) >= 0;
}

function isWs(c: number): boolean {
	return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

class JsonSyntaxError extends Error {}

/** Strict JSON scanner that emits re-indented tokens; throws JsonSyntaxError on invalid input. */
class Printer {
	readonly tokens: JsonToken[] = [];
	private i: number;

	constructor(
		private readonly s: string,
		start: number,
		private readonly indent: string
	) {
		this.i = start;
	}

	run(): void {
		this.value(0);
		this.ws();
		if (this.i !== this.s.length) throw new JsonSyntaxError('trailing text');
	}

	private push(kind: JsonTokenKind, text: string): void {
		this.tokens.push({ kind, text });
	}

	private newline(depth: number): void {
		this.push('space', '\n' + this.indent.repeat(depth));
	}

	private ws(): void {
		while (this.i < this.s.length && isWs(this.s.charCodeAt(this.i))) this.i++;
	}

	private value(depth: number): void {
		if (depth > 200) throw new JsonSyntaxError('too deep');
		this.ws();
		const c = this.s[this.i];
		if (c === '{') this.container(depth, '}', true);
		else if (c === '[') this.container(depth, ']', false);
		else if (c === '"') this.push('string', this.string());
		else if (c === 't' || c === 'f' || c === 'n') this.literal();
		else this.number();
	}

	private container(depth: number, close: string, object: boolean): void {
		this.push('punct', this.s[this.i]!);
		this.i++;
		this.ws();
		if (this.s[this.i] === close) {
			this.i++;
			this.push('punct', close);
			return;
		}
		for (;;) {
			this.newline(depth + 1);
			if (object) {
				this.ws();
				if (this.s[this.i] !== '"') throw new JsonSyntaxError('expected a key');
				this.push('key', this.string());
				this.ws();
				if (this.s[this.i] !== ':') throw new JsonSyntaxError('expected :');
				this.i++;
				this.push('punct', ':');
				this.push('space', ' ');
			}
			this.value(depth + 1);
			this.ws();
			const c = this.s[this.i];
			this.i++;
			if (c === ',') {
				this.push('punct', ',');
			} else if (c === close) {
				this.newline(depth);
				this.push('punct', close);
				return;
			} else {
				throw new JsonSyntaxError(`expected , or ${close}`);
			}
		}
	}

	private string(): string {
		const start = this.i;
		this.i++; // opening quote
		const s = this.s;
		while (this.i < s.length) {
			const c = s.charCodeAt(this.i);
			if (c === 0x22) {
				this.i++;
				return s.slice(start, this.i);
			}
			if (c === 0x5c) this.i += 2;
			else if (c < 0x20) throw new JsonSyntaxError('control character in string');
			else this.i++;
		}
		throw new JsonSyntaxError('unterminated string');
	}

	private literal(): void {
		for (const word of ['true', 'false', 'null']) {
			if (this.s.startsWith(word, this.i)) {
				this.i += word.length;
				this.push('literal', word);
				return;
			}
		}
		throw new JsonSyntaxError('unexpected token');
	}

	private number(): void {
		const m = NUMBER.exec(this.s.slice(this.i, this.i + 400));
		if (m === null || m[0] === '') throw new JsonSyntaxError('unexpected token');
		this.i += m[0].length;
		this.push('number', m[0]);
	}
}

const NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/;

/**
 * Pretty-prints a JSON log line, keeping every token exactly as logged. Returns `null` when the
 * line is not valid JSON (after an optional prefix, see {@link jsonStart}) or is longer than
 * `maxLength`. Only call it for a row the user expands: it is linear in the line but not free.
 */
export function prettyJsonLine(line: string, options: PrettyJsonOptions = {}): PrettyJson | null {
	if (line.length > (options.maxLength ?? 256 * 1024)) return null;
	const start = jsonStart(line);
	if (start < 0) return null;
	const trimmed = line.trimEnd();
	const printer = new Printer(trimmed, start, options.indent ?? '  ');
	try {
		printer.run();
	} catch (e) {
		if (e instanceof JsonSyntaxError) return null;
		throw e;
	}
	let text = '';
	for (const t of printer.tokens) text += t.text;
	return { prefix: line.slice(0, start), tokens: printer.tokens, text };
}
