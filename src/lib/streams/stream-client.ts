/**
 * What the streams need from the connection: the subset of `ConnectionClient` they call. Taking
 * an interface rather than the class keeps the cores framework-free and lets a benchmark or a
 * test hand in anything that behaves like the client; `ConnectionClient` satisfies it as is.
 */
import type { RequestOptions } from '$lib/connection/client';
import type { ConnectionState } from '$lib/connection/machine';
import type { SubscribeOptions } from '$lib/connection/subscriptions';
import type { Connection } from '$lib/connection/svelte/connection';
import { getConnectionContext } from '$lib/connection/svelte/context';
import type { ClientMessageType, ClientPayloads, ServerMessage, Stream } from '$lib/protocol';

/** The part of `ConnectionClient` the streams use. */
export interface StreamClient {
	/** Subscribe through the registry (shared server subscription, seq order, no duplicates). */
	subscribe<S extends Stream>(stream: S, options: SubscribeOptions<S>): () => void;
	/** Send a request; resolves with the reply echoing its id, rejects on `error`/timeout/loss. */
	request<K extends ClientMessageType>(
		type: K,
		payload?: ClientPayloads[K],
		options?: RequestOptions
	): Promise<ServerMessage>;
	/** Every valid inbound message (after the registry routed it). */
	onMessage(listener: (message: ServerMessage) => void): () => void;
	/** Called after every processed event of the connection. */
	onChange(listener: () => void): () => void;
	/** The statechart's user-facing state. */
	readonly state: ConnectionState;
	/** Why the connection failed, or its last error, or null. */
	readonly error: string | null;
	/** Link statistics; only `retrying` is read. */
	readonly stats: { readonly retrying: boolean };
}

/** Options every `useWebSocket*` function takes besides its own. */
export interface ContextOptions {
	/** Connection to use instead of the one in context. Default the context's. */
	connection?: Connection;
}

/**
 * The tab's client from `options.connection` or the component context: null while server
 * rendering (the streams then stay inert). Throws outside a provider, like `useWebSocket`.
 */
export function contextClient(options: ContextOptions): StreamClient | null {
	return (options.connection ?? getConnectionContext()).client;
}
