import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/lib/protocol/index';
import { notification as notificationSchema } from '../../../src/lib/protocol/schemas';
import type { ServiceView } from './ecs-api';
import { ChangeNotifier, taskStopped } from './notifications';

const at = new Date('2026-11-26T09:00:00Z');
const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/production';

function stopped(overrides: Partial<Task>, exitCode?: number): Task {
	return {
		taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/production/0123456789abcdef0123456789abcdef',
		clusterArn: CLUSTER,
		taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:3',
		group: 'service:api',
		lastStatus: 'STOPPED',
		desiredStatus: 'STOPPED',
		launchType: 'FARGATE',
		containers: [
			{ name: 'api', lastStatus: 'STOPPED', ...(exitCode === undefined ? {} : { exitCode }) }
		],
		...overrides
	};
}

describe('taskStopped', () => {
	it.each([
		[
			{ stopCode: 'EssentialContainerExited', stoppedReason: 'Essential container in task exited' },
			2,
			'error',
			'Task stopped unexpectedly: api',
			/exit code 2/
		],
		[
			{ stoppedReason: 'OutOfMemoryError: Container killed due to memory usage' },
			137,
			'error',
			'Out of memory: api',
			/137/
		],
		[
			{ stopCode: 'TaskFailedToStart', stoppedReason: 'CannotPullContainerError: not found' },
			undefined,
			'error',
			'Task failed to start: api',
			/CannotPull/
		],
		[
			{
				stopCode: 'ServiceSchedulerInitiated',
				stoppedReason: 'Task failed container health checks'
			},
			143,
			'error',
			'Task stopped unexpectedly: api',
			/health checks/
		],
		[
			{
				stopCode: 'ServiceSchedulerInitiated',
				stoppedReason: 'Scaling activity initiated by (deployment ecs-svc/1)'
			},
			143,
			'info',
			'Task stopped: api',
			/Scaling activity/
		],
		[
			{ stopCode: 'UserInitiated', stoppedReason: 'Task stopped by user' },
			0,
			'info',
			'Task stopped: api',
			/stopped by user/
		],
		[
			{
				group: 'family:nightly-report',
				stopCode: 'EssentialContainerExited',
				stoppedReason: 'Essential container in task exited'
			},
			0,
			'success',
			'Task completed: nightly-report',
			/exit code 0/
		]
	] as const)('%j exit %s → %s "%s"', (overrides, exit, type, title, message) => {
		const n = taskStopped(stopped(overrides, exit), at);
		expect(n).toMatchObject({
			type,
			title,
			resourceId: stopped({}).taskArn,
			source: 'kecs',
			read: false
		});
		expect(n.message).toMatch(message);
		expect(v.safeParse(notificationSchema, { ...n, seq: 1 }).success).toBe(true);
	});
});

function service(overrides: Partial<ServiceView> = {}): ServiceView {
	return {
		arn: 'arn:aws:ecs:us-east-1:000000000000:service/production/api',
		name: 'api',
		clusterArn: CLUSTER,
		deployments: [
			{
				id: 'ecs-svc/1',
				status: 'PRIMARY',
				rolloutState: 'COMPLETED',
				taskDefinition: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:3',
				desiredCount: 2,
				runningCount: 2
			}
		],
		events: [
			{
				id: 'e1',
				createdAt: new Date('2026-11-26T08:00:00Z'),
				message: '(service api) has reached a steady state.'
			}
		],
		...overrides
	};
}

