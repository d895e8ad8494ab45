/**
 * Which container logs to follow: those of running containers whose task someone subscribed
 * to, directly (`<task ARN or id>`), through its service or cluster (`service:<name>`,
 * `cluster:<name>`) or through `*`. A stream opens when both hold, closes as soon as the last
 * subscriber leaves, and drains (reads what KECS still sends, then stops) when the container
 * stops. Each container keeps its {@link Watermark} after its stream closes, so a later stream
 * for it starts where the last one ended and never repeats a line.
 */
import type { Task } from '../../../src/lib/protocol/index';
import type { Random } from '../../../src/lib/connection/backoff';
import type { SourceLogEntry } from '../source';
import {
	ContainerLogStream,
	type LogStreamStats,
	type Transport,
	type TransportSupport
} from './log-stream';
import { clusterName, serviceOfGroup, shortId, type LogContext } from './mapping';
import { Watermark } from './watermark';

/** Options of a {@link LogStreamManager}. */
export interface LogStreamManagerOptions {
	adminUrl: string;
	region: string;
	emit(entry: SourceLogEntry): void;
	/** Something changed that the source's health may reflect. */
	onChange(): void;
	/** Lines asked for when a stream opens without a position. */
	tail: number;
	/** REST polling interval (the last-resort transport), ms. */
	pollIntervalMs: number;
	retryBaseMs: number;
	retryCapMs: number;
	/** How long a stream of a stopped container keeps reading before it is closed, ms. */
	drainMs: number;
	random: Random;
}

/** One container whose log can be followed. */
interface Target {
	taskArn: string;
	task: Task;
	containerName: string;
	runtimeId: string | undefined;
	live: boolean;
}

/** Containers whose watermarks are remembered after their stream closed. */
const MAX_WATERMARKS = 1_000;

/** Task states in which containers can be writing logs. */
const ACTIVE_TASK_STATES = new Set(['ACTIVATING', 'RUNNING', 'DEACTIVATING', 'STOPPING']);

function isLive(task: Task, container: Task['containers'][number]): boolean {
	if (!ACTIVE_TASK_STATES.has(task.lastStatus)) return false;
	if (container.lastStatus === 'RUNNING') return true;
	// Some KECS versions leave the container status behind the task's: trust a running task.
	return task.lastStatus === 'RUNNING' && container.lastStatus !== 'STOPPED';
}

/** Whether subscription `resourceId` selects `task`. */
export function selects(resourceId: string, task: Task): boolean {
	if (resourceId === '*') return true;
	if (resourceId.startsWith('service:')) {
		return serviceOfGroup(task.group) === resourceId.slice('service:'.length);
	}
	if (resourceId.startsWith('cluster:')) {
		return clusterName(task.clusterArn) === clusterName(resourceId.slice('cluster:'.length));
	}
	return (
		task.taskArn === resourceId ||
		(!resourceId.includes('/') && shortId(task.taskArn) === resourceId)
	);
}

export class LogStreamManager {
	readonly stats: LogStreamStats = {
		malformedFrames: 0,
		linesReceived: 0,
		duplicatesDropped: 0,
		reconnects: 0,
		opened: { ws: 0, sse: 0, rest: 0 },
		errorEvents: 0
	};
	readonly support: TransportSupport = { ws: undefined, sse: undefined };
	#interest: ReadonlySet<string> = new Set();
	#targets = new Map<string, Target>();
	readonly #streams = new Map<string, ContainerLogStream>();
	readonly #watermarks = new Map<string, Watermark>();
	#closed = false;

	constructor(readonly options: LogStreamManagerOptions) {}

	/** The subscribed log resources changed. */
	setInterest(resourceIds: ReadonlySet<string>): void {
		this.#interest = new Set(resourceIds);
		this.#reconcile();
	}

