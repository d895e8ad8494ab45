import { describe, expect, it, vi } from 'vitest';
import { decodeServerFrame, type ServerMessage, type StreamItem } from '$lib/protocol';
import {
	CLUSTER,
	TASK_A,
	TASK_B,
	logBatch,
	logEntry,
	metricUpdate,
	notification,
	subscribed,
	taskUpdate
} from '$lib/testing/fixtures';
import { SubscriptionRegistry, type SubscriptionStatus } from './subscriptions';

/** Decode a wire object exactly as the socket actor would. */
function msg(value: unknown): ServerMessage {
	const r = decodeServerFrame(JSON.stringify(value));
	if (!r.ok) throw new Error(r.error.message);
	return r.message;
}

function registry() {
	let n = 0;
	return new SubscriptionRegistry(() => `h${++n}`);
}

/** A subscriber that records batches of seqs and statuses. */
function recorder() {
	const batches: number[][] = [];
	const statuses: SubscriptionStatus[] = [];
	return {
		batches,
		statuses,
		seqs: () => batches.flat(),
		onItems: (items: readonly StreamItem[]) => batches.push(items.map((i) => i.seq)),
		onStatus: (s: SubscriptionStatus) => statuses.push(s)
	};
}

describe('SubscriptionRegistry', () => {
	it('shares one server subscription between equal subscribers (ref-counted)', () => {
		const reg = registry();
		const a = recorder();
		const b = recorder();
		const first = reg.add('logs', { onItems: a.onItems });
		const second = reg.add('logs', { onItems: b.onItems });
		expect(first.frames).toEqual([
			{ type: 'subscribe', payload: { stream: 'logs', resourceId: '*' } }
		]);
		expect(second.frames).toEqual([]);
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([1, 2])));
		expect(a.seqs()).toEqual([1, 2]);
		expect(b.seqs()).toEqual([1, 2]);
		expect(reg.remove(first.subscriber)).toEqual([]);
		expect(reg.remove(first.subscriber)).toEqual([]);
		expect(reg.remove(second.subscriber)).toEqual([
			{ type: 'unsubscribe', payload: { stream: 'logs', resourceId: '*' } }
		]);
		expect(reg.size).toBe(0);
	});

	it('delivers in seq order, one call per frame, duplicates dropped', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', { onItems: a.onItems });
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([1, 2, 3])));
		reg.handle(msg(logBatch([2, 3, 4])));
		reg.handle(msg({ type: 'log_entry', payload: logEntry(4) }));
		reg.handle(msg(logBatch([7, 5, 6])));
		expect(a.batches).toEqual([[1, 2, 3], [4], [5, 6, 7]]);
	});

	it('restores with since and reports recovered', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', a);
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([1, 2, 3])));
		expect(a.statuses.at(-1)?.recovery).toBe('live');
		expect(reg.restore()).toEqual([
			{
				type: 'subscribe',
				payload: { stream: 'logs', resourceId: '*', since: { epoch: 'e1', seq: 3 } }
			}
		]);
		reg.handle(msg(subscribed('logs', { recovered: true })));
		reg.handle(msg(logBatch([3, 4])));
		expect(a.statuses.at(-1)).toEqual({ recovery: 'recovered', epoch: 'e1', gap: 0, dropped: 0 });
		expect(a.seqs()).toEqual([1, 2, 3, 4]);
	});

	it('resyncs with the gap sized when the position fell out of history', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', a);
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([1, 2, 3])));
		reg.restore();
		const follow = reg.handle(
			msg(subscribed('logs', { recovered: false, oldestSeq: 10, lastSeq: 12 }))
		);
		expect(follow).toEqual([
			{
				type: 'request_history',
				id: 'h1',
				payload: { stream: 'logs', resourceId: '*', limit: 100 }
			}
		]);
		expect(a.statuses.at(-1)).toMatchObject({ recovery: 'resynced', gap: 6 });
		// Live items are held until the history reply, then merged in order without duplicates.
		reg.handle(msg(logBatch([13, 14])));
		expect(a.seqs()).toEqual([1, 2, 3]);
		reg.handle(
			msg({
				type: 'history',
				id: 'h1',
				payload: {
					stream: 'logs',
					resourceId: '*',
					epoch: 'e1',
					complete: false,
					items: [10, 11, 12, 13].map((s) => logEntry(s))
				}
			})
		);
		expect(a.batches.at(-1)).toEqual([10, 11, 12, 13, 14]);
		expect(reg.restore()[0]).toMatchObject({ payload: { since: { epoch: 'e1', seq: 14 } } });
	});

	it('resyncs across a new epoch with an unknown gap and fresh numbering', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', a);
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([100, 101])));
		reg.restore();
		reg.handle(
			msg(subscribed('logs', { epoch: 'e2', recovered: false, oldestSeq: 1, lastSeq: 3 }))
		);
		expect(a.statuses.at(-1)).toMatchObject({ recovery: 'resynced', epoch: 'e2', gap: null });
		reg.handle(
			msg({
				type: 'history',
				id: 'h1',
				payload: {
					stream: 'logs',
					resourceId: '*',
					epoch: 'e2',
					complete: true,
					items: [1, 2, 3].map((s) => logEntry(s))
				}
			})
		);
		expect(a.batches.at(-1)).toEqual([1, 2, 3]);
	});

	it('loads requested history first, merging live items that raced it', () => {
		const reg = registry();
		const a = recorder();
		const { frames } = reg.add('logs', { ...a, history: 50 });
		expect(frames.map((f) => f.type)).toEqual(['subscribe', 'request_history']);
		expect(frames[1]).toMatchObject({ payload: { limit: 50 } });
		reg.handle(msg(subscribed('logs', { lastSeq: 40 })));
		reg.handle(msg(logBatch([41])));
		expect(a.seqs()).toEqual([]);
		reg.handle(
			msg({
				type: 'history',
				id: frames[1]!.id,
				payload: {
					stream: 'logs',
					resourceId: '*',
					epoch: 'e1',
					complete: false,
					items: [39, 40, 41].map((s) => logEntry(s))
				}
			})
		);
		expect(a.batches).toEqual([[39, 40, 41]]);
		reg.handle(msg(logBatch([42])));
		expect(a.seqs()).toEqual([39, 40, 41, 42]);
	});

	it('re-requests owed history when the link drops before the reply', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', { ...a, history: 10 });
		expect(reg.restore().map((f) => f.type)).toEqual(['subscribe', 'request_history']);
	});

	it('releases held items when the history request is refused', () => {
		const reg = registry();
		const a = recorder();
		const { frames } = reg.add('logs', { ...a, history: 10 });
		reg.handle(msg(subscribed('logs')));
		reg.handle(msg(logBatch([5])));
		reg.handle(
			msg({
				type: 'error',
				payload: { error: 'rate_limit_exceeded', message: 'slow', ref: frames[1]!.id }
			})
		);
		expect(a.seqs()).toEqual([5]);
	});

	it('routes items by resourceId: task, service, cluster', () => {
		const reg = registry();
		const byTask = recorder();
		const byService = recorder();
		const byCluster = recorder();
		const other = recorder();
		reg.add('logs', { resourceId: TASK_A, onItems: byTask.onItems });
		reg.add('logs', { resourceId: 'service:web', onItems: byService.onItems });
		reg.add('logs', { resourceId: 'cluster:default', onItems: byCluster.onItems });
		reg.add('logs', { resourceId: 'service:api', onItems: other.onItems });
		for (const rid of [TASK_A, 'service:web', 'cluster:default', 'service:api']) {
			reg.handle(msg(subscribed('logs', { resourceId: rid })));
		}
		reg.handle(
			msg({
				type: 'log_batch',
				payload: [
					logEntry(1),
					logEntry(2, { taskId: TASK_B, serviceName: 'api', clusterArn: CLUSTER }),
					logEntry(3, { taskId: TASK_B, serviceName: 'web', clusterArn: 'arn:x:cluster/other' })
				]
			})
		);
		expect(byTask.seqs()).toEqual([1]);
		expect(byService.seqs()).toEqual([1, 3]);
		expect(byCluster.seqs()).toEqual([1, 2]);
		expect(other.seqs()).toEqual([2]);
	});

	it('routes tasks, metrics and notifications by their own fields, keeping the undecidable', () => {
		const reg = registry();
		const web = recorder();
		const api = recorder();
		const a = recorder();
		const b = recorder();
		const noteA = recorder();
		const noteWeb = recorder();
		reg.add('tasks', { resourceId: 'service:web', onItems: web.onItems });
		reg.add('tasks', { resourceId: 'service:api', onItems: api.onItems });
		reg.add('metrics', { resourceId: TASK_A, onItems: a.onItems });
		reg.add('metrics', { resourceId: 'bbbb', onItems: b.onItems });
		reg.add('notifications', { resourceId: TASK_A, onItems: noteA.onItems });
		reg.add('notifications', { resourceId: 'service:web', onItems: noteWeb.onItems });
		for (const [stream, rid] of [
			['tasks', 'service:web'],
			['tasks', 'service:api'],
			['metrics', TASK_A],
			['metrics', 'bbbb'],
			['notifications', TASK_A],
			['notifications', 'service:web']
		] as const) {
			reg.handle(msg(subscribed(stream, { resourceId: rid })));
		}
		const apiTask = { ...taskUpdate(0).task, taskArn: TASK_B, group: 'service:api' };
		reg.handle(msg({ type: 'task_update', payload: taskUpdate(1) }));
		reg.handle(
			msg({ type: 'task_update', payload: taskUpdate(2, { taskId: TASK_B, task: apiTask }) })
		);
		// A deletion names only the task: which service it was in cannot be told here.
		reg.handle(
			msg({
				type: 'task_update',
				payload: taskUpdate(3, { taskId: TASK_B, updateType: 'deleted', task: undefined })
			})
		);
		reg.handle(msg({ type: 'metric_update', payload: metricUpdate(1) }));
		const bMetrics = { ...metricUpdate(2).metrics, resourceId: TASK_B, taskId: TASK_B };
		reg.handle(
			msg({
				type: 'metric_update',
				payload: metricUpdate(2, { resourceId: TASK_B, metrics: bMetrics })
			})
		);
		reg.handle(msg({ type: 'notification', payload: notification(1, { resourceId: TASK_A }) }));
		reg.handle(
			msg({ type: 'notification', payload: notification(2, { resourceId: 'service:web' }) })
		);
		reg.handle(msg({ type: 'notification', payload: notification(3) }));
		expect(web.seqs()).toEqual([1, 3]);
		expect(api.seqs()).toEqual([2, 3]);
		expect(a.seqs()).toEqual([1]);
		expect(b.seqs()).toEqual([2]);
		expect(noteA.seqs()).toEqual([1, 3]);
		expect(noteWeb.seqs()).toEqual([2, 3]);
	});

	it('trusts the server when a stream has a single subscription', () => {
		const reg = registry();
		const web = recorder();
		reg.add('metrics', { resourceId: 'service:web', onItems: web.onItems });
		reg.handle(msg(subscribed('metrics', { resourceId: 'service:web' })));
		const bare = { ...metricUpdate(1).metrics, serviceName: undefined };
		reg.handle(msg({ type: 'metric_update', payload: metricUpdate(1, { metrics: bare }) }));
		expect(web.seqs()).toEqual([1]);
	});

	it('advances every confirmed subscription of a stream to the newest seq', () => {
		const reg = registry();
		reg.add('logs', { resourceId: TASK_A, onItems: () => {} });
		reg.add('logs', { resourceId: TASK_B, onItems: () => {} });
		reg.handle(msg(subscribed('logs', { resourceId: TASK_A })));
		reg.handle(msg(subscribed('logs', { resourceId: TASK_B })));
		reg.handle(msg(logBatch([7, 8])));
		expect(reg.restore().map((f) => (f.payload as { since?: unknown }).since)).toEqual([
			{ epoch: 'e1', seq: 8 },
			{ epoch: 'e1', seq: 8 }
		]);
	});

	it('sends a shared filter to the server, or none and filters locally when they differ', () => {
		const reg = registry();
		const errors = recorder();
		const warns = recorder();
		const a = reg.add('logs', { filter: { levels: ['error'] }, onItems: errors.onItems });
		// The filter first, so the replay after `subscribe` is filtered already.
		expect(a.frames).toEqual([
			{ type: 'update_filter', payload: { stream: 'logs', filter: { levels: ['error'] } } },
			{ type: 'subscribe', payload: { stream: 'logs', resourceId: '*' } }
		]);
		const b = reg.add('logs', { filter: { levels: ['warn'] }, onItems: warns.onItems });
		// Filters now differ: the server's is cleared (one filter per stream) and each filters here.
		expect(b.frames).toEqual([{ type: 'update_filter', payload: { stream: 'logs', filter: {} } }]);
		reg.handle(msg(subscribed('logs')));
		reg.handle(
			msg({
				type: 'log_batch',
				payload: [logEntry(1, { level: 'error' }), logEntry(2, { level: 'warn' }), logEntry(3)]
			})
		);
		expect(errors.seqs()).toEqual([1]);
		expect(warns.seqs()).toEqual([2]);
		// Back to one filter: the server filters again.
		expect(reg.remove(b.subscriber)).toEqual([
			{ type: 'update_filter', payload: { stream: 'logs', filter: { levels: ['error'] } } }
		]);
		// A new link starts unfiltered: the restore burst carries the filter in its subscribe.
		expect(reg.restore()).toEqual([
			{
				type: 'subscribe',
				payload: {
					stream: 'logs',
					resourceId: '*',
					since: { epoch: 'e1', seq: 3 },
					filter: { levels: ['error'] }
				}
			}
		]);
	});

	it('counts server-side drops into the status', () => {
		const reg = registry();
		const a = recorder();
		reg.add('logs', a);
		reg.handle(
			msg({ type: 'dropped', payload: { stream: 'logs', count: 7, reason: 'slow_consumer' } })
		);
		expect(a.statuses.at(-1)?.dropped).toBe(7);
	});

	it('keeps delivering to others when one subscriber throws', () => {
		const reported: unknown[] = [];
		vi.stubGlobal('queueMicrotask', (fn: () => void) => {
			try {
				fn();
			} catch (e) {
				reported.push(e);
			}
		});
		try {
			const reg = registry();
			const ok = recorder();
			reg.add('logs', {
				onItems: () => {
					throw new Error('boom');
				}
			});
			reg.add('logs', ok);
			reg.handle(msg(subscribed('logs')));
			reg.handle(msg(logBatch([1])));
			expect(ok.seqs()).toEqual([1]);
			expect(reported).toHaveLength(1);
		} finally {
			vi.unstubAllGlobals();
		}
	});
});
