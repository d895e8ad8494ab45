/**
 * Close codes the hub uses (PROTOCOL.md, "Close codes") and the JSON close reason that can
 * override a client's default for a code. A close reason must fit in 123 bytes.
 */

/** The codes the server closes with. */
export const CloseCode = {
	/** Server shutting down. */
	goingAway: 1001,
	/** Origin not allowed. */
	policyViolation: 1008,
	/** Server restarting (the restart fault). */
	serviceRestart: 1012,
	/** Refusing connections for a while (the refuse fault). */
	tryAgainLater: 1013,
	/** Too many bad frames in a row. */
	protocolViolation: 4400,
	/** Wrong token. */
	unauthorized: 4401,
	/** No `authenticate` in time. */
	authenticationTimeout: 4408,
	/** Sustained flood of requests. */
	rateLimited: 4429
} as const;

/** The JSON close reason of PROTOCOL.md. */
export interface CloseAdvice {
	reconnect: boolean;
	retryAfterMs?: number;
	/**
	 * Extension: how wide a window, in ms after `retryAfterMs`, the server asks its clients to
	 * spread their return over. Sent when the server closes everyone at once (restart, shutdown),
	 * sized from how many it closed, so one tab comes back at once and a fleet arrives gradually.
	 */
	spreadMs?: number;
}

/**
 * The window to ask `closed` clients to spread their reconnections over, so that they arrive at
 * about `ratePerSecond`: `closed / rate` seconds, at most `maxMs`. 0 for a handful of clients
 * (their own backoff's jitter is enough).
 */
export function reconnectSpreadMs(closed: number, ratePerSecond: number, maxMs = 30_000): number {
	if (!(closed > 0) || !(ratePerSecond > 0)) return 0;
	return Math.min(maxMs, Math.round((closed / ratePerSecond) * 1000));
}

/** Encode a close reason; JSON when it carries advice, plain text otherwise. */
export function closeReason(advice: CloseAdvice | string): string {
	const text = typeof advice === 'string' ? advice : JSON.stringify(advice);
	// ws throws on reasons over 123 bytes; ours are ASCII, so characters are bytes.
	return text.length > 123 ? text.slice(0, 123) : text;
}