	/** The tasks changed (a new ECS snapshot). `runtimeIds`: task ARN → container → id. */
	setTasks(
		tasks: Iterable<Task>,
		runtimeIds: ReadonlyMap<string, ReadonlyMap<string, string>>
	): void {
		const targets = new Map<string, Target>();
		for (const task of tasks) {
			for (const c of task.containers) {
				targets.set(`${task.taskArn}|${c.name}`, {
					taskArn: task.taskArn,
					task,
					containerName: c.name,
					runtimeId: runtimeIds.get(task.taskArn)?.get(c.name),
					live: isLive(task, c)
				});
			}
		}
		this.#targets = targets;
		// ECS forgot these tasks: their containers will not log again.
		for (const key of this.#watermarks.keys()) {
			if (!targets.has(key) && !this.#streams.has(key)) this.#watermarks.delete(key);
		}
		this.#reconcile();
	}

	/** Streams open now, by transport, and those retrying. */
	summary(): {
		open: number;
		retrying: number;
		byTransport: Record<Transport, number>;
		lastError?: string;
	} {
		const byTransport: Record<Transport, number> = { ws: 0, sse: 0, rest: 0 };
		let open = 0;
		let retrying = 0;
		let lastError: string | undefined;
		for (const stream of this.#streams.values()) {
			if (stream.state === 'retrying' && stream.failures > 0) {
				retrying++;
				lastError ??= stream.lastError;
			} else if (stream.state === 'open' || stream.state === 'draining') {
				open++;
				if (stream.transport) byTransport[stream.transport]++;
			}
		}
		return lastError === undefined
			? { open, retrying, byTransport }
			: { open, retrying, byTransport, lastError };
	}

	/** Keys (`<task ARN>|<container>`) of the streams that exist now. */
	keys(): string[] {
		return [...this.#streams.keys()];
	}

	/** Close every stream. */
	close(): void {
		this.#closed = true;
		for (const stream of this.#streams.values()) stream.close();
		this.#streams.clear();
	}

	#wanted(task: Task): boolean {
		for (const id of this.#interest) if (selects(id, task)) return true;
		return false;
	}

	#watermark(key: string): Watermark {
		const w = this.#watermarks.get(key) ?? new Watermark();
		// Most recently used last: the oldest unused ones go first when there are too many.
		this.#watermarks.delete(key);
		this.#watermarks.set(key, w);
		for (const k of this.#watermarks.keys()) {
			if (this.#watermarks.size <= MAX_WATERMARKS) break;
			if (k !== key && !this.#streams.has(k)) this.#watermarks.delete(k);
		}
		return w;
	}

	#reconcile(): void {
		if (this.#closed) return;
		for (const [key, stream] of this.#streams) {
			const target = this.#targets.get(key);
			if (target === undefined || !this.#wanted(target.task)) {
				// Nobody wants it (or ECS forgot the task): stop at once.
				stream.close();
				this.#streams.delete(key);
			} else if (!target.live) {
				stream.drain(this.options.drainMs);
			}
		}
		for (const [key, target] of this.#targets) {
			if (!target.live || this.#streams.has(key) || !this.#wanted(target.task)) continue;
			this.#open(key, target);
		}
		this.options.onChange();
	}

	#open(key: string, target: Target): void {
		const o = this.options;
		const watermark = this.#watermark(key);
		const resumed = watermark.raw !== undefined;
		const stream: ContainerLogStream = new ContainerLogStream({
			adminUrl: o.adminUrl,
			region: o.region,
			clusterName: clusterName(target.task.clusterArn),
			taskId: shortId(target.taskArn),
			containerName: target.containerName,
			context: () => this.#context(key, target),
			emit: o.emit,
			isLive: () => this.#targets.get(key)?.live ?? false,
			onDone: () => {
				if (this.#streams.get(key) === stream) this.#streams.delete(key);
				o.onChange();
			},
			onChange: o.onChange,
			watermark,
			support: this.support,
			stats: this.stats,
			tail: o.tail,
			pollIntervalMs: o.pollIntervalMs,
			retryBaseMs: o.retryBaseMs,
			retryCapMs: o.retryCapMs,
			random: o.random
		});
		this.#streams.set(key, stream);
		// Interest came back for a container followed before: what it wrote meanwhile nobody
		// was waiting for, so the last `tail` lines will do (the watermark drops repeats).
		stream.start({ tail: resumed });
	}

	#context(key: string, fallback: Target): LogContext {
		const target = this.#targets.get(key) ?? fallback;
		const ctx: LogContext = {
			taskArn: target.taskArn,
			clusterArn: target.task.clusterArn,
			containerName: target.containerName
		};
		const service = serviceOfGroup(target.task.group);
		if (service !== undefined) ctx.serviceName = service;
		if (target.runtimeId !== undefined) ctx.runtimeId = target.runtimeId;
		return ctx;
	}
}
