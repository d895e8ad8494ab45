/**
 * CPU and memory of one task, sampled once per virtual second. A chart of these should look like a
 * real service: a per-service baseline that follows the day (compressed so a demo sees it move),
 * load spikes that lift CPU, a JVM-style warm-up after start, mean-reverting noise rather than
 * white noise (real utilisation wanders, it does not jump), and for the leaky service a straight
 * climb towards the memory reservation.
 */
import type { Rng } from './prng';

/** A compressed "day": long enough to look like a trend, short enough to see in a demo. */
export const DAY_MS = 24 * 60_000;

/** What a task is like when nothing unusual happens. */
export interface MetricProfile {
	/** Typical CPU, in percent of the task's CPU reservation. */
	cpuPercent: number;
	/** Typical memory once warmed up, MiB. */
	memoryMiB: number;
	/** The task's memory reservation, MiB: the OOM killer's line. */
	memoryLimitMiB: number;
	/** Leak rate in MiB per minute of uptime (0: no leak). */
	leakMiBPerMinute: number;
}

/** The pressure on a task at one moment. */
export interface Load {
	/** Time-of-day factor around 1 (see `dayWave`). */
	wave: number;
	/** Load spike intensity, 0 when none (about 1 for a strong spike). */
	spike: number;
	/** Trouble inside the task (a failing dependency), 0 to 1. */
	stress: number;
}

/** One sample. */
export interface MetricSample {
	/** Percent of the CPU reservation, 0 to 100. */
	cpu: number;
	/** MiB. May reach `memoryLimitMiB`, never exceeds it. */
	memory: number;
}

/**
 * The time-of-day factor for a service at virtual time `t`: a slow wave plus a faster ripple, mean
 * 1 over a day. `phase` shifts services apart so they do not peak together.
 */
export function dayWave(t: number, phase: number): number {
	return (
		1 +
		0.3 * Math.sin((2 * Math.PI * t) / DAY_MS + phase) +
		0.06 * Math.sin((2 * Math.PI * t) / 97_000 + 3 * phase)
	);
}

function round1(x: number): number {
	return Math.round(x * 10) / 10;
}

/** The metric model of one task; keep one per task and call `sample` once per second. */
export class TaskMetricsModel {
	private cpuNoise = 0;
	private memoryNoise = 0;
	private readonly leakPerMs: number;

	/**
	 * @param rng the task's own random stream (so tasks do not perturb each other)
	 * @param profile the service's behaviour
	 */
	constructor(
		private readonly rng: Rng,
		readonly profile: MetricProfile
	) {
		// Tasks of one service leak at slightly different speeds (different traffic mixes).
		this.leakPerMs = (profile.leakMiBPerMinute * rng.between(0.85, 1.15)) / 60_000;
	}

	/** The memory the leak alone has added after `uptimeMs`. */
	leakAfter(uptimeMs: number): number {
		return this.leakPerMs * uptimeMs;
	}

	/** One sample after `uptimeMs` of running, under `load`. */
	sample(uptimeMs: number, load: Load): MetricSample {
		const p = this.profile;
		const rng = this.rng;
		// Ornstein-Uhlenbeck steps: noise that wanders and returns, as utilisation does.
		this.cpuNoise += -0.25 * this.cpuNoise + (0.06 * p.cpuPercent + 0.4) * rng.normal();
		this.memoryNoise += -0.1 * this.memoryNoise + 0.006 * p.memoryMiB * rng.normal();

		// Start-up burns CPU (JIT, cache warming) and memory fills over the first minute.
		const warmCpu = 30 * Math.exp(-uptimeMs / 15_000);
		const warmMemory = 0.55 + 0.45 * (1 - Math.exp(-uptimeMs / 40_000));

		const cpu =
			p.cpuPercent * load.wave * (1 + 1.8 * load.spike) +
			20 * load.stress +
			warmCpu +
			this.cpuNoise;
		const memory =
			p.memoryMiB * warmMemory * (1 + 0.08 * load.spike) +
			this.memoryNoise +
			this.leakAfter(uptimeMs);
		return {
			cpu: round1(Math.min(100, Math.max(0.1, cpu))),
			memory: round1(Math.min(p.memoryLimitMiB, Math.max(8, memory)))
		};
	}
}