describe('ChangeNotifier', () => {
	it('takes the first look as the baseline', () => {
		const n = new ChangeNotifier();
		const created = [
			{ taskId: 'x', updateType: 'created' as const, task: stopped({}, 1), timestamp: at }
		];
		expect(n.observe(created, [service()], at)).toEqual({ notifications: [], logs: [] });
		// After the baseline, a task first seen already stopped ran and died between two looks.
		expect(n.observe(created, [service()], at).notifications.map((x) => x.title)).toEqual([
			'Task stopped unexpectedly: api'
		]);
	});

	it('notifies a deployment that starts, then completes or fails', () => {
		const n = new ChangeNotifier();
		n.observe([], [service()], at);
		const rolling = service({
			deployments: [
				{
					id: 'ecs-svc/2',
					status: 'PRIMARY',
					rolloutState: 'IN_PROGRESS',
					taskDefinition: 'td/api:4',
					desiredCount: 2
				},
				{ id: 'ecs-svc/1', status: 'ACTIVE', rolloutState: 'COMPLETED', taskDefinition: 'td/api:3' }
			]
		});
		const started = n.fromServices([rolling], at).notifications;
		expect(started.map((x) => [x.type, x.title])).toEqual([['info', 'Deployment started: api']]);
		expect(started[0]?.message).toBe('ecs-svc/2 is rolling out api:4 to 2 tasks in production.');
		expect(n.fromServices([rolling], at).notifications).toEqual([]);

		const done = service({
			deployments: [
				{
					id: 'ecs-svc/2',
					status: 'PRIMARY',
					rolloutState: 'COMPLETED',
					taskDefinition: 'td/api:4',
					runningCount: 2
				}
			]
		});
		expect(n.fromServices([done], at).notifications.map((x) => [x.type, x.title])).toEqual([
			['success', 'Deployment completed: api']
		]);

		const failing = service({
			deployments: [
				{
					id: 'ecs-svc/3',
					status: 'PRIMARY',
					rolloutState: 'IN_PROGRESS',
					taskDefinition: 'td/api:5'
				},
				{ id: 'ecs-svc/2', status: 'ACTIVE', rolloutState: 'COMPLETED', taskDefinition: 'td/api:4' }
			]
		});
		n.fromServices([failing], at);
		const failed = service({
			deployments: [
				{
					id: 'ecs-svc/3',
					status: 'ACTIVE',
					rolloutState: 'FAILED',
					rolloutStateReason: 'tasks failed to start.',
					taskDefinition: 'td/api:5'
				},
				{
					id: 'ecs-svc/2',
					status: 'PRIMARY',
					rolloutState: 'COMPLETED',
					taskDefinition: 'td/api:4'
				}
			]
		});
		const out = n.fromServices([failed], at).notifications;
		expect(out.map((x) => [x.type, x.title])).toEqual([['error', 'Deployment failed: api']]);
		expect(out[0]?.message).toMatch(/tasks failed to start/);
	});

	it('notifies new service events, oldest first, and logs them as the simulator does', () => {
		const n = new ChangeNotifier();
		n.observe([], [service()], at);
		const later = service({
			events: [
				{
					id: 'e3',
					createdAt: new Date('2026-11-26T08:02:00Z'),
					message: '(service api) (task abc) failed to start: boom'
				},
				{
					id: 'e2',
					createdAt: new Date('2026-11-26T08:01:00Z'),
					message: '(service api) has started 1 tasks: (task abc).'
				},
				{
					id: 'e1',
					createdAt: new Date('2026-11-26T08:00:00Z'),
					message: '(service api) has reached a steady state.'
				}
			]
		});
		const { notifications, logs } = n.fromServices([later], at);
		expect(notifications.map((x) => [x.type, x.message])).toEqual([
			['info', '(service api) has started 1 tasks: (task abc).'],
			['warning', '(service api) (task abc) failed to start: boom']
		]);
		expect(logs.map((l) => [l.level, l.source, l.serviceName])).toEqual([
			['info', { type: 'system', name: 'ecs', identifier: later.arn }, 'api'],
			['warn', { type: 'system', name: 'ecs', identifier: later.arn }, 'api']
		]);
		expect(n.fromServices([later], at)).toEqual({ notifications: [], logs: [] });
	});

	it('notifies a task that stopped since the last look (or appeared stopped after the baseline)', () => {
		const n = new ChangeNotifier();
		n.observe([], [], at);
		const crashed = stopped({ stoppedReason: 'Essential container in task exited' }, 1);
		expect(
			n
				.fromTasks(
					[
						{
							taskId: 'a',
							updateType: 'status_changed',
							previousStatus: 'STOPPING',
							task: crashed,
							timestamp: at
						},
						{ taskId: 'b', updateType: 'created', task: crashed, timestamp: at },
						{ taskId: 'c', updateType: 'updated', task: crashed, timestamp: at },
						{ taskId: 'd', updateType: 'deleted', task: crashed, timestamp: at }
					],
					at
				)
				.map((x) => x.title)
		).toEqual(['Task stopped unexpectedly: api', 'Task stopped unexpectedly: api']);
	});
});
