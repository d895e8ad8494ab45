/**
 * A queue of things that will happen at a virtual time: the world's only notion of "later".
 * Nothing in the simulator's core uses real timers; the world pops due actions as its clock
 * advances, so a test can run two virtual hours in a fraction of a second and get the same events
 * as a live run.
 *
 * Actions due at the same millisecond run in the order they were scheduled, which keeps runs
 * reproducible (a heap alone does not keep ties in order).
 */

/** Something the world does at a virtual time. */
export type Action = () => void;

interface Entry {
	time: number;
	order: number;
	action: Action;
}

/** A min-heap of actions keyed by (virtual time, scheduling order). */
export class Scheduler {
	private readonly heap: Entry[] = [];
	private order = 0;

	/** Number of actions still waiting. */
	get size(): number {
		return this.heap.length;
	}

	/** Run `action` when the clock reaches `time` (virtual epoch milliseconds). */
	at(time: number, action: Action): void {
		const entry: Entry = { time, order: this.order++, action };
		const heap = this.heap;
		let i = heap.push(entry) - 1;
		while (i > 0) {
			const parent = (i - 1) >> 1;
			const p = heap[parent] as Entry;
			if (!before(entry, p)) break;
			heap[i] = p;
			i = parent;
		}
		heap[i] = entry;
	}

	/** The time of the earliest waiting action, or `Infinity` when none waits. */
	peekTime(): number {
		const top = this.heap[0];
		return top === undefined ? Infinity : top.time;
	}

	/** Remove and return the earliest waiting action, with its time. */
	pop(): Entry | undefined {
		const heap = this.heap;
		const top = heap[0];
		if (top === undefined) return undefined;
		const last = heap.pop() as Entry;
		if (heap.length > 0) {
			let i = 0;
			const n = heap.length;
			for (;;) {
				const left = 2 * i + 1;
				if (left >= n) break;
				const right = left + 1;
				let child = left;
				if (right < n && before(heap[right] as Entry, heap[left] as Entry)) child = right;
				const c = heap[child] as Entry;
				if (!before(c, last)) break;
				heap[i] = c;
				i = child;
			}
			heap[i] = last;
		}
		return top;
	}
}

function before(a: Entry, b: Entry): boolean {
	return a.time < b.time || (a.time === b.time && a.order < b.order);
}
