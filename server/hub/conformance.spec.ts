/**
 * Hub conformance, part 1: every request type and its reply, over a real gateway on a free
 * loopback port, with a plain `ws` client that validates every frame against the protocol.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
	CLUSTER_PROD,
	sourceTaskUpdate,
	task,
	TASK_WEB,
	TASK_WORKER,
	CLUSTER_DEFAULT
} from '../testing/fixtures';
import { startTestGateway, type TestGateway } from '../testing/harness';
import type { TestClient } from '../testing/ws-client';

let t: TestGateway;
beforeEach(async () => {
	t = await startTestGateway();
});
afterEach(async () => {
	await t.stop();
});

/** Let a few delivery ticks pass (batchIntervalMs is 10 ms in these tests). */
const ticks = (n = 5) => new Promise((r) => setTimeout(r, n * 10 + 5));

function expectAllValid(...clients: TestClient[]) {
	for (const c of clients) expect(c.invalid).toEqual([]);
}

describe('connection basics', () => {
	it('sends welcome first, with the protocol version, epoch and heartbeat', async () => {
		const c = await t.connect();
		const welcome = await c.next('welcome');
		expect(JSON.parse(c.raw[0] ?? '{}').type).toBe('welcome');
		expect(welcome.payload).toMatchObject({
			protocol: 1,
			epoch: t.gateway.hub.epoch,
			heartbeatInterval: 15_000,
			authRequired: false
		});
		expect(welcome.payload.serverTime).toBeInstanceOf(Date);
		expect(Math.abs(welcome.payload.serverTime.getTime() - Date.now())).toBeLessThan(5000);
	});

	it('answers ping with pong echoing the id', async () => {
		const c = await t.connectReady();
		const id = c.request('ping');
		const pong = await c.reply(id);
		expect(pong.type).toBe('pong');
		expect(pong.id).toBe(id);
	});

	it('echoes message with the same payload and id', async () => {
		const c = await t.connectReady();
		const id = c.request('message', { hello: ['world', 1, true] });
		const echo = await c.reply(id);
		expect(echo).toMatchObject({ type: 'message', id, payload: { hello: ['world', 1, true] } });
	});

	it('answers authenticate without a configured token as anonymous', async () => {
		const c = await t.connectReady();
		const id = c.request('authenticate', { token: 'anything' });
		expect(await c.reply(id)).toMatchObject({
			type: 'authenticated',
			payload: { username: 'anonymous' }
		});
	});
});

describe('subscribe, live items, unsubscribe', () => {
	it('subscribes to logs, receives consecutive seqs, and stops after unsubscribe', async () => {
		const c = await t.connectReady();
		t.source.logs(3);
		const id = c.request('subscribe', { stream: 'logs' });
		const sub = await c.reply(id);
		expect(sub).toMatchObject({
			type: 'subscribed',
			id,
			payload: {
				stream: 'logs',
				resourceId: '*',
				epoch: t.gateway.hub.epoch,
				recovered: false,
				lastSeq: 3,
				oldestSeq: 1
			}
		});
		t.source.logs(5);
		const items = await c.waitItems('logs', 5);
		// Subscribing without `since` starts after the current position: 4..8, no replay.
		expect(items.map((i) => i.seq)).toEqual([4, 5, 6, 7, 8]);
		expect(items[0]).toMatchObject({ id: 'log-4', level: 'info', taskId: TASK_WEB });

		const un = c.request('unsubscribe', { stream: 'logs' });
		expect(await c.reply(un)).toMatchObject({
			type: 'unsubscribed',
			payload: { stream: 'logs', resourceId: '*' }
		});
		t.source.logs(5);
		await ticks();
		expect(c.items('logs')).toHaveLength(5);
		expectAllValid(c);
	});

	it('selects tasks by service, cluster and task ARN', async () => {
		const web = task(TASK_WEB, 'web', CLUSTER_DEFAULT);
		const worker = task(TASK_WORKER, 'worker', CLUSTER_PROD);
		const byService = await t.connectReady();
		const byCluster = await t.connectReady();
		const byTask = await t.connectReady();
		await byService.reply(
			byService.request('subscribe', { stream: 'tasks', resourceId: 'service:web' })
		);
		await byCluster.reply(
			byCluster.request('subscribe', { stream: 'tasks', resourceId: 'cluster:prod' })
		);
		await byTask.reply(byTask.request('subscribe', { stream: 'tasks', resourceId: TASK_WORKER }));
		t.source.task(sourceTaskUpdate(web, 'created'));
		t.source.task(sourceTaskUpdate(worker, 'created'));
		t.source.task(sourceTaskUpdate(web, 'status_changed', 'PENDING'));
		await byService.waitItems('tasks', 2);
		await byCluster.waitItems('tasks', 1);
		await byTask.waitItems('tasks', 1);
		await ticks();
		expect(byService.items('tasks').map((i) => i.seq)).toEqual([1, 3]);
		expect(byCluster.items('tasks').map((i) => i.taskId)).toEqual([TASK_WORKER]);
		expect(byTask.items('tasks').map((i) => i.seq)).toEqual([2]);
		expectAllValid(byService, byCluster, byTask);
	});

	it('delivers metrics per task, including service subscriptions learnt from task updates', async () => {
		t.source.task(sourceTaskUpdate(task(TASK_WORKER, 'worker', CLUSTER_PROD), 'created'));
		const c = await t.connectReady();
		await c.reply(c.request('subscribe', { stream: 'metrics', resourceId: 'service:worker' }));
		t.source.metrics(TASK_WEB);
		t.source.metrics(TASK_WORKER);
		t.source.metrics(TASK_WORKER);
		const items = await c.waitItems('metrics', 2);
		await ticks();
		expect(c.items('metrics')).toHaveLength(2);
		expect(items.map((i) => [i.seq, i.resourceId])).toEqual([
			[2, TASK_WORKER],
			[3, TASK_WORKER]
		]);
		expectAllValid(c);
	});

	it('applies the path stream on alias paths, and refuses a missing stream on /ws', async () => {
		const alias = await t.connectReady('/ws/notifications');
		const id = alias.request('subscribe', {});
		expect(await alias.reply(id)).toMatchObject({
			type: 'subscribed',
			payload: { stream: 'notifications' }
		});
		t.source.notification();
		expect((await alias.waitItems('notifications', 1))[0]).toMatchObject({ seq: 1, read: false });

		const plain = await t.connectReady('/ws');
		const bad = plain.request('subscribe', { resourceId: '*' });
		expect(await plain.reply(bad)).toMatchObject({
			type: 'error',
			payload: { error: 'unknown_stream', ref: bad }
		});
		expect(plain.ws.readyState).toBe(plain.ws.OPEN);
	});
});

