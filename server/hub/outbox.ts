/**
 * The sending side of one connection, bounded in bytes and frames.
 *
 * There is no queue of our own: `ws` already buffers what the socket has not taken, and
 * `bufferedAmount` reports it. Stream items are pulled from history only while that buffer is
 * below the high-water marks, so a slow client falls behind in the (shared, bounded) history
 * instead of in a per-client queue, and what it misses when history moves past it is counted
 * and reported as `dropped`. Replies to requests are always written (a client is owed its
 * answers), but a client that keeps asking without reading is terminated once its buffer passes
 * `maxBytes`: that is the hard bound on what one connection can hold on the server.
 */
import { WebSocket } from 'ws';
import type { SharedFrame } from './frame-pool';

/** Limits of an {@link Outbox}. */
export interface OutboxLimits {
	/** Stream data is written only while `bufferedAmount` is below this. Default 1 MiB. */
	highWaterBytes: number;
	/** …and only while fewer frames than this are still unflushed. Default 1,024. */
	highWaterFrames: number;
	/** A connection whose unflushed bytes would pass this is terminated. Default 16 MiB. */
	maxBytes: number;
}

/** Defaults of {@link OutboxLimits}. */
export const DEFAULT_OUTBOX_LIMITS: OutboxLimits = {
	highWaterBytes: 1024 * 1024,
	highWaterFrames: 1024,
	maxBytes: 16 * 1024 * 1024
};

/** Counters shared by every outbox of a hub. */
export interface OutboxCounters {
	framesOut: number;
	bytesOut: number;
	overflows: number;
}

/** One connection's sending side. */
export class Outbox {
	readonly #ws: WebSocket;
	readonly #limits: OutboxLimits;
	readonly #counters: OutboxCounters;
	readonly #onOverflow: () => void;
	readonly #flushed = (): void => {
		this.#unflushed--;
		if (this.#wantReady && this.ready) {
			this.#wantReady = false;
			this.onReady?.();
		}
	};
	#unflushed = 0;
	#wantReady = false;
	/**
	 * Called once after {@link notifyWhenReady}, when a flushed write brings the connection back
	 * under its high-water marks, so that a client that was behind is served at once instead of
	 * at the next delivery tick.
	 */
	onReady: (() => void) | undefined;
	/** While suspended (the "stall" fault) nothing at all is written. */
	suspended = false;

	/**
	 * @param ws the socket
	 * @param limits the bounds
	 * @param counters hub-wide counters to add to
	 * @param onOverflow called (once per overflowing send) when `maxBytes` would be passed
	 */
	constructor(
		ws: WebSocket,
		limits: OutboxLimits,
		counters: OutboxCounters,
		onOverflow: () => void
	) {
		this.#ws = ws;
		this.#limits = limits;
		this.#counters = counters;
		this.#onOverflow = onOverflow;
	}

	/** Bytes written but not yet taken by the socket. */
	get bufferedBytes(): number {
		return this.#ws.bufferedAmount;
	}

	/** Frames written but not yet flushed to the socket. */
	get unflushedFrames(): number {
		return this.#unflushed;
	}

	/** Whether the connection is open and not suspended. */
	get open(): boolean {
		return !this.suspended && this.#ws.readyState === WebSocket.OPEN;
	}

	/** Whether stream data may be written now (open, and below both high-water marks). */
	get ready(): boolean {
		return (
			this.open &&
			this.#ws.bufferedAmount < this.#limits.highWaterBytes &&
			this.#unflushed < this.#limits.highWaterFrames
		);
	}

	/** Ask for one {@link onReady} call when the connection drains below its high-water marks. */
	notifyWhenReady(): void {
		this.#wantReady = true;
	}

	/**
	 * Write one frame. Returns false when it was not written: closed, suspended, or the
	 * connection overflowed (and is being terminated).
	 */
	send(frame: string): boolean {
		if (!this.open) return false;
		const buffered = this.#ws.bufferedAmount;
		// A single frame larger than maxBytes still goes out to a client that is keeping up.
		if (buffered > 0 && buffered + frame.length > this.#limits.maxBytes) {
			this.#counters.overflows++;
			this.#onOverflow();
			return false;
		}
		this.#unflushed++;
		this.#counters.framesOut++;
		this.#counters.bytesOut += frame.length;
		this.#ws.send(frame, this.#flushed);
		return true;
	}

	/**
	 * Write a frame built in a shared buffer (a log batch several clients may receive), as a text
	 * frame. The frame is retained until the socket has flushed it. Same result as {@link send}.
	 */
	sendShared(frame: SharedFrame): boolean {
		if (!this.#admit(frame.bytes.length)) return false;
		frame.retain();
		this.#ws.send(frame.bytes, { binary: false }, () => {
			frame.release();
			this.#flushed();
		});
		return true;
	}

	/** Check the limits for a frame of `length` and count it; false when it must not be written. */
	#admit(length: number): boolean {
		if (!this.open) return false;
		const buffered = this.#ws.bufferedAmount;
		if (buffered > 0 && buffered + length > this.#limits.maxBytes) {
			this.#counters.overflows++;
			this.#onOverflow();
			return false;
		}
		this.#unflushed++;
		this.#counters.framesOut++;
		this.#counters.bytesOut += length;
		return true;
	}
}
