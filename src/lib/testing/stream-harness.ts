/**
 * A real `ConnectionClient` on a `FakeWebSocket`, a `TestClock` and hand-flushed frames, with the
 * server's side of the stream conversation (`subscribed`, `history` replies) a call away. Stream
 * tests drive the whole client path this way: codec, machine, registry, then the store.
 */
import { ConnectionClient } from '$lib/connection/client';
import type { WebSocketConfig } from '$lib/connection/config';
import { TestClock } from './clock';
import { welcomeFrame } from './connection-harness';
import { FakeWebSocket } from './fake-socket';
import { subscribed } from './fixtures';
import { manualFrames } from './frames';

/** A sent frame, decoded. */
export interface SentMessage {
	type: string;
	id?: string;
	payload?: Record<string, unknown>;
}

/** Build the harness (resets `FakeWebSocket.instances`). */
export function streamHarness(config: Partial<WebSocketConfig> = {}) {
	FakeWebSocket.reset();
	const clock = new TestClock();
	const frames = manualFrames();
	const client = new ConnectionClient(
		{ url: 'ws://streams.invalid/ws', ...config },
		{ WebSocketImpl: FakeWebSocket, clock, random: () => 0.5 }
	);
	const ws = () => FakeWebSocket.last();
	const sent = (type?: string): SentMessage[] =>
		(ws().sentMessages() as SentMessage[]).filter((m) => type === undefined || m.type === type);

	return {
		client,
		clock,
		frames,
		ws,
		sent,
		/** Connect (if needed), complete the handshake and send `welcome`. */
		open(welcome: Record<string, unknown> = {}) {
			if (client.state !== 'connecting') client.connect();
			const socket = ws();
			socket.open();
			socket.message(welcomeFrame(welcome));
			return socket;
		},
		/** The server confirms a subscription. */
		confirm(stream: string, overrides: Parameters<typeof subscribed>[1] = {}): void {
			ws().message(subscribed(stream, overrides));
		},
		/** The server answers the latest `request_history` for `stream` with `items`. */
		history(
			stream: string,
			items: unknown[],
			options: { epoch?: string; resourceId?: string } = {}
		): void {
			const request = sent('request_history')
				.reverse()
				.find((m) => m.payload?.stream === stream);
			if (!request) throw new Error(`no request_history for ${stream} was sent`);
			ws().message({
				type: 'history',
				id: request.id,
				payload: {
					stream,
					resourceId: options.resourceId ?? (request.payload?.resourceId as string) ?? '*',
					epoch: options.epoch ?? 'e1',
					items,
					complete: true
				}
			});
		},
		/** Run the pending frame callbacks. */
		flush: () => frames.flush(),
		dispose: () => client.dispose()
	};
}

export type StreamHarness = ReturnType<typeof streamHarness>;
