/**
 * Connection options a page URL may set, so a walkthrough can use short times:
 * `/websocket-demo?heartbeatInterval=2000&pongTimeout=1000&reconnectInterval=200`.
 */
import type { WebSocketConfig } from './config';
import type { TransportKind } from './worker-socket';

/** The numeric options that may come from the query string. */
export const URL_OPTIONS = [
	'heartbeatInterval',
	'pongTimeout',
	'reconnectInterval',
	'maxReconnectAttempts',
	'maxReconnectDelay',
	'connectTimeout',
	'messageTimeout',
	'stableAfter'
] as const satisfies readonly (keyof WebSocketConfig)[];

/** Read the options above from `params`; values that are not finite non-negative numbers are ignored. */
export function connectionOptionsFromUrl(params: URLSearchParams): Partial<WebSocketConfig> {
	const out: Partial<Record<(typeof URL_OPTIONS)[number], number>> = {};
	for (const name of URL_OPTIONS) {
		const raw = params.get(name);
		if (raw === null || raw.trim() === '') continue;
		const value = Number(raw);
		if (Number.isFinite(value) && value >= 0) out[name] = value;
	}
	return out;
}

/**
 * `?transport=worker` (or `main`): which thread receives and decodes frames (`ClientOptions`
 * `transport`). Anything else, or nothing, leaves the default (the main thread).
 */
export function transportFromUrl(params: URLSearchParams): TransportKind | undefined {
	const raw = params.get('transport');
	return raw === 'main' || raw === 'worker' ? raw : undefined;
}
