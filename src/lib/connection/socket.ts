/**
 * The socket actor: the only code that touches a WebSocket. The machine invokes it with the
 * constructor to use (`WebSocketImpl`), so tests pass a fake and Node passes `ws`, and nothing here
 * keeps time: every deadline is a named delay in the machine.
 */
import { fromCallback } from 'xstate';
import {
	decodeServerFrame,
	type DecodeError,
	type DecodeResult,
	type ServerMessage
} from '$lib/protocol';
import { frameSize } from './frame-size';
import { preferArrayBuffer } from './socket-relay';

/**
 * A message event. The worker transport's (worker-socket.ts) carry the frame already decoded
 * (`decoded`, with its size in `bytes`) and no `data`; everyone else's carry `data` only.
 */
export interface SocketMessageEvent {
	data: unknown;
	decoded?: DecodeResult<ServerMessage>;
	bytes?: number;
}

/** The part of the WebSocket API this module uses (met by browsers, `ws` and the test fake). */
export interface WebSocketLike {
	readonly readyState: number;
	binaryType?: string;
	onopen: ((event: unknown) => void) | null;
	onmessage: ((event: SocketMessageEvent) => void) | null;
	onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
	onerror: ((event: unknown) => void) | null;
	send(data: string): void;
	close(code?: number, reason?: string): void;
	/** `ws` only: destroy the TCP socket without a closing handshake. */
	terminate?: () => void;
}

/** A WebSocket constructor (`globalThis.WebSocket`, `ws`'s `WebSocket`, `FakeWebSocket`). */
export type WebSocketConstructor = new (
	url: string,
	protocols?: string | string[]
) => WebSocketLike;

/** What the machine passes when it invokes the socket actor. */
export interface SocketInput {
	url: string;
	protocols?: string | string[] | undefined;
	WebSocketImpl: WebSocketConstructor;
	/**
	 * Takes a decoded message straight from the socket and returns true when it handled it (live
	 * stream items: see machine.ts `fastLane`); anything else goes to the machine as
	 * `socket.message`.
	 */
	fastLane?: ((message: ServerMessage, bytes: number) => boolean) | undefined;
}

/** Events the socket actor sends to the machine. */
export type SocketEvent =
	| { type: 'socket.opened' }
	| { type: 'socket.message'; message: ServerMessage; bytes: number }
	| { type: 'socket.invalid'; error: DecodeError; bytes: number }
	| { type: 'socket.closed'; code: number; reason: string; wasClean: boolean }
	| { type: 'socket.error'; message: string; fatal: boolean };

/** Commands the machine sends to the socket actor. */
export type SocketCommand =
	| { type: 'socket.send'; data: string }
	| { type: 'socket.close'; code?: number; reason?: string; abrupt?: boolean };

const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const noop = () => {};

/**
 * Open `input.url` and translate the socket's callbacks into machine events. A frame that fails
 * decoding becomes `socket.invalid` (counted by the machine), never an exception.
 *
 * Closing detaches the handlers *first*: a dead link never completes the closing handshake, and
 * waiting for its `close` event would hold the machine hostage to TCP timeouts. `onerror` gets a
 * no-op rather than `null`, because `ws` throws an unhandled `error` event when nobody listens.
 */
export const socketActor = fromCallback<SocketCommand, SocketInput, SocketEvent>(
	({ input, sendBack, receive }) => {
		let ws: WebSocketLike | undefined;
		let done = false;

		const detach = (socket: WebSocketLike) => {
			socket.onopen = null;
			socket.onmessage = null;
			socket.onclose = null;
			socket.onerror = noop;
		};

		const shut = (code?: number, reason?: string, abrupt = true) => {
			if (done || !ws) return;
			done = true;
			const socket = ws;
			detach(socket);
			if (socket.readyState === CLOSED || socket.readyState === CLOSING) return;
			try {
				// A browser has no way to skip the handshake; `close()` without a code at least
				// does not wait for us. `ws` can destroy the TCP socket outright.
				if (abrupt && typeof socket.terminate === 'function') socket.terminate();
				else if (code !== undefined) socket.close(code, reason);
				else socket.close();
			} catch {
				// close() throws only for invalid codes/reasons; the handlers are gone either way.
			}
		};

		try {
			ws = new input.WebSocketImpl(input.url, input.protocols);
		} catch (error) {
			// A malformed URL (SyntaxError) will fail the same way on every retry.
			done = true;
			sendBack({
				type: 'socket.error',
				message: error instanceof Error ? error.message : String(error),
				fatal: true
			});
			return;
		}
		const socket = ws;
		preferArrayBuffer(socket);

		socket.onopen = () => sendBack({ type: 'socket.opened' });
		socket.onmessage = (event) => {
			// `data` is read once (on a browser's MessageEvent it is a getter), and a text frame,
			// the usual case, never looks for `decoded`, which a browser's event does not have.
			const data = event.data;
			const decoded = typeof data === 'string' ? undefined : event.decoded;
			const bytes = decoded ? (event.bytes ?? 0) : frameSize(data);
			const result = decoded ?? decodeServerFrame(data);
			if (!result.ok) sendBack({ type: 'socket.invalid', error: result.error, bytes });
			else if (!input.fastLane?.(result.message, bytes)) {
				sendBack({ type: 'socket.message', message: result.message, bytes });
			}
		};
		socket.onerror = () =>
			sendBack({ type: 'socket.error', message: 'socket error', fatal: false });
		socket.onclose = (event) => {
			done = true;
			detach(socket);
			sendBack({
				type: 'socket.closed',
				code: typeof event.code === 'number' ? event.code : 1006,
				reason: typeof event.reason === 'string' ? event.reason : '',
				wasClean: event.wasClean === true
			});
		};

		receive((command) => {
			if (command.type === 'socket.send') {
				if (!done && socket.readyState === OPEN) socket.send(command.data);
			} else {
				shut(command.code, command.reason, command.abrupt ?? true);
			}
		});

		return () => shut();
	}
);
