/**
 * Valid wire frames (as plain JSON values, before `JSON.stringify`) for every message type of
 * both directions, with every optional field present somewhere. The fuzzers derive their
 * per-field mutations from these, so a field that exists on the wire is a field that gets fuzzed.
 */
import type { ClientMessageType, ServerMessageType } from '../types';

const ts = '2026-11-26T10:00:00.000Z';
const TASK = 'arn:aws:ecs:us-east-1:000000000000:task/prod/0a1b2c3d';

export const LOG_ENTRY = {
	id: 'l-1',
	seq: 1,
	timestamp: ts,
	level: 'info',
	source: { type: 'container', name: 'web', identifier: 'c-1' },
	message: 'GET / 200',
	taskId: TASK,
	containerId: 'c-1',
	serviceName: 'web',
	clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod',
	metadata: { method: 'GET', status: 200, nested: { a: [1, 2] } },
	stackTrace: 'Error: boom\n    at main (app.js:1:1)',
	correlationId: 'corr-1'
};

const series = (name: string, unit: string) => ({
	name,
	unit,
	points: [
		{ timestamp: ts, value: 12.5 },
		{ timestamp: ts, value: 0 }
	]
});

export const METRIC_UPDATE = {
	resourceId: TASK,
	seq: 3,
	metrics: {
		resourceId: TASK,
		taskId: TASK,
		serviceName: 'web',
		cpu: series('cpu', 'percent'),
		memory: series('memory', 'MiB'),
		network: { rx: series('rx', 'KiB/s'), tx: series('tx', 'KiB/s') }
	}
};

export const NOTIFICATION = {
	id: 'n-1',
	seq: 2,
	type: 'error',
	title: 'Task stopped',
	message: 'OOM',
	timestamp: ts,
	priority: 'critical',
	source: 'simulator',
	resourceId: TASK,
	read: false,
	dismissed: false
};

export const TASK_VALUE = {
	taskArn: TASK,
	clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/prod',
	taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:3',
	group: 'service:web',
	lastStatus: 'STOPPED',
	desiredStatus: 'STOPPED',
	launchType: 'FARGATE',
	cpu: '256',
	memory: '512',
	containers: [{ name: 'web', lastStatus: 'STOPPED', exitCode: 137, healthStatus: 'UNHEALTHY' }],
	createdAt: ts,
	startedAt: ts,
	stoppedAt: ts,
	stoppedReason: 'OutOfMemoryError: Container killed due to memory usage',
	stopCode: 'EssentialContainerExited'
};

export const TASK_UPDATE = {
	taskId: TASK,
	seq: 9,
	updateType: 'status_changed',
	task: TASK_VALUE,
	changes: { lastStatus: 'STOPPED', stoppedAt: ts },
	previousStatus: 'RUNNING',
	timestamp: ts
};

const history = (stream: string, items: unknown[]) => ({
	type: 'history',
	id: 'h',
	timestamp: ts,
	payload: { stream, resourceId: '*', epoch: 'e1', items, complete: true }
});

