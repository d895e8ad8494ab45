/**
 * Links within the app. They keep the rest of the query, because the connection options a
 * walkthrough put in the URL (`?heartbeatInterval=2000…`) must survive selecting a task or a
 * service, and they go through `resolve()`, so the app works under a base path.
 */
import { base, resolve } from '$app/paths';
import type { Pathname, ResolvedPathname } from '$app/types';

/** The route's path of `url` (without the base path). */
function routeOf(url: URL): Pathname {
	const path =
		base && url.pathname.startsWith(base) ? url.pathname.slice(base.length) : url.pathname;
	return (path || '/') as Pathname;
}

/** `path` plus a query, resolved against the base path. */
function link(path: Pathname, params: URLSearchParams): ResolvedPathname {
	const query = params.toString();
	return query === '' ? resolve(path) : resolve(`${path}?${query}` as `${Pathname}?${string}`);
}

/** `url` with `changes` applied to its query (null or '' removes a parameter). */
export function withParams(
	url: URL,
	changes: Record<string, string | null | undefined>
): ResolvedPathname {
	const params = new URLSearchParams(url.searchParams);
	for (const [key, value] of Object.entries(changes)) {
		if (value === null || value === undefined || value === '') params.delete(key);
		else params.set(key, value);
	}
	return link(routeOf(url), params);
}

/** `path` with only the named options of `url` (heartbeatInterval…) kept, for links between pages. */
export function linkKeepingOptions(
	url: URL,
	path: Pathname,
	names: readonly string[]
): ResolvedPathname {
	const params = new URLSearchParams();
	for (const name of names) {
		const value = url.searchParams.get(name);
		if (value !== null) params.set(name, value);
	}
	return link(path, params);
}
