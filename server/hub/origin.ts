/**
 * The Origin check of a WebSocket upgrade (and of fault routes). Browsers always send `Origin`
 * on a WebSocket handshake, and a page on another site must not ride on the user's access to a
 * local dashboard, so foreign origins are refused. Same-origin (the Origin's host is the
 * request's Host) is always allowed; more origins come from configuration, `*` allowing any.
 * No Origin at all means a non-browser client (Node, curl), which the check cannot constrain.
 */

/** Normalise a configured origin (`https://Example.com:443/` → `https://example.com`). */
export function normalizeOrigin(origin: string): string {
	if (origin === '*' || origin === 'null') return origin;
	return new URL(origin).origin;
}

/**
 * Whether a request with this `Origin` and `Host` header may connect.
 *
 * @param origin the Origin header, if any
 * @param host the Host header, if any
 * @param allowed configured origins (already normalised), `*` for any
 */
export function isOriginAllowed(
	origin: string | undefined,
	host: string | undefined,
	allowed: readonly string[]
): boolean {
	if (origin === undefined) return true;
	if (allowed.includes('*')) return true;
	if (origin === 'null') return allowed.includes('null');
	let url: URL;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (host !== undefined && host !== '') {
		try {
			// Parse the Host with the Origin's scheme so default ports compare equal.
			if (new URL(`${url.protocol}//${host}`).host === url.host) return true;
		} catch {
			// A malformed Host header is simply not a match.
		}
	}
	return allowed.includes(url.origin);
}
