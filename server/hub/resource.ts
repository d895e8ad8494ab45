/**
 * Which ECS resources an item belongs to, and whether a subscription's `resourceId` selects it.
 * A `resourceId` is `"*"`, a task ARN, `service:<name>` or `cluster:<name>` (PROTOCOL.md); items
 * name their task, service and cluster in different fields per stream, so each is reduced once,
 * at publish time, to the same `ResourceKeys` and matching is a few string compares.
 */
import type {
	LogEntry,
	MetricUpdate,
	Notification,
	Task,
	TaskUpdate
} from '../../src/lib/protocol/index';

/** The resources one item belongs to; any may be unknown. */
export interface ResourceKeys {
	readonly taskId?: string;
	readonly serviceName?: string;
	readonly clusterArn?: string;
	readonly clusterName?: string;
}

/** A parsed `resourceId`. */
export type ResourceRef =
	| { readonly kind: 'all' }
	| { readonly kind: 'task'; readonly id: string }
	| { readonly kind: 'service'; readonly name: string }
	| { readonly kind: 'cluster'; readonly name: string };

/** The cluster's name from its ARN (`arn:aws:ecs:…:cluster/<name>`), or the input unchanged. */
export function clusterNameOf(arnOrName: string): string {
	const at = arnOrName.lastIndexOf(':cluster/');
	return at === -1 ? arnOrName : arnOrName.slice(at + ':cluster/'.length);
}

