import { describe, expect, it } from 'vitest';
import type { Task } from '../../../src/lib/protocol/index';
import { selects } from './log-streams';

const task: Task = {
	taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/production/0123456789abcdef0123456789abcdef',
	clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/production',
	taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:1',
	group: 'service:api',
	lastStatus: 'RUNNING',
	desiredStatus: 'RUNNING',
	launchType: 'FARGATE',
	containers: [{ name: 'api', lastStatus: 'RUNNING' }]
};

describe('selects (which log subscriptions want a task)', () => {
	it.each([
		['*', true],
		[task.taskArn, true],
		['0123456789abcdef0123456789abcdef', true],
		['service:api', true],
		['service:web', false],
		['cluster:production', true],
		['cluster:arn:aws:ecs:us-east-1:000000000000:cluster/production', true],
		['cluster:staging', false],
		['arn:aws:ecs:us-east-1:000000000000:task/production/other', false]
	])('%s → %s', (resourceId, expected) => {
		expect(selects(resourceId, task)).toBe(expected);
	});
});
