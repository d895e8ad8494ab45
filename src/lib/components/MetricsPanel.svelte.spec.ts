import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { TaskMetrics, TaskView } from '$lib/streams';
import MetricsPanel from './MetricsPanel.svelte';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0f1e2d3c4b5a';

function task(overrides: Partial<TaskView> = {}): TaskView {
	return {
		taskArn: ARN,
		clusterArn: 'arn:aws:ecs:us-east-1:000000000000:cluster/default',
		taskDefinitionArn: 'td',
		lastStatus: 'RUNNING',
		desiredStatus: 'RUNNING',
		launchType: 'FARGATE',
		cpu: '512',
		memory: '2048',
		containers: [],
		updatedAt: new Date(),
		deleted: false,
		partial: false,
		...overrides
	};
}

function metrics(cpu: number[], mem: number[]): TaskMetrics {
	const t = new Float64Array(cpu.map((_, i) => 1_800_000_000 + i));
	const series = (name: string, values: number[]) => ({
		name,
		unit: name === 'cpu' ? 'percent' : 'MiB',
		points: [],
		latest: undefined,
		values: new Float64Array(values)
	});
	return {
		taskId: ARN,
		resourceId: ARN,
		serviceName: 'api',
		cpu: series('cpu', cpu),
		memory: series('memory', mem),
		columns: { t, cpu: new Float64Array(cpu), mem: new Float64Array(mem) },
		size: cpu.length,
		version: 3
	};
}

describe('MetricsPanel', () => {
	it('shows the latest values against the task’s reservations', () => {
		render(MetricsPanel, { task: task(), metrics: metrics([10, 42.5], [300, 812]) });
		expect(screen.getByTestId('metrics-cpu').textContent).toContain('42.5 %');
		expect(screen.getByTestId('metrics-cpu').textContent).toContain('/ 50.0 %');
		expect(screen.getByTestId('metrics-mem').textContent).toContain('812 MiB');
		expect(screen.getByTestId('metrics-mem').textContent).toContain('2,048');
		expect(screen.getByTestId('metrics-panel').textContent).toContain(
			'0f1e2d3c · reserved 0.5 vCPU, 2,048 MiB'
		);
	});

	it('waits for samples, and says why there is no chart when there cannot be one', async () => {
		const { rerender } = render(MetricsPanel, { task: task(), metrics: null });
		expect(screen.getByText('Waiting for samples…')).toBeTruthy();
		await rerender({ task: task(), metrics: null, providesMetrics: false });
		expect(screen.getByTestId('metrics-unavailable').textContent).toContain('KECS');
		await rerender({ task: null, metrics: null, providesMetrics: true });
		expect(screen.getByTestId('metrics-unavailable').textContent).toContain('Select a task');
		await rerender({ task: task({ lastStatus: 'STOPPED' }), metrics: null, providesMetrics: true });
		expect(screen.getByTestId('metrics-unavailable').textContent).toContain('stopped');
	});
});