/** The service name of a task's `group` (`service:<name>`), if it was started by a service. */
export function serviceOfGroup(group: string | undefined): string | undefined {
	return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

function lastSegment(arn: string): string {
	return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Parse a subscription's `resourceId`. Anything not `*`, `service:` or `cluster:` is a task. */
export function parseResourceId(resourceId: string): ResourceRef {
	if (resourceId === '*') return { kind: 'all' };
	if (resourceId.startsWith('service:')) {
		return { kind: 'service', name: resourceId.slice('service:'.length) };
	}
	if (resourceId.startsWith('cluster:')) {
		return { kind: 'cluster', name: clusterNameOf(resourceId.slice('cluster:'.length)) };
	}
	return { kind: 'task', id: resourceId };
}

/**
 * Whether `ref` selects an item with `keys`. A task may be named by its full ARN or, for
 * convenience, by its short id (the ARN's last segment).
 */
export function matchesResource(ref: ResourceRef, keys: ResourceKeys): boolean {
	switch (ref.kind) {
		case 'all':
			return true;
		case 'service':
			return keys.serviceName === ref.name;
		case 'cluster':
			return keys.clusterName === ref.name;
		case 'task':
			return (
				keys.taskId !== undefined &&
				(keys.taskId === ref.id || (!ref.id.includes('/') && lastSegment(keys.taskId) === ref.id))
			);
	}
}

/** What a log entry's keys are made from. */
type LogKeyFields = Pick<LogEntry, 'taskId' | 'serviceName' | 'clusterArn'>;

/** Tasks whose log keys {@link TaskIndex} keeps at most. */
const LOG_KEYS_CACHED = 1024;

interface TaskPlacement {
	serviceName?: string;
	clusterArn: string;
}

/**
 * What the hub has learnt about each task from task updates, so that items which name only
 * their task (metrics, some logs) still match `service:` and `cluster:` subscriptions.
 * Bounded: the oldest entries go first, as a simulator or a long-lived KECS churns tasks.
 */
export class TaskIndex {
	readonly #tasks = new Map<string, TaskPlacement>();
	/**
	 * Log entries' keys by task, valid while what is known of the tasks does not change: a task
	 * logs thousands of lines between two task updates, and each record would otherwise hold a
	 * keys object of its own (made anew, cluster name sliced anew).
	 */
	readonly #logKeys = new Map<string, { entry: LogKeyFields; keys: ResourceKeys }>();

	/** @param capacity the most tasks remembered (default 10,000). */
	constructor(readonly capacity = 10_000) {}

	/** Remember (or refresh) where a task runs. */
	learn(task: Pick<Task, 'taskArn' | 'clusterArn' | 'group'>): void {
		const placement: TaskPlacement = { clusterArn: task.clusterArn };
		const service = serviceOfGroup(task.group);
		if (service !== undefined) placement.serviceName = service;
		const known = this.#tasks.get(task.taskArn);
		if (known?.clusterArn !== placement.clusterArn || known.serviceName !== service) {
			this.#logKeys.clear();
		}
		this.#tasks.delete(task.taskArn);
		this.#tasks.set(task.taskArn, placement);
		if (this.#tasks.size > this.capacity) {
			const oldest = this.#tasks.keys().next();
			if (!oldest.done) this.forget(oldest.value);
		}
	}

	/** Forget a deleted task. */
	forget(taskArn: string): void {
		if (this.#tasks.delete(taskArn)) this.#logKeys.clear();
	}

	/** Number of tasks remembered. */
	get size(): number {
		return this.#tasks.size;
	}

	/** Keys for a task, completed from what is known about it. */
	keysFor(
		taskId: string | undefined,
		known: { serviceName?: string | undefined; clusterArn?: string | undefined } = {}
	): ResourceKeys {
		const placement = taskId === undefined ? undefined : this.#tasks.get(taskId);
		const serviceName = known.serviceName ?? placement?.serviceName;
		const clusterArn = known.clusterArn ?? placement?.clusterArn;
		const keys: {
			taskId?: string;
			serviceName?: string;
			clusterArn?: string;
			clusterName?: string;
		} = {};
		if (taskId !== undefined) keys.taskId = taskId;
		if (serviceName !== undefined) keys.serviceName = serviceName;
		if (clusterArn !== undefined) {
			keys.clusterArn = clusterArn;
			keys.clusterName = clusterNameOf(clusterArn);
		}
		return keys;
	}

	/** Keys of a log entry (shared by the entries of a task with the same fields). */
	logKeys(entry: LogKeyFields): ResourceKeys {
		const taskId = entry.taskId;
		const cached = taskId === undefined ? undefined : this.#logKeys.get(taskId);
		if (
			cached !== undefined &&
			cached.entry.serviceName === entry.serviceName &&
			cached.entry.clusterArn === entry.clusterArn
		) {
			return cached.keys;
		}
		const keys = this.keysFor(taskId, {
			serviceName: entry.serviceName,
			clusterArn: entry.clusterArn
		});
		if (taskId !== undefined) {
			if (this.#logKeys.size >= LOG_KEYS_CACHED) this.#logKeys.clear();
			const { serviceName, clusterArn } = entry;
			this.#logKeys.set(taskId, { entry: { taskId, serviceName, clusterArn }, keys });
		}
		return keys;
	}

	/** Keys of a metric update: its `resourceId` is the task unless `metrics.taskId` says more. */
	metricKeys(update: Omit<MetricUpdate, 'seq'>): ResourceKeys {
		return this.keysFor(update.metrics.taskId ?? update.resourceId, {
			serviceName: update.metrics.serviceName
		});
	}

	/** Keys of a notification, from its optional `resourceId`. */
	notificationKeys(notification: Omit<Notification, 'seq'>): ResourceKeys {
		const id = notification.resourceId;
		if (id === undefined) return {};
		const ref = parseResourceId(id);
		switch (ref.kind) {
			case 'all':
				return {};
			case 'service':
				return { serviceName: ref.name };
			case 'cluster':
				return { clusterName: ref.name };
			case 'task':
				return this.keysFor(ref.id);
		}
	}

	/** Keys of a task update; learns (or forgets) the task first. */
	taskKeys(update: Omit<TaskUpdate, 'seq'>): ResourceKeys {
		if (update.task) this.learn(update.task);
		const keys = this.keysFor(update.taskId, {
			serviceName: serviceOfGroup(update.task?.group ?? update.changes?.group),
			clusterArn: update.task?.clusterArn ?? update.changes?.clusterArn
		});
		if (update.updateType === 'deleted') this.forget(update.taskId);
		return keys;
	}
}
