/**
 * What the fake KECS knows: the simulator's world (server/sources/simulator) driven by a real
 * timer, seen the way KECS would see it. Tasks come from the world; container log lines are
 * kept per container as KECS's `TaskLog` rows; ECS service events and deployments are rebuilt
 * from what the world reports (its service-event log lines and deployment notifications).
 * On top of the world, tasks can be stopped from outside (ECS `StopTask`, or a simulated crash
 * for tests); such a task follows the ECS stop sequence here and the world's own view of it is
 * ignored from then on.
 */
import { randomUUID } from 'node:crypto';
import type { LogLevel, Task, TaskStatus } from '../../src/lib/protocol/index';
import type {
	SourceLogEntry,
	SourceNotification,
	SourceSink,
	SourceTaskUpdate
} from '../sources/source';
import { createWorld, type World } from '../sources/simulator/world';
import {
	ACCOUNT_ID,
	clusterArn,
	CLUSTERS,
	serviceArn,
	SERVICES,
	taskDefinitionArn,
	type ServiceSpec
} from '../sources/simulator/topology';

/** One log line as KECS stores and streams it (its `storage.TaskLog`, JSON field names). */
export interface KecsTaskLog {
	id: string;
	task_arn: string;
	container_name: string;
	timestamp: string;
	log_line: string;
	log_level: string;
	created_at: string;
}

/** A stored line and its timestamp in nanoseconds (for ordering and `from`/`to`). */
export interface StoredLine {
	row: KecsTaskLog;
	ns: bigint;
}

/** Listener of one container's log. */
export interface LogListener {
	line(line: StoredLine): void;
	end(): void;
}

/** One container's log. */
export class ContainerLog {
	readonly lines: StoredLine[] = [];
	readonly listeners = new Set<LogListener>();
	ended = false;
	lastNs = 0n;

	constructor(readonly capacity: number) {}

	push(line: StoredLine): void {
		this.lines.push(line);
		if (this.lines.length > this.capacity) this.lines.splice(0, this.lines.length - this.capacity);
		for (const l of this.listeners) l.line(line);
	}

	end(): void {
		if (this.ended) return;
		this.ended = true;
		for (const l of [...this.listeners]) l.end();
		this.listeners.clear();
	}
}

/** A deployment of a service, as DescribeServices reports it. */
export interface FakeDeployment {
	id: string;
	status: 'PRIMARY' | 'ACTIVE' | 'INACTIVE';
	taskDefinition: string;
	desiredCount: number;
	rolloutState: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED';
	rolloutStateReason: string;
	createdAt: Date;
	updatedAt: Date;
}

/** A service event, as DescribeServices reports it. */
export interface FakeServiceEvent {
	id: string;
	createdAt: Date;
	message: string;
}

/** One ECS service of the world. */
export interface FakeService {
	spec: ServiceSpec;
	name: string;
	arn: string;
	clusterArn: string;
	createdAt: Date;
	deployments: FakeDeployment[];
	/** Newest first, at most 100 (as ECS keeps them). */
	events: FakeServiceEvent[];
}

/** How an outside stop ends. */
export interface StopOptions {
	/** Exit code of the task's first (essential) container. Default 0. */
	exitCode?: number;
	/** `stoppedReason`. Default "Task stopped by user". */
	reason?: string;
	/** `stopCode`. Default `UserInitiated`, or `EssentialContainerExited` with a non-zero exit code. */
	stopCode?: string;
}

interface Override {
	task: Task;
	timers: NodeJS.Timeout[];
	/** ECS forgot it (the retention after STOPPED passed): it is no longer listed. */
	gone: boolean;
}

/** Options of {@link FakeState}. */
export interface FakeStateOptions {
	seed: number;
	logRate: number;
	region: string;
	/** Real ms between world ticks. */
	tickMs: number;
	/** Real ms between steps of an outside stop (DEACTIVATING, STOPPING, …). */
	stopStepMs: number;
	/** How long an outside-stopped task stays listed once STOPPED, ms. */
	retainStoppedMs: number;
	/** Lines kept per container. */
	linesPerContainer: number;
}

/** Longest stall replayed in full (as the simulator source does). */
const MAX_CATCH_UP_MS = 5_000;
const MAX_EVENTS = 100;

