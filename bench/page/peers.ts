/**
 * (d) The peers: partysocket's and reconnecting-websocket's reconnecting WebSocket, each feeding
 * our log store through the glue a developer would write around them (subscribe on open,
 * JSON.parse every frame, hand log entries to the store). What that glue does not do is what
 * our client adds: validation, seq order and de-duplication, resume, timestamps as Dates.
 * The glue is the `StreamClient` interface the stores take (src/lib/streams/stream-client.ts).
 */
import PartySocket from 'partysocket/ws';
import ReconnectingWebSocket from 'reconnecting-websocket';
import type { ConnectionState } from '$lib/connection/machine';
import type { SubscribeOptions, SubscriptionStatus } from '$lib/connection/subscriptions';
import type { ServerMessage, Stream, StreamItems } from '$lib/protocol';
import type { StreamClient } from '$lib/streams/stream-client';

/** What both wrappers have in common (they mirror the WebSocket API). */
interface WrappedSocket {
	readyState: number;
	onopen: ((event: Event) => void) | null;
	onmessage: ((event: MessageEvent) => void) | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
}

export type PeerKind = 'partysocket' | 'reconnecting_websocket';

const LIVE: SubscriptionStatus = { recovery: 'live', gap: 0, dropped: 0 };

/** A reconnecting wrapper plus hand-written glue, as a `StreamClient` for our stores. */
export class PeerStreamClient implements StreamClient {
	readonly socket: WrappedSocket;
	readonly state: ConnectionState = 'connecting';
	readonly error = null;
	readonly stats = { retrying: false };
	frames = 0;
	#logs = new Set<SubscribeOptions<'logs'>>();

	constructor(kind: PeerKind, url: string) {
		// Both default to the browser's WebSocket; neither validates or orders what arrives.
		this.socket = (kind === 'partysocket'
			? new PartySocket(url)
			: new ReconnectingWebSocket(url)) as unknown as WrappedSocket;
		this.socket.onopen = () => {
			(this as { state: ConnectionState }).state = 'open';
			if (this.#logs.size > 0) this.#sendSubscribe();
		};
		this.socket.onmessage = (event) => {
			const message = JSON.parse(event.data as string) as { type: string; payload: unknown };
			this.frames++;
			const items =
				message.type === 'log_batch'
					? (message.payload as StreamItems['logs'][])
					: message.type === 'log_entry'
						? [message.payload as StreamItems['logs']]
						: undefined;
			if (!items) return;
			for (const s of this.#logs) s.onItems(items, { stream: 'logs', recovery: LIVE });
		};
	}

	#sendSubscribe(): void {
		this.socket.send(
			JSON.stringify({ type: 'subscribe', payload: { stream: 'logs', resourceId: '*' } })
		);
	}

	subscribe<S extends Stream>(stream: S, options: SubscribeOptions<S>): () => void {
		if (stream !== 'logs') return () => {};
		const o = options as unknown as SubscribeOptions<'logs'>;
		this.#logs.add(o);
		o.onStatus?.(LIVE);
		if (this.socket.readyState === 1 && this.#logs.size === 1) this.#sendSubscribe();
		return () => this.#logs.delete(o);
	}

	request(): Promise<ServerMessage> {
		return Promise.reject(new Error('the peers carry no requests in this benchmark'));
	}

	onMessage(): () => void {
		return () => {};
	}

	onChange(): () => void {
		return () => {};
	}

	close(): void {
		this.socket.onmessage = null;
		this.socket.close(1000);
	}
}
