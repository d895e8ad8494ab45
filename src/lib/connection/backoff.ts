/**
 * Reconnect delays. Pure functions with injected randomness, so tests can sample them 10,000
 * times and a model test can pin them.
 *
 * Normal retries use "full jitter" (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * `delay = random() · min(cap, base · 2^attempt)`. The cap bounds the *ceiling*, not the drawn
 * value, so at the cap the delay is still uniform over `[0, cap]`. Clamping the drawn value instead
 * (as `min(cap, jittered)` does) collapses every client onto exactly `cap` after a few attempts:
 * a server restart then sees its whole fleet return in the same instant, every `cap` seconds. A
 * floor such as `[cap/2, cap]` would halve the spread and double the peak for no gain; an
 * occasional near-zero draw is harmless because the ceiling keeps doubling.
 */

/** Source of uniform numbers in `[0, 1)`, like `Math.random`. */
export type Random = () => number;

/** Parameters of the normal backoff. */
export interface BackoffParams {
	/** Ceiling of the first retry, in ms (`reconnectInterval`). */
	base: number;
	/** Largest ceiling, in ms (`maxReconnectDelay`). */
	cap: number;
	/** Injected randomness; `() => 1` disables jitter (always the ceiling). */
	random: Random;
}

// 2^31 already exceeds any sane cap; stop doubling there so huge attempt counts stay finite.
const MAX_EXPONENT = 31;

function unit(random: Random): number {
	const r = random();
	return Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
}

/** The ceiling for `attempt` (0-based): `min(cap, base · 2^attempt)`. */
export function backoffCeiling(attempt: number, base: number, cap: number): number {
	const n = Math.min(Math.max(0, Math.floor(attempt)), MAX_EXPONENT);
	return Math.min(cap, base * 2 ** n);
}

/** Full-jitter delay before retry number `attempt` (0-based): uniform in `[0, ceiling]`. */
export function backoffDelay(attempt: number, params: BackoffParams): number {
	return Math.round(unit(params.random) * backoffCeiling(attempt, params.base, params.cap));
}

/** Parameters of the long backoff used for "try again later" (1013) and rate limiting (4429). */
export interface LongBackoffParams {
	/** Floor of the first long retry, in ms (`longReconnectInterval`). */
	base: number;
	/** Largest floor, in ms (`maxReconnectDelay`). */
	cap: number;
	random: Random;
}

/** Longest wait honoured from a server hint: a bogus hint must not park a tab for days. */
export const MAX_RETRY_AFTER_MS = 10 * 60_000;

/**
 * Long delay without a server hint: never sooner than `floor = min(cap, base · 2^attempt)`, spread
 * uniformly over `[floor, 2 · floor]` so an overloaded server sees its clients return gradually.
 */
export function longBackoffDelay(attempt: number, params: LongBackoffParams): number {
	const floor = backoffCeiling(attempt, params.base, params.cap);
	return Math.round(floor + unit(params.random) * floor);
}

/**
 * Delay after a close that carried `retryAfterMs`: never sooner than the hint, spread over a
 * window as wide as the largest of the hint, the normal ceiling and the server's `spreadMs`.
 * The second term matters: a restarting server says `retryAfterMs: 0` to every client at once,
 * and honouring that literally would bring the whole fleet back in the same millisecond. The
 * third lets the server size the window from how many clients it closed, which no client can
 * know: one tab still returns within the normal ceiling, a thousand over a few seconds. The
 * server's window is capped at `cap`, like every other delay.
 */
export function hintedBackoffDelay(
	attempt: number,
	retryAfterMs: number,
	params: BackoffParams,
	spreadMs = 0
): number {
	const floor = Math.min(Math.max(0, retryAfterMs), MAX_RETRY_AFTER_MS);
	const asked = Number.isFinite(spreadMs) ? Math.min(Math.max(0, spreadMs), params.cap) : 0;
	const spread = Math.max(floor, backoffCeiling(attempt, params.base, params.cap), asked);
	return Math.round(floor + unit(params.random) * spread);
}

/** What the last close asked for, as far as the delay is concerned (a `CloseDecision`). */
export interface RetryAdvice {
	action: string;
	retryAfterMs?: number;
	spreadMs?: number;
}

/** Everything {@link retryDelay} needs besides the attempt and the advice. */
export interface RetryParams extends BackoffParams {
	/** Floor of the first long retry, in ms (`longReconnectInterval`). */
	longBase: number;
}

/**
 * The base the backoff grows from for the rest of a run of retries. A server that closed its
 * whole fleet at once and asked for a `spreadMs` window has told us how crowded the way back is:
 * if that first attempt fails too (the server is still down), doubling from `reconnectInterval`
 * would squeeze the fleet back into ever narrower windows than the one the server asked for, so
 * the following ceilings double from the server's window instead (`carried` until the link is
 * stable again, when the machine resets it to 0). Capped at `cap`.
 */
export function retryBaseAfter(
	advice: RetryAdvice | null | undefined,
	carried: number,
	cap: number
): number {
	if (advice?.retryAfterMs === undefined || advice.spreadMs === undefined) return carried;
	return Number.isFinite(advice.spreadMs) ? Math.min(Math.max(0, advice.spreadMs), cap) : carried;
}

/**
 * The delay before retry number `attempt` (0-based) after a close classified as `advice` (null
 * when the link failed without a close we could read): the server's hint if it gave one, the
 * long backoff for "try again later", full jitter otherwise. The machine's one entry point, and
 * the herd benchmark's, so both draw from the same policy.
 */
export function retryDelay(
	attempt: number,
	advice: RetryAdvice | null | undefined,
	params: RetryParams
): number {
	if (advice?.retryAfterMs !== undefined) {
		return hintedBackoffDelay(attempt, advice.retryAfterMs, params, advice.spreadMs);
	}
	if (advice?.action === 'long') {
		return longBackoffDelay(attempt, {
			base: params.longBase,
			cap: params.cap,
			random: params.random
		});
	}
	return backoffDelay(attempt, params);
}
