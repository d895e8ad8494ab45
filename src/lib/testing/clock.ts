/**
 * A `SimulatedClock` that advances the way real time does. `SimulatedClock.increment(ms)` jumps
 * to the end first and then fires every due timer, so each callback sees the *final* time, as a
 * tab whose timers were throttled would. `advance(ms)` instead stops at each timer's due time, in
 * order, so timestamps recorded by the machine are the ones a healthy browser would record.
 * Use `increment` on purpose to simulate throttling or sleep.
 */
import { SimulatedClock } from 'xstate';

interface PendingTimeout {
	start: number;
	timeout: number;
}

export class TestClock extends SimulatedClock {
	/** Move time forward by `ms`, firing each timer at its own due time. */
	advance(ms: number): void {
		const target = this.now() + ms;
		for (;;) {
			const next = this.nextDue();
			if (next === undefined || next > target) break;
			this.set(Math.max(next, this.now()));
		}
		if (this.now() < target) this.set(target);
	}

	/** Due time of the earliest pending timer, if any. */
	nextDue(): number | undefined {
		// `timeouts` is private in the type but a plain Map at run time.
		const timeouts = (this as unknown as { timeouts: Map<number, PendingTimeout> }).timeouts;
		let min: number | undefined;
		for (const t of timeouts.values()) {
			const due = t.start + t.timeout;
			if (min === undefined || due < min) min = due;
		}
		return min;
	}

	/** Number of pending timers (for leak checks). */
	get pending(): number {
		return (this as unknown as { timeouts: Map<number, PendingTimeout> }).timeouts.size;
	}
}
