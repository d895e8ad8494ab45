/**
 * The simulated ECS account: services keep their tasks running, tasks walk the ECS lifecycle,
 * deployments replace tasks, a leaky worker gets OOM-killed, things crash and recover, and every
 * running container writes logs and reports CPU and memory. It emits what an operator would see
 * into a `SourceSink`.
 *
 * The world has no timers and reads no clock. Virtual time moves only through `advance(ms)`, in
 * fixed quanta of `QUANTUM_MS`, and all randomness comes from the seed. So the same seed and the
 * same total advance give the same events however the caller slices the time (advance(1000) or
 * 100 x advance(10)), tests can run hours of virtual time in milliseconds, and the live source
 * (index.ts) is only a thin timer that maps wall-clock time onto `advance`.
 */
import type { LogEntry, LogLevel, Task, TaskStatus } from '../../../src/lib/protocol/types';
import type { SourceLogEntry, SourceSink, SourceTaskUpdate } from '../source';
import { DIALECTS } from './dialects';
import { isLegalTransition, PHASE_DURATION_MS } from './lifecycle';
import {
	weightTable,
	type ContainerLogContext,
	type Dialect,
	type Endpoint,
	type LineParts,
	type Said
} from './log-line';
import { DAY_MS, dayWave, TaskMetricsModel } from './metrics';
import * as notify from './notifications';
import { createRng, type Rng } from './prng';
import { Scheduler } from './scheduler';
import { TimeFormats } from './time-format';
import {
	clusterArn,
	SERVICES,
	serviceArn,
	taskArn,
	taskDefinitionArn,
	type ContainerSpec,
	type ServiceSpec
} from './topology';

/** Virtual time advances in steps of this many milliseconds, whatever `advance` is given. */
export const QUANTUM_MS = 10;
/** Seed used when none is given. */
export const DEFAULT_SEED = 1;
/** Log lines per second over all tasks when no rate is given. */
export const DEFAULT_LOG_RATE = 20;
/** Virtual start time when none is given: 2026-11-26T09:00:00Z. */
export const DEFAULT_START_TIME = Date.UTC(2026, 10, 26, 9, 0, 0);

/** How often ECS rolls out a new revision somewhere, in virtual ms [min, max]. */
const DEPLOYMENT_EVERY_MS = [180_000, 360_000] as const;
/** Share of deployments whose new revision cannot start (bad image tag, failing migration). */
const DEPLOYMENT_FAILURE_RATE = 0.12;
/** Tasks of a new revision that may fail before the circuit breaker rolls back. */
const CIRCUIT_BREAKER_THRESHOLD = 3;
/** How often some service sees a traffic spike, and how long and strong it is. */
const SPIKE_EVERY_MS = [90_000, 240_000] as const;
const SPIKE_DURATION_MS = [20_000, 90_000] as const;
const SPIKE_INTENSITY = [0.4, 1.1] as const;
/** Health check interval (ECS allows 5 to 300 s) and the failures that make a container UNHEALTHY. */
const HEALTH_CHECK_INTERVAL_MS = 5_000;
const HEALTH_CHECK_RETRIES = 3;
/** Chance that a failing health check recovers before ECS replaces the task. */
const HEALTH_RECOVERY_RATE = 0.6;

/** Options of `createWorld`. */
export interface WorldOptions {
	/** Seed of every random choice; the same seed gives the same world. Default 1. */
	seed?: number;
	/** Log lines per second over all running tasks, on average. Default 20. */
	logRate?: number;
	/** Virtual epoch milliseconds at which the world starts. Default 2026-11-26T09:00:00Z. */
	startTime?: number;
	/**
	 * Tasks the services keep running together (their desired counts scaled to add up to this;
	 * a soak asks for 30). Default: the topology's own counts (about a dozen).
	 */
	tasks?: number;
}

/** Options of `World.advance`. */
export interface AdvanceOptions {
	/**
	 * Move time without routine log lines and metric samples (task changes, notifications and
	 * the few lifecycle log lines still come). For catching up after the process slept, when
	 * replaying an hour of logs would flood every client. Default false.
	 */
	quiet?: boolean;
}

/** A deterministic ECS world driven by virtual time. */
export interface World {
	/** The virtual time reached so far (epoch milliseconds). */
	readonly now: number;
	/** The current average log rate (lines per second over all running tasks). */
	readonly logRate: number;
	/** Change the log rate from now on (benchmarks push it to 50,000+). */
	setLogRate(linesPerSecond: number): void;
	/**
	 * Move virtual time forward by `ms` and emit everything that happened into `sink`, in time
	 * order. Time moves in whole quanta; a remainder is carried to the next call.
	 */
	advance(ms: number, sink: SourceSink, options?: AdvanceOptions): void;
	/** Snapshots of every task ECS still knows about (running, starting, recently stopped). */
	tasks(): Task[];
}

/** Build a world. Nothing happens until `advance` is called. */
export function createWorld(options: WorldOptions = {}): World {
	return new EcsWorld(options);
}

// ---------------------------------------------------------------------------------------------
// Internal model

type ContainerStatus = 'PENDING' | 'RUNNING' | 'STOPPED';
type HealthStatus = 'HEALTHY' | 'UNHEALTHY' | 'UNKNOWN';
type TaskState = Omit<Task, 'containers'>;
type TaskChanges = NonNullable<SourceTaskUpdate['changes']>;
type FailureMode = 'pull' | 'crashloop';
/** Why a task's essential container exited on its own. */
type ExitKind = 'crash' | 'startup' | 'oom' | 'complete' | 'jobFailure';

interface SimContainer {
	readonly spec: ContainerSpec;
	/** Docker id on EC2, `<task id>-<digits>` on Fargate, as ECS reports `runtimeId`. */
	readonly runtimeId: string;
	readonly dialect: Dialect;
	readonly ctx: ContainerLogContext;
	readonly source: LogEntry['source'];
	lastStatus: ContainerStatus;
	exitCode: number | undefined;
	healthStatus: HealthStatus | undefined;
}

