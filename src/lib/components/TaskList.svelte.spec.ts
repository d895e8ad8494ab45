import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ResolvedPathname } from '$app/types';
import type { TaskMetrics, TaskView } from '$lib/streams';
import TaskList from './TaskList.svelte';

afterEach(() => vi.useRealTimers());

const NOW = Date.UTC(2026, 10, 26, 12, 0, 0);
const arn = (id: string) =>
	`arn:aws:ecs:us-east-1:000000000000:task/${id.startsWith('s') ? 'staging' : 'production'}/${id}0000000000`;

function task(id: string, overrides: Partial<TaskView> = {}): TaskView {
	return {
		taskArn: arn(id),
		clusterArn: `arn:aws:ecs:us-east-1:000000000000:cluster/${id.startsWith('s') ? 'staging' : 'production'}`,
		taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:3',
		group: 'service:api',
		lastStatus: 'RUNNING',
		desiredStatus: 'RUNNING',
		launchType: 'FARGATE',
		cpu: '512',
		memory: '1024',
		containers: [],
		startedAt: new Date(NOW - 5 * 60_000),
		updatedAt: new Date(NOW - 60_000),
		deleted: false,
		partial: false,
		...overrides
	};
}

function map(...tasks: TaskView[]): ReadonlyMap<string, TaskView> {
	return new Map(tasks.map((t) => [t.taskArn, t]));
}

function metricsOf(id: string, cpu: number, mem: number): TaskMetrics {
	const series = (name: string, unit: string, value: number) => ({
		name,
		unit,
		points: [],
		latest: { timestamp: new Date(NOW), value },
		values: new Float64Array([value])
	});
	return {
		taskId: arn(id),
		resourceId: arn(id),
		serviceName: 'api',
		cpu: series('cpu', 'percent', cpu),
		memory: series('memory', 'MiB', mem),
		columns: { t: new Float64Array(), cpu: new Float64Array(), mem: new Float64Array() },
		size: 1,
		version: 1
	};
}

const rows = () => screen.getAllByTestId('task-row');

describe('TaskList', () => {
	it('lists tasks with cluster, service, short id, statuses, start time and latest usage', () => {
		render(TaskList, {
			tasks: map(task('aaaa'), task('bbbb', { group: 'service:worker', lastStatus: 'PENDING' })),
			metrics: [metricsOf('aaaa', 23.46, 412)],
			now: NOW
		});
		const [first, second] = rows();
		expect(first!.dataset.status).toBe('RUNNING');
		expect(first!.textContent).toContain('production');
		expect(first!.textContent).toContain('api');
		expect(first!.textContent).toContain('aaaa0000');
		expect(first!.textContent).toContain('5 min ago');
		expect(first!.textContent).toContain('23.5 %');
		expect(first!.textContent).toContain('412 MiB');
		expect(second!.dataset.status).toBe('PENDING');
		expect(second!.textContent).toContain('worker');
		expect(screen.getByTestId('task-filter-running').textContent).toContain('1');
		expect(screen.getByTestId('task-filter-starting').textContent).toContain('1');
	});

	it('keeps stopped tasks, last, with why they stopped', () => {
		render(TaskList, {
			tasks: map(
				task('cccc', {
					lastStatus: 'STOPPED',
					desiredStatus: 'STOPPED',
					stoppedReason: 'OutOfMemoryError: Container killed due to memory usage',
					stoppedAt: new Date(NOW - 1000)
				}),
				task('aaaa')
			),
			now: NOW
		});
		const [first, last] = rows();
		expect(first!.dataset.status).toBe('RUNNING');
		expect(last!.dataset.status).toBe('STOPPED');
		expect(last!.textContent).toContain('OutOfMemoryError');
		expect(last!.className).toContain('tone-error');
	});

	it('filters by status group, cluster and service', async () => {
		const onservicechange = vi.fn();
		render(TaskList, {
			tasks: map(
				task('aaaa'),
				task('bbbb', { group: 'service:worker' }),
				task('saaa', { lastStatus: 'STOPPED' })
			),
			onservicechange,
			now: NOW
		});
		expect(rows()).toHaveLength(3);
		await fireEvent.click(screen.getByTestId('task-filter-stopped'));
		expect(rows().map((r) => r.dataset.status)).toEqual(['STOPPED']);
		await fireEvent.click(screen.getByTestId('task-filter-all'));
		await fireEvent.change(screen.getByTestId('task-filter-cluster'), {
			target: { value: 'production' }
		});
		expect(rows()).toHaveLength(2);
		await fireEvent.change(screen.getByTestId('task-filter-service'), {
			target: { value: 'worker' }
		});
		expect(rows()).toHaveLength(1);
		expect(onservicechange).toHaveBeenCalledWith('worker');
		await fireEvent.change(screen.getByTestId('task-filter-cluster'), {
			target: { value: 'staging' }
		});
		expect(screen.getByText('No tasks match the filters.')).toBeTruthy();
	});

	it('marks the selected task and links each task and service', () => {
		render(TaskList, {
			tasks: map(task('aaaa'), task('bbbb')),
			selected: arn('bbbb'),
			serviceHref: (s: string) => `/?service=${s}` as ResolvedPathname,
			now: NOW
		});
		const selected = rows().find((r) => r.getAttribute('aria-selected') === 'true')!;
		expect(selected.dataset.task).toBe(arn('bbbb'));
		expect(selected.querySelector('a.task-link')?.getAttribute('href')).toBe(
			`/?task=${encodeURIComponent(arn('bbbb'))}`
		);
		expect(selected.querySelector('a.task-link')?.getAttribute('aria-current')).toBe('true');
		expect(selected.querySelector('a.service')?.getAttribute('href')).toBe('/?service=api');
	});

	it('a click on a row selects its task', async () => {
		const onselect = vi.fn();
		render(TaskList, { tasks: map(task('aaaa')), onselect, now: NOW });
		await fireEvent.click(rows()[0]!.querySelector('td')!);
		expect(onselect).toHaveBeenCalledWith(arn('aaaa'));
	});

	it('lights a row up briefly when its task changes, not on first sight', async () => {
		vi.useFakeTimers();
		const { rerender } = render(TaskList, { tasks: map(task('aaaa'), task('bbbb')), now: NOW });
		expect(document.querySelector('.flash-a, .flash-b')).toBeNull();
		await rerender({
			tasks: map(task('aaaa', { lastStatus: 'STOPPING', updatedAt: new Date(NOW) }), task('bbbb')),
			now: NOW
		});
		const flashing = [...document.querySelectorAll<HTMLElement>('.flash-a, .flash-b')];
		expect(flashing.map((r) => r.dataset.status)).toEqual(['STOPPING']);
		await vi.advanceTimersByTimeAsync(2_000);
		expect(document.querySelector('.flash-a, .flash-b')).toBeNull();
	});

	it('names a task started without a service by its family', () => {
		render(TaskList, {
			tasks: map(task('aaaa', { group: 'family:nightly-report' })),
			now: NOW
		});
		expect(rows()[0]!.querySelector('.service')?.textContent).toBe('nightly-report');
		expect(rows()[0]!.querySelector('.standalone')?.textContent).toBe('task');
		expect(rows()[0]!.querySelector('a.service')).toBeNull();
	});

	it('says n/a for usage when the source has no metrics', () => {
		render(TaskList, { tasks: map(task('aaaa')), providesMetrics: false, now: NOW });
		expect(rows()[0]!.textContent).toContain('n/a');
	});
});
