/**
 * Hub conformance, part 2: resume after faults. A client that lost its connection subscribes
 * with `since` and must get exactly what it missed, in order, before anything live.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CLUSTER_DEFAULT, sourceTaskUpdate, task, TASK_WEB } from '../testing/fixtures';
import { startTestGateway, type TestGateway } from '../testing/harness';
import type { TestClient } from '../testing/ws-client';

let t: TestGateway | undefined;
afterEach(async () => {
	await t?.stop();
	t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function subscribed(c: TestClient, payload: Record<string, unknown>) {
	const reply = await c.reply(c.request('subscribe', payload));
	if (reply.type !== 'subscribed')
		throw new Error(`expected subscribed, got ${JSON.stringify(reply)}`);
	return reply.payload;
}

function seqs(c: TestClient, stream: 'logs' | 'notifications' | 'tasks' | 'metrics'): number[] {
	return c.items(stream).map((i) => i.seq);
}

describe('resume', () => {
	it('after an abrupt drop returns exactly the missed items, in order, before live ones', async () => {
		t = await startTestGateway();
		const a = await t.connectReady();
		await subscribed(a, { stream: 'logs' });
		await subscribed(a, { stream: 'notifications' });
		t.source.logs(10);
		t.source.notification();
		await a.waitItems('logs', 10);
		await a.waitItems('notifications', 1);
		const epoch = t.gateway.hub.epoch;

		expect(t.gateway.hub.dropAll()).toBe(1);
		// Dropped without a close frame: the client sees an abnormal closure.
		expect((await a.closed).code).toBe(1006);

		t.source.logs(15); // 11..25, missed
		t.source.notification(); // 2, missed
		const b = await t.connectReady();
		const logs = await subscribed(b, { stream: 'logs', since: { epoch, seq: 10 } });
		expect(logs).toMatchObject({ recovered: true, epoch, lastSeq: 25, oldestSeq: 1 });
		const notes = await subscribed(b, { stream: 'notifications', since: { epoch, seq: 1 } });
		expect(notes.recovered).toBe(true);
		t.source.logs(5); // 26..30, live
		await b.waitItems('logs', 20);
		await b.waitItems('notifications', 1);
		await sleep(50);
		expect(seqs(b, 'logs')).toEqual(Array.from({ length: 20 }, (_, i) => 11 + i));
		expect(seqs(b, 'notifications')).toEqual([2]);
		expect(b.invalid).toEqual([]);
	});

	it('replays per resource: only the subscribed task, everything after since', async () => {
		t = await startTestGateway();
		const epoch = t.gateway.hub.epoch;
		t.source.logs(20, (i) =>
			i % 2 ? {} : { taskId: 'arn:aws:ecs:us-east-1:000000000000:task/default/other' }
		);
		const c = await t.connectReady();
		const payload = await subscribed(c, {
			stream: 'logs',
			resourceId: TASK_WEB,
			since: { epoch, seq: 10 }
		});
		expect(payload.recovered).toBe(true);
		await c.waitItems('logs', 5);
		await sleep(30);
		expect(seqs(c, 'logs')).toEqual([12, 14, 16, 18, 20]);
	});

	it('says recovered: false when the position fell out of history, with the gap visible', async () => {
		t = await startTestGateway({ history: { logs: 50 } });
		const epoch = t.gateway.hub.epoch;
		t.source.logs(200);
		const c = await t.connectReady();
		const payload = await subscribed(c, { stream: 'logs', since: { epoch, seq: 10 } });
		expect(payload).toMatchObject({ recovered: false, lastSeq: 200, oldestSeq: 151 });
		// The boundary: a client at oldestSeq - 1 is recovered.
		const d = await t.connectReady();
		expect((await subscribed(d, { stream: 'logs', since: { epoch, seq: 150 } })).recovered).toBe(
			true
		);
		await d.waitItems('logs', 50);
		expect(seqs(d, 'logs')[0]).toBe(151);
		// No replay for the unrecovered one: it resyncs with request_history.
		await sleep(30);
		expect(c.items('logs')).toHaveLength(0);
	});

	it('says recovered: false for a position ahead of the server', async () => {
		t = await startTestGateway();
		t.source.logs(3);
		const c = await t.connectReady();
		const payload = await subscribed(c, {
			stream: 'logs',
			since: { epoch: t.gateway.hub.epoch, seq: 99 }
		});
		expect(payload.recovered).toBe(false);
	});
});

describe('restart', () => {
	it('closes with 1012, starts a new epoch without history, and resume is recovered: false', async () => {
		t = await startTestGateway();
		const web = task(TASK_WEB, 'web', CLUSTER_DEFAULT);
		t.source.task(sourceTaskUpdate(web, 'created'));
		t.source.logs(10);
		const a = await t.connectReady();
		const old = t.gateway.hub.epoch;
		const result = t.gateway.hub.restart();
		expect(result).toMatchObject({ previousEpoch: old, closed: 1 });
		expect(result.epoch).not.toBe(old);
		const closed = await a.closed;
		expect(closed.code).toBe(1012);
		// One client closed at the default 500/s: a 2 ms window (its own backoff spreads it).
		expect(JSON.parse(closed.reason)).toEqual({ reconnect: true, retryAfterMs: 0, spreadMs: 2 });

		const b = await t.connectReady();
		expect((await b.next('welcome')).payload.epoch).toBe(result.epoch);
		const logs = await subscribed(b, { stream: 'logs', since: { epoch: old, seq: 10 } });
		expect(logs).toMatchObject({ recovered: false, epoch: result.epoch, lastSeq: 0 });
		t.source.log();
		expect((await b.waitItems('logs', 1))[0]?.seq).toBe(1);
		// The new epoch still knows the world: the source's tasks are published again.
		const h = b.request('request_history', { stream: 'tasks' });
		const history = await b.history(h, 'tasks');
		expect(history.items.map((i) => [i.seq, i.taskId, i.updateType])).toEqual([
			[1, TASK_WEB, 'updated']
		]);
	});
});

describe('stall', () => {
	it('goes silent with TCP open, and a resume recovers what was published meanwhile', async () => {
		t = await startTestGateway();
		const a = await t.connectReady();
		await subscribed(a, { stream: 'logs' });
		t.source.logs(5);
		await a.waitItems('logs', 5);
		const epoch = t.gateway.hub.epoch;
		expect(t.gateway.hub.stallAll()).toBe(1);

		t.source.logs(5); // 6..10
		const ping = a.request('ping');
		let wsPong = false;
		a.ws.on('pong', () => (wsPong = true));
		a.ws.ping();
		await sleep(150);
		expect(a.messages.find((m) => m.id === ping)).toBeUndefined();
		expect(wsPong).toBe(false);
		expect(a.items('logs')).toHaveLength(5);
		expect(a.ws.readyState).toBe(a.ws.OPEN);

		// The client gives up on the link, as its pong timeout would, and resumes.
		a.ws.terminate();
		const b = await t.connectReady();
		expect((await subscribed(b, { stream: 'logs', since: { epoch, seq: 5 } })).recovered).toBe(
			true
		);
		await b.waitItems('logs', 5);
		expect(seqs(b, 'logs')).toEqual([6, 7, 8, 9, 10]);
	});
});

describe('heartbeat', () => {
	it('pings clients and terminates those silent for more than two intervals', async () => {
		t = await startTestGateway({ heartbeatIntervalMs: 200 });
		const silent = await t.connectReady('/ws', { autoPong: false });
		const alive = await t.connectReady();
		let pings = 0;
		alive.ws.on('ping', () => pings++);
		const closed = await silent.closed;
		expect(closed.code).toBe(1006);
		expect(pings).toBeGreaterThanOrEqual(2);
		await sleep(200);
		expect(alive.ws.readyState).toBe(alive.ws.OPEN);
		expect(t.gateway.hub.stats().totals.idleTerminated).toBe(1);
	});
});

describe('refuse and malformed faults', () => {
	it('refuses new connections with 1013 and a retry hint, then accepts again', async () => {
		t = await startTestGateway();
		t.gateway.hub.refuse(1000);
		const refused = await t.connect();
		const closed = await refused.closed;
		expect(closed.code).toBe(1013);
		const advice = JSON.parse(closed.reason) as { reconnect: boolean; retryAfterMs: number };
		expect(advice.reconnect).toBe(true);
		expect(advice.retryAfterMs).toBeGreaterThan(0);
		expect(advice.retryAfterMs).toBeLessThanOrEqual(1000);
		expect(refused.messages).toEqual([]);
		await sleep(advice.retryAfterMs + 20);
		const ok = await t.connectReady();
		expect(ok.ws.readyState).toBe(ok.ws.OPEN);
	});

	it('sends one malformed frame to each client, which stays connected', async () => {
		t = await startTestGateway();
		const a = await t.connectReady();
		const b = await t.connectReady();
		expect(t.gateway.hub.sendMalformed()).toBe(2);
		await a.until(() => a.invalid.length === 1);
		await b.until(() => b.invalid.length === 1);
		expect(() => JSON.parse(a.raw.at(-1) ?? '')).toThrow();
		expect((await a.reply(a.request('ping'))).type).toBe('pong');
	});
});
