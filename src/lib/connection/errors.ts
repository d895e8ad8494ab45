/**
 * Typed errors a caller can tell apart with `instanceof` (or `.code`, which survives bundling
 * and structured cloning).
 */
import type { ErrorCode } from '$lib/protocol';

/** Why an outgoing message never reached the socket. */
export type DropReason = 'offline' | 'expired' | 'overflow' | 'too_large' | 'disconnected';

/** Base class of every error this module rejects with. */
export class ConnectionError extends Error {
	/** Stable machine-readable name of the failure. */
	readonly code: string;
	constructor(code: string, message: string) {
		super(message);
		this.name = 'ConnectionError';
		this.code = code;
	}
}

/** A request got no reply within its timeout, counted from the call (queue time included). */
export class RequestTimeoutError extends ConnectionError {
	/** The request's message type. */
	readonly requestType: string;
	/** The timeout that ran out, in ms. */
	readonly timeoutMs: number;
	constructor(requestType: string, timeoutMs: number) {
		super('request_timeout', `${requestType} got no reply within ${timeoutMs} ms`);
		this.name = 'RequestTimeoutError';
		this.requestType = requestType;
		this.timeoutMs = timeoutMs;
	}
}

/** The link went away (or the user disconnected) before a reply could arrive. */
export class DisconnectedError extends ConnectionError {
	constructor(message = 'connection lost before a reply arrived') {
		super('disconnected', message);
		this.name = 'DisconnectedError';
	}
}

/** A message was dropped from the outgoing queue; `reason` says why. */
export class MessageDroppedError extends ConnectionError {
	/** Why it was dropped. */
	readonly reason: DropReason;
	constructor(reason: DropReason) {
		super(`dropped_${reason}`, `message dropped: ${reason}`);
		this.name = 'MessageDroppedError';
		this.reason = reason;
	}
}

/** The server answered a request with `error {error, message, ref}`. */
export class ServerError extends ConnectionError {
	/** The protocol's error code (`rate_limit_exceeded`, `unknown_stream`, ...). */
	readonly serverCode: ErrorCode;
	constructor(serverCode: ErrorCode, message: string) {
		super(serverCode, message);
		this.name = 'ServerError';
		this.serverCode = serverCode;
	}
}
