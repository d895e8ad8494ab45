/**
 * The connection's state as each stream reports it (`isConnected`, `isReconnecting`, `error`,
 * in the KECS guide's terms), recomputed only when a stream publishes, never per message.
 */
import type { Readable } from 'svelte/store';
import { toWebSocketState } from '$lib/connection/svelte/connection';
import { leasedCell, type Lease, type LeasedCell } from './lease';
import type { StreamClient } from './stream-client';

/** `isConnected`, `isReconnecting` and `error` stores of one stream. */
export class LinkStores {
	readonly #connected: LeasedCell<boolean>;
	readonly #reconnecting: LeasedCell<boolean>;
	readonly #error: LeasedCell<Error | null>;
	#lastMessage: string | null = null;
	#lastError: Error | null = null;

	constructor(lease: Lease) {
		this.#connected = leasedCell(lease, false);
		this.#reconnecting = leasedCell(lease, false);
		this.#error = leasedCell<Error | null>(lease, null);
	}

	/** True while the link is open. */
	get isConnected(): Readable<boolean> {
		return this.#connected.store;
	}

	/** True while a lost link is being re-established (backoff, offline, retrying). */
	get isReconnecting(): Readable<boolean> {
		return this.#reconnecting.store;
	}

	/** The stream's own error if it has one, else the connection's, else null. */
	get error(): Readable<Error | null> {
		return this.#error.store;
	}

	/** Publish the current state (called from a stream's frame flush). */
	update(client: StreamClient | null, streamError: Error | null): void {
		if (!client) return;
		const state = client.state;
		this.#connected.set(state === 'open');
		// `stats` builds an object: read it only where the answer depends on it.
		const retrying =
			(state === 'connecting' || state === 'authenticating') && client.stats.retrying;
		this.#reconnecting.set(toWebSocketState(state, retrying) === 'reconnecting');
		let error = streamError;
		if (error === null) {
			const message = client.error;
			if (message !== this.#lastMessage) {
				this.#lastMessage = message;
				this.#lastError = message === null ? null : new Error(message);
			}
			error = this.#lastError;
		}
		if (error !== this.#error.get()) this.#error.set(error);
	}
}
