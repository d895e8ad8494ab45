/**
 * What a close code means for the client (PROTOCOL.md, "Close codes and what a client does"),
 * as one table so the machine has a single guard to ask and the docs a single place to read.
 */

/**
 * - `closed`: stay closed (a normal close).
 * - `retry`: back off and reconnect.
 * - `long`: reconnect after a long backoff (server overloaded or rate limiting us).
 * - `failed`: no retry until the user acts.
 * - `reauth`: get a fresh token once, then `failed`.
 */
export type CloseAction = 'closed' | 'retry' | 'long' | 'failed' | 'reauth';

/** A classified close: what to do, and the server's `retryAfterMs` hint if it gave one. */
export interface CloseDecision {
	action: CloseAction;
	retryAfterMs?: number;
	/**
	 * Extension: the window after `retryAfterMs` over which the server asked its clients to spread
	 * their return (it closed them all at once and sized the window from how many it closed).
	 */
	spreadMs?: number;
}

/** The protocol's table. Codes not listed fall back to `retry` (see `classifyClose`). */
export const CLOSE_CODE_ACTIONS: Readonly<Record<number, CloseAction>> = {
	1000: 'closed',
	1001: 'retry',
	1006: 'retry',
	1011: 'retry',
	1012: 'retry',
	1013: 'long',
	4429: 'long',
	1008: 'failed',
	4403: 'failed',
	// "Failed for that message; reconnect": the oversized frame is gone with the socket.
	1009: 'retry',
	4400: 'failed',
	4401: 'reauth',
	4408: 'retry'
};

interface ReasonOverride {
	reconnect?: boolean;
	retryAfterMs?: number;
	spreadMs?: number;
}

const nonNegative = (x: unknown): x is number =>
	typeof x === 'number' && Number.isFinite(x) && x >= 0;

// Close reasons are at most 123 bytes, so parsing one is cheap; anything that is not our JSON
// object (a plain-text reason, say) is simply no override.
function parseReason(reason: string): ReasonOverride | undefined {
	if (!reason || reason[0] !== '{') return undefined;
	try {
		const value: unknown = JSON.parse(reason);
		if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
		const v = value as Record<string, unknown>;
		const out: ReasonOverride = {};
		if (typeof v.reconnect === 'boolean') out.reconnect = v.reconnect;
		if (nonNegative(v.retryAfterMs)) out.retryAfterMs = v.retryAfterMs;
		if (nonNegative(v.spreadMs)) out.spreadMs = v.spreadMs;
		return out;
	} catch {
		return undefined;
	}
}

/**
 * Classify a close. Unknown codes retry: a code we do not know is more likely a proxy or a newer
 * server than a verdict that retrying is pointless, and backoff keeps retries cheap.
 * A reason of the form `{"reconnect": false}` forces `failed`; `{"reconnect": true}` forces a
 * retry (long if the code asks for one); `retryAfterMs` is attached to any retrying decision as
 * the earliest time to come back, with `spreadMs`, the window to spread the return over, if the
 * server sent one.
 */
export function classifyClose(code: number, reason = ''): CloseDecision {
	const base: CloseAction = CLOSE_CODE_ACTIONS[code] ?? 'retry';
	const override = parseReason(reason);
	if (!override) return { action: base };
	if (override.reconnect === false) return { action: 'failed' };
	const action: CloseAction =
		override.reconnect === true ? (base === 'long' ? 'long' : 'retry') : base;
	const retrying = action === 'retry' || action === 'long';
	if (!retrying || override.retryAfterMs === undefined) return { action };
	return override.spreadMs !== undefined
		? { action, retryAfterMs: override.retryAfterMs, spreadMs: override.spreadMs }
		: { action, retryAfterMs: override.retryAfterMs };
}