/** `2006-01-02T15:04:05.999999999Z`: Go's RFC3339Nano, trailing zeros (and a zero fraction) dropped. */
export function formatNs(ns: bigint): string {
	const ms = Number(ns / 1_000_000n);
	const base = new Date(ms).toISOString().slice(0, 19);
	const fraction = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
	return `${base}${fraction === '' ? '' : `.${fraction}`}Z`;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 timestamp (fraction optional, up to nanoseconds) in ns, or undefined. */
export function parseNs(value: string | null | undefined): bigint | undefined {
	const m = value ? RFC3339.exec(value) : null;
	if (!m) return undefined;
	const ms = Date.parse(`${m[1]}${m[3]}`);
	if (Number.isNaN(ms)) return undefined;
	return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'));
}

/** KECS's levels: what its log-level sniffing yields for each protocol level. */
const KECS_LEVEL: Record<LogLevel, string> = {
	trace: 'DEBUG',
	debug: 'DEBUG',
	info: 'INFO',
	warn: 'WARN',
	error: 'ERROR',
	fatal: 'ERROR'
};

/** The last segment of an ARN. */
export function lastSegment(arn: string): string {
	return arn.slice(arn.lastIndexOf('/') + 1);
}

function cloneTask(task: Task): Task {
	return { ...task, containers: task.containers.map((c) => ({ ...c })) };
}

export class FakeState {
	readonly world: World;
	readonly services = new Map<string, FakeService>();
	readonly #logs = new Map<string, ContainerLog>();
	readonly #runtimeIds = new Map<string, Map<string, string>>();
	readonly #overrides = new Map<string, Override>();
	readonly #options: FakeStateOptions;
	#timer: NodeJS.Timeout | undefined;
	#last = 0;
	#deploymentIds = 0;
	readonly #sink: SourceSink;

	constructor(options: FakeStateOptions) {
		this.#options = options;
		const now = Date.now();
		this.world = createWorld({ seed: options.seed, logRate: options.logRate, startTime: now });
		for (const spec of SERVICES) {
			if (spec.kind !== 'service') continue;
			const created = new Date(now - 7 * 24 * 3600_000);
			this.services.set(spec.name, {
				spec,
				name: spec.name,
				arn: serviceArn(spec.cluster, spec.name),
				clusterArn: clusterArn(spec.cluster),
				createdAt: created,
				deployments: [
					{
						id: this.#deploymentId(),
						status: 'PRIMARY',
						taskDefinition: taskDefinitionArn(spec.family, spec.revision),
						desiredCount: spec.desiredCount,
						rolloutState: 'COMPLETED',
						rolloutStateReason: 'ECS deployment completed.',
						createdAt: new Date(now - 3600_000),
						updatedAt: new Date(now - 3000_000)
					}
				],
				events: []
			});
		}
		this.#sink = {
			log: (entry) => this.#onLog(entry),
			metrics: () => {},
			notification: (n) => this.#onNotification(n),
			task: (update) => this.#onTask(update)
		};
	}

	get region(): string {
		return this.#options.region;
	}

	/** Start the world's clock (announces the initial tasks at once). */
	start(): void {
		this.world.advance(0, this.#sink);
		this.#last = performance.now();
		this.#timer = setInterval(() => this.#tick(), this.#options.tickMs);
		this.#timer.unref();
	}

	/** Stop every timer. */
	stop(): void {
		clearInterval(this.#timer);
		for (const o of this.#overrides.values()) for (const t of o.timers) clearTimeout(t);
		for (const log of this.#logs.values()) log.end();
	}

	#tick(): void {
		const now = performance.now();
		let elapsed = now - this.#last;
		this.#last = now;
		if (elapsed > MAX_CATCH_UP_MS) {
			this.world.advance(elapsed - this.#options.tickMs, this.#sink, { quiet: true });
			elapsed = this.#options.tickMs;
		}
		this.world.advance(elapsed, this.#sink);
	}

	#deploymentId(): string {
		// ECS deployment ids are `ecs-svc/` and 19 digits.
		const n = (++this.#deploymentIds).toString().padStart(4, '0');
		return `ecs-svc/${(BigInt(this.#options.seed >>> 0) * 1_000_000_007n).toString().padStart(15, '0').slice(-15)}${n}`;
	}

	// --- What KECS lists ------------------------------------------------------------------------

	/** Every task KECS lists now (overrides applied, forgotten ones left out). */
	tasks(): Task[] {
		const out: Task[] = [];
		const seen = new Set<string>();
		for (const task of this.world.tasks()) {
			seen.add(task.taskArn);
			const o = this.#overrides.get(task.taskArn);
			if (o === undefined) out.push(task);
			else if (!o.gone) out.push(cloneTask(o.task));
		}
		for (const [arn, o] of this.#overrides) {
			if (seen.has(arn)) continue;
			if (o.gone) {
				this.#overrides.delete(arn);
				this.#forget(arn);
			} else out.push(cloneTask(o.task));
		}
		return out;
	}

	/** One task by ARN, or by its id within a cluster. */
	task(arnOrId: string, cluster?: string): Task | undefined {
		const id = lastSegment(arnOrId);
		return this.tasks().find(
			(t) =>
				(t.taskArn === arnOrId || lastSegment(t.taskArn) === id) &&
				(cluster === undefined || t.clusterArn === clusterArn(cluster) || t.clusterArn === cluster)
		);
	}

	/** Cluster ARNs. */
	clusterArns(): string[] {
		return CLUSTERS.map((c) => clusterArn(c));
	}

	/** The runtime id of a container, once it wrote a line. */
	runtimeId(taskArn: string, container: string): string | undefined {
		return this.#runtimeIds.get(taskArn)?.get(container);
	}

	/** A container's log (created empty when asked for one that has written nothing yet). */
	containerLog(taskArn: string, container: string): ContainerLog {
		const key = `${taskArn}|${container}`;
		let log = this.#logs.get(key);
		if (log === undefined) {
			log = new ContainerLog(this.#options.linesPerContainer);
			this.#logs.set(key, log);
			const task = this.task(taskArn);
			const c = task?.containers.find((x) => x.name === container);
			if (task === undefined || task.lastStatus === 'STOPPED' || c?.lastStatus === 'STOPPED') {
				log.ended = true;
			}
		}
		return log;
	}

	/**
	 * Append lines to a container's log, as KECS would store and stream them: one row per line,
	 * timestamps strictly increasing per container (as Kubernetes' are).
	 */
	appendLog(
		taskArn: string,
		container: string,
		text: string,
		level: string,
		at: Date
	): StoredLine[] {
		const log = this.containerLog(taskArn, container);
		// `arn:aws:ecs:<region>:<account>:task/<cluster>/<id>`
		const cluster = taskArn.split('/').at(-2) ?? 'default';
		const region = this.#options.region;
		// KECS builds `task_arn` from the Kubernetes namespace and pod, not the ECS task ARN.
		const podArn = `arn:aws:ecs:${region}:${ACCOUNT_ID}:task/${cluster}-${region}/${lastSegment(taskArn)}`;
		const out: StoredLine[] = [];
		for (const line of text.split('\n')) {
			let ns = BigInt(at.getTime()) * 1_000_000n;
			if (ns <= log.lastNs) ns = log.lastNs + 1n;
			log.lastNs = ns;
			const stored: StoredLine = {
				ns,
				row: {
					id: randomUUID(),
					task_arn: podArn,
					container_name: container,
					timestamp: formatNs(ns),
					log_line: line,
					log_level: level,
					created_at: new Date().toISOString()
				}
			};
			log.push(stored);
			out.push(stored);
		}
		return out;
	}

	// --- Outside stops --------------------------------------------------------------------------

	/**
	 * Stop a task from outside the world (ECS StopTask, or a crash with a non-zero exit code):
	 * it walks DEACTIVATING (not after a crash), STOPPING, DEPROVISIONING and STOPPED, one step
	 * every `stopStepMs`, and is forgotten `retainStoppedMs` after STOPPED.
	 */
	stopTask(arnOrId: string, options: StopOptions = {}, cluster?: string): Task | undefined {
		const current = this.task(arnOrId, cluster);
		if (current === undefined) return undefined;
		if (current.desiredStatus === 'STOPPED' || this.#overrides.has(current.taskArn)) return current;
		const exitCode = options.exitCode ?? 0;
		const crashed = exitCode !== 0;
		const task = cloneTask(current);
		task.desiredStatus = 'STOPPED';
		task.stoppedReason =
			options.reason ?? (crashed ? 'Essential container in task exited' : 'Task stopped by user');
		task.stopCode = options.stopCode ?? (crashed ? 'EssentialContainerExited' : 'UserInitiated');
		const override: Override = { task, timers: [], gone: false };
		this.#overrides.set(task.taskArn, override);
		const step = this.#options.stopStepMs;
		const containersExit = (): void => {
			task.containers.forEach((c, i) => {
				c.lastStatus = 'STOPPED';
				c.exitCode = i === 0 ? exitCode : 0;
				this.#logs.get(`${task.taskArn}|${c.name}`)?.end();
			});
		};
		const at = (ms: number, fn: () => void): void => {
			const t = setTimeout(fn, ms);
			t.unref();
			override.timers.push(t);
		};
		const steps: (() => void)[] = [];
		const set = (status: TaskStatus) => () => {
			task.lastStatus = status;
		};
		if (crashed) {
			containersExit();
		} else if (task.lastStatus === 'RUNNING' || task.lastStatus === 'ACTIVATING') {
			steps.push(set('DEACTIVATING'));
		}
		steps.push(() => {
			task.lastStatus = 'STOPPING';
			if (!crashed) containersExit();
		});
		steps.push(set('DEPROVISIONING'));
		steps.push(() => {
			task.lastStatus = 'STOPPED';
			task.stoppedAt = new Date();
			at(this.#options.retainStoppedMs, () => {
				override.gone = true;
			});
		});
		steps.forEach((fn, i) => at(step * (i + 1), fn));
		return cloneTask(task);
	}

	// --- What the world reports -----------------------------------------------------------------

	#onLog(entry: SourceLogEntry): void {
		if (entry.source.type === 'system' && entry.source.name === 'ecs' && entry.serviceName) {
			const service = this.services.get(entry.serviceName);
			if (service === undefined) return;
			service.events.unshift({
				id: randomUUID(),
				createdAt: entry.timestamp,
				message: entry.message
			});
			if (service.events.length > MAX_EVENTS) service.events.length = MAX_EVENTS;
			return;
		}
		if (entry.source.type !== 'container' || entry.taskId === undefined) return;
		if (this.#overrides.has(entry.taskId)) return;
		const container = entry.source.name;
		if (entry.containerId !== undefined) {
			let ids = this.#runtimeIds.get(entry.taskId);
			if (ids === undefined) this.#runtimeIds.set(entry.taskId, (ids = new Map()));
			ids.set(container, entry.containerId);
		}
		const text = entry.stackTrace ? `${entry.message}\n${entry.stackTrace}` : entry.message;
		this.appendLog(entry.taskId, container, text, KECS_LEVEL[entry.level], entry.timestamp);
	}

	#onTask(update: SourceTaskUpdate): void {
		if (this.#overrides.has(update.taskId)) return;
		const task = update.task;
		if (update.updateType === 'deleted') return this.#forget(update.taskId);
		if (task === undefined) return;
		for (const c of task.containers) {
			if (c.lastStatus === 'STOPPED' || task.lastStatus === 'STOPPED') {
				this.#logs.get(`${task.taskArn}|${c.name}`)?.end();
			}
		}
	}

	/** ECS forgot a task: so does KECS's log store here. */
	#forget(taskArn: string): void {
		for (const [key, log] of this.#logs) {
			if (key.startsWith(`${taskArn}|`)) {
				log.end();
				this.#logs.delete(key);
			}
		}
		this.#runtimeIds.delete(taskArn);
	}

	#onNotification(n: SourceNotification): void {
		const m = /^Deployment (started|completed|failed): (.+)$/.exec(n.title);
		if (!m) return;
		const service = this.services.get(m[2] ?? '');
		if (service === undefined) return;
		const now = n.timestamp;
		const id = /^(ecs-svc\/\d+)/.exec(n.message)?.[1];
		if (id === undefined) return;
		if (m[1] === 'started') {
			const rollout = /is rolling out (\S+?):(\d+) to (\d+)/.exec(n.message);
			service.deployments = service.deployments.filter((d) => d.rolloutState !== 'FAILED');
			for (const d of service.deployments) if (d.status === 'PRIMARY') d.status = 'ACTIVE';
			service.deployments.unshift({
				id,
				status: 'PRIMARY',
				taskDefinition: taskDefinitionArn(
					rollout?.[1] ?? service.spec.family,
					Number(rollout?.[2] ?? 0)
				),
				desiredCount: Number(rollout?.[3] ?? service.spec.desiredCount),
				rolloutState: 'IN_PROGRESS',
				rolloutStateReason: 'ECS deployment in progress.',
				createdAt: now,
				updatedAt: now
			});
			return;
		}
		const d = service.deployments.find((x) => x.id === id);
		if (d === undefined) return;
		d.updatedAt = now;
		if (m[1] === 'completed') {
			d.rolloutState = 'COMPLETED';
			d.rolloutStateReason = 'ECS deployment completed.';
			service.deployments = service.deployments.filter((x) => x === d);
			return;
		}
		// The circuit breaker rolled back: the failed deployment stays listed as FAILED and the
		// previous one serves again.
		d.rolloutState = 'FAILED';
		d.status = 'ACTIVE';
		d.rolloutStateReason =
			/failed in \S+: (.*?)(?: Rolled back to|$)/.exec(n.message)?.[1] ?? 'ECS deployment failed.';
		const previous = service.deployments.find((x) => x !== d && x.status === 'ACTIVE');
		if (previous) {
			previous.status = 'PRIMARY';
			previous.rolloutState = 'COMPLETED';
			previous.updatedAt = now;
		}
	}
}
