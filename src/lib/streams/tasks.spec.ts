import { get, type Readable } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER, TASK_A, TASK_B, taskUpdate } from '$lib/testing/fixtures';
import { manualTimers } from '$lib/testing/manual-timers';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import { createTaskUpdates, type TaskUpdatesOptions } from './tasks';

let h: StreamHarness;
afterEach(() => h?.dispose());

const T0 = Date.UTC(2026, 10, 26, 10, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

function record<T>(store: Readable<T>) {
	const values: T[] = [];
	const off = store.subscribe((v) => values.push(v));
	return { values, off, last: () => values[values.length - 1] as T };
}

/** A task snapshot (wire form). */
function task(arn: string, status: string, extra: Record<string, unknown> = {}) {
	return {
		taskArn: arn,
		clusterArn: CLUSTER,
		taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/web:1',
		group: 'service:web',
		lastStatus: status,
		desiredStatus: 'RUNNING',
		launchType: 'FARGATE',
		containers: [{ name: 'web', lastStatus: status }],
		...extra
	};
}

function setup(options: TaskUpdatesOptions = {}, history: unknown[] = [], now = T0) {
	h = streamHarness();
	const timers = manualTimers(now);
	const stream = createTaskUpdates(h.client, { schedule: h.frames.schedule, timers, ...options });
	const tasks = record(stream.tasks);
	h.open();
	h.confirm('tasks', { resourceId: options.clusterArn ? `cluster:${options.clusterArn}` : '*' });
	h.history('tasks', history);
	h.flush();
	const send = (u: unknown) => h.ws().message({ type: 'task_update', payload: u });
	return { stream, tasks, timers, send };
}

describe('createTaskUpdates over the real client', () => {
	it('builds tasks from history and merges created, status_changed with changes, updated', () => {
		const { stream, tasks, send } = setup({}, [
			taskUpdate(1, {
				updateType: 'created',
				task: task(TASK_A, 'PROVISIONING'),
				previousStatus: undefined
			}),
			taskUpdate(2, {
				taskId: TASK_B,
				updateType: 'created',
				task: task(TASK_B, 'PENDING'),
				previousStatus: undefined
			})
		]);
		expect(h.sent('request_history')[0]?.payload).toMatchObject({ stream: 'tasks', limit: 1000 });
		expect(tasks.last().get(TASK_A)?.lastStatus).toBe('PROVISIONING');
		// A partial change (no snapshot), as KECS may send.
		send({
			taskId: TASK_A,
			seq: 3,
			updateType: 'status_changed',
			previousStatus: 'PROVISIONING',
			changes: { lastStatus: 'RUNNING', startedAt: iso(T0) },
			timestamp: iso(T0)
		});
		send({
			taskId: TASK_B,
			seq: 4,
			updateType: 'updated',
			changes: { desiredStatus: 'STOPPED' },
			timestamp: iso(T0)
		});
		h.flush();
		const a = tasks.last().get(TASK_A)!;
		expect(a).toMatchObject({
			lastStatus: 'RUNNING',
			previousStatus: 'PROVISIONING',
			group: 'service:web',
			partial: false,
			deleted: false
		});
		expect(a.startedAt).toEqual(new Date(T0));
		expect(tasks.last().get(TASK_B)).toMatchObject({
			lastStatus: 'PENDING',
			desiredStatus: 'STOPPED'
		});
		expect(get(stream.countsByStatus)).toMatchObject({ RUNNING: 1, PENDING: 1, STOPPED: 0 });
	});

	it('keeps a stopped task with its stoppedReason for an hour, then prunes it', () => {
		const { stream, tasks, timers, send } = setup({}, [
			taskUpdate(1, { updateType: 'created', task: task(TASK_A, 'RUNNING') })
		]);
		send({
			taskId: TASK_A,
			seq: 2,
			updateType: 'status_changed',
			previousStatus: 'RUNNING',
			task: task(TASK_A, 'STOPPED', {
				stoppedAt: iso(T0),
				stoppedReason: 'Essential container in task exited'
			}),
			changes: { lastStatus: 'STOPPED' },
			timestamp: iso(T0)
		});
		h.flush();
		expect(tasks.last().get(TASK_A)).toMatchObject({
			lastStatus: 'STOPPED',
			stoppedReason: 'Essential container in task exited'
		});
		timers.advance(59 * 60_000);
		h.flush();
		expect(tasks.last().has(TASK_A)).toBe(true);
		timers.advance(60_000);
		h.flush();
		expect(tasks.last().has(TASK_A)).toBe(false);
		expect(get(stream.countsByStatus).STOPPED).toBe(0);
	});

	it('prunes at once a task that stopped long ago (replayed history)', () => {
		const { tasks } = setup({}, [
			taskUpdate(1, { task: task(TASK_A, 'STOPPED', { stoppedAt: iso(T0 - 2 * 3_600_000) }) }),
			taskUpdate(2, { taskId: TASK_B, task: task(TASK_B, 'RUNNING') })
		]);
		expect([...tasks.last().keys()]).toEqual([TASK_B]);
	});

	it('removes deleted tasks, or keeps them marked with includeDeleted', () => {
		const deleted = { taskId: TASK_A, seq: 2, updateType: 'deleted', timestamp: iso(T0) };
		const created = taskUpdate(1, {
			updateType: 'created',
			task: task(TASK_A, 'STOPPED', { stoppedAt: iso(T0) })
		});
		const first = setup({}, [created]);
		first.send(deleted);
		h.flush();
		expect(first.tasks.last().size).toBe(0);
		h.dispose();
		const second = setup({ includeDeleted: true }, [created]);
		second.send(deleted);
		h.flush();
		expect(second.tasks.last().get(TASK_A)).toMatchObject({ deleted: true, lastStatus: 'DELETED' });
		expect(get(second.stream.countsByStatus).DELETED).toBe(1);
	});

	it('keeps the newest 100 updates, newest first', () => {
		const { stream, send } = setup();
		for (let seq = 1; seq <= 120; seq++) send(taskUpdate(seq));
		h.flush();
		const updates = get(stream.updates);
		expect(updates).toHaveLength(100);
		expect(updates[0]?.seq).toBe(120);
		expect(updates[99]?.seq).toBe(21);
	});

	it('subscribes to a cluster with a task/service filter, and applies it to changes-only updates', () => {
		const { tasks, send } = setup({ clusterArn: CLUSTER, serviceNames: ['web'] }, [
			taskUpdate(1, { task: task(TASK_A, 'RUNNING') }),
			taskUpdate(2, { taskId: TASK_B, task: task(TASK_B, 'RUNNING', { group: 'service:api' }) })
		]);
		// Subscribed before the link opened: the restored `subscribe` carries the stream's filter.
		expect(h.sent('subscribe')[0]?.payload).toMatchObject({
			resourceId: `cluster:${CLUSTER}`,
			filter: { serviceNames: ['web'] }
		});
		expect([...tasks.last().keys()]).toEqual([TASK_A]);
		// Only `changes`: its service is known from the task.
		send({
			taskId: TASK_A,
			seq: 3,
			updateType: 'updated',
			changes: { desiredStatus: 'STOPPED' },
			timestamp: iso(T0)
		});
		h.flush();
		expect(tasks.last().get(TASK_A)?.desiredStatus).toBe('STOPPED');
	});

	it('takes a task it only knows from partial changes, marked partial', () => {
		const { tasks, send } = setup();
		send({
			taskId: TASK_A,
			seq: 1,
			updateType: 'status_changed',
			previousStatus: 'PENDING',
			changes: { lastStatus: 'RUNNING' },
			timestamp: iso(T0)
		});
		h.flush();
		expect(tasks.last().get(TASK_A)).toMatchObject({
			taskArn: TASK_A,
			lastStatus: 'RUNNING',
			partial: true,
			previousStatus: 'PENDING'
		});
	});

	it('rebuilds from the new epoch’s history after a server restart', () => {
		const { tasks } = setup({}, [
			taskUpdate(1, { task: task(TASK_A, 'RUNNING') }),
			taskUpdate(2, { taskId: TASK_B, task: task(TASK_B, 'RUNNING') })
		]);
		expect(tasks.last().size).toBe(2);
		h.ws().drop();
		h.clock.advance(60_000);
		h.open({ epoch: 'e2' });
		h.confirm('tasks', { epoch: 'e2', recovered: false, oldestSeq: 1, lastSeq: 1 });
		// The restarted gateway republished what it knows: task B is gone.
		h.history('tasks', [taskUpdate(1, { updateType: 'updated', task: task(TASK_A, 'RUNNING') })], {
			epoch: 'e2'
		});
		h.flush();
		expect([...tasks.last().keys()]).toEqual([TASK_A]);
	});

	it('publishes once per frame and lets go after the last subscriber', () => {
		const { tasks, send } = setup();
		const before = tasks.values.length;
		for (let seq = 1; seq <= 50; seq++) send(taskUpdate(seq));
		expect(tasks.values.length).toBe(before);
		h.flush();
		expect(tasks.values.length).toBe(before + 1);
		tasks.off();
		expect(h.sent('unsubscribe')).toHaveLength(1);
	});
});
