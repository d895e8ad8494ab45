import { describe, expect, it } from 'vitest';
import type { Task } from '../../src/lib/protocol/index';
import { CLUSTER_DEFAULT, CLUSTER_PROD, sourceLog, TASK_WEB } from '../testing/fixtures';
import { TaskIndex } from './resource';

const task = (overrides: Partial<Task> = {}): Task => ({
	taskArn: TASK_WEB,
	clusterArn: CLUSTER_PROD,
	taskDefinitionArn: 'td',
	group: 'service:web-v2',
	lastStatus: 'RUNNING',
	desiredStatus: 'RUNNING',
	launchType: 'FARGATE',
	containers: [],
	...overrides
});

describe('TaskIndex.logKeys', () => {
	it('shares one keys object between the log entries of a task', () => {
		const idx = new TaskIndex();
		const a = idx.logKeys(sourceLog(1));
		const b = idx.logKeys(sourceLog(2));
		expect(b).toBe(a);
		expect(a).toEqual({
			taskId: TASK_WEB,
			serviceName: 'web',
			clusterArn: CLUSTER_DEFAULT,
			clusterName: 'default'
		});
	});

	it('makes new keys when the entry names another service or cluster', () => {
		const idx = new TaskIndex();
		const a = idx.logKeys(sourceLog(1));
		const b = idx.logKeys(sourceLog(2, { serviceName: 'api' }));
		expect(b).not.toBe(a);
		expect(b.serviceName).toBe('api');
		const c = idx.logKeys(sourceLog(3, { clusterArn: CLUSTER_PROD }));
		expect(c.clusterName).toBe('prod');
		expect(idx.logKeys(sourceLog(4, { clusterArn: CLUSTER_PROD }))).toBe(c);
	});

	it('follows what task updates teach about the task', () => {
		const idx = new TaskIndex();
		const bare = { taskId: TASK_WEB, serviceName: undefined, clusterArn: undefined };
		expect(idx.logKeys(bare)).toEqual({ taskId: TASK_WEB });
		idx.learn(task());
		const learnt = idx.logKeys(bare);
		expect(learnt).toEqual({
			taskId: TASK_WEB,
			serviceName: 'web-v2',
			clusterArn: CLUSTER_PROD,
			clusterName: 'prod'
		});
		// Learning the same placement again keeps the keys; a new one replaces them.
		idx.learn(task());
		expect(idx.logKeys(bare)).toBe(learnt);
		idx.learn(task({ group: 'service:web-v3' }));
		expect(idx.logKeys(bare).serviceName).toBe('web-v3');
		idx.forget(TASK_WEB);
		expect(idx.logKeys(bare)).toEqual({ taskId: TASK_WEB });
	});

	it('forgets placements the index evicts', () => {
		const idx = new TaskIndex(1);
		const bare = { taskId: TASK_WEB, serviceName: undefined, clusterArn: undefined };
		idx.learn(task());
		expect(idx.logKeys(bare).serviceName).toBe('web-v2');
		idx.learn(task({ taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/prod/other' }));
		expect(idx.logKeys(bare)).toEqual({ taskId: TASK_WEB });
	});

	it('keys entries without a task from what they name', () => {
		const idx = new TaskIndex();
		const keys = idx.logKeys({ taskId: undefined, serviceName: 'web', clusterArn: undefined });
		expect(keys).toEqual({ serviceName: 'web' });
	});
});
