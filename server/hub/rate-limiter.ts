/**
 * Per-connection rate limit: a token bucket (rate and burst), plus a measure of persistence so
 * that a brief burst only earns `rate_limit_exceeded` errors while a flood earns a close (4429).
 */

/** Limits of a {@link RateLimiter}. */
export interface RateLimitOptions {
	/** Tokens added per second (sustained messages per second). Default 50. */
	perSecond: number;
	/** Bucket size (messages accepted at once after a quiet spell). Default 100. */
	burst: number;
	/** Refused messages within `windowMs` that make the flood "sustained". Default 50. */
	maxViolations: number;
	/** Window for `maxViolations`, in ms. Default 10,000. */
	windowMs: number;
}

/** Defaults of {@link RateLimitOptions}. */
export const DEFAULT_RATE_LIMIT: RateLimitOptions = {
	perSecond: 50,
	burst: 100,
	maxViolations: 50,
	windowMs: 10_000
};

/** What the limiter decided about one message. */
export type RateDecision = 'accept' | 'refuse' | 'close';

/** A token bucket with a sliding count of refusals. */
export class RateLimiter {
	readonly #options: RateLimitOptions;
	readonly #now: () => number;
	#tokens: number;
	#refilledAt: number;
	/** Times of the last `maxViolations - 1` refusals, as a circular buffer. */
	readonly #violations: number[];
	#next = 0;

	/**
	 * @param options the limits
	 * @param now clock in ms (injectable for tests)
	 */
	constructor(options: RateLimitOptions, now: () => number = Date.now) {
		this.#options = options;
		this.#now = now;
		this.#tokens = options.burst;
		this.#refilledAt = now();
		this.#violations = new Array<number>(Math.max(1, options.maxViolations - 1)).fill(-Infinity);
	}

	/** Tokens left (fractional), after refilling. */
	get tokens(): number {
		this.#refill();
		return this.#tokens;
	}

	#refill(): void {
		const now = this.#now();
		const elapsed = now - this.#refilledAt;
		if (elapsed > 0) {
			this.#tokens = Math.min(
				this.#options.burst,
				this.#tokens + (elapsed * this.#options.perSecond) / 1000
			);
			this.#refilledAt = now;
		}
	}

	/**
	 * Account for one message: `accept` it, `refuse` it (reply `rate_limit_exceeded`), or
	 * `close` the connection because refusals have gone on for too long.
	 */
	take(): RateDecision {
		this.#refill();
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return 'accept';
		}
		if (this.#options.maxViolations <= 1) return 'close';
		const now = this.#now();
		// The slot we overwrite holds the refusal maxViolations - 1 before this one: if it is
		// inside the window, this refusal is the maxViolations-th within it.
		const oldest = this.#violations[this.#next] ?? -Infinity;
		this.#violations[this.#next] = now;
		this.#next = (this.#next + 1) % this.#violations.length;
		return now - oldest < this.#options.windowMs ? 'close' : 'refuse';
	}
}