/** Valid frames from the gateway: at least one per type (`history` once per stream). */
export const SERVER_VECTORS: readonly { type: ServerMessageType; frame: object }[] = [
	{
		type: 'welcome',
		frame: {
			type: 'welcome',
			timestamp: ts,
			payload: {
				protocol: 1,
				epoch: 'e1',
				heartbeatInterval: 15000,
				authRequired: false,
				serverTime: ts
			}
		}
	},
	{ type: 'pong', frame: { type: 'pong', id: 'p1', timestamp: ts } },
	{
		type: 'authenticated',
		frame: { type: 'authenticated', id: 'a', payload: { username: 'op', roles: ['viewer'] } }
	},
	{
		type: 'subscribed',
		frame: {
			type: 'subscribed',
			id: 's',
			payload: {
				stream: 'logs',
				resourceId: '*',
				epoch: 'e1',
				recovered: true,
				lastSeq: 4,
				oldestSeq: 1
			}
		}
	},
	{
		type: 'unsubscribed',
		frame: { type: 'unsubscribed', payload: { stream: 'logs', resourceId: '*' } }
	},
	{ type: 'history', frame: history('logs', [LOG_ENTRY, { ...LOG_ENTRY, id: 'l-2', seq: 2 }]) },
	{ type: 'history', frame: history('metrics', [METRIC_UPDATE]) },
	{ type: 'history', frame: history('notifications', [NOTIFICATION]) },
	{ type: 'history', frame: history('tasks', [TASK_UPDATE]) },
	{
		type: 'filter_applied',
		frame: {
			type: 'filter_applied',
			payload: {
				stream: 'logs',
				filter: {
					levels: ['error'],
					search: 'x',
					regex: 'a+',
					taskIds: [TASK],
					serviceNames: ['web']
				}
			}
		}
	},
	{
		type: 'filtersSet',
		frame: {
			type: 'filtersSet',
			payload: [
				{
					eventTypes: ['task'],
					resourceTypes: ['task'],
					resourceIds: [TASK],
					metadata: { k: 'v' }
				}
			]
		}
	},
	{ type: 'log_entry', frame: { type: 'log_entry', timestamp: ts, payload: LOG_ENTRY } },
	{
		type: 'log_batch',
		frame: {
			type: 'log_batch',
			payload: [
				LOG_ENTRY,
				{
					id: 'l-2',
					seq: 2,
					timestamp: ts,
					level: 'warn',
					source: { type: 'system', name: 'sim', identifier: 's' },
					message: ''
				}
			]
		}
	},
	{ type: 'metric_update', frame: { type: 'metric_update', payload: METRIC_UPDATE } },
	{ type: 'notification', frame: { type: 'notification', payload: NOTIFICATION } },
	{
		type: 'notification_update',
		frame: {
			type: 'notification_update',
			payload: { id: 'n-1', changes: { read: true, dismissed: true, title: 't' } }
		}
	},
	{ type: 'task_update', frame: { type: 'task_update', payload: TASK_UPDATE } },
	{
		type: 'dropped',
		frame: { type: 'dropped', payload: { stream: 'logs', count: 5, reason: 'slow_consumer' } }
	},
	{
		type: 'error',
		frame: { type: 'error', id: 'x', payload: { error: 'invalid_json', message: 'bad', ref: 'x' } }
	},
	{ type: 'message', frame: { type: 'message', payload: { anything: [1, 2, 'three'] } } }
];

/** Valid frames from a browser: at least one per type, with every optional field somewhere. */
export const CLIENT_VECTORS: readonly { type: ClientMessageType; frame: object }[] = [
	{ type: 'ping', frame: { type: 'ping', id: '1', timestamp: ts } },
	{ type: 'authenticate', frame: { type: 'authenticate', id: '2', payload: { token: 't0k' } } },
	{
		type: 'subscribe',
		frame: {
			type: 'subscribe',
			id: '3',
			payload: {
				stream: 'logs',
				resourceId: '*',
				filter: { levels: ['warn', 'error'], search: 'x', regex: 'took \\d{2,4}ms' },
				since: { epoch: 'e', seq: 4 }
			}
		}
	},
	{
		type: 'subscribe',
		frame: {
			type: 'subscribe',
			id: '3b',
			payload: { stream: 'metrics', resourceId: `service:web`, filter: { serviceNames: ['web'] } }
		}
	},
	{
		type: 'unsubscribe',
		frame: { type: 'unsubscribe', id: '4', payload: { stream: 'metrics', resourceId: TASK } }
	},
	{
		type: 'request_history',
		frame: {
			type: 'request_history',
			id: '5',
			payload: { stream: 'tasks', resourceId: 'cluster:prod', limit: 10, beforeSeq: 50 }
		}
	},
	{
		type: 'update_filter',
		frame: {
			type: 'update_filter',
			id: '6',
			payload: {
				stream: 'logs',
				filter: {
					levels: ['warn'],
					search: 'timeout',
					regex: 'a+',
					taskIds: [TASK],
					serviceNames: ['web']
				}
			}
		}
	},
	{
		type: 'setFilters',
		frame: {
			type: 'setFilters',
			id: '7',
			payload: [
				{
					eventTypes: ['log_entry'],
					resourceTypes: ['task'],
					resourceIds: ['x'],
					metadata: { k: 'v' }
				}
			]
		}
	},
	{
		type: 'mark_as_read',
		frame: { type: 'mark_as_read', id: '8', payload: { notificationId: 'n-1' } }
	},
	{ type: 'mark_all_as_read', frame: { type: 'mark_all_as_read', id: '9' } },
	{ type: 'dismiss', frame: { type: 'dismiss', id: '10', payload: { notificationId: 'n-2' } } },
	{ type: 'message', frame: { type: 'message', id: '11', payload: { hello: ['world', 1, null] } } }
];
