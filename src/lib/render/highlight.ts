/**
 * Search highlighting for log rows. A query is compiled once (by the viewer, when the user types)
 * into a {@link Matcher}; each visible row then asks it for match ranges and splits its segments
 * at those ranges. Compiling never throws: an invalid or dangerous pattern comes back as a message
 * the search box can show.
 */

/** A half-open range `[start, end)` of UTF-16 offsets into a text. */
export type Range = readonly [start: number, end: number];

/** A compiled search. */
export interface Matcher {
	/** The query as the user typed it. */
	readonly source: string;
	/** True when `text` contains at least one match. */
	test(text: string): boolean;
	/** The non-overlapping, non-empty matches in `text`, in order, at most `limit` (default 1000). */
	ranges(text: string, limit?: number): Range[];
}

/** Options of {@link compileSearch}. */
export interface SearchOptions {
	/** Treat the query as a regular expression (default false: a literal substring). */
	regex?: boolean;
	/** Match case exactly (default false). */
	caseSensitive?: boolean;
	/** Longest accepted pattern, in characters (default 256, the gateway's limit too). */
	maxLength?: number;
}

/** The result of {@link compileSearch}: a matcher, no search at all, or why the query is unusable. */
export type CompiledSearch = { ok: true; matcher: Matcher | null } | { ok: false; error: string };

/** A piece of text marked as matching the search or not. */
export interface HighlightPart {
	text: string;
	match: boolean;
}

const SPECIALS = /[.*+?^${}()|[\]\\]/g;

/** Escapes a literal so it can be embedded in a RegExp. */
export function escapeRegExp(literal: string): string {
	return literal.replace(SPECIALS, '\\$&');
}

/**
 * Rejects patterns with a quantified group that itself contains a quantifier (`(a+)+`, `(\w*)*`,
 * `(x|y+){2,}`): the classic catastrophic-backtracking shape. JavaScript regexes cannot be
 * interrupted, and one such pattern over a long line would freeze the tab. This is a heuristic; it
 * errs on the side of refusing.
 */
function nestedQuantifier(pattern: string): boolean {
	// For each open group: does it contain a quantifier?
	const stack: boolean[] = [];
	let inClass = false;
	for (let i = 0; i < pattern.length; i++) {
		const c = pattern[i];
		if (c === '\\') {
			i++;
			continue;
		}
		if (inClass) {
			if (c === ']') inClass = false;
			continue;
		}
		if (c === '[') inClass = true;
		else if (c === '(') {
			stack.push(false);
			// Skip a group's modifier ((?:, (?=, (?!, (?<=, (?<!, (?<name>) so its `?` is not read
			// as a quantifier.
			if (pattern[i + 1] === '?') {
				i++;
				if (pattern[i + 1] === '<' && pattern[i + 2] !== '=' && pattern[i + 2] !== '!') {
					const close = pattern.indexOf('>', i);
					if (close > 0) i = close;
				} else if (pattern[i + 1] !== undefined) i++;
			}
		} else if (c === ')') {
			const inner = stack.pop() ?? false;
			const q = pattern[i + 1];
			const quantified =
				q === '*' || q === '+' || (q === '{' && /^\{\d*,/.test(pattern.slice(i + 1)));
			if (inner && quantified) return true;
			if (stack.length > 0 && (inner || quantified)) stack[stack.length - 1] = true;
		} else if ((c === '*' || c === '+' || c === '{' || c === '?') && stack.length > 0) {
			stack[stack.length - 1] = true;
		}
	}
	return false;
}

/** Builds a matcher around a RegExp with the `g` flag. */
function regexMatcher(source: string, re: RegExp): Matcher {
	const ranges = (text: string, limit = 1000): Range[] => {
		const out: Range[] = [];
		re.lastIndex = 0;
		let m: RegExpExecArray | null;
		while (out.length < limit && (m = re.exec(text)) !== null) {
			if (m[0].length === 0) {
				re.lastIndex++; // step over empty matches, or exec would loop forever
				if (re.lastIndex > text.length) break;
				continue;
			}
			out.push([m.index, m.index + m[0].length]);
		}
		return out;
	};
	// A pattern that only matches the empty string (`x*` on "abc") matches nothing here.
	return { source, ranges, test: (text) => ranges(text, 1).length > 0 };
}

/**
 * Compiles a search query. An empty query gives `{ ok: true, matcher: null }` (no highlight). A
 * literal query matches case-insensitively unless `caseSensitive`; a regex query that does not
 * compile, is too long, or has nested quantifiers gives `{ ok: false, error }` with a message for
 * the user instead of throwing.
 */
export function compileSearch(query: string, options: SearchOptions = {}): CompiledSearch {
	if (query === '') return { ok: true, matcher: null };
	const maxLength = options.maxLength ?? 256;
	if (query.length > maxLength) {
		return { ok: false, error: `Search is too long (${query.length} > ${maxLength} characters)` };
	}
	const flags = options.caseSensitive ? 'g' : 'gi';
	if (!options.regex)
		return { ok: true, matcher: regexMatcher(query, new RegExp(escapeRegExp(query), flags)) };
	if (nestedQuantifier(query)) {
		return {
			ok: false,
			error: 'Nested quantifiers such as (a+)+ can take forever; simplify the pattern'
		};
	}
	try {
		return { ok: true, matcher: regexMatcher(query, new RegExp(query, flags)) };
	} catch (e) {
		// SyntaxError messages read "Invalid regular expression: /(/: Unterminated group".
		const message = e instanceof Error ? e.message : String(e);
		return {
			ok: false,
			error: message.replace(
				/^Invalid regular expression: \/.*\/[a-z]*: /s,
				'Invalid regular expression: '
			)
		};
	}
}

/** Splits `text` into matched and unmatched parts; no matcher means one unmatched part. */
export function highlight(text: string, matcher: Matcher | null | undefined): HighlightPart[] {
	if (text === '') return [];
	if (!matcher) return [{ text, match: false }];
	return splitByRanges([{ text }], matcher.ranges(text));
}

/**
 * Splits styled segments (for instance ANSI segments) at the given ranges of their concatenated
 * text, marking each piece `match: true` or `false` and keeping the segment's other fields. Ranges
 * must be sorted and non-overlapping, as {@link Matcher.ranges} returns them.
 */
export function splitByRanges<S extends { text: string }>(
	segments: readonly S[],
	ranges: readonly Range[]
): (S & { match: boolean })[] {
	const out: (S & { match: boolean })[] = [];
	let r = 0;
	let offset = 0; // offset of the current segment's start in the whole text
	for (const seg of segments) {
		const segEnd = offset + seg.text.length;
		let pos = offset;
		while (pos < segEnd) {
			// Skip ranges that ended before this position.
			while (r < ranges.length && ranges[r]![1] <= pos) r++;
			const range = ranges[r];
			let cut: number;
			let match: boolean;
			if (range === undefined || range[0] >= segEnd) {
				cut = segEnd;
				match = false;
			} else if (range[0] > pos) {
				cut = range[0];
				match = false;
			} else {
				cut = Math.min(range[1], segEnd);
				match = true;
			}
			out.push({ ...seg, text: seg.text.slice(pos - offset, cut - offset), match });
			pos = cut;
		}
		offset = segEnd;
	}
	return out;
}
