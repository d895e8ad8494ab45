import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { TaskView } from '$lib/streams';
import TaskDetails from './TaskDetails.svelte';

const NOW = Date.UTC(2026, 10, 26, 12);

describe('TaskDetails', () => {
	it('shows where the task runs, its containers and why it stopped', () => {
		const task: TaskView = {
			taskArn: 'arn:aws:ecs:us-east-1:0:task/production/abc',
			clusterArn: 'arn:aws:ecs:us-east-1:0:cluster/production',
			taskDefinitionArn: 'arn:aws:ecs:us-east-1:0:task-definition/api:7',
			group: 'service:api',
			lastStatus: 'STOPPED',
			desiredStatus: 'STOPPED',
			launchType: 'FARGATE',
			containers: [
				{ name: 'app', lastStatus: 'STOPPED', exitCode: 137, healthStatus: 'UNHEALTHY' },
				{ name: 'sidecar', lastStatus: 'STOPPED', exitCode: 0 }
			],
			startedAt: new Date(NOW - 3_600_000),
			stoppedAt: new Date(NOW - 60_000),
			stoppedReason: 'OutOfMemoryError: Container killed',
			stopCode: 'EssentialContainerExited',
			updatedAt: new Date(NOW),
			deleted: false,
			partial: false
		};
		render(TaskDetails, { task, now: NOW });
		const text = screen.getByTestId('task-details').textContent ?? '';
		expect(text).toContain('api:7');
		expect(text).toContain('production');
		expect(text).toContain('1 h ago');
		expect(text).toContain('OutOfMemoryError: Container killed (EssentialContainerExited)');
		expect(text).toContain('exit 137');
		expect(text).toContain('unhealthy');
		expect(document.querySelector('.exit.bad')?.textContent).toBe('exit 137');
	});
});
