/**
 * Sources for the gateway benchmarks. Both push pre-built simulator entries (the hub keeps each
 * one unchanged and serialises it, with its `seq`, when it is published, so reusing the objects
 * is safe), so what is measured is the hub, not the simulator's random world.
 */
import type { Task } from '../../src/lib/protocol/types';
import type { Source, SourceHealth, SourceLogEntry, SourceSink } from '../../server/sources/source';

abstract class PrebuiltSource implements Source {
	readonly providesMetrics = false;
	protected sink: SourceSink | undefined;
	#next = 0;
	/** Entries published so far. */
	published = 0;

	constructor(
		readonly name: string,
		protected readonly entries: readonly SourceLogEntry[]
	) {
		if (entries.length === 0) throw new Error('no entries');
	}

	start(sink: SourceSink): void {
		this.sink = sink;
		this.begin();
	}

	protected abstract begin(): void;
	abstract stop(): void;

	/** Publish `count` entries, cycling through the pre-built ones. */
	protected publish(count: number): void {
		const sink = this.sink!;
		const entries = this.entries;
		let i = this.#next;
		for (let k = 0; k < count; k++) {
			sink.log(entries[i]!);
			if (++i === entries.length) i = 0;
		}
		this.#next = i;
		this.published += count;
	}

	tasks(): Task[] {
		return [];
	}

	health(): SourceHealth {
		return { status: 'healthy', since: new Date(0) };
	}
}

/**
 * Publishes as fast as the hub takes entries: whenever the slowest log subscriber is less than
 * `window` entries behind the newest, it tops the history up to `window`. With `window` below
 * the hub's log history, nothing is ever evicted before delivery, so a client that keeps up sees
 * no drop, and each delivery tick finds a full window waiting.
 */
export class FirehoseSource extends PrebuiltSource {
	#timer: NodeJS.Timeout | undefined;
	#stopped = false;

	/**
	 * @param entries what to publish (cycled)
	 * @param window the most entries to keep waiting for the slowest subscriber
	 * @param lag how far the slowest log subscriber is behind (undefined: nobody subscribed)
	 */
	constructor(
		entries: readonly SourceLogEntry[],
		readonly window: number,
		private readonly lag: () => number | undefined
	) {
		super('firehose', entries);
	}

	protected begin(): void {
		const loop = (): void => {
			if (this.#stopped) return;
			const lag = this.lag();
			if (lag !== undefined && lag < this.window) this.publish(this.window - lag);
			// A 1 ms poll: the hub drains on its tick (every 10–50 ms), so this refills within about
			// a millisecond of each drain without spinning the gateway's CPU between ticks.
			this.#timer = setTimeout(loop, 1);
		};
		loop();
	}

	stop(): void {
		this.#stopped = true;
		clearTimeout(this.#timer);
	}
}

/** Publishes `rate` entries per second, spread over ticks of `tickMs`, exact over time. */
export class PacedSource extends PrebuiltSource {
	#timer: NodeJS.Timeout | undefined;

	constructor(
		entries: readonly SourceLogEntry[],
		readonly rate: number,
		readonly tickMs = 50
	) {
		super('paced', entries);
	}

	protected begin(): void {
		const t0 = performance.now();
		this.#timer = setInterval(() => {
			const due = Math.floor(((performance.now() - t0) / 1000) * this.rate) - this.published;
			if (due > 0) this.publish(due);
		}, this.tickMs);
	}

	stop(): void {
		clearInterval(this.#timer);
	}
}
