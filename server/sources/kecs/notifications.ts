/**
 * Notifications derived from what changed between two looks at KECS, worded like the
 * simulator's (and the ECS console's): a task that stopped (an error when it crashed, was
 * OOM-killed or failed to start; plain information when a deployment or a user stopped it), a
 * deployment that started, completed or failed (its `rolloutState`), and every new service event
 * (also published as a `system` log line from `ecs`, as the simulator does). The first look is
 * the baseline: what was already there is not news.
 */
import type { LogLevel, Task } from '../../../src/lib/protocol/index';
import type { SourceLogEntry, SourceNotification, SourceTaskUpdate } from '../source';
import type { ServiceView } from './ecs-api';
import { clusterName, serviceOfGroup, shortId } from './mapping';

/** Where KECS-derived notifications say they come from. */
export const NOTIFICATION_SOURCE = 'kecs';

const MAX_ID = 512;

function clip(value: string, max = MAX_ID): string {
	return value.length > max ? value.slice(0, max) : value;
}

function notification(
	id: string,
	timestamp: Date,
	type: SourceNotification['type'],
	priority: NonNullable<SourceNotification['priority']>,
	resourceId: string,
	title: string,
	message: string
): SourceNotification {
	return {
		id: clip(id),
		type,
		title,
		message,
		timestamp,
		priority,
		source: NOTIFICATION_SOURCE,
		resourceId: clip(resourceId),
		read: false
	};
}

/** What a task is called in a sentence: its service, or its task definition family. */
function taskOwner(task: Task): string {
	const service = serviceOfGroup(task.group);
	if (service !== undefined) return service;
	if (task.group?.startsWith('family:')) return task.group.slice('family:'.length);
	const td = shortId(task.taskDefinitionArn);
	return td.includes(':') ? td.slice(0, td.indexOf(':')) : td || 'task';
}

/** Exit codes of a container that was asked to stop (SIGTERM, SIGINT) rather than failing. */
const SIGNALLED = new Set([130, 143]);
/** Stops someone asked for: a deployment, scaling, the scheduler, a user. */
const REQUESTED = new Set(['ServiceSchedulerInitiated', 'UserInitiated']);

/** The notification for a task that reached STOPPED. */
export function taskStopped(task: Task, timestamp: Date): SourceNotification {
	const owner = taskOwner(task);
	const cluster = clusterName(task.clusterArn);
	const reason = task.stoppedReason ?? 'no reason given';
	const codes = task.containers.map((c) => c.exitCode).filter((c): c is number => c !== undefined);
	const failed = task.containers.find((c) => c.exitCode !== undefined && c.exitCode !== 0);
	const requested = task.stopCode !== undefined && REQUESTED.has(task.stopCode);
	const what = `Task ${shortId(task.taskArn).slice(0, 8)} of ${owner} in ${cluster}`;
	const id = `kecs:task-stopped:${task.taskArn}`;
	const resource = task.taskArn;

	if (/OutOfMemory/i.test(reason) || (codes.includes(137) && !requested)) {
		const name = task.containers.find((c) => c.exitCode === 137)?.name;
		return notification(
			id,
			timestamp,
			'error',
			'critical',
			resource,
			`Out of memory: ${owner}`,
			`${name ? `Container ${name} of t` : 'T'}ask ${shortId(task.taskArn).slice(0, 8)} in ${cluster} ` +
				`was killed at its memory limit${codes.includes(137) ? ' (exit code 137)' : ''}. ${reason}`
		);
	}
	if (
		task.stopCode === 'TaskFailedToStart' ||
		/CannotPull|ResourceInitializationError|failed to start/i.test(reason)
	) {
		return notification(
			id,
			timestamp,
			'error',
			'high',
			resource,
			`Task failed to start: ${owner}`,
			`${what} failed to start: ${reason}`
		);
	}
	const crashed =
		failed !== undefined && !(requested && codes.every((c) => c === 0 || SIGNALLED.has(c)));
	if (crashed || /health check/i.test(reason)) {
		const exit = failed?.exitCode !== undefined ? ` (exit code ${failed.exitCode})` : '';
		return notification(
			id,
			timestamp,
			'error',
			'high',
			resource,
			`Task stopped unexpectedly: ${owner}`,
			`${what} stopped: ${reason}${exit}.`
		);
	}
	if (!requested && codes.length > 0 && codes.every((c) => c === 0)) {
		return notification(
			id,
			timestamp,
			'success',
			'low',
			resource,
			`Task completed: ${owner}`,
			`${what} ran to completion (exit code 0).`
		);
	}
	return notification(
		id,
		timestamp,
		'info',
		'low',
		resource,
		`Task stopped: ${owner}`,
		`${what} stopped: ${reason}.`
	);
}

/** The level and notification type of a service event, from its wording. */
function eventSeverity(message: string): {
	level: LogLevel;
	type: SourceNotification['type'];
	priority: NonNullable<SourceNotification['priority']>;
} {
	if (/deployment failed|rolling back|circuit breaker/i.test(message)) {
		return { level: 'error', type: 'error', priority: 'normal' };
	}
	if (/fail|unable|unhealthy|error|insufficient/i.test(message)) {
		return { level: 'warn', type: 'warning', priority: 'normal' };
	}
	if (/steady state|deployment completed/i.test(message)) {
		return { level: 'info', type: 'success', priority: 'low' };
	}
	return { level: 'info', type: 'info', priority: 'low' };
}

interface DeploymentSeen {
	rolloutState: string | undefined;
}

/** What changed, as notifications and log lines. */
export interface Derived {
	notifications: SourceNotification[];
	logs: SourceLogEntry[];
}