interface SimTask {
	readonly arn: string;
	/** The 32 hex digits at the end of the ARN. */
	readonly id: string;
	readonly service: SimService;
	readonly revision: number;
	/** The deployment that launched it, if any. */
	readonly deployment: Deployment | undefined;
	/** Set for tasks of a revision that cannot start. */
	readonly failure: FailureMode | undefined;
	readonly containers: readonly SimContainer[];
	/** The essential application container: the one that crashes, leaks and logs most. */
	readonly primary: SimContainer;
	readonly metrics: TaskMetricsModel;
	state: TaskState;
	startedAtMs: number;
	/** Passed its first health check (or has none): counts as available. */
	healthy: boolean;
	/** The essential container exited; the task is on its way down. */
	exited: boolean;
	/** desiredStatus is STOPPED. */
	stopRequested: boolean;
	/** 0 to 1: trouble inside the task (a failing dependency). */
	stress: number;
	/** Memory warnings already written (the leak warns at 80% and at 92%). */
	memoryWarnings: number;
}

interface Deployment {
	readonly id: string;
	readonly from: number;
	readonly to: number;
	readonly failMode: FailureMode | undefined;
	/** Tasks that were meant to run when the deployment began; it stops them as new ones pass. */
	readonly oldTasks: Set<SimTask>;
	failures: number;
}

interface Spike {
	readonly start: number;
	readonly end: number;
	readonly intensity: number;
}

interface SimService {
	readonly spec: ServiceSpec;
	readonly clusterArn: string;
	readonly arn: string;
	readonly endpointTable: readonly Endpoint[];
	/** Shifts this service's daily wave so services do not peak together. */
	readonly wavePhase: number;
	/** Source of its ECS service event lines. */
	readonly eventSource: LogEntry['source'];
	/** The task definition revision the service runs (changes when a deployment completes). */
	revision: number;
	/** The highest registered revision (failed deployments use up revisions too). */
	latestRevision: number;
	tasks: SimTask[];
	deployment: Deployment | undefined;
	spike: Spike | undefined;
}

const NULL_SINK: SourceSink = {
	log() {},
	metrics() {},
	notification() {},
	task() {}
};

function between(rng: Rng, range: readonly [number, number]): number {
	return rng.between(range[0], range[1]);
}

class EcsWorld implements World {
	/** Lifecycle decisions. Separate streams keep, say, the log rate from changing the lifecycle. */
	private readonly rng: Rng;
	/** Log line content and timing. */
	private readonly logRng: Rng;
	/** Seeds each task's metric stream. */
	private readonly metricRng: Rng;
	private readonly times = new TimeFormats();
	private readonly scheduler = new Scheduler();
	private readonly services: SimService[] = [];
	/** Desired count per service when `tasks` scales them (otherwise the spec's). */
	private readonly desiredCounts = new Map<SimService, number>();
	/** Tasks ECS knows, in creation order (Map iteration order keeps runs reproducible). */
	private readonly tasksByArn = new Map<string, SimTask>();
	private readonly idPrefix: string;
	private clock: number;
	private pendingMs = 0;
	private budget = 0;
	private rate: number;
	private sink: SourceSink = NULL_SINK;
	private quiet = false;
	private logCount = 0;
	private notificationCount = 0;
	/** The service of the latest deployment. */
	private lastDeployed: SimService | undefined;
	/** Tasks that existed before the first advance; announced as `created` when it is called. */
	private unannounced: SimTask[] = [];

	// Running containers that write routine lines, with cumulative weights for a weighted pick.
	private emitterCount = 0;
	private emitterTotal = 0;
	private readonly emitterTasks: SimTask[] = [];
	private readonly emitterContainers: SimContainer[] = [];
	private readonly emitterCumulative: number[] = [];
	private readonly emitterStress: number[] = [];

	constructor(options: WorldOptions) {
		const seed = options.seed ?? DEFAULT_SEED;
		const startTime = Math.floor(options.startTime ?? DEFAULT_START_TIME);
		if (!Number.isFinite(startTime)) throw new RangeError('startTime must be finite');
		this.rate = checkRate(options.logRate ?? DEFAULT_LOG_RATE);
		this.rng = createRng(seed);
		this.logRng = this.rng.fork();
		this.metricRng = this.rng.fork();
		this.clock = startTime;
		// Ids stay unique across restarts (another start time) and across seeds.
		this.idPrefix = `sim-${(Math.trunc(seed) >>> 0).toString(36)}-${startTime.toString(36)}-`;

		for (const spec of SERVICES) {
			this.services.push({
				spec,
				clusterArn: clusterArn(spec.cluster),
				arn: serviceArn(spec.cluster, spec.name),
				endpointTable: weightTable(spec.vocabulary.endpoints),
				wavePhase: this.rng.between(0, 2 * Math.PI),
				eventSource: Object.freeze({
					type: 'system' as const,
					name: 'ecs',
					identifier: serviceArn(spec.cluster, spec.name)
				}),
				revision: spec.revision,
				latestRevision: spec.revision,
				tasks: [],
				deployment: undefined,
				spike: undefined
			});
		}
		if (options.tasks !== undefined) this.scaleDesiredCounts(options.tasks);
		this.populate();
		this.scheduleRecurring();
	}

	/** A service's desired count (the spec's, or scaled by the `tasks` option). */
	private desired(service: SimService): number {
		return this.desiredCounts.get(service) ?? service.spec.desiredCount;
	}

	/** Scale the services' desired counts to add up to `total` (largest remainders, in order). */
	private scaleDesiredCounts(total: number): void {
		if (!Number.isInteger(total) || total < 0) {
			throw new RangeError(`tasks must be an integer >= 0, got ${total}`);
		}
		const scaled = this.services.filter(
			(s) => s.spec.kind === 'service' && s.spec.desiredCount > 0
		);
		const base = scaled.reduce((sum, s) => sum + s.spec.desiredCount, 0);
		const exact = scaled.map((s) => (s.spec.desiredCount * total) / base);
		const counts = exact.map(Math.floor);
		let left = total - counts.reduce((a, b) => a + b, 0);
		const byRemainder = exact
			.map((x, i) => ({ i, r: x - Math.floor(x) }))
			.sort((a, b) => b.r - a.r || a.i - b.i);
		for (const { i } of byRemainder) {
			if (left-- <= 0) break;
			counts[i]!++;
		}
		scaled.forEach((s, i) => this.desiredCounts.set(s, counts[i]!));
	}