describe('request_history', () => {
	it('pages backwards, oldest first, with complete when nothing older exists', async () => {
		t.source.logs(250);
		const c = await t.connectReady();
		const first = c.request('request_history', { stream: 'logs' });
		const page1 = await c.next('history', { id: first });
		expect(page1.payload).toMatchObject({
			stream: 'logs',
			resourceId: '*',
			epoch: t.gateway.hub.epoch,
			complete: false
		});
		expect(page1.payload.items.map((i) => i.seq)).toEqual(range(151, 250));
		const logs1 = await c.history(first, 'logs');
		expect(logs1.items[0]?.timestamp).toBeInstanceOf(Date);

		const second = c.request('request_history', { stream: 'logs', beforeSeq: 151, limit: 1000 });
		const page2 = await c.next('history', { id: second });
		expect(page2.payload.items.map((i) => i.seq)).toEqual(range(1, 150));
		expect(page2.payload.complete).toBe(true);

		const exact = c.request('request_history', { stream: 'logs', beforeSeq: 101, limit: 100 });
		expect((await c.next('history', { id: exact })).payload.complete).toBe(true);
		expectAllValid(c);
	});

	it('honours resourceId and the session filter', async () => {
		t.source.logs(30, (i) =>
			i % 3 === 0
				? { taskId: TASK_WORKER, serviceName: 'worker', clusterArn: CLUSTER_PROD, level: 'error' }
				: {}
		);
		const c = await t.connectReady();
		const byTask = c.request('request_history', {
			stream: 'logs',
			resourceId: TASK_WORKER,
			limit: 5
		});
		const page = await c.next('history', { id: byTask });
		expect(page.payload.items.map((i) => i.seq)).toEqual([16, 19, 22, 25, 28]);
		expect(page.payload.complete).toBe(false);

		await c.reply(c.request('update_filter', { stream: 'logs', filter: { levels: ['info'] } }));
		const filtered = c.request('request_history', { stream: 'logs', limit: 1000 });
		const { items } = await c.history(filtered, 'logs');
		expect(items).toHaveLength(20);
		expect(items.every((i) => i.level === 'info')).toBe(true);
	});

	it('rejects an out-of-range limit with invalid_message and stays open', async () => {
		const c = await t.connectReady();
		const id = c.request('request_history', { stream: 'logs', limit: 5000 });
		expect(await c.reply(id)).toMatchObject({
			type: 'error',
			payload: { error: 'invalid_message', ref: id }
		});
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
	});
});

