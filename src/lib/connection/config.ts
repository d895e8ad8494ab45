/**
 * Connection options. The first seven keep the names and meanings of the KECS WebSocket guide's
 * `WebSocketConfig`, so code written against that guide configures this client unchanged; the
 * rest are what the guide's client lacked (timeouts that bound every wait, a bounded queue).
 */

/** Limits of the outgoing queue used while the socket is not open. */
export interface OutboxLimits {
	/** Most messages held at once. Default 1000. */
	maxMessages?: number;
	/** Most bytes (UTF-16 code units of the encoded frames) held at once. Default 1 MiB. */
	maxBytes?: number;
}

/** Supplies the token sent in `authenticate`; `fresh` asks it to bypass any cache (after 4401). */
export type TokenProvider = (options: { fresh: boolean }) => string | Promise<string>;

/** Options of one connection. Only `url` is required. */
export interface WebSocketConfig {
	/** Server URL (`ws:`/`wss:`). No default: see `defaultWsUrl` for the page's own `/ws`. */
	url: string;
	/** WebSocket subprotocols offered to the server. Default none. */
	protocols?: string | string[];
	/** Reconnect after an unexpected close. Default true. */
	reconnect?: boolean;
	/** Base of the exponential backoff, in ms. Default 500. */
	reconnectInterval?: number;
	/** Consecutive failed attempts before giving up (`failed`). Default Infinity. */
	maxReconnectAttempts?: number;
	/** Ping period in ms; the server's `welcome` value overrides it. Default 15000. */
	heartbeatInterval?: number;
	/** Deadline in ms for requests and `expiring` messages, counted from the call. Default 10000. */
	messageTimeout?: number;
	/** Longest wait in ms for the socket to open (and to authenticate). Default 5000. */
	connectTimeout?: number;
	/** Longest wait in ms for a reply to a ping before the link is declared dead. Default 10000. */
	pongTimeout?: number;
	/** Cap of the backoff delay in ms. Default 30000. */
	maxReconnectDelay?: number;
	/** Uptime in ms after which a link counts as stable and the attempt counter resets. Default 5000. */
	stableAfter?: number;
	/** Base delay in ms for "try again later" closes (1013, 4429) without `retryAfterMs`. Default 5000. */
	longReconnectInterval?: number;
	/** Outgoing queue limits. Default `{ maxMessages: 1000, maxBytes: 1048576 }`. */
	outbox?: OutboxLimits;
	/** Token provider; when set, every connection authenticates before it counts as open. Default none. */
	getToken?: TokenProvider;
}

/** `WebSocketConfig` with every default filled in. */
export interface ResolvedConfig {
	url: string;
	protocols: string | string[] | undefined;
	reconnect: boolean;
	reconnectInterval: number;
	maxReconnectAttempts: number;
	heartbeatInterval: number;
	messageTimeout: number;
	connectTimeout: number;
	pongTimeout: number;
	maxReconnectDelay: number;
	stableAfter: number;
	longReconnectInterval: number;
	outbox: Required<OutboxLimits>;
	getToken: TokenProvider | undefined;
}

/** The defaults, in one place so docs and tests can quote them. */
export const DEFAULTS = {
	reconnect: true,
	reconnectInterval: 500,
	maxReconnectAttempts: Infinity,
	heartbeatInterval: 15_000,
	messageTimeout: 10_000,
	connectTimeout: 5_000,
	pongTimeout: 10_000,
	maxReconnectDelay: 30_000,
	stableAfter: 5_000,
	longReconnectInterval: 5_000,
	outbox: { maxMessages: 1000, maxBytes: 1024 * 1024 }
} as const;

// A zero, negative or NaN duration would turn a named delay into a busy loop; fall back instead.
function positive(value: number | undefined, fallback: number): number {
	return typeof value === 'number' && value > 0 ? value : fallback;
}

/** Fill in defaults and repair nonsensical values (non-positive durations fall back to defaults). */
export function resolveConfig(config: WebSocketConfig): ResolvedConfig {
	const d = DEFAULTS;
	const attempts = config.maxReconnectAttempts;
	return {
		url: config.url,
		protocols: config.protocols,
		reconnect: config.reconnect ?? d.reconnect,
		reconnectInterval: positive(config.reconnectInterval, d.reconnectInterval),
		maxReconnectAttempts: typeof attempts === 'number' && attempts >= 0 ? attempts : Infinity,
		heartbeatInterval: positive(config.heartbeatInterval, d.heartbeatInterval),
		messageTimeout: positive(config.messageTimeout, d.messageTimeout),
		connectTimeout: positive(config.connectTimeout, d.connectTimeout),
		pongTimeout: positive(config.pongTimeout, d.pongTimeout),
		maxReconnectDelay: positive(config.maxReconnectDelay, d.maxReconnectDelay),
		stableAfter: positive(config.stableAfter, d.stableAfter),
		longReconnectInterval: positive(config.longReconnectInterval, d.longReconnectInterval),
		outbox: {
			maxMessages: positive(config.outbox?.maxMessages, d.outbox.maxMessages),
			maxBytes: positive(config.outbox?.maxBytes, d.outbox.maxBytes)
		},
		getToken: config.getToken
	};
}

/**
 * The page's own hub: `ws:`/`wss:` to match the page, same host, path `/ws`. A non-empty
 * `publicUrl` (the layout passes `PUBLIC_KECS_WS_URL`) wins.
 */
export function defaultWsUrl(
	location: { protocol: string; host: string },
	publicUrl?: string | null
): string {
	if (publicUrl && publicUrl.trim()) return publicUrl.trim();
	const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
	return `${scheme}//${location.host}/ws`;
}
