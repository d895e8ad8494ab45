import { get, type Readable } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { TASK_A, TASK_B } from '$lib/testing/fixtures';
import { manualTimers } from '$lib/testing/manual-timers';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import { createMetricsStream, type MetricsOptions, type TaskMetrics } from './metrics';

let h: StreamHarness;
afterEach(() => h?.dispose());

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);

/** A wire `metric_update` for `task` with one sample per second `t` (seconds after T0). */
function update(seq: number, task: string, samples: Array<[t: number, cpu: number, mem: number]>) {
	const at = (t: number) => new Date(T0 + t * 1000).toISOString();
	return {
		resourceId: task,
		seq,
		metrics: {
			resourceId: task,
			taskId: task,
			serviceName: 'web',
			cpu: {
				name: 'cpu',
				unit: 'percent',
				points: samples.map(([t, cpu]) => ({ timestamp: at(t), value: cpu }))
			},
			memory: {
				name: 'memory',
				unit: 'MiB',
				points: samples.map(([t, , mem]) => ({ timestamp: at(t), value: mem }))
			}
		}
	};
}

function record<T>(store: Readable<T>) {
	const values: T[] = [];
	const off = store.subscribe((v) => values.push(v));
	return { values, off, last: () => values[values.length - 1] as T };
}

function setup(options: MetricsOptions = {}) {
	h = streamHarness();
	const timers = manualTimers(T0);
	const stream = createMetricsStream(h.client, { schedule: h.frames.schedule, timers, ...options });
	const metrics = record(stream.metrics);
	h.open();
	return { stream, metrics, timers };
}

const byTask = (list: TaskMetrics[], task: string) => list.find((m) => m.taskId === task)!;

