import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/lib/protocol/index';
import { diffTasks } from './diff';

const at = new Date('2026-11-26T09:00:00Z');

function task(id: string, overrides: Partial<Task> = {}): Task {
	return {
		taskArn: `arn:aws:ecs:us-east-1:000000000000:task/production/${id}`,
		clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/production',
		taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:1',
		group: 'service:api',
		lastStatus: 'RUNNING',
		desiredStatus: 'RUNNING',
		launchType: 'FARGATE',
		containers: [{ name: 'api', lastStatus: 'RUNNING' }],
		createdAt: new Date(`2026-11-26T08:0${id.length}:00Z`),
		...overrides
	};
}

const map = (...tasks: Task[]) => new Map(tasks.map((t) => [t.taskArn, t]));

describe('diffTasks', () => {
	it('announces new tasks as created, with their snapshot', () => {
		const a = task('a');
		expect(diffTasks(new Map(), map(a), at)).toEqual([
			{ taskId: a.taskArn, updateType: 'created', task: a, timestamp: at }
		]);
	});

	it('reports a status change with previousStatus and every changed field', () => {
		const before = task('a');
		const after = task('a', {
			lastStatus: 'STOPPED',
			desiredStatus: 'STOPPED',
			stoppedAt: at,
			stoppedReason: 'Essential container in task exited',
			containers: [{ name: 'api', lastStatus: 'STOPPED', exitCode: 1 }]
		});
		expect(diffTasks(map(before), map(after), at)).toEqual([
			{
				taskId: after.taskArn,
				updateType: 'status_changed',
				task: after,
				previousStatus: 'RUNNING',
				changes: {
					lastStatus: 'STOPPED',
					desiredStatus: 'STOPPED',
					stoppedAt: at,
					stoppedReason: 'Essential container in task exited',
					containers: [{ name: 'api', lastStatus: 'STOPPED', exitCode: 1 }]
				},
				timestamp: at
			}
		]);
	});

	it('reports other changes as updated, and nothing when nothing changed', () => {
		const before = task('a');
		const after = task('a', {
			containers: [{ name: 'api', lastStatus: 'RUNNING', healthStatus: 'UNHEALTHY' }]
		});
		expect(
			diffTasks(map(before), map({ ...before, createdAt: new Date(before.createdAt ?? 0) }), at)
		).toEqual([]);
		expect(diffTasks(map(before), map(after), at)).toEqual([
			{
				taskId: after.taskArn,
				updateType: 'updated',
				task: after,
				changes: { containers: after.containers },
				timestamp: at
			}
		]);
	});

	it('reports tasks ECS no longer lists as deleted, with their last snapshot', () => {
		const a = task('a', { lastStatus: 'STOPPED', desiredStatus: 'STOPPED' });
		const b = task('bb');
		expect(diffTasks(map(a, b), map(b), at)).toEqual([
			{ taskId: a.taskArn, updateType: 'deleted', task: a, timestamp: at }
		]);
	});

	it('orders updates oldest task first', () => {
		const old = task('a');
		const young = task('bbb');
		expect(diffTasks(new Map(), map(young, old), at).map((u) => u.taskId)).toEqual([
			old.taskArn,
			young.taskArn
		]);
	});
});
