/**
 * Wire-format items for tests (timestamps as strings, as the gateway sends them). Each factory
 * takes the seq and optional overrides.
 */

/** The time every fixture item carries. Tests whose stores judge age by the wall clock pin `Date` near it. */
export const FIXTURE_TIME = '2026-11-26T10:00:00.000Z';
const TS = FIXTURE_TIME;

export const TASK_A = 'arn:aws:ecs:us-east-1:000000000000:task/default/aaaa';
export const TASK_B = 'arn:aws:ecs:us-east-1:000000000000:task/default/bbbb';
export const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/default';

export function logEntry(seq: number, overrides: Record<string, unknown> = {}) {
	return {
		id: `log-${seq}`,
		seq,
		timestamp: TS,
		level: 'info',
		source: { type: 'container', name: 'web', identifier: 'c1' },
		message: `line ${seq}`,
		taskId: TASK_A,
		serviceName: 'web',
		clusterArn: CLUSTER,
		...overrides
	};
}

export function taskUpdate(seq: number, overrides: Record<string, unknown> = {}) {
	return {
		taskId: TASK_A,
		seq,
		updateType: 'status_changed',
		previousStatus: 'PENDING',
		timestamp: TS,
		task: {
			taskArn: TASK_A,
			clusterArn: CLUSTER,
			taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
			group: 'service:web',
			lastStatus: 'RUNNING',
			desiredStatus: 'RUNNING',
			launchType: 'FARGATE',
			containers: [{ name: 'web', lastStatus: 'RUNNING' }]
		},
		...overrides
	};
}

function series(name: string, unit: string, value: number) {
	return { name, unit, points: [{ timestamp: TS, value }] };
}

export function metricUpdate(seq: number, overrides: Record<string, unknown> = {}) {
	return {
		resourceId: TASK_A,
		seq,
		metrics: {
			resourceId: TASK_A,
			taskId: TASK_A,
			serviceName: 'web',
			cpu: series('cpu', 'percent', 12.5),
			memory: series('memory', 'MiB', 256)
		},
		...overrides
	};
}

export function notification(seq: number, overrides: Record<string, unknown> = {}) {
	return {
		id: `n-${seq}`,
		seq,
		type: 'info',
		title: `note ${seq}`,
		message: 'hello',
		timestamp: TS,
		read: false,
		...overrides
	};
}

/** A `subscribed` reply. */
export function subscribed(
	stream: string,
	overrides: {
		resourceId?: string;
		epoch?: string;
		recovered?: boolean;
		lastSeq?: number;
		oldestSeq?: number;
	} = {}
) {
	return {
		type: 'subscribed',
		payload: { stream, resourceId: '*', epoch: 'e1', recovered: false, ...overrides }
	};
}

/** A `log_batch` of the given seqs. */
export function logBatch(seqs: number[], overrides: Record<string, unknown> = {}) {
	return { type: 'log_batch', payload: seqs.map((s) => logEntry(s, overrides)) };
}
