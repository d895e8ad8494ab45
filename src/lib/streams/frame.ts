/**
 * Publishing at most once per animation frame. Items arrive one socket frame at a time (thousands
 * per second under load); Svelte only needs the state as it is when the browser paints. Stores
 * therefore mark themselves dirty per batch and publish in one frame callback, however many
 * batches came in between: the cost of rendering no longer scales with the message rate.
 *
 * Time is injected (a scheduler for frames, {@link Timers} for delays) so tests flush frames
 * and advance time by hand, and so nothing here needs a DOM.
 */

/**
 * Runs `callback` once, later (the next animation frame); returns a canceller. Structurally the
 * same as the connection's `FrameScheduler`, so one scheduler can drive both.
 */
export type FrameScheduler = (callback: () => void) => () => void;

/**
 * `requestAnimationFrame` where it exists (browsers; it pauses in hidden tabs, which is what we
 * want: buffers are bounded, and nobody looks), else a 16 ms timeout (Node, workers, benchmarks).
 */
export const animationFrame: FrameScheduler = (callback) => {
	if (typeof requestAnimationFrame === 'function') {
		const handle = requestAnimationFrame(() => callback());
		return () => cancelAnimationFrame(handle);
	}
	const handle = setTimeout(callback, 16);
	return () => clearTimeout(handle);
};

/**
 * Coalesces any number of {@link FrameBatcher.request} calls into one `flush` in the next frame.
 * Requesting is a boolean check when a frame is already pending, so it can be called per batch.
 */
export class FrameBatcher {
	readonly #schedule: FrameScheduler;
	readonly #flush: () => void;
	#pending = false;
	#cancel: (() => void) | undefined;
	#flushes = 0;

	/**
	 * @param schedule the frame scheduler
	 * @param flush publishes the current state; runs at most once per frame
	 */
	constructor(schedule: FrameScheduler, flush: () => void) {
		this.#schedule = schedule;
		this.#flush = flush;
	}

	/** Whether a flush is scheduled. */
	get pending(): boolean {
		return this.#pending;
	}

	/** Flushes so far (for tests and benchmarks). */
	get flushes(): number {
		return this.#flushes;
	}

	/** Ask for a flush in the next frame (no-op if one is scheduled). */
	request(): void {
		if (this.#pending) return;
		this.#pending = true;
		// Set before scheduling: a synchronous scheduler runs the callback inside this call.
		const cancel = this.#schedule(this.#run);
		if (this.#pending) this.#cancel = cancel;
	}

	/** Flush now (a user action such as `clear()` must show at once), cancelling a pending one. */
	flushNow(): void {
		this.cancel();
		this.#flushes++;
		this.#flush();
	}

	/** Drop a scheduled flush. */
	cancel(): void {
		this.#pending = false;
		const cancel = this.#cancel;
		this.#cancel = undefined;
		cancel?.();
	}

	readonly #run = (): void => {
		if (!this.#pending) return;
		this.#pending = false;
		this.#cancel = undefined;
		this.#flushes++;
		this.#flush();
	};
}

/** Wall-clock time and one-shot delays, injected so tests control them. */
export interface Timers {
	/** Current time in ms since 1970 (comparable with the items' timestamps). */
	now(): number;
	/** Run `callback` after `ms`; returns a canceller. */
	after(ms: number, callback: () => void): () => void;
}

/** `Date.now` and `setTimeout`. */
export const realTimers: Timers = {
	now: () => Date.now(),
	after(ms, callback) {
		const handle = setTimeout(callback, ms);
		return () => clearTimeout(handle);
	}
};
