/**
 * Store start/stop semantics shared by a family of stores. A stream holds its server
 * subscription while any of its stores has a subscriber, and lets go when the last one leaves:
 * exactly Svelte's contract for one store, extended to the whole result of a `useWebSocket*`
 * call, so a component that reads only `$logs` or only `$newWhilePaused` still keeps it alive.
 */
import { writable, type Readable } from 'svelte/store';

/** A reference count that runs `start` on 0 → 1 and `stop` on 1 → 0. */
export class Lease {
	readonly #start: () => void;
	readonly #stop: () => void;
	#count = 0;

	/**
	 * @param start takes the resource (subscribe to the connection)
	 * @param stop lets it go
	 */
	constructor(start: () => void, stop: () => void) {
		this.#start = start;
		this.#stop = stop;
	}

	/** Whether anyone holds the lease. */
	get active(): boolean {
		return this.#count > 0;
	}

	/** Take the lease; returns the release function (idempotent). */
	acquire(): () => void {
		if (this.#count++ === 0) this.#start();
		let released = false;
		return () => {
			if (released) return;
			released = true;
			if (--this.#count === 0) this.#stop();
		};
	}
}

/** A store whose subscribers hold a lease, and the setter its owner publishes with. */
export interface LeasedCell<T> {
	readonly store: Readable<T>;
	set(value: T): void;
	/** The last value set. */
	get(): T;
	/** Whether the store has subscribers now. */
	readonly watched: boolean;
}

/**
 * A store of `initial` whose first subscriber acquires `lease` and whose last releases it.
 * `onWatch` runs when the store itself gains (true) or loses (false) its subscribers, for values
 * that are only worth computing while someone reads them.
 */
export function leasedCell<T>(
	lease: Lease,
	initial: T,
	onWatch?: (watched: boolean, set: (value: T) => void) => void
): LeasedCell<T> {
	let value = initial;
	let watched = false;
	const inner = writable(initial, (set) => {
		watched = true;
		const release = lease.acquire();
		onWatch?.(true, set);
		return () => {
			watched = false;
			onWatch?.(false, set);
			release();
		};
	});
	return {
		store: { subscribe: inner.subscribe },
		set(next) {
			value = next;
			inner.set(next);
		},
		get: () => value,
		get watched() {
			return watched;
		}
	};
}
