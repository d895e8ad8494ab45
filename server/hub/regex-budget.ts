/**
 * A CPU-time budget for client regexes, the second line of defence behind regex-guard.ts.
 *
 * The static guard refuses what backtracks exponentially, and bounds the rest by a model, but the
 * model cannot tell a cheap `error.*timeout` from an accepted `.{0,99}.{0,99}!`, which costs
 * about 55 ms on a 1,000-character line (measured in hostile.spec.ts; a linear-time engine, re2js,
 * still took 11 ms). A handful of connections holding such filters stalled the gateway for
 * seconds. A running regex cannot be interrupted, so the budget works between tests: each test is
 * timed, and a filter whose tests used up its share is not run again until the share refills.
 * The lines it would have tested meanwhile are not delivered; they are counted and reported to
 * the client as `dropped {reason: "rate_limited"}` (delivery.ts), so the client shows where lines
 * are missing: never a silent loss, never a stall.
 *
 * Two token buckets, in ms of CPU: one per compiled filter (so one expensive filter cannot starve
 * the cheap ones) and one for the whole hub (so many expensive filters together stay bounded).
 */

/** Limits of a {@link RegexBudget}. */
export interface RegexBudgetOptions {
	/** CPU ms per second one filter may spend. Default 20 (2% of a core). */
	perFilterMsPerSecond: number;
	/** CPU ms one filter may spend in a burst. Default 50. */
	perFilterBurstMs: number;
	/** CPU ms per second all filters together may spend. Default 100 (10% of a core). */
	totalMsPerSecond: number;
	/** CPU ms all filters together may spend in a burst. Default 200. */
	totalBurstMs: number;
}

export const DEFAULT_REGEX_BUDGET: RegexBudgetOptions = {
	perFilterMsPerSecond: 20,
	perFilterBurstMs: 50,
	totalMsPerSecond: 100,
	totalBurstMs: 200
};

/** A token bucket of milliseconds. */
class Bucket {
	#tokens: number;
	#at: number;

	constructor(
		readonly ratePerMs: number,
		readonly burst: number,
		now: number
	) {
		this.#tokens = burst;
		this.#at = now;
	}

	/** Refill for the time passed; true when anything is left to spend. */
	available(now: number): boolean {
		if (now > this.#at) {
			this.#tokens = Math.min(this.burst, this.#tokens + (now - this.#at) * this.ratePerMs);
			this.#at = now;
		}
		return this.#tokens > 0;
	}

	spend(ms: number): void {
		this.#tokens -= ms;
	}
}

/** The hub-wide budget; {@link RegexBudget.forFilter} gives each compiled filter its share. */
export class RegexBudget {
	readonly #options: RegexBudgetOptions;
	readonly #now: () => number;
	readonly #total: Bucket;

	/**
	 * @param options the limits
	 * @param now a monotonic clock in ms (default `performance.now`)
	 */
	constructor(
		options: Partial<RegexBudgetOptions> = {},
		now: () => number = () => performance.now()
	) {
		this.#options = { ...DEFAULT_REGEX_BUDGET, ...options };
		this.#now = now;
		this.#total = new Bucket(
			this.#options.totalMsPerSecond / 1000,
			this.#options.totalBurstMs,
			now()
		);
	}

	/** A filter's share: `test(regex, text)` runs and times the regex, or returns undefined when over budget. */
	forFilter(): FilterBudget {
		const own = new Bucket(
			this.#options.perFilterMsPerSecond / 1000,
			this.#options.perFilterBurstMs,
			this.#now()
		);
		const total = this.#total;
		const now = this.#now;
		const budget: FilterBudget = {
			skipped: 0,
			test(regex, text) {
				const start = now();
				if (!own.available(start) || !total.available(start)) {
					budget.skipped++;
					return undefined;
				}
				const result = regex.test(text);
				const spent = now() - start;
				own.spend(spent);
				total.spend(spent);
				return result;
			}
		};
		return budget;
	}
}

/** One compiled filter's share of the budget. */
export interface FilterBudget {
	/** Tests not run because the budget was spent (ever; readers take differences). */
	skipped: number;
	/** Run and time `regex.test(text)`; undefined (and `skipped` + 1) when the budget is spent. */
	test(regex: RegExp, text: string): boolean | undefined;
}
