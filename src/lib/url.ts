/**
 * Links within a page that keep the rest of its query: the connection options a walkthrough put in
 * the URL (`?heartbeatInterval=2000…`) must survive selecting a task or a service.
 */

/** `?…` for `url` with `changes` applied (null or '' removes a parameter). */
export function withParams(url: URL, changes: Record<string, string | null | undefined>): string {
	const params = new URLSearchParams(url.searchParams);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === undefined || value === '') params.delete(key);
		else params.set(key, value);
	}
	const query = params.toString();
	return query === '' ? url.pathname : `?${query}`;
}

/** `path` with the connection options of `url` (heartbeatInterval…) kept, for links between pages. */
export function linkKeepingOptions(url: URL, path: string, names: readonly string[]): string {
	const params = new URLSearchParams();
	for (const name of names) {
		const value = url.searchParams.get(name);
		if (value !== null) params.set(name, value);
	}
	const query = params.toString();
	return query === '' ? path : `${path}?${query}`;
}