/** Remembers what it has seen of services, to tell what is new on the next look. */
export class ChangeNotifier {
	#baseline = true;
	readonly #deployments = new Map<string, DeploymentSeen>();
	readonly #events = new Map<string, Set<string>>();

	/**
	 * What one look at KECS brings that is news: the task updates it produced, and its services.
	 * The first look is the baseline.
	 */
	observe(
		updates: readonly SourceTaskUpdate[],
		services: readonly ServiceView[],
		timestamp: Date
	): Derived {
		const fromTasks = this.fromTasks(updates, timestamp);
		const derived = this.fromServices(services, timestamp);
		this.#baseline = false;
		return { notifications: [...fromTasks, ...derived.notifications], logs: derived.logs };
	}

	/**
	 * Notifications for tasks that reached STOPPED in `updates`: a status change to STOPPED, or a
	 * task that appeared already stopped after the baseline (it ran and died between two looks).
	 */
	fromTasks(updates: readonly SourceTaskUpdate[], timestamp: Date): SourceNotification[] {
		const out: SourceNotification[] = [];
		for (const u of updates) {
			const task = u.task;
			if (task === undefined || task.lastStatus !== 'STOPPED') continue;
			const stoppedNow =
				(u.updateType === 'status_changed' && u.previousStatus !== 'STOPPED') ||
				(u.updateType === 'created' && !this.#baseline);
			if (stoppedNow) out.push(taskStopped(task, timestamp));
		}
		return out;
	}

	/** Deployments and service events that are new since the last look. */
	fromServices(services: readonly ServiceView[], timestamp: Date): Derived {
		const derived: Derived = { notifications: [], logs: [] };
		const liveDeployments = new Set<string>();
		const liveServices = new Set<string>();
		for (const service of services) {
			liveServices.add(service.arn);
			this.#serviceDeployments(service, timestamp, derived, liveDeployments);
			this.#serviceEvents(service, timestamp, derived);
		}
		for (const key of this.#deployments.keys()) {
			if (!liveDeployments.has(key)) this.#deployments.delete(key);
		}
		for (const arn of this.#events.keys()) if (!liveServices.has(arn)) this.#events.delete(arn);
		return derived;
	}

	#serviceDeployments(
		service: ServiceView,
		timestamp: Date,
		derived: Derived,
		live: Set<string>
	): void {
		const cluster = clusterName(service.clusterArn);
		const resource = `service:${service.name}`;
		for (const d of service.deployments) {
			if (!d.id) continue;
			const key = `${service.arn}|${d.id}`;
			live.add(key);
			const seen = this.#deployments.get(key);
			const state = d.rolloutState;
			this.#deployments.set(key, { rolloutState: state });
			if (this.#baseline) continue;
			const td = d.taskDefinition ? shortId(d.taskDefinition) : 'a new task definition';
			const count = d.desiredCount ?? 0;
			const tasks = `${count} task${count === 1 ? '' : 's'}`;
			if (seen === undefined && (d.status === 'PRIMARY' || state === 'IN_PROGRESS')) {
				derived.notifications.push(
					notification(
						`kecs:deployment:${key}:started`,
						timestamp,
						'info',
						'normal',
						resource,
						`Deployment started: ${service.name}`,
						`${d.id} is rolling out ${td} to ${tasks} in ${cluster}.`
					)
				);
			}
			if (state === seen?.rolloutState && seen !== undefined) continue;
			if (state === 'COMPLETED' && (seen !== undefined || d.status === 'PRIMARY')) {
				const running = d.runningCount ?? count;
				derived.notifications.push(
					notification(
						`kecs:deployment:${key}:completed`,
						timestamp,
						'success',
						'normal',
						resource,
						`Deployment completed: ${service.name}`,
						`${d.id} completed: ${service.name} in ${cluster} runs ${td} on ${running} ` +
							`task${running === 1 ? '' : 's'}.`
					)
				);
			} else if (state === 'FAILED') {
				derived.notifications.push(
					notification(
						`kecs:deployment:${key}:failed`,
						timestamp,
						'error',
						'high',
						resource,
						`Deployment failed: ${service.name}`,
						`${d.id} (${td}) failed in ${cluster}: ${d.rolloutStateReason ?? 'the rollout failed'}`
					)
				);
			}
		}
	}

	#serviceEvents(service: ServiceView, timestamp: Date, derived: Derived): void {
		const seen = this.#events.get(service.arn);
		const now = new Set<string>();
		// ECS lists events newest first; report them oldest first.
		const events = [...service.events].reverse();
		for (const e of events) {
			if (!e.message) continue;
			const id = e.id ?? `${e.createdAt?.getTime() ?? ''}:${e.message}`;
			now.add(id);
			if (this.#baseline || seen === undefined || seen.has(id)) continue;
			const at =
				e.createdAt instanceof Date && !Number.isNaN(e.createdAt.getTime())
					? e.createdAt
					: timestamp;
			const severity = eventSeverity(e.message);
			derived.notifications.push(
				notification(
					`kecs:event:${service.arn}:${id}`,
					at,
					severity.type,
					severity.priority,
					`service:${service.name}`,
					`Service event: ${service.name}`,
					e.message
				)
			);
			derived.logs.push({
				id: clip(`kecs:event:${id}`),
				timestamp: at,
				level: severity.level,
				source: { type: 'system', name: 'ecs', identifier: clip(service.arn) },
				message: e.message,
				serviceName: service.name,
				clusterArn: service.clusterArn
			});
		}
		// A service seen for the first time after the baseline: its history is not news either.
		this.#events.set(service.arn, now);
	}
}
