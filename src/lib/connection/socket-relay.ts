/**
 * Small pieces every place that opens a WebSocket shares: the socket actor (socket.ts), the
 * decoding worker (worker-decoder.ts), and the two stand-ins that open a real socket late (the
 * worker transport falling back to the main thread, worker-socket.ts, and the client's socket
 * that waits for that transport's module, client.ts). Kept apart from socket.ts so the worker
 * bundle does not take the socket actor (and XState) along.
 */
import type { WebSocketLike } from './socket';

/**
 * Ask for binary frames as ArrayBuffers. Not every implementation lets it be set, and text frames
 * are all the protocol uses, so a refusal is ignored.
 */
export function preferArrayBuffer(ws: WebSocketLike): void {
	try {
		ws.binaryType = 'arraybuffer';
	} catch {
		// See above.
	}
}

/**
 * Pass every event of `inner` to the handler `outer` has when the event fires (the actor sets
 * its handlers on the stand-in it was given, before the real socket exists).
 */
export function relayEvents(inner: WebSocketLike, outer: WebSocketLike): void {
	inner.onopen = (event) => outer.onopen?.(event);
	inner.onmessage = (event) => outer.onmessage?.(event);
	inner.onerror = (event) => outer.onerror?.(event);
	inner.onclose = (event) => outer.onclose?.(event);
}
