/**
 * Level detection for log lines that arrive without one (raw container output). It runs once per
 * line at high rates, so it does no allocation-heavy work: two regexes compiled at load time for
 * structured lines, then a character scan over the first few tokens. It never parses JSON.
 */
import type { LogLevel } from '$lib/protocol';

/** Level names and their usual aliases and abbreviations, lower case. */
const ALIASES: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
	['trace', 'trace'],
	['trc', 'trace'],
	['trce', 'trace'],
	['verbose', 'trace'],
	['vrb', 'trace'],
	['finest', 'trace'], // java.util.logging
	['finer', 'trace'],
	['debug', 'debug'],
	['dbg', 'debug'],
	['dbug', 'debug'],
	['fine', 'debug'],
	['info', 'info'],
	['inf', 'info'],
	['information', 'info'],
	['informational', 'info'],
	['notice', 'info'],
	['log', 'info'], // PostgreSQL's LOG:
	['warn', 'warn'],
	['warning', 'warn'],
	['wrn', 'warn'],
	['error', 'error'],
	['err', 'error'],
	['eror', 'error'],
	['severe', 'error'], // java.util.logging
	['fatal', 'fatal'],
	['ftl', 'fatal'],
	['crit', 'fatal'],
	['critical', 'fatal'],
	['panic', 'fatal'],
	['alert', 'fatal'],
	['emerg', 'fatal'],
	['emergency', 'fatal']
]);

/** One-letter forms, accepted only where they can't be a word: `[W]`, `W/Tag` (logcat), klog. */
const LETTERS: ReadonlyMap<string, LogLevel> = new Map<string, LogLevel>([
	['v', 'trace'],
	['t', 'trace'],
	['d', 'debug'],
	['i', 'info'],
	['n', 'info'],
	['w', 'warn'],
	['e', 'error'],
	['f', 'fatal'],
	['c', 'fatal']
]);

/** `"level": "warn"`, `"severity":"ERROR"`, `"lvl":40` (pino/bunyan numbers) inside a JSON line. */
const JSON_LEVEL =
	/"(?:level|severity|lvl|loglevel|log_level|log\.level)"\s*:\s*(?:"([a-z]{1,16})\d?"|(\d{1,2})\b)/i;
