/**
 * Client-supplied regular expressions, made safe to run against every log line.
 *
 * JavaScript's regex engine backtracks, so a pattern can cost time exponential (`(a+)+$`) or
 * polynomial (`.*a.*a.*x`) in the input's length, and one such pattern would stall the hub's
 * event loop for every client. The engine cannot be interrupted, so the protection is static,
 * decided before the pattern is ever run:
 *
 * 1. Patterns longer than {@link RegexGuardOptions.maxLength} are refused.
 * 2. Backreferences (`\1`, `\k<name>`) are refused: they make matching non-regular.
 * 3. A repeated group that itself contains a quantifier or an alternation (`(a+)+`, `(a|ab)*`,
 *    `(\w+\s?){3}`) is refused: that nesting is what makes backtracking exponential.
 * 4. What remains backtracks at most polynomially. Its worst case is bounded by
 *    `inputMax × Π(range of each quantifier)` steps, counting an unbounded quantifier (`*`, `+`,
 *    `{n,}`) as `inputMax`, `?` as 2 and `{n,m}` as `m - n + 1`; the extra `inputMax` is the
 *    unanchored search trying each start. Patterns whose bound exceeds
 *    {@link RegexGuardOptions.maxSteps} are refused: in practice one unbounded quantifier plus a
 *    few small bounded ones (`error.*timeout`, `status=5\d\d`, `took \d{2,4}ms` all pass;
 *    `.*a.*x` does not, and measured 0.5 s on one 1,000-character line).
 * 5. The filter runs the pattern on at most `inputMax` characters of each line, which is what
 *    makes the bound in 4 a bound in time. The model's worst case is not cheap, though: an
 *    accepted `.{0,99}.{0,99}!` takes about 55 ms on a 1,000-character line. Time is therefore
 *    also budgeted at run time (regex-budget.ts): a filter that spent its share of CPU is not
 *    run until it refills, and the lines it skipped are reported as `dropped`.
 *
 * The checks are conservative: some harmless patterns are refused, with a message saying why.
 */

/** Limits of {@link compileSafeRegex}. */
export interface RegexGuardOptions {
	/** Longest pattern accepted, in characters. Default 256 (the protocol's limit). */
	maxLength?: number;
	/** Characters of each input the pattern is run on. Default 1,000. */
	inputMax?: number;
	/** Largest worst-case backtracking bound accepted (see the module comment). Default 1e7. */
	maxSteps?: number;
}

/** A compiled pattern, or why it was refused. */
export type RegexCheck = { ok: true; regex: RegExp } | { ok: false; reason: string };

/** Default number of characters of each line a pattern is run on. */
export const DEFAULT_REGEX_INPUT_MAX = 1000;

interface Frame {
	hasQuantifier: boolean;
	hasAlternation: boolean;
}

type Atom = { kind: 'none' } | { kind: 'char' } | { kind: 'group'; frame: Frame };

const BOUNDED = /^\{(\d+)(,(\d*))?\}/;

function skipClass(pattern: string, start: number): number {
	// `start` is at '['; returns the index after the closing ']' (or the end: RegExp then throws).
	let i = start + 1;
	while (i < pattern.length && pattern[i] !== ']') i += pattern[i] === '\\' ? 2 : 1;
	return i + 1;
}

function groupPrefixLength(pattern: string, i: number): number {
	// `i` is at '('. Lookbehind and named groups have longer prefixes; only the length matters.
	if (pattern[i + 1] !== '?') return 1;
	if (pattern.startsWith('(?<=', i) || pattern.startsWith('(?<!', i)) return 4;
	if (pattern[i + 2] === '<') {
		const close = pattern.indexOf('>', i);
		return close === -1 ? pattern.length - i : close - i + 1;
	}
	return 3;
}

/**
 * Check a client's pattern against the rules in the module comment and compile it.
 * Never throws: a syntax error is a refusal like any other.
 */
export function compileSafeRegex(pattern: string, options: RegexGuardOptions = {}): RegexCheck {
	const maxLength = options.maxLength ?? 256;
	const inputMax = options.inputMax ?? DEFAULT_REGEX_INPUT_MAX;
	const maxSteps = options.maxSteps ?? 1e7;
	if (pattern.length > maxLength) {
		return { ok: false, reason: `regex longer than ${maxLength} characters` };
	}
	const stack: Frame[] = [{ hasQuantifier: false, hasAlternation: false }];
	let atom: Atom = { kind: 'none' };
	let steps = inputMax;
	let i = 0;
	while (i < pattern.length) {
		const c = pattern[i];
		const frame = stack[stack.length - 1];
		if (frame === undefined) break;
		if (c === '\\') {
			const next = pattern[i + 1];
			if (next !== undefined && ((next >= '1' && next <= '9') || next === 'k')) {
				return { ok: false, reason: 'regex backreferences are not allowed' };
			}
			atom = { kind: 'char' };
			i += 2;
			continue;
		}
		if (c === '[') {
			atom = { kind: 'char' };
			i = skipClass(pattern, i);
			continue;
		}
		if (c === '(') {
			stack.push({ hasQuantifier: false, hasAlternation: false });
			atom = { kind: 'none' };
			i += groupPrefixLength(pattern, i);
			continue;
		}
		if (c === ')') {
			if (stack.length > 1) {
				stack.pop();
				const parent = stack[stack.length - 1];
				if (parent) {
					parent.hasQuantifier ||= frame.hasQuantifier;
					parent.hasAlternation ||= frame.hasAlternation;
				}
				atom = { kind: 'group', frame };
			}
			i++;
			continue;
		}
		if (c === '|') {
			frame.hasAlternation = true;
			atom = { kind: 'none' };
			i++;
			continue;
		}
		let min: number | undefined;
		let max: number | undefined;
		let length = 1;
		if (c === '*') [min, max] = [0, Infinity];
		else if (c === '+') [min, max] = [1, Infinity];
		else if (c === '?') [min, max] = [0, 1];
		else if (c === '{') {
			const m = BOUNDED.exec(pattern.slice(i, i + 24));
			if (m?.[1] !== undefined) {
				min = Number(m[1]);
				max =
					m[2] === undefined ? min : m[3] === '' || m[3] === undefined ? Infinity : Number(m[3]);
				length = m[0].length;
			}
		}
		if (min === undefined || max === undefined) {
			atom = { kind: 'char' };
			i++;
			continue;
		}
		i += length;
		if (pattern[i] === '?') i++; // lazy: same cost
		if (
			atom.kind === 'group' &&
			max > 1 &&
			(atom.frame.hasQuantifier || atom.frame.hasAlternation)
		) {
			return {
				ok: false,
				reason: atom.frame.hasQuantifier
					? 'regex has a repeated group containing a quantifier (nested quantifiers)'
					: 'regex has a repeated group containing an alternation'
			};
		}
		const range = max === Infinity ? inputMax : max - min + 1;
		if (range > 1) frame.hasQuantifier = true;
		steps *= range;
		atom = { kind: 'none' };
	}
	if (steps > maxSteps) {
		return {
			ok: false,
			reason:
				'regex is too expensive: use at most one unbounded quantifier (*, +, {n,}) and few ' +
				'small bounded ones; matching is unanchored, so a leading or trailing .* is not needed'
		};
	}
	try {
		return { ok: true, regex: new RegExp(pattern) };
	} catch (e) {
		return { ok: false, reason: e instanceof Error ? e.message : 'invalid regex' };
	}
}