describe('filters', () => {
	it('update_filter narrows later items by level, search and regex', async () => {
		const c = await t.connectReady();
		await c.reply(c.request('subscribe', { stream: 'logs' }));
		const id = c.request('update_filter', {
			stream: 'logs',
			filter: { levels: ['warn', 'error'], search: 'TIMEOUT', regex: 'after \\d+ms' }
		});
		expect(await c.reply(id)).toMatchObject({
			type: 'filter_applied',
			payload: {
				stream: 'logs',
				filter: { levels: ['error', 'warn'], search: 'TIMEOUT', regex: 'after \\d+ms' }
			}
		});
		t.source.log({ level: 'error', message: 'upstream timeout after 30ms' }); // 1: passes
		t.source.log({ level: 'info', message: 'upstream timeout after 30ms' }); // 2: level
		t.source.log({ level: 'warn', message: 'upstream timeout' }); // 3: regex
		t.source.log({ level: 'warn', message: 'slow after 12ms' }); // 4: search
		t.source.log({ level: 'warn', message: 'Timeout after 5ms' }); // 5: passes
		await c.waitItems('logs', 2);
		await ticks();
		expect(c.items('logs').map((i) => i.seq)).toEqual([1, 5]);
	});

	it('refuses catastrophic regexes with invalid_message, keeping the connection', async () => {
		const c = await t.connectReady();
		for (const regex of ['(a+)+$', '(x|xx)*y', '(a)\\1', '.*a.*b', '[']) {
			const id = c.request('update_filter', { stream: 'logs', filter: { regex } });
			const reply = await c.reply(id);
			expect(reply, regex).toMatchObject({
				type: 'error',
				payload: { error: 'invalid_message', ref: id }
			});
		}
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
	});

	it('subscribe with a filter applies it (tasks by service name)', async () => {
		const c = await t.connectReady();
		await c.reply(
			c.request('subscribe', { stream: 'tasks', filter: { serviceNames: ['worker'] } })
		);
		t.source.task(sourceTaskUpdate(task(TASK_WEB, 'web', CLUSTER_DEFAULT), 'created'));
		t.source.task(sourceTaskUpdate(task(TASK_WORKER, 'worker', CLUSTER_PROD), 'created'));
		await c.waitItems('tasks', 1);
		await ticks();
		expect(c.items('tasks').map((i) => i.seq)).toEqual([2]);
	});

	it('setFilters replies filtersSet with the same payload and filters by event type', async () => {
		const c = await t.connectReady();
		await c.reply(c.request('subscribe', { stream: 'logs' }));
		await c.reply(c.request('subscribe', { stream: 'notifications' }));
		const filters = [
			{ eventTypes: ['notification'], resourceTypes: [], resourceIds: [] },
			{ eventTypes: ['log_entry'], metadata: { tenant: 'acme' } }
		];
		const id = c.request('setFilters', filters);
		expect(await c.reply(id)).toMatchObject({ type: 'filtersSet', payload: filters });
		t.source.log(); // 1: no metadata
		t.source.notification();
		t.source.log({ metadata: { tenant: 'acme', user: 'x' } }); // 2: passes
		t.source.log({ metadata: { tenant: 'other' } }); // 3
		await c.waitItems('notifications', 1);
		await c.waitItems('logs', 1);
		await ticks();
		expect(c.items('logs').map((i) => i.seq)).toEqual([2]);
	});
});

describe('notifications state', () => {
	it('mark_as_read and dismiss are kept on the server and broadcast to every client', async () => {
		const a = await t.connectReady();
		const b = await t.connectReady();
		t.source.notification();
		t.source.notification();
		const read = a.request('mark_as_read', { notificationId: 'note-1' });
		expect(await a.reply(read)).toEqual({
			type: 'notification_update',
			id: read,
			payload: { id: 'note-1', changes: { read: true } }
		});
		const seen = await b.next('notification_update');
		expect(seen).toEqual({
			type: 'notification_update',
			payload: { id: 'note-1', changes: { read: true } }
		});

		const dismiss = b.request('dismiss', { notificationId: 'note-2' });
		expect(await b.reply(dismiss)).toMatchObject({
			payload: { id: 'note-2', changes: { dismissed: true } }
		});
		await a.next('notification_update', { match: (m) => m.payload.id === 'note-2' });

		const h = b.request('request_history', { stream: 'notifications' });
		const { items } = await b.history(h, 'notifications');
		expect(items.map((n) => [n.id, n.read, n.dismissed])).toEqual([
			['note-1', true, undefined],
			['note-2', false, true]
		]);
	});

	it('mark_all_as_read updates each unread notification once', async () => {
		const a = await t.connectReady();
		const b = await t.connectReady();
		t.source.notification();
		t.source.notification();
		t.source.notification();
		await a.reply(a.request('mark_as_read', { notificationId: 'note-2' }));
		const id = a.request('mark_all_as_read');
		await a.until(() => a.messages.filter((m) => m.id === id).length === 2 || undefined);
		expect(
			a.messages.filter((m) => m.id === id).map((m) => (m.payload as { id: string }).id)
		).toEqual(['note-1', 'note-3']);
		await b.until(
			() => b.messages.filter((m) => m.type === 'notification_update').length === 3 || undefined
		);
	});

	it('rejects an unknown notification id', async () => {
		const c = await t.connectReady();
		const id = c.request('mark_as_read', { notificationId: 'nope' });
		expect(await c.reply(id)).toMatchObject({
			type: 'error',
			payload: { error: 'invalid_message', ref: id }
		});
	});
});

