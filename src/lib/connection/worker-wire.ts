/**
 * The messages between the main thread's {@link WorkerTransport} (worker-socket.ts) and the
 * decoding worker (worker-decoder.ts, started from socket.worker.ts). Types and constants only,
 * so both sides import them without pulling in the other's code.
 */
import type { DecodeResult, ServerMessage } from '$lib/protocol';

/** Main thread → worker. `s` is the socket id the main thread chose (never reused). */
export type ToWorker =
	| { t: 'open'; s: number; url: string; protocols?: string | string[] | undefined }
	| { t: 'send'; s: number; data: string }
	| { t: 'close'; s: number; code?: number | undefined; reason?: string | undefined }
	/** The main thread has handled one batch: the worker may post another. */
	| { t: 'ack' }
	/** Close every socket, then answer `stopped` and end. */
	| { t: 'shutdown' };

/** One socket event, in the order the worker's socket saw them. */
export type SocketReport =
	| { t: 'open'; s: number }
	/** A frame, decoded by `decodeServerFrame` in the worker; `b` is its size as socket.ts counts it. */
	| { t: 'message'; s: number; r: DecodeResult<ServerMessage>; b: number }
	/**
	 * A frame whose decoded form structured clone refused (nested deeper than the serialiser's
	 * stack: the gateway's frames have no depth limit): the main thread decodes `data` itself.
	 */
	| { t: 'raw'; s: number; data: string | ArrayBuffer; b: number }
	/**
	 * Entries of socket `s`'s next `message`, which was too large for one postMessage (see
	 * {@link MAX_POST_BYTES}): the main thread puts them, in order, before that message's own
	 * entries (`log_batch` payload, log `history` items) and only then delivers it.
	 */
	| { t: 'items'; s: number; items: unknown[] }
	| { t: 'error'; s: number }
	| { t: 'close'; s: number; code: number; reason: string; clean: boolean };

/** Worker → main thread. */
export type FromWorker =
	/** The worker's module evaluated: from now on a failure is a crash, not a failed start. */
	| { t: 'ready' }
	/**
	 * Socket events in order (they pile up while the main thread is busy). One batch may take
	 * several postMessages: all but the last have `more`, and the main thread acknowledges the
	 * batch after the last.
	 */
	| { t: 'batch'; events: SocketReport[]; more?: true }
	/** Answer to `shutdown`: every socket has closed. */
	| { t: 'stopped' };

/**
 * Batches posted but not yet acknowledged. Two keep the main thread supplied (one queued while
 * it handles the other) while letting events pile up into one batch, and one message event,
 * when it is busy.
 */
export const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * Most frame bytes in one postMessage, roughly: a batch is cut into messages of about this much
 * (a large `log_batch` into runs of entries, many small frames into one message). Structured
 * clone of one large message is slower than of the same data in pieces (in this Chromium,
 * posting 5,000 decoded 750-byte entries as one message took ~40–90 ms to send, in pieces of
 * 100 entries ~18 ms: large buffers are fresh memory, every page of it faulted in), and each
 * piece is deserialised in a task of its own, a few ms, so the main thread can render between
 * the pieces of one big frame instead of meeting a long task. On the render bench, 64 KiB to
 * 1 MiB pieces measured alike (within noise) and one message per batch worst.
 */
export const MAX_POST_BYTES = 256 * 1024;

/**
 * Frame bytes (UTF-16 code units, as `bytesIn` counts them) decoded in the worker but not yet
 * handled by the main thread. A browser cannot pause a WebSocket, so the worker reads as fast as
 * the network delivers even when the main thread is slower; past this backlog it closes that
 * socket instead of buffering without bound (the machine reconnects and resumes from its last
 * seq, as after any drop). 64 MiB is sixteen of the hub's largest batches (`maxBatchBytes`, 4 MiB
 * of UTF-8 ≈ as many code units): a main thread stalled for most of a second at 100,000
 * simulator lines/s (75 MB/s).
 */
export const MAX_BACKLOG_BYTES = 64 * 1024 * 1024;

/** Close reason reported when {@link MAX_BACKLOG_BYTES} was passed. */
export const BACKLOG_CLOSE_REASON = 'decoder backlog over 64 MiB';
