/**
 * Task updates from two successive views of the tasks, with the simulator's semantics: a task
 * seen for the first time is `created` (with its snapshot), a change of `lastStatus` is
 * `status_changed` (with `previousStatus` and every field that changed), any other change is
 * `updated` (with the fields that changed), and a task ECS no longer lists is `deleted` (with
 * its last snapshot). Every update carries the full snapshot, as the simulator's do.
 */
import type { Task } from '../../../src/lib/protocol/index';
import type { SourceTaskUpdate } from '../source';

type Changes = NonNullable<SourceTaskUpdate['changes']>;

const SCALAR_FIELDS = [
	'clusterArn',
	'taskDefinitionArn',
	'group',
	'lastStatus',
	'desiredStatus',
	'launchType',
	'cpu',
	'memory',
	'stoppedReason',
	'stopCode'
] as const satisfies readonly (keyof Task)[];

const DATE_FIELDS = [
	'createdAt',
	'startedAt',
	'stoppedAt'
] as const satisfies readonly (keyof Task)[];

function sameContainers(a: Task['containers'], b: Task['containers']): boolean {
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) {
		const x = a[i];
		const y = b[i];
		if (
			x === undefined ||
			y === undefined ||
			x.name !== y.name ||
			x.lastStatus !== y.lastStatus ||
			x.exitCode !== y.exitCode ||
			x.healthStatus !== y.healthStatus
		) {
			return false;
		}
	}
	return true;
}

/** The fields of `next` that differ from `prev` (fields that disappeared are not reported). */
export function changedFields(prev: Task, next: Task): Changes {
	const changes: Changes = {};
	for (const key of SCALAR_FIELDS) {
		const value = next[key];
		if (value !== undefined && value !== prev[key]) Object.assign(changes, { [key]: value });
	}
	for (const key of DATE_FIELDS) {
		const value = next[key];
		if (value !== undefined && value.getTime() !== prev[key]?.getTime()) changes[key] = value;
	}
	if (!sameContainers(prev.containers, next.containers)) changes.containers = next.containers;
	return changes;
}

function byCreation(a: Task, b: Task): number {
	const ta = a.createdAt?.getTime() ?? 0;
	const tb = b.createdAt?.getTime() ?? 0;
	return ta - tb || (a.taskArn < b.taskArn ? -1 : a.taskArn > b.taskArn ? 1 : 0);
}

/**
 * The updates that turn `prev` into `next` (both keyed by task ARN), oldest task first, stamped
 * `timestamp`. Tasks in both views with nothing changed produce nothing.
 */
export function diffTasks(
	prev: ReadonlyMap<string, Task>,
	next: ReadonlyMap<string, Task>,
	timestamp: Date
): SourceTaskUpdate[] {
	const updates: SourceTaskUpdate[] = [];
	for (const task of [...next.values()].sort(byCreation)) {
		const before = prev.get(task.taskArn);
		if (before === undefined) {
			updates.push({ taskId: task.taskArn, updateType: 'created', task, timestamp });
			continue;
		}
		const changes = changedFields(before, task);
		if (Object.keys(changes).length === 0) continue;
		if (changes.lastStatus !== undefined) {
			updates.push({
				taskId: task.taskArn,
				updateType: 'status_changed',
				task,
				changes,
				previousStatus: before.lastStatus,
				timestamp
			});
		} else {
			updates.push({ taskId: task.taskArn, updateType: 'updated', task, changes, timestamp });
		}
	}
	for (const task of [...prev.values()].sort(byCreation)) {
		if (!next.has(task.taskArn)) {
			updates.push({ taskId: task.taskArn, updateType: 'deleted', task, timestamp });
		}
	}
	return updates;
}