	get now(): number {
		return this.clock;
	}

	get logRate(): number {
		return this.rate;
	}

	setLogRate(linesPerSecond: number): void {
		this.rate = checkRate(linesPerSecond);
	}

	advance(ms: number, sink: SourceSink, options?: AdvanceOptions): void {
		if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance() needs ms >= 0, got ${ms}`);
		this.sink = sink;
		this.quiet = options?.quiet ?? false;
		try {
			if (this.unannounced.length > 0) {
				for (const task of this.unannounced) this.emitTask('created', task);
				this.unannounced = [];
			}
			this.pendingMs += ms;
			while (this.pendingMs >= QUANTUM_MS) {
				this.pendingMs -= QUANTUM_MS;
				this.runQuantum();
			}
		} finally {
			this.sink = NULL_SINK;
			this.quiet = false;
		}
	}

	tasks(): Task[] {
		const out: Task[] = [];
		for (const task of this.tasksByArn.values()) out.push(this.snapshot(task));
		return out;
	}

	// -------------------------------------------------------------------------------------------
	// Time

	/**
	 * One quantum [clock, clock + QUANTUM_MS): routine log lines at spread-out instants, with due
	 * actions run in between so log timestamps never go backwards.
	 */
	private runQuantum(): void {
		const start = this.clock;
		const end = start + QUANTUM_MS;

		let lines = 0;
		if (this.quiet) {
			this.budget = 0;
		} else if (this.rate > 0) {
			// Mean-one jitter per quantum (sum of two uniforms) and the daily wave make the rate
			// bursty like real traffic while the long-run average stays exactly `rate`.
			const wave = 1 + 0.2 * Math.sin((2 * Math.PI * start) / DAY_MS);
			const jitter = this.logRng.next() + this.logRng.next();
			this.budget += ((this.rate * QUANTUM_MS) / 1000) * wave * jitter;
			if (this.budget >= 1) {
				lines = Math.floor(this.budget);
				this.budget -= lines;
			}
		}

		if (lines > 0) this.rebuildEmitters(start);
		for (let i = 0; i < lines; i++) {
			const t = start + Math.floor(((i + this.logRng.next()) * QUANTUM_MS) / lines);
			if (this.scheduler.peekTime() <= t) {
				this.runDue(t);
				this.rebuildEmitters(t);
			}
			this.clock = t;
			if (this.emitterCount > 0) this.routineLine(t);
		}
		this.runDue(end - 1);
		this.clock = end;
	}

	/** Run every action due at or before `limit`, in time order. */
	private runDue(limit: number): void {
		for (;;) {
			if (this.scheduler.peekTime() > limit) return;
			const entry = this.scheduler.pop();
			if (entry === undefined) return;
			this.clock = entry.time;
			entry.action();
		}
	}

	/** Do `action` after `delayMs` of virtual time (rounded to whole milliseconds). */
	private after(delayMs: number, action: () => void): void {
		this.scheduler.at(this.clock + Math.max(0, Math.round(delayMs)), action);
	}

	private afterRange(range: readonly [number, number], action: () => void): void {
		this.after(between(this.rng, range), action);
	}

	// -------------------------------------------------------------------------------------------
	// The initial account and the things that recur

	/** Services start at their desired count, running for a while already, as an account would be. */
	private populate(): void {
		for (const service of this.services) {
			if (service.spec.kind !== 'service') continue;
			for (let i = 0; i < this.desired(service); i++) {
				// The leaky service was restarted recently (it keeps being OOM-killed); others have
				// been up for hours.
				const uptime =
					service.spec.leakMiBPerMinute > 0
						? this.rng.between(2 * 60_000, 8 * 60_000)
						: this.rng.between(30 * 60_000, 30 * 3600_000);
				const startedAt = Math.round(this.clock - uptime);
				const task = this.createTask(service, service.revision, undefined, {
					running: true,
					createdAt: startedAt - Math.round(this.rng.between(15_000, 40_000)),
					startedAt
				});
				this.unannounced.push(task);
				this.scheduleHazards(task);
			}
		}
	}

	private scheduleRecurring(): void {
		// The first of everything comes early, so a demo shows a lifecycle within a minute.
		const firstSecond = Math.ceil(this.clock / 1000) * 1000;
		this.scheduler.at(firstSecond, () => this.sampleMetrics());
		this.afterRange([40_000, 75_000], () => this.startDeployment());
		this.afterRange([20_000, 60_000], () => this.startSpike());
		for (const service of this.services) {
			if (service.spec.kind === 'scheduled') {
				this.afterRange([60_000, 120_000], () => this.runJob(service));
			}
		}
	}

	// -------------------------------------------------------------------------------------------
	// Tasks

	private createTask(
		service: SimService,
		revision: number,
		deployment: Deployment | undefined,
		start: { running: boolean; createdAt: number; startedAt?: number }
	): SimTask {
		const spec = service.spec;
		const rng = this.rng;
		const id = rng.hex(32);
		const arn = taskArn(spec.cluster, id);
		const hostname = `ip-10-0-${rng.int(64)}-${1 + rng.int(254)}.ec2.internal`;
		const version = `${spec.version}.${revision}`;
		const containers = spec.containers.map((cs): SimContainer => {
			const runtimeId = spec.launchType === 'FARGATE' ? `${id}-${rng.digits(10)}` : rng.hex(64);
			return {
				spec: cs,
				runtimeId,
				dialect: DIALECTS[cs.runtime],
				ctx: {
					serviceName: spec.name,
					containerName: cs.name,
					hostname,
					version,
					appName: spec.appName,
					ansi: cs.ansi ?? false,
					json: cs.json ?? false,
					vocabulary: spec.vocabulary,
					endpointTable: service.endpointTable,
					times: this.times
				},
				source: Object.freeze({ type: 'container' as const, name: cs.name, identifier: runtimeId }),
				lastStatus: start.running ? 'RUNNING' : 'PENDING',
				exitCode: undefined,
				healthStatus: cs.healthCheck ? (start.running ? 'HEALTHY' : 'UNKNOWN') : undefined
			};
		});
		const primary = containers[0];
		if (primary === undefined) throw new Error(`service ${spec.name} has no containers`);
		const state: TaskState = {
			taskArn: arn,
			clusterArn: service.clusterArn,
			taskDefinitionArn: taskDefinitionArn(spec.family, revision),
			group: spec.kind === 'service' ? `service:${spec.name}` : `family:${spec.family}`,
			lastStatus: start.running ? 'RUNNING' : 'PROVISIONING',
			desiredStatus: 'RUNNING',
			launchType: spec.launchType,
			cpu: spec.cpu,
			memory: spec.memory,
			createdAt: new Date(start.createdAt)
		};
		if (start.startedAt !== undefined) state.startedAt = new Date(start.startedAt);
		const task: SimTask = {
			arn,
			id,
			service,
			revision,
			deployment,
			failure: deployment?.failMode,
			containers,
			primary,
			metrics: new TaskMetricsModel(this.metricRng.fork(), {
				cpuPercent: spec.cpuPercent,
				memoryMiB: spec.memoryMiB,
				memoryLimitMiB: Number(spec.memory),
				leakMiBPerMinute: spec.leakMiBPerMinute
			}),
			state,
			startedAtMs: start.startedAt ?? start.createdAt,
			healthy: start.running,
			exited: false,
			stopRequested: false,
			stress: 0,
			memoryWarnings: 0
		};
		this.tasksByArn.set(arn, task);
		service.tasks.push(task);
		return task;
	}

	/** Start `count` tasks of `revision`: PROVISIONING, then up the lifecycle. */
	private launch(
		service: SimService,
		count: number,
		revision: number,
		deployment?: Deployment
	): void {
		const started: SimTask[] = [];
		for (let i = 0; i < count; i++) {
			const task = this.createTask(service, revision, deployment, {
				running: false,
				createdAt: this.clock
			});
			started.push(task);
			this.emitTask('created', task);
			this.afterRange(PHASE_DURATION_MS.provisioning, () => this.toPending(task));
		}
		if (service.spec.kind === 'service' && started.length > 0) {
			const list = started.map((t) => `(task ${t.id})`).join(' ');
			this.serviceEvent(
				service,
				'info',
				`(service ${service.spec.name}) has started ${started.length} tasks: ${list}.`
			);
		}
	}

	private toPending(task: SimTask): void {
		if (task.stopRequested) return;
		this.setStatus(task, 'PENDING');
		this.afterRange(PHASE_DURATION_MS.pending, () => this.pulled(task));
	}

	/** The image pull finished (or failed); containers start. */
	private pulled(task: SimTask): void {
		if (task.stopRequested) return;
		if (task.failure === 'pull') {
			this.failToStart(task);
			return;
		}
		for (const c of task.containers) c.lastStatus = 'RUNNING';
		this.setStatus(task, 'ACTIVATING', {}, true);
		for (const c of task.containers) this.sayLines(task, c, c.dialect.startup(c.ctx), 100, 400);
		this.afterRange(PHASE_DURATION_MS.activating, () => this.toRunning(task));
	}

	private toRunning(task: SimTask): void {
		if (task.stopRequested) return;
		task.startedAtMs = this.clock;
		this.setStatus(task, 'RUNNING', { startedAt: new Date(this.clock) });
		if (task.failure === 'crashloop') {
			// The new revision dies during start-up (a failing migration, a missing variable) and
			// never passes a health check.
			this.afterRange([3_000, 8_000], () => this.exit(task, 'startup'));
			return;
		}
		if (task.containers.some((c) => c.spec.healthCheck)) {
			this.afterRange(PHASE_DURATION_MS.healthGrace, () => this.becomeHealthy(task));
		} else {
			task.healthy = true;
			this.onHealthy(task);
		}
		this.scheduleHazards(task);
	}

	/** What can happen to a running task later: crashes, health incidents, the end of a job. */
	private scheduleHazards(task: SimTask): void {
		const spec = task.service.spec;
		if (spec.crashEveryMinutes > 0) {
			this.after(this.rng.exponential(spec.crashEveryMinutes * 60_000), () =>
				this.exit(task, 'crash')
			);
		}
		if (spec.healthIncidentEveryMinutes > 0) {
			this.after(this.rng.exponential(spec.healthIncidentEveryMinutes * 60_000), () =>
				this.healthIncident(task)
			);
		}
		if (spec.schedule !== undefined) {
			const failed = this.rng.chance(spec.schedule.failureRate);
			this.afterRange(spec.schedule.runMs, () =>
				this.exit(task, failed ? 'jobFailure' : 'complete')
			);
		}
	}

	private becomeHealthy(task: SimTask): void {
		if (task.stopRequested || task.exited) return;
		for (const c of task.containers) if (c.spec.healthCheck) c.healthStatus = 'HEALTHY';
		task.healthy = true;
		this.emitTask('updated', task, { containers: this.containerViews(task) });
		this.onHealthy(task);
	}

	/** The image could not be pulled: the task stops without ever running. */
	private failToStart(task: SimTask): void {
		const spec = task.service.spec;
		const image = `${task.primary.spec.image}:${task.primary.ctx.version}`;
		const reason =
			`CannotPullContainerError: pull image manifest has been retried 5 time(s): ` +
			`failed to resolve ref ${image}: not found`;
		this.requestStop(task, reason, 'TaskFailedToStart');
		for (const c of task.containers) c.lastStatus = 'STOPPED';
		this.serviceEvent(
			task.service,
			'warn',
			`(service ${spec.name}) (task ${task.id}) failed to start: ${reason}`
		);
		this.onTaskLost(task);
		if (spec.launchType === 'FARGATE') {
			// A Fargate task has an ENI to give back even when it never started.
			this.setStatus(task, 'DEPROVISIONING', {}, true);
			this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
		} else {
			this.toStopped(task);
		}
	}

	/**
	 * The essential container exited on its own: a crash, the OOM killer, or a job that finished.
	 * ECS notices, sets desiredStatus to STOPPED and takes the task down without draining.
	 */
	private exit(task: SimTask, kind: ExitKind): void {
		if (task.exited || task.stopRequested || task.state.lastStatus !== 'RUNNING') return;
		const c = task.primary;
		const limit = Number(task.service.spec.memory);
		let exitCode: number;
		let reason = 'Essential container in task exited';
		if (kind === 'oom') {
			exitCode = 137;
			reason = 'OutOfMemoryError: Container killed due to memory usage';
			this.agentLog(
				task,
				'error',
				`Task ${task.id}: container ${c.spec.name} was killed by the OOM killer ` +
					`(memory usage reached the ${limit} MiB limit); exit code 137`
			);
		} else if (kind === 'complete') {
			exitCode = 0;
			this.containerLog(task, c, this.clock, {
				level: 'info',
				message: c.dialect.line(
					this.clock,
					'info',
					`report complete: ${40_000 + this.rng.int(20_000)} rows exported`,
					c.ctx
				)
			});
		} else {
			const failure = c.dialect.crash(this.rng, this.clock, c.ctx);
			exitCode = failure.exitCode;
			this.containerLog(task, c, this.clock, {
				level: 'fatal',
				message: failure.message,
				stackTrace: failure.stackTrace
			});
		}
		task.exited = true;
		c.lastStatus = 'STOPPED';
		c.exitCode = exitCode;

		this.afterRange([300, 900], () => {
			this.requestStop(task, reason, 'EssentialContainerExited', true);
			const facts = this.facts(task);
			if (kind === 'oom') {
				this.sink.notification(
					notify.outOfMemory(this.notificationId(), this.clock, facts, c.spec.name, limit)
				);
			} else if (kind === 'crash' || kind === 'jobFailure') {
				this.sink.notification(
					notify.taskStoppedUnexpectedly(this.notificationId(), this.clock, facts, reason, exitCode)
				);
			}
			if (task.service.spec.kind === 'service') {
				this.serviceEvent(
					task.service,
					'info',
					`(service ${task.service.spec.name}) has stopped 1 running tasks: (task ${task.id}).`
				);
				this.onTaskLost(task);
			}
			this.afterRange([800, 2_000], () => {
				this.setStatus(task, 'STOPPING');
				this.afterRange(PHASE_DURATION_MS.stopping, () => this.containersExited(task));
			});
		});
	}

	/**
	 * Someone asked the task to stop (a deployment, the scheduler replacing an unhealthy task):
	 * drain it from the load balancer, SIGTERM, wait, release the ENI.
	 */
	private stop(task: SimTask, reason: string, stopCode = 'ServiceSchedulerInitiated'): void {
		if (task.stopRequested || task.exited) return;
		this.requestStop(task, reason, stopCode);
		this.afterRange(PHASE_DURATION_MS.stopRequested, () => {
			switch (task.state.lastStatus) {
				case 'RUNNING':
				case 'ACTIVATING':
					this.setStatus(task, 'DEACTIVATING');
					this.afterRange(PHASE_DURATION_MS.deactivating, () => this.toStopping(task));
					break;
				case 'PENDING':
					this.toStopping(task);
					break;
				case 'PROVISIONING':
					this.setStatus(task, 'DEPROVISIONING');
					this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
					break;
				default:
					break;
			}
		});
	}

	private toStopping(task: SimTask): void {
		this.setStatus(task, 'STOPPING');
		for (const c of task.containers) {
			if (c.lastStatus === 'RUNNING') this.sayLines(task, c, c.dialect.shutdown(c.ctx), 50, 250);
		}
		this.afterRange(PHASE_DURATION_MS.stopping, () => this.containersExited(task));
	}

	/** Every container is down (SIGTERM'd ones exit 0, or 143 for a JVM); the ENI goes next. */
	private containersExited(task: SimTask): void {
		for (const c of task.containers) {
			if (c.lastStatus === 'RUNNING') c.exitCode = c.spec.runtime === 'java' ? 143 : 0;
			c.lastStatus = 'STOPPED';
		}
		this.setStatus(task, 'DEPROVISIONING', {}, true);
		this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
	}

	private toStopped(task: SimTask): void {
		for (const c of task.containers) c.lastStatus = 'STOPPED';
		this.setStatus(task, 'STOPPED', { stoppedAt: new Date(this.clock) }, true);
		this.afterRange(PHASE_DURATION_MS.retainStopped, () => this.forget(task));
		const deployment = task.service.deployment;
		if (deployment !== undefined && deployment.oldTasks.has(task))
			this.checkDeployment(task.service);
	}

	/** ECS forgets a stopped task after a while; the dashboard drops it. */
	private forget(task: SimTask): void {
		this.emitTask('deleted', task);
		this.tasksByArn.delete(task.arn);
		const tasks = task.service.tasks;
		const i = tasks.indexOf(task);
		if (i !== -1) tasks.splice(i, 1);
	}

	/** desiredStatus RUNNING -> STOPPED, with the reason ECS shows. */
	private requestStop(
		task: SimTask,
		reason: string,
		stopCode: string,
		withContainers = false
	): void {
		task.stopRequested = true;
		task.state.desiredStatus = 'STOPPED';
		task.state.stoppedReason = reason;
		task.state.stopCode = stopCode;
		const changes: TaskChanges = { desiredStatus: 'STOPPED', stoppedReason: reason, stopCode };
		if (withContainers) changes.containers = this.containerViews(task);
		this.emitTask('updated', task, changes);
	}

	// -------------------------------------------------------------------------------------------
	// Health checks

	/** A dependency fails; health checks fail; the task recovers or ECS replaces it. */
	private healthIncident(task: SimTask): void {
		if (task.exited || task.stopRequested || task.state.lastStatus !== 'RUNNING') return;
		const c = task.primary;
		task.stress = 1;
		let failures = 0;
		const check = (): void => {
			if (task.stress === 0 || task.exited || task.stopRequested) return;
			this.containerLog(
				task,
				c,
				this.clock,
				c.dialect.healthFailure(this.logRng, this.clock, c.ctx)
			);
			failures++;
			if (failures === HEALTH_CHECK_RETRIES) {
				c.healthStatus = 'UNHEALTHY';
				this.emitTask('updated', task, { containers: this.containerViews(task) });
				this.sink.notification(
					notify.healthCheckFailing(
						this.notificationId(),
						this.clock,
						this.facts(task),
						c.spec.name
					)
				);
			}
			this.after(HEALTH_CHECK_INTERVAL_MS, check);
		};
		check();

		const recovers = this.rng.chance(HEALTH_RECOVERY_RATE);
		this.afterRange([25_000, 50_000], () => {
			if (task.exited || task.stopRequested) return;
			if (recovers) {
				task.stress = 0;
				this.containerLog(task, c, this.clock, {
					level: 'info',
					message: c.dialect.line(
						this.clock,
						'info',
						'Dependency recovered, health check passing',
						c.ctx
					)
				});
				if (c.healthStatus === 'UNHEALTHY') {
					c.healthStatus = 'HEALTHY';
					this.emitTask('updated', task, { containers: this.containerViews(task) });
				}
				this.after(
					this.rng.exponential(task.service.spec.healthIncidentEveryMinutes * 60_000),
					() => this.healthIncident(task)
				);
				return;
			}
			const reason = 'Task failed container health checks';
			this.sink.notification(
				notify.taskStoppedUnexpectedly(this.notificationId(), this.clock, this.facts(task), reason)
			);
			this.stop(task, reason);
			this.serviceEvent(
				task.service,
				'warn',
				`(service ${task.service.spec.name}) has stopped 1 running tasks: (task ${task.id}). ` +
					`Reason: ${reason}.`
			);
			this.onTaskLost(task);
		});
	}

	// -------------------------------------------------------------------------------------------
	// Services: keeping the desired count, deployments, scheduled jobs

	/** A task went away without a deployment asking: count it, and have the scheduler react. */
	private onTaskLost(task: SimTask): void {
		const service = task.service;
		if (service.spec.kind !== 'service') return;
		const deployment = service.deployment;
		if (deployment !== undefined && task.deployment === deployment && !task.healthy) {
			deployment.failures++;
			if (deployment.failures >= CIRCUIT_BREAKER_THRESHOLD) {
				this.afterRange([1_000, 3_000], () => this.failDeployment(service, deployment));
				return;
			}
		}
		this.afterRange([2_000, 6_000], () => this.reconcile(service));
	}

	/** Start tasks until the service (or its deployment) has its desired count again. */
	private reconcile(service: SimService): void {
		const deployment = service.deployment;
		let active = 0;
		for (const task of service.tasks) {
			if (task.stopRequested) continue;
			if (deployment === undefined || task.deployment === deployment) active++;
		}
		const missing = this.desired(service) - active;
		if (missing > 0) {
			this.launch(service, missing, deployment?.to ?? service.revision, deployment);
		}
	}

	/** A new task is serving: retire one old task, and see whether the rollout is complete. */
	private onHealthy(task: SimTask): void {
		const service = task.service;
		const deployment = service.deployment;
		if (deployment === undefined || task.deployment !== deployment) return;
		for (const old of deployment.oldTasks) {
			if (!old.stopRequested && !old.exited) {
				this.stop(old, `Scaling activity initiated by (deployment ${deployment.id})`);
				this.serviceEvent(
					service,
					'info',
					`(service ${service.spec.name}) has stopped 1 running tasks: (task ${old.id}).`
				);
				break;
			}
		}
		this.checkDeployment(service);
	}

	private checkDeployment(service: SimService): void {
		const deployment = service.deployment;
		if (deployment === undefined) return;
		let serving = 0;
		for (const task of service.tasks) {
			if (task.deployment === deployment && task.healthy && !task.stopRequested && !task.exited) {
				serving++;
			}
		}
		if (serving < this.desired(service)) return;
		let oldRemaining = false;
		for (const old of deployment.oldTasks) {
			if (!old.stopRequested && !old.exited) {
				this.stop(old, `Scaling activity initiated by (deployment ${deployment.id})`);
			}
			if (old.state.lastStatus !== 'STOPPED') oldRemaining = true;
		}
		if (oldRemaining) return;
		service.revision = deployment.to;
		service.deployment = undefined;
		this.sink.notification(
			notify.deploymentCompleted(
				this.notificationId(),
				this.clock,
				this.deploymentFacts(service, deployment)
			)
		);
		const name = service.spec.name;
		this.serviceEvent(
			service,
			'info',
			`(service ${name}) (deployment ${deployment.id}) deployment completed.`
		);
		this.serviceEvent(service, 'info', `(service ${name}) has reached a steady state.`);
	}

	/** Roll out the next revision of a random service: new tasks first, then retire the old. */
	private startDeployment(): void {
		this.afterRange(DEPLOYMENT_EVERY_MS, () => this.startDeployment());
		// Teams rarely ship the same service twice in a row; spread rollouts over the account.
		const candidates = this.services.filter(
			(s) => s.spec.kind === 'service' && s.deployment === undefined && s !== this.lastDeployed
		);
		if (candidates.length === 0) return;
		const service = this.rng.pick(candidates);
		// The first rollout always succeeds, so a fresh demo shows a clean deployment first.
		const mayFail = this.lastDeployed !== undefined;
		this.lastDeployed = service;
		service.latestRevision++;
		const failMode: FailureMode | undefined =
			mayFail && this.rng.chance(DEPLOYMENT_FAILURE_RATE)
				? this.rng.pick(['pull', 'crashloop'] as const)
				: undefined;
		const deployment: Deployment = {
			id: `ecs-svc/${this.rng.digits(19)}`,
			from: service.revision,
			to: service.latestRevision,
			failMode,
			oldTasks: new Set(service.tasks.filter((t) => !t.stopRequested && !t.exited)),
			failures: 0
		};
		service.deployment = deployment;
		this.sink.notification(
			notify.deploymentStarted(
				this.notificationId(),
				this.clock,
				this.deploymentFacts(service, deployment)
			)
		);
		this.launch(service, this.desired(service), deployment.to, deployment);
	}

	/** The circuit breaker trips: stop what is left of the new revision and restore the old one. */
	private failDeployment(service: SimService, deployment: Deployment): void {
		if (service.deployment !== deployment) return;
		service.deployment = undefined;
		const reason =
			deployment.failMode === 'pull'
				? 'tasks failed to start (CannotPullContainerError).'
				: 'tasks failed to start (essential container exited).';
		this.sink.notification(
			notify.deploymentFailed(
				this.notificationId(),
				this.clock,
				this.deploymentFacts(service, deployment),
				reason,
				deployment.from
			)
		);
		const name = service.spec.name;
		const rollback = `ecs-svc/${this.rng.digits(19)}`;
		this.serviceEvent(
			service,
			'error',
			`(service ${name}) (deployment ${deployment.id}) deployment failed: ${reason} ` +
				`Rolling back to ${service.spec.family}:${deployment.from} (deployment ${rollback}).`
		);
		for (const task of service.tasks) {
			if (task.deployment === deployment) {
				this.stop(task, `Scaling activity initiated by (deployment ${rollback})`);
			}
		}
		this.afterRange([1_000, 3_000], () => this.reconcile(service));
	}

	/** EventBridge starts the scheduled job; it runs, writes its report and exits. */
	private runJob(service: SimService): void {
		const schedule = service.spec.schedule;
		if (schedule === undefined) return;
		this.afterRange(schedule.everyMs, () => this.runJob(service));
		this.launch(service, 1, service.revision);
	}

	// -------------------------------------------------------------------------------------------
	// Load

	private startSpike(): void {
		this.afterRange(SPIKE_EVERY_MS, () => this.startSpike());
		const candidates = this.services.filter(
			(s) => s.spec.kind === 'service' && s.spike === undefined
		);
		if (candidates.length === 0) return;
		const service = this.rng.pick(candidates);
		const duration = Math.round(between(this.rng, SPIKE_DURATION_MS));
		const spike: Spike = {
			start: this.clock,
			end: this.clock + duration,
			intensity: between(this.rng, SPIKE_INTENSITY)
		};
		service.spike = spike;
		this.after(duration, () => {
			if (service.spike === spike) service.spike = undefined;
		});
	}

	/** The spike's strength at `t`: ramps up, holds, ramps down. */
	private spikeLevel(service: SimService, t: number): number {
		const spike = service.spike;
		if (spike === undefined || t < spike.start || t >= spike.end) return 0;
		const f = (t - spike.start) / (spike.end - spike.start);
		const ramp = f < 0.2 ? f / 0.2 : f > 0.7 ? (1 - f) / 0.3 : 1;
		return spike.intensity * ramp;
	}

	// -------------------------------------------------------------------------------------------
	// Metrics

	/** Once per virtual second: one sample per running task; the leak may end in the OOM killer. */
	private sampleMetrics(): void {
		const t = this.clock;
		this.scheduler.at(t + 1000, () => this.sampleMetrics());
		for (const task of this.tasksByArn.values()) {
			if (task.state.lastStatus !== 'RUNNING' || task.exited) continue;
			const service = task.service;
			const sample = task.metrics.sample(t - task.startedAtMs, {
				wave: dayWave(t, service.wavePhase),
				spike: this.spikeLevel(service, t),
				stress: task.stress
			});
			if (!this.quiet) {
				const at = new Date(t);
				this.sink.metrics({
					resourceId: task.arn,
					metrics: {
						resourceId: task.arn,
						taskId: task.arn,
						serviceName: service.spec.name,
						cpu: { name: 'cpu', unit: 'percent', points: [{ timestamp: at, value: sample.cpu }] },
						memory: {
							name: 'memory',
							unit: 'MiB',
							points: [{ timestamp: at, value: sample.memory }]
						}
					}
				});
			}
			if (task.metrics.profile.leakMiBPerMinute > 0) this.watchMemory(task, sample.memory);
		}
	}

	/** The leaky worker notices its own memory before the kernel does. */
	private watchMemory(task: SimTask, memory: number): void {
		const limit = task.metrics.profile.memoryLimitMiB;
		if (memory >= limit) {
			this.exit(task, 'oom');
			return;
		}
		const thresholds = [0.8, 0.92];
		const next = thresholds[task.memoryWarnings];
		if (next === undefined || memory < limit * next) return;
		task.memoryWarnings++;
		const c = task.primary;
		const text =
			`Worker memory usage ${Math.round(memory)} MiB is ${Math.round((memory / limit) * 100)}% ` +
			`of the task limit (${limit} MiB); consider --max-tasks-per-child`;
		this.containerLog(task, c, this.clock, {
			level: 'warn',
			message: c.dialect.line(this.clock, 'warn', text, c.ctx),
			metadata: { memoryMiB: Math.round(memory), limitMiB: limit }
		});
	}

	// -------------------------------------------------------------------------------------------
	// Logs

	/** Running containers and their weights for the routine-line pick, at time `t`. */
	private rebuildEmitters(t: number): void {
		let n = 0;
		let total = 0;
		for (const task of this.tasksByArn.values()) {
			if (task.state.lastStatus !== 'RUNNING' || task.exited) continue;
			const service = task.service;
			const spike = this.spikeLevel(service, t);
			// Busy services log more: requests follow the daily wave and the spike.
			const load = dayWave(t, service.wavePhase) * (1 + spike);
			const stress = Math.max(task.stress, 0.5 * spike);
			for (const c of task.containers) {
				if (c.lastStatus !== 'RUNNING') continue;
				total += c.spec.logWeight * load;
				this.emitterTasks[n] = task;
				this.emitterContainers[n] = c;
				this.emitterCumulative[n] = total;
				this.emitterStress[n] = stress;
				n++;
			}
		}
		this.emitterCount = n;
		this.emitterTotal = total;
	}

	private routineLine(t: number): void {
		const r = this.logRng.next() * this.emitterTotal;
		const cumulative = this.emitterCumulative;
		let i = 0;
		const last = this.emitterCount - 1;
		while (i < last && (cumulative[i] as number) <= r) i++;
		const task = this.emitterTasks[i] as SimTask;
		const c = this.emitterContainers[i] as SimContainer;
		this.writeLog(
			task,
			c,
			t,
			c.dialect.routine(this.logRng, t, c.ctx, this.emitterStress[i] as number)
		);
	}

	/** A non-routine line (startup, crash, warning): it counts against the rate budget. */
	private containerLog(task: SimTask, c: SimContainer, t: number, parts: LineParts): void {
		this.spend();
		this.writeLog(task, c, t, parts);
	}

	private writeLog(task: SimTask, c: SimContainer, t: number, parts: LineParts): void {
		const entry: SourceLogEntry = {
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(t),
			level: parts.level,
			source: c.source,
			message: parts.message,
			taskId: task.arn,
			containerId: c.runtimeId,
			serviceName: task.service.spec.name,
			clusterArn: task.service.clusterArn
		};
		if (parts.metadata !== undefined) entry.metadata = parts.metadata;
		if (parts.stackTrace !== undefined) entry.stackTrace = parts.stackTrace;
		if (parts.correlationId !== undefined) entry.correlationId = parts.correlationId;
		this.sink.log(entry);
	}

	/** Lines said one after another from now, `minGap` to `maxGap` ms apart. */
	private sayLines(
		task: SimTask,
		c: SimContainer,
		lines: readonly Said[],
		minGap: number,
		maxGap: number
	): void {
		let offset = 0;
		for (const said of lines) {
			offset += this.rng.between(minGap, maxGap);
			this.after(offset, () => {
				if (c.lastStatus === 'STOPPED') return;
				this.containerLog(task, c, this.clock, {
					level: said.level,
					message: c.dialect.line(this.clock, said.level, said.text, c.ctx, said.logger)
				});
			});
		}
	}

	/** An ECS service event, as the console's Events tab shows it. */
	private serviceEvent(service: SimService, level: LogLevel, text: string): void {
		this.spend();
		this.sink.log({
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(this.clock),
			level,
			source: service.eventSource,
			message: text,
			serviceName: service.spec.name,
			clusterArn: service.clusterArn
		});
	}

	/** A line from the ECS agent about one task (what the container cannot say itself). */
	private agentLog(task: SimTask, level: LogLevel, text: string): void {
		this.spend();
		this.sink.log({
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(this.clock),
			level,
			source: { type: 'system', name: 'ecs-agent', identifier: task.id },
			message: text,
			taskId: task.arn,
			containerId: task.primary.runtimeId,
			serviceName: task.service.spec.name,
			clusterArn: task.service.clusterArn
		});
	}

	/**
	 * Event lines take the place of routine ones so the total stays at the configured rate. The
	 * floor keeps a burst of events from silencing routine logs for more than about a second.
	 */
	private spend(): void {
		if (!this.quiet) this.budget = Math.max(this.budget - 1, -this.rate);
	}

	// -------------------------------------------------------------------------------------------
	// Emitting task updates and notifications

	private setStatus(
		task: SimTask,
		to: TaskStatus,
		extra: Partial<TaskState> = {},
		withContainers = false
	): void {
		const from = task.state.lastStatus;
		if (!isLegalTransition(from, to)) {
			throw new Error(`simulator bug: illegal ECS transition ${from} -> ${to} for ${task.arn}`);
		}
		task.state.lastStatus = to;
		Object.assign(task.state, extra);
		const changes: TaskChanges = { lastStatus: to, ...extra };
		if (withContainers) changes.containers = this.containerViews(task);
		this.emitTask('status_changed', task, changes, from);
	}

	private emitTask(
		type: SourceTaskUpdate['updateType'],
		task: SimTask,
		changes?: TaskChanges,
		previousStatus?: TaskStatus
	): void {
		const update: SourceTaskUpdate = {
			taskId: task.arn,
			updateType: type,
			task: this.snapshot(task),
			timestamp: new Date(this.clock)
		};
		if (changes !== undefined) update.changes = changes;
		if (previousStatus !== undefined) update.previousStatus = previousStatus;
		this.sink.task(update);
	}

	/** A copy the receiver may keep: later changes to the task do not show through. */
	private snapshot(task: SimTask): Task {
		return { ...task.state, containers: this.containerViews(task) };
	}

	private containerViews(task: SimTask): Task['containers'] {
		return task.containers.map((c) => {
			const view: Task['containers'][number] = { name: c.spec.name, lastStatus: c.lastStatus };
			if (c.exitCode !== undefined) view.exitCode = c.exitCode;
			if (c.healthStatus !== undefined) view.healthStatus = c.healthStatus;
			return view;
		});
	}

	private notificationId(): string {
		return `${this.idPrefix}n${(this.notificationCount++).toString(36)}`;
	}

	private facts(task: SimTask): notify.TaskFacts {
		return {
			taskArn: task.arn,
			taskId: task.id,
			serviceName: task.service.spec.name,
			cluster: task.service.spec.cluster
		};
	}

	private deploymentFacts(service: SimService, deployment: Deployment): notify.DeploymentFacts {
		return {
			serviceName: service.spec.name,
			cluster: service.spec.cluster,
			deploymentId: deployment.id,
			family: service.spec.family,
			revision: deployment.to,
			taskCount: this.desired(service)
		};
	}
}

function checkRate(rate: number): number {
	if (!Number.isFinite(rate) || rate < 0) {
		throw new RangeError(`logRate must be a finite number >= 0, got ${rate}`);
	}
	return rate;
}
