/**
 * A fake of the part of `ConnectionClient` the streams use (`StreamClient`), for what the real
 * client cannot produce: items that never passed the codec (a log line without a valid level,
 * as a lenient source might hand over) and requests answered or refused by hand. Prefer the real
 * client on a `FakeWebSocket` (stream-harness.ts) for everything else.
 */
import type { SubscribeOptions, SubscriptionStatus } from '$lib/connection/subscriptions';
import type { ConnectionState } from '$lib/connection/machine';
import type { ServerMessage, Stream, StreamItems } from '$lib/protocol';

/** One recorded `subscribe` call. */
export interface FakeSubscription {
	stream: Stream;
	options: SubscribeOptions;
	active: boolean;
}

/** One recorded `request` call, to settle by hand. */
export interface FakeRequest {
	type: string;
	payload: unknown;
	resolve(message: ServerMessage): void;
	reject(error: Error): void;
}

export class FakeConnection {
	state: ConnectionState = 'open';
	error: string | null = null;
	stats = { retrying: false };
	readonly subscriptions: FakeSubscription[] = [];
	readonly requests: FakeRequest[] = [];
	readonly #messageListeners = new Set<(message: ServerMessage) => void>();
	readonly #changeListeners = new Set<() => void>();

	subscribe<S extends Stream>(stream: S, options: SubscribeOptions<S>): () => void {
		const sub: FakeSubscription = {
			stream,
			options: options as unknown as SubscribeOptions,
			active: true
		};
		this.subscriptions.push(sub);
		options.onStatus?.({ recovery: 'pending', gap: 0, dropped: 0 });
		return () => {
			sub.active = false;
		};
	}

	request(type: string, payload?: unknown): Promise<ServerMessage> {
		return new Promise<ServerMessage>((resolve, reject) => {
			this.requests.push({ type, payload, resolve, reject });
		});
	}

	onMessage(listener: (message: ServerMessage) => void): () => void {
		this.#messageListeners.add(listener);
		return () => this.#messageListeners.delete(listener);
	}

	onChange(listener: () => void): () => void {
		this.#changeListeners.add(listener);
		return () => this.#changeListeners.delete(listener);
	}

	/** Active subscriptions of `stream`. */
	active(stream: Stream): FakeSubscription[] {
		return this.subscriptions.filter((s) => s.active && s.stream === stream);
	}

	/** Hand items to every active subscriber of `stream`, as the registry would. */
	deliver<S extends Stream>(
		stream: S,
		items: StreamItems[S][],
		status: SubscriptionStatus = { recovery: 'live', epoch: 'e1', gap: 0, dropped: 0 }
	): void {
		for (const s of this.active(stream)) {
			(s.options.onItems as (i: unknown[], m: unknown) => void)(items, {
				stream,
				recovery: status
			});
		}
	}

	/** Report a status to every active subscriber of `stream`. */
	status(stream: Stream, status: SubscriptionStatus): void {
		for (const s of this.active(stream)) s.options.onStatus?.(status);
	}

	/** Deliver a message to `onMessage` listeners. */
	message(message: ServerMessage): void {
		for (const l of this.#messageListeners) l(message);
	}

	/** Change the state and tell `onChange` listeners. */
	setState(state: ConnectionState, error: string | null = null): void {
		this.state = state;
		this.error = error;
		for (const l of this.#changeListeners) l();
	}
}
