/**
 * A fake decoding Worker for unit tests: the real worker code (worker-decoder.ts) runs in the
 * same thread behind it, and every message is structured-cloned as `postMessage` would, but
 * nothing moves until the test calls `flush()` (or `deliverToWorker` / `deliverToMain`), so tests
 * decide exactly what each side has seen. Pair it with `FakeWebSocket`, which plays the worker's
 * sockets.
 *
 * ```ts
 * const worker = new FakeWorker({ WebSocketImpl: FakeWebSocket });
 * const transport = new WorkerTransport({ createWorker: () => worker });
 * const ws = new transport.WebSocketImpl('ws://x/ws');
 * worker.flush();                 // the worker opens its FakeWebSocket
 * FakeWebSocket.last().open();
 * worker.flush();                 // ws.onopen fires
 * ```
 */
import type { WebSocketConstructor } from '$lib/connection/socket';
import { createSocketDecoder, type DecoderOptions } from '$lib/connection/worker-decoder';
import type { WorkerLike } from '$lib/connection/worker-socket';
import type { FromWorker, ToWorker } from '$lib/connection/worker-wire';

/** Options of a {@link FakeWorker}. */
export interface FakeWorkerOptions {
	/** The worker's WebSocket (usually `FakeWebSocket`). */
	WebSocketImpl: WebSocketConstructor;
	/** Run the worker's code at once (it posts `ready`). Default true; false to fail it first. */
	boot?: boolean;
	/** Passed to `createSocketDecoder`. Default its own. */
	maxBacklogBytes?: number;
	/** Passed to `createSocketDecoder`. Default its own. */
	maxPostBytes?: number;
}

export class FakeWorker implements WorkerLike {
	onmessage: WorkerLike['onmessage'] = null;
	onerror: WorkerLike['onerror'] = null;
	onmessageerror: WorkerLike['onmessageerror'] = null;
	/** Messages posted to the worker, not yet delivered. */
	readonly toWorker: ToWorker[] = [];
	/** Messages the worker posted, not yet delivered to the main thread. */
	readonly toMain: FromWorker[] = [];
	/** Every message the worker ever received, in order (for assertions). */
	readonly received: ToWorker[] = [];
	terminated = false;
	/** The worker called `self.close()`. */
	exited = false;
	private handle: ((message: ToWorker) => void) | undefined;

	constructor(private readonly options: FakeWorkerOptions) {
		if (options.boot ?? true) this.boot();
	}

	// ----- the Worker API, called by the code under test

	postMessage(message: ToWorker): void {
		if (this.terminated) return;
		this.toWorker.push(structuredClone(message));
	}

	terminate(): void {
		this.terminated = true;
	}

	// ----- test helpers

	/** Evaluate the worker's module (it posts `ready`). */
	boot(): this {
		const decoder: DecoderOptions = {
			post: (message) => {
				if (!this.terminated && !this.exited) this.toMain.push(structuredClone(message));
			},
			WebSocketImpl: this.options.WebSocketImpl,
			exit: () => {
				this.exited = true;
			}
		};
		if (this.options.maxBacklogBytes !== undefined) {
			decoder.maxBacklogBytes = this.options.maxBacklogBytes;
		}
		if (this.options.maxPostBytes !== undefined) decoder.maxPostBytes = this.options.maxPostBytes;
		this.handle = createSocketDecoder(decoder);
		return this;
	}

	/** Deliver what the main thread posted to the worker. */
	deliverToWorker(): this {
		while (this.toWorker.length > 0 && !this.terminated) {
			const message = this.toWorker.shift()!;
			this.received.push(message);
			this.handle?.(message);
		}
		return this;
	}

	/** Deliver what the worker posted to the main thread, at most `limit` messages. */
	deliverToMain(limit = Infinity): this {
		for (let n = 0; n < limit && this.toMain.length > 0 && !this.terminated; n++) {
			this.onmessage?.({ data: this.toMain.shift()! });
		}
		return this;
	}

	/** Deliver both ways until neither side has anything left. */
	flush(): this {
		while (!this.terminated && (this.toWorker.length > 0 || this.toMain.length > 0)) {
			this.deliverToWorker();
			this.deliverToMain();
		}
		return this;
	}

	/** The worker failed (to load, before `boot`, or later): fires `onerror` as a browser does. */
	fail(message = 'failed to load'): this {
		this.onerror?.({ message });
		return this;
	}
}