/** `level=warn`, `lvl="error"`, `severity=INFO` in a logfmt line. */
const LOGFMT_LEVEL = /(?:^|\s)(?:level|lvl|severity)=("?)([a-z]{1,16})\1(?=\s|$)/i;

/** Only the head of a very long line is examined; levels live near the start. */
const HEAD = 2048;
/** The prefix scan looks at most at this many tokens within this many characters. */
const MAX_TOKENS = 6;
const PREFIX_SPAN = 120;

/** pino/bunyan levels are 10..60 in steps of ten; syslog severities are 0 (emerg)..7 (debug). */
function numericLevel(n: number): LogLevel {
	if (n < 10) {
		if (n <= 2) return 'fatal';
		if (n === 3) return 'error';
		if (n === 4) return 'warn';
		if (n <= 6) return 'info';
		return 'debug';
	}
	if (n <= 10) return 'trace';
	if (n <= 20) return 'debug';
	if (n <= 30) return 'info';
	if (n <= 40) return 'warn';
	if (n <= 50) return 'error';
	return 'fatal';
}

function isLetter(c: number): boolean {
	return (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}
function isUpper(c: number): boolean {
	return c >= 0x41 && c <= 0x5a;
}
function isDigit(c: number): boolean {
	return c >= 0x30 && c <= 0x39;
}
function isSpace(c: number): boolean {
	return c === 0x20 || c === 0x09;
}

/** klog/glog header: `E1126 10:00:00.000000 ...` (severity letter, MMDD, space). */
function klogLevel(s: string, i: number): LogLevel | undefined {
	const c = s.charCodeAt(i);
	const level =
		c === 0x49
			? 'info'
			: c === 0x57
				? 'warn'
				: c === 0x45
					? 'error'
					: c === 0x46
						? 'fatal'
						: undefined;
	if (level === undefined) return undefined;
	for (let k = 1; k <= 4; k++) if (!isDigit(s.charCodeAt(i + k))) return undefined;
	return isSpace(s.charCodeAt(i + 5)) ? level : undefined;
}

/**
 * Scans the first tokens of a line for a level word. A token counts when it is delimited (in
 * brackets, or followed by `:`, `|` or `!`) or written in capitals, so `[warn]`, `WARN:`, `ERROR`
 * and `2026-11-26 10:00:00 INFO ...` match but `error handling enabled` does not. Tokens that start
 * with a digit or sit in brackets (timestamps, pids, thread names) are skipped, and so are capital
 * words (`UTC`) and a leading lower-case program name (`npm ERR!`); any other plain word ends the
 * scan, because what follows is the message.
 */
function prefixLevel(s: string, start: number): LogLevel | undefined {
	const end = Math.min(s.length, start + PREFIX_SPAN);
	let i = start;
	for (let token = 0; token < MAX_TOKENS && i < end; token++) {
		while (i < end && isSpace(s.charCodeAt(i))) i++;
		if (i >= end) return undefined;
		const open = s.charCodeAt(i);
		const bracketed = open === 0x5b || open === 0x28 || open === 0x3c || open === 0x7b; // [ ( < {
		if (bracketed) i++;
		const wordStart = i;
		let upper = true;
		let lower = true;
		while (i < end && isLetter(s.charCodeAt(i))) {
			if (isUpper(s.charCodeAt(i))) lower = false;
			else upper = false;
			i++;
		}
		const wordEnd = i;
		while (i < end && isDigit(s.charCodeAt(i))) i++; // DEBUG1..DEBUG5 (PostgreSQL)
		const next = i < s.length ? s.charCodeAt(i) : 0x20;
		const closes = next === 0x5d || next === 0x29 || next === 0x3e || next === 0x7d; // ] ) > }
		const bare = isSpace(next);
		const length = wordEnd - wordStart;

		if (length === 1 && i === wordEnd) {
			// [W], W: and logcat's W/Tag; a lone capital followed by a space is too likely a word.
			const level = LETTERS.get(s[wordStart]!.toLowerCase());
			if (level !== undefined && ((bracketed && closes) || next === 0x2f || next === 0x3a)) {
				return level;
			}
		} else if (length > 1) {
			const level = ALIASES.get(s.slice(wordStart, wordEnd).toLowerCase());
			const delimited = (bracketed && closes) || next === 0x3a || next === 0x7c || next === 0x21; // : | !
			if (level !== undefined && (delimited || (upper && (bare || closes)))) return level;
			const plainWord = !bracketed && i === wordEnd && (bare || next === 0x3a);
			if (plainWord && !upper && !(token === 0 && lower)) return undefined;
		}
		while (i < end && !isSpace(s.charCodeAt(i))) i++;
	}
	return undefined;
}

/**
 * Detects the level of a log line that has none of its own: a JSON field (`level`, `severity`,
 * `lvl`, pino numbers), a logfmt `level=` pair, a klog header (`E1126 ...`), or a level word near
 * the start (`ERROR`, `[W]`, `WARN:`, `[error]`, aliases such as `wrn`, `err`, `crit`, `panic`,
 * `dbg`, `trc`, `notice`). Case-insensitive. Returns `fallback` when nothing matches.
 *
 * Cost: one or two precompiled regex searches over at most the first 2 KiB, and a scan of at most
 * six short tokens; no allocation beyond a few small slices.
 */
export function detectLevel(message: string, fallback: LogLevel): LogLevel;
export function detectLevel(message: string, fallback?: LogLevel): LogLevel | undefined;
export function detectLevel(message: string, fallback?: LogLevel): LogLevel | undefined {
	const s = message.length > HEAD ? message.slice(0, HEAD) : message;
	let i = 0;
	while (i < s.length && isSpace(s.charCodeAt(i))) i++;
	if (i >= s.length) return fallback;
	const first = s.charCodeAt(i);

	if (first === 0x7b /* { */) {
		const m = JSON_LEVEL.exec(s);
		if (m !== null) {
			if (m[2] !== undefined) return numericLevel(Number(m[2]));
			const level = ALIASES.get(m[1]!.toLowerCase()) ?? LETTERS.get(m[1]!.toLowerCase());
			if (level !== undefined) return level;
		}
	}
	if (s.includes('=')) {
		const m = LOGFMT_LEVEL.exec(s);
		if (m !== null) {
			const level = ALIASES.get(m[2]!.toLowerCase());
			if (level !== undefined) return level;
		}
	}
	return klogLevel(s, i) ?? prefixLevel(s, i) ?? fallback;
}