describe('createMetricsStream over the real client', () => {
	it('subscribes per listed task with history, or once to every task', () => {
		setup({ taskIds: [TASK_A, TASK_B] });
		expect(h.sent('subscribe').map((m) => m.payload?.resourceId)).toEqual([TASK_A, TASK_B]);
		expect(h.sent('request_history').map((m) => m.payload?.limit)).toEqual([1000, 1000]);
		h.dispose();
		setup();
		expect(h.sent('subscribe').map((m) => m.payload?.resourceId)).toEqual(['*']);
	});

	it('keeps columnar samples per task, oldest first, with the newest as latest()', () => {
		const { stream, metrics } = setup({ taskIds: [TASK_A] });
		h.confirm('metrics', { resourceId: TASK_A });
		h.history('metrics', [
			update(1, TASK_A, [
				[0, 10, 100],
				[1, 11, 101]
			])
		]);
		h.ws().message({ type: 'metric_update', payload: update(2, TASK_A, [[2, 12, 102]]) });
		h.flush();
		const a = byTask(metrics.last(), TASK_A);
		expect(a.columns.t).toBeInstanceOf(Float64Array);
		expect(Array.from(a.columns.t)).toEqual([T0 / 1000, T0 / 1000 + 1, T0 / 1000 + 2]);
		expect(Array.from(a.columns.cpu)).toEqual([10, 11, 12]);
		expect(Array.from(a.columns.mem)).toEqual([100, 101, 102]);
		// The guide read points[0] as "current": it is the oldest. latest() is the newest.
		expect(a.cpu.points[0]?.value).toBe(10);
		expect(a.cpu.latest?.value).toBe(12);
		expect(stream.latest(TASK_A)).toEqual({ timestamp: new Date(T0 + 2000), cpu: 12, memory: 102 });
		expect(a.memory.unit).toBe('MiB');
		expect(a.serviceName).toBe('web');
	});

	it('drops duplicate and out-of-order samples (replays, overlapping history)', () => {
		const { metrics } = setup();
		h.confirm('metrics');
		h.history('metrics', [
			update(1, TASK_A, [
				[0, 1, 1],
				[1, 2, 2]
			])
		]);
		h.ws().message({
			type: 'metric_update',
			payload: update(1, TASK_A, [
				[0, 1, 1],
				[1, 2, 2]
			])
		});
		h.ws().message({
			type: 'metric_update',
			payload: update(2, TASK_A, [
				[1, 9, 9],
				[2, 3, 3]
			])
		});
		h.flush();
		expect(Array.from(byTask(metrics.last(), TASK_A).columns.cpu)).toEqual([1, 2, 3]);
	});

	it('trims each series to the retention, counted from its newest sample', () => {
		const { metrics } = setup({ retention: 1, interval: 0 });
		h.confirm('metrics');
		h.history('metrics', []);
		const samples: Array<[number, number, number]> = [];
		for (let t = 0; t <= 150; t += 10) samples.push([t, t, t]);
		h.ws().message({ type: 'metric_update', payload: update(1, TASK_A, samples) });
		h.flush();
		const a = byTask(metrics.last(), TASK_A);
		// Newest at 150 s: a minute back is 90 s.
		expect(Array.from(a.columns.cpu)).toEqual([90, 100, 110, 120, 130, 140, 150]);
	});

	it('is bounded by maxPoints whatever the retention', () => {
		const { metrics } = setup({ maxPoints: 3, interval: 0 });
		h.confirm('metrics');
		h.history('metrics', []);
		h.ws().message({
			type: 'metric_update',
			payload: update(1, TASK_A, [
				[0, 0, 0],
				[1, 1, 1],
				[2, 2, 2],
				[3, 3, 3],
				[4, 4, 4]
			])
		});
		h.flush();
		expect(Array.from(byTask(metrics.last(), TASK_A).columns.t).map((t) => t - T0 / 1000)).toEqual([
			2, 3, 4
		]);
	});

	it('publishes at most once per interval (and per frame), while latest() stays current', () => {
		const { stream, metrics, timers } = setup({ interval: 5000 });
		h.confirm('metrics');
		h.history('metrics', [update(1, TASK_A, [[0, 1, 1]])]);
		h.flush();
		const published = metrics.values.length;
		for (let s = 2; s <= 4; s++) {
			timers.advance(1000);
			h.ws().message({ type: 'metric_update', payload: update(s, TASK_A, [[s - 1, s, s]]) });
			h.flush();
		}
		expect(metrics.values.length).toBe(published);
		expect(stream.latest(TASK_A)?.cpu).toBe(4);
		timers.advance(2000); // 5 s after the first publish
		h.flush();
		expect(metrics.values.length).toBe(published + 1);
		expect(Array.from(byTask(metrics.last(), TASK_A).columns.cpu)).toEqual([1, 2, 3, 4]);
	});

	it('gives a listed task its entry before it has samples, in the listed order', () => {
		const { metrics } = setup({ taskIds: [TASK_B, TASK_A], interval: 0 });
		h.confirm('metrics', { resourceId: TASK_B });
		h.confirm('metrics', { resourceId: TASK_A });
		for (const r of h.sent('request_history')) {
			const resourceId = r.payload!.resourceId as string;
			const items = resourceId === TASK_A ? [update(1, TASK_A, [[0, 5, 5]])] : [];
			h.ws().message({
				type: 'history',
				id: r.id,
				payload: { stream: 'metrics', resourceId, epoch: 'e1', items, complete: true }
			});
		}
		h.flush();
		expect(metrics.last().map((m) => [m.taskId, m.size])).toEqual([
			[TASK_B, 0],
			[TASK_A, 1]
		]);
	});

	it('publishes a new entry object only for tasks that changed', () => {
		const { metrics } = setup({ interval: 0 });
		h.confirm('metrics');
		h.history('metrics', [update(1, TASK_A, [[0, 1, 1]]), update(2, TASK_B, [[0, 1, 1]])]);
		h.flush();
		const first = metrics.last();
		h.ws().message({ type: 'metric_update', payload: update(3, TASK_B, [[1, 2, 2]]) });
		h.flush();
		const second = metrics.last();
		expect(byTask(second, TASK_A)).toBe(byTask(first, TASK_A));
		expect(byTask(second, TASK_B)).not.toBe(byTask(first, TASK_B));
		expect(byTask(second, TASK_B).version).toBeGreaterThan(byTask(first, TASK_B).version);
	});

	it('forgets unlisted tasks that stopped reporting for longer than the retention', () => {
		const { metrics, timers } = setup({ retention: 1, interval: 0 });
		h.confirm('metrics');
		h.history('metrics', [update(1, TASK_A, [[0, 1, 1]])]);
		h.flush();
		expect(metrics.last()).toHaveLength(1);
		timers.advance(61_000);
		h.ws().message({ type: 'metric_update', payload: update(2, TASK_B, [[61, 1, 1]]) });
		h.flush();
		expect(metrics.last().map((m) => m.taskId)).toEqual([TASK_B]);
	});

	it('setTaskIds follows other tasks', () => {
		const { stream } = setup({ taskIds: [TASK_A] });
		const off = stream.metrics.subscribe(() => {});
		stream.setTaskIds([TASK_B]);
		expect(h.sent('unsubscribe').map((m) => m.payload?.resourceId)).toEqual([TASK_A]);
		expect(h.sent('subscribe').map((m) => m.payload?.resourceId)).toEqual([TASK_A, TASK_B]);
		off();
	});

	it('keeps network when asked', () => {
		const { metrics } = setup({ metrics: ['cpu', 'memory', 'network'], interval: 0 });
		h.confirm('metrics');
		const u = update(1, TASK_A, [[0, 1, 1]]);
		const net = (v: number) => ({
			name: 'rx',
			unit: 'bytes',
			points: [{ timestamp: new Date(T0).toISOString(), value: v }]
		});
		(u.metrics as Record<string, unknown>).network = {
			rx: net(10),
			tx: { ...net(20), name: 'tx' }
		};
		h.history('metrics', [u]);
		h.flush();
		const a = byTask(metrics.last(), TASK_A);
		expect(a.network?.rx.latest?.value).toBe(10);
		expect(Array.from(a.columns.tx!)).toEqual([20]);
	});

	it('lets go of its subscriptions when the last subscriber leaves', () => {
		const { metrics } = setup({ taskIds: [TASK_A, TASK_B] });
		metrics.off();
		expect(h.sent('unsubscribe')).toHaveLength(2);
		expect(get(createMetricsStream(null).metrics)).toEqual([]);
	});
});
