/**
 * The built-in KECS simulator as a gateway `Source`: the deterministic world (world.ts) driven by
 * one real timer. Each tick advances virtual time by the wall-clock time that passed, so log and
 * metric timestamps track the real clock and rates are per real second.
 */
import type { Task } from '../../../src/lib/protocol/types';
import type { Source, SourceHealth, SourceSink } from '../source';
import { createWorld, DEFAULT_LOG_RATE, DEFAULT_SEED } from './world';

export {
	createWorld,
	DEFAULT_LOG_RATE,
	DEFAULT_SEED,
	DEFAULT_START_TIME,
	QUANTUM_MS
} from './world';
export type { AdvanceOptions, World, WorldOptions } from './world';
export { isLegalTransition, LEGAL_TRANSITIONS, TASK_LIFECYCLE } from './lifecycle';
export { SERVICES, CLUSTERS } from './topology';

/** Options of `createSimulator`. */
export interface SimulatorOptions {
	/** Seed of the simulated world; the same seed gives the same world. Default 1. */
	seed?: number;
	/** Log lines per second over all running tasks, on average. Default 20. */
	logRate?: number;
	/** Virtual time at start, epoch milliseconds. Default: the wall clock when created. */
	startTime?: number;
	/** Real milliseconds between ticks of the timer. Default 50 (the hub batches per 50 ms). */
	tickMs?: number;
	/** Tasks the services keep running together (`SIM_TASKS`). Default the topology's (about a dozen). */
	tasks?: number;
}

/**
 * The longest gap the simulator replays in full. After a longer stall (the machine slept, the
 * event loop was blocked) it moves on quietly: task changes and notifications still come, but not
 * an hour of routine logs at once.
 */
export const MAX_CATCH_UP_MS = 5_000;

/** Default real milliseconds between ticks. */
export const DEFAULT_TICK_MS = 50;

/**
 * The built-in KECS simulator: two clusters, eight services, about a dozen tasks with deployments,
 * crashes, an OOM-killed leaky worker, logs, metrics and notifications.
 */
export function createSimulator(options: SimulatorOptions = {}): Source {
	const tickMs = options.tickMs ?? DEFAULT_TICK_MS;
	if (!Number.isFinite(tickMs) || tickMs <= 0)
		throw new RangeError(`tickMs must be > 0, got ${tickMs}`);
	const world = createWorld({
		seed: options.seed ?? DEFAULT_SEED,
		logRate: options.logRate ?? DEFAULT_LOG_RATE,
		startTime: options.startTime ?? Date.now(),
		...(options.tasks === undefined ? {} : { tasks: options.tasks })
	});
	// Virtual time starts now; time until start() is caught up on the first tick.
	const createdAt = performance.now();
	let timer: ReturnType<typeof setInterval> | undefined;
	let started = false;
	let health: SourceHealth = { status: 'healthy', since: new Date() };

	return {
		name: 'simulator',
		providesMetrics: true,

		start(sink: SourceSink): void {
			if (started) throw new Error('simulator already started');
			started = true;
			// Announce the initial tasks at once rather than on the first tick.
			world.advance(0, sink);
			let last = createdAt;
			timer = setInterval(() => {
				const now = performance.now();
				let elapsed = now - last;
				last = now;
				try {
					if (elapsed > MAX_CATCH_UP_MS) {
						world.advance(elapsed - tickMs, sink, { quiet: true });
						elapsed = tickMs;
					}
					world.advance(elapsed, sink);
					if (health.status !== 'healthy') health = { status: 'healthy', since: new Date() };
				} catch (error) {
					// A throwing sink must not take the gateway down with an uncaught exception.
					const detail = error instanceof Error ? error.message : String(error);
					if (health.status !== 'degraded' || health.detail !== detail) {
						health = { status: 'degraded', detail, since: new Date() };
					}
				}
			}, tickMs);
			// The simulator never keeps the process alive on its own.
			timer.unref();
		},

		stop(): void {
			if (timer !== undefined) clearInterval(timer);
			timer = undefined;
		},

		tasks(): Task[] {
			return world.tasks();
		},

		health(): SourceHealth {
			return health;
		}
	};
}
