/**
 * `useWebSocket`: the KECS guide's hook, same options and result, backed by the tab's shared
 * connection instead of a socket per hook. Call it during component initialisation.
 */
import { onMount } from 'svelte';
import { derived, type Readable } from 'svelte/store';
import type {
	ClientMessage,
	ClientMessageType,
	ClientPayloads,
	ServerMessage,
	Stream
} from '$lib/protocol';
import type { ConnectionStats, RequestOptions, SendOptions } from '../client';
import type { CloseInfo, ConnectionState } from '../machine';
import type { SubscribeOptions } from '../subscriptions';
import { toWebSocketState, type Connection, type WebSocketState } from './connection';
import { getConnectionContext } from './context';

/** Options of `useWebSocket` (the KECS guide's `UseWebSocketOptions`). */
export interface UseWebSocketOptions {
	/**
	 * Accepted for compatibility with the guide (`/ws/logs`...). Every path reaches the one shared
	 * hub: streams are chosen by `subscribe`, not by URL. Default none.
	 */
	path?: string;
	/** Accepted for compatibility; the shared socket's URL cannot vary per hook. Default none. */
	params?: Record<string, string>;
	/** Connect on mount if the connection is still `idle` (never undoes a `disconnect()`). Default true. */
	autoConnect?: boolean;
	/** Every valid inbound message. Default none. */
	onMessage?: (message: ServerMessage) => void;
	/** The link became open. Default none. */
	onConnected?: () => void;
	/** The link was lost or closed; how it ended, when known. Default none. */
	onDisconnected?: (close: CloseInfo | null) => void;
	/** A new error (socket error, timeout, failure reason). Default none. */
	onError?: (error: Error) => void;
	/** The guide's state changed; the statechart's state is the second argument. Default none. */
	onStateChange?: (state: WebSocketState, connectionState: ConnectionState) => void;
	/** Connection to use instead of the one in context. Default the context's. */
	connection?: Connection;
}

/** Handler of the guide's `subscribe(type, handler)`: gets each message's payload. */
export type MessageHandler = (payload: unknown, message: ServerMessage) => void;

/** Result of `useWebSocket`: the guide's fields as stores, plus `request`, `stats`, `nextRetryAt`. */
export interface UseWebSocketResult {
	state: Readable<WebSocketState>;
	isConnected: Readable<boolean>;
	isConnecting: Readable<boolean>;
	isReconnecting: Readable<boolean>;
	error: Readable<Error | null>;
	connect: () => void;
	disconnect: () => void;
	/** Resolves when written to the socket; rejects (`MessageDroppedError`) when dropped. */
	send: (message: ClientMessage, options?: SendOptions) => Promise<void>;
	/**
	 * The guide's form `subscribe(type, handler)` calls `handler(payload)` for each message of
	 * that type; `subscribe(stream, options)` subscribes to a stream (see `ConnectionClient`).
	 * Both return the unsubscribe function.
	 */
	subscribe: {
		(type: string, handler: MessageHandler): () => void;
		<S extends Stream>(stream: S, options: SubscribeOptions<S>): () => void;
	};
	request: <K extends ClientMessageType>(
		type: K,
		payload?: ClientPayloads[K],
		options?: RequestOptions
	) => Promise<ServerMessage>;
	/** The statechart's own state name. */
	connectionState: Readable<ConnectionState>;
	stats: Readable<ConnectionStats>;
	nextRetryAt: Readable<number | null>;
}

const noop = () => {};

/** Rejected, but never reported as unhandled: there is no socket during server rendering. */
function noConnection<T>(): Promise<T> {
	const p = Promise.reject<T>(new Error('no connection (server render)'));
	p.catch(noop);
	return p;
}

/** See the module comment. */
export function useWebSocket(options: UseWebSocketOptions = {}): UseWebSocketResult {
	const connection = options.connection ?? getConnectionContext();
	const { view } = connection;
	const client = () => connection.client;

	let lastError: string | null = null;
	let lastErrorObject: Error | null = null;
	const error = derived(view, (v) => {
		if (v.error !== lastError) {
			lastError = v.error;
			lastErrorObject = v.error === null ? null : new Error(v.error);
		}
		return lastErrorObject;
	});

	onMount(() => {
		const c = client();
		if (!c) return;
		const offs: Array<() => void> = [];
		if (options.onMessage) offs.push(c.onMessage(options.onMessage));
		let previous = c.state;
		let previousGuide = viewStateOf(connection);
		let previousError = c.error;
		// Unthrottled: a connecting → open → backoff flicker inside one frame still reports.
		offs.push(
			c.onChange(() => {
				const state = c.state;
				if (state !== previous) {
					if (state === 'open') options.onConnected?.();
					if (previous === 'open') options.onDisconnected?.(c.stats.lastClose);
					previous = state;
				}
				const guide = viewStateOf(connection);
				if (guide !== previousGuide) {
					previousGuide = guide;
					options.onStateChange?.(guide, state);
				}
				const err = c.error;
				if (err !== previousError) {
					previousError = err;
					if (err) options.onError?.(new Error(err));
				}
			})
		);
		if ((options.autoConnect ?? true) && c.state === 'idle') c.connect();
		return () => offs.forEach((off) => off());
	});

	function subscribe(first: string, second: MessageHandler | SubscribeOptions): () => void {
		const c = client();
		if (!c) return noop;
		if (typeof second === 'function') {
			const type = first;
			return c.onMessage((message) => {
				if (message.type === type) second(message.payload, message);
			});
		}
		return c.subscribe(first as Stream, second);
	}

	return {
		state: derived(view, (v) => v.webSocketState),
		isConnected: derived(view, (v) => v.state === 'open'),
		isConnecting: derived(view, (v) => v.webSocketState === 'connecting'),
		isReconnecting: derived(view, (v) => v.webSocketState === 'reconnecting'),
		error,
		connect: () => client()?.connect(),
		disconnect: () => client()?.disconnect(),
		send: (message, sendOptions) => client()?.send(message, sendOptions) ?? noConnection(),
		subscribe: subscribe as UseWebSocketResult['subscribe'],
		request: (type, payload, requestOptions) =>
			client()?.request(type, payload, requestOptions) ?? noConnection(),
		connectionState: derived(view, (v) => v.state),
		stats: derived(view, (v) => v.stats),
		nextRetryAt: derived(view, (v) => v.nextRetryAt)
	};
}

function viewStateOf(connection: Connection): WebSocketState {
	const c = connection.client;
	return c ? toWebSocketState(c.state, c.actor.getSnapshot().context.retrying) : 'disconnected';
}