describe('bad frames get an error reply and the connection stays open', () => {
	it('non-JSON', async () => {
		const c = await t.connectReady();
		c.send('{not json');
		const error = await c.next('error');
		expect(error.payload.error).toBe('invalid_json');
		expect(error.payload.ref).toBeUndefined();
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
	});

	it('unknown type, echoing the id as ref', async () => {
		const c = await t.connectReady();
		const id = c.request('teleport', { to: 'mars' });
		expect(await c.reply(id)).toMatchObject({
			type: 'error',
			id,
			payload: { error: 'unknown_type', ref: id }
		});
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
	});

	it('invalid payload and unknown stream', async () => {
		const c = await t.connectReady();
		const bad = c.request('subscribe', { stream: 'logs', since: { epoch: 'x', seq: -1 } });
		expect(await c.reply(bad)).toMatchObject({
			type: 'error',
			payload: { error: 'invalid_message', ref: bad }
		});
		const unknown = c.request('subscribe', { stream: 'gossip' });
		expect(await c.reply(unknown)).toMatchObject({
			type: 'error',
			payload: { error: 'unknown_stream', ref: unknown }
		});
		const notObject = c.request('mark_as_read', 'note-1');
		expect(await c.reply(notObject)).toMatchObject({ payload: { error: 'invalid_message' } });
		c.send('[1,2,3]');
		await c.until(() => c.messages.filter((m) => m.type === 'error').length === 4 || undefined);
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
		expect(c.ws.readyState).toBe(c.ws.OPEN);
	});
});

describe('log batching', () => {
	it('sends a burst as one log_batch and shares one serialised batch between equal clients', async () => {
		const clients = [await t.connectReady(), await t.connectReady(), await t.connectReady()];
		for (const c of clients) await c.reply(c.request('subscribe', { stream: 'logs' }));
		const builtBefore = t.gateway.hub.stats().totals.logBatchesBuilt;
		t.source.logs(100);
		for (const c of clients) await c.waitItems('logs', 100);
		const frames = clients.map((c) => c.raw.filter((r) => r.startsWith('{"type":"log_')));
		expect(frames[0]).toHaveLength(1);
		expect(frames[0]?.[0]?.startsWith('{"type":"log_batch"')).toBe(true);
		expect(frames[1]).toEqual(frames[0]);
		expect(frames[2]).toEqual(frames[0]);
		expect(t.gateway.hub.stats().totals.logBatchesBuilt - builtBefore).toBe(1);
	});
});

describe('batch spacing and deflate', () => {
	it('sends at most one log frame per batch interval per client under a steady stream', async () => {
		const slow = await startTestGateway({ batchIntervalMs: 50 });
		try {
			const c = await slow.connectReady();
			await c.reply(c.request('subscribe', { stream: 'logs' }));
			let frames = 0;
			c.ws.on('message', (data: Buffer) => {
				if (data.toString('utf8', 0, 16).startsWith('{"type":"log_')) frames++;
			});
			const started = performance.now();
			for (let i = 0; i < 80; i++) {
				slow.source.logs(3);
				await new Promise((r) => setTimeout(r, 5));
			}
			await c.waitItems('logs', 240);
			const elapsed = performance.now() - started;
			// Counting frames over the run, not gaps between arrivals: a busy client may read two
			// frames at once, but the server cannot have sent more than one per 50 ms.
			expect(frames).toBeGreaterThan(3);
			expect(frames).toBeLessThanOrEqual(Math.floor(elapsed / 49) + 1);
		} finally {
			await slow.stop();
		}
	});

	it('negotiates permessage-deflate only when enabled', async () => {
		const plain = await t.connectReady();
		expect(plain.ws.extensions).toBe('');
		const deflating = await startTestGateway({ deflate: true });
		try {
			const c = await deflating.connectReady();
			expect(c.ws.extensions).toContain('permessage-deflate');
			await c.reply(c.request('subscribe', { stream: 'logs' }));
			deflating.source.logs(500);
			expect((await c.waitItems('logs', 500)).at(-1)?.seq).toBe(500);
			expect(c.invalid).toEqual([]);
		} finally {
			await deflating.stop();
		}
	});
});

function range(from: number, to: number): number[] {
	return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
