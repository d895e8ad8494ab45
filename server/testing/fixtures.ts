/**
 * Source-side items for hub tests (no `seq`: the hub stamps it). Deterministic: the same
 * arguments give the same item.
 */
import type { Task } from '../../src/lib/protocol/index';
import type {
	SourceLogEntry,
	SourceMetricUpdate,
	SourceNotification,
	SourceTaskUpdate
} from '../sources/source';

export const CLUSTER_DEFAULT = 'arn:aws:ecs:us-east-1:000000000000:cluster/default';
export const CLUSTER_PROD = 'arn:aws:ecs:us-east-1:000000000000:cluster/prod';
/** Task of service `web` in cluster `default`. */
export const TASK_WEB = 'arn:aws:ecs:us-east-1:000000000000:task/default/0a1b2c3d';
/** Task of service `worker` in cluster `prod`. */
export const TASK_WORKER = 'arn:aws:ecs:us-east-1:000000000000:task/prod/9f8e7d6c';

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

/** A log line numbered `n`, from the web task unless overridden. */
export function sourceLog(n: number, overrides: Partial<SourceLogEntry> = {}): SourceLogEntry {
	return {
		id: `log-${n}`,
		timestamp: new Date(T0 + n),
		level: 'info',
		source: { type: 'container', name: 'web', identifier: 'c-web' },
		message: `GET /api/items/${n} 200 ${n % 97}ms`,
		taskId: TASK_WEB,
		serviceName: 'web',
		clusterArn: CLUSTER_DEFAULT,
		...overrides
	};
}

/** A metric sample numbered `n` for `resourceId` (a task ARN). */
export function sourceMetrics(n: number, resourceId: string = TASK_WEB): SourceMetricUpdate {
	const at = new Date(T0 + n * 1000);
	return {
		resourceId,
		metrics: {
			resourceId,
			taskId: resourceId,
			cpu: { name: 'cpu', unit: 'percent', points: [{ timestamp: at, value: n % 100 }] },
			memory: { name: 'memory', unit: 'MiB', points: [{ timestamp: at, value: 256 + n }] }
		}
	};
}

/** A notification numbered `n`. */
export function sourceNotification(
	n: number,
	overrides: Partial<SourceNotification> = {}
): SourceNotification {
	return {
		id: `note-${n}`,
		type: 'warning',
		title: `Task stopped unexpectedly (${n})`,
		message: 'Essential container in task exited',
		timestamp: new Date(T0 + n),
		priority: 'high',
		resourceId: TASK_WEB,
		read: false,
		...overrides
	};
}

/** A task as ECS describes it. */
export function task(
	arn: string,
	service: string,
	cluster: string,
	status: Task['lastStatus'] = 'RUNNING'
): Task {
	return {
		taskArn: arn,
		clusterArn: cluster,
		taskDefinitionArn: `arn:aws:ecs:us-east-1:000000000000:task-definition/${service}:1`,
		group: `service:${service}`,
		lastStatus: status,
		desiredStatus: 'RUNNING',
		launchType: 'FARGATE',
		containers: [{ name: service, lastStatus: status }]
	};
}

/** A task update for `t`. */
export function sourceTaskUpdate(
	t: Task,
	updateType: SourceTaskUpdate['updateType'] = 'status_changed',
	previousStatus?: Task['lastStatus']
): SourceTaskUpdate {
	const update: SourceTaskUpdate = {
		taskId: t.taskArn,
		updateType,
		task: t,
		timestamp: new Date(T0)
	};
	if (previousStatus !== undefined) update.previousStatus = previousStatus;
	return update;
}
