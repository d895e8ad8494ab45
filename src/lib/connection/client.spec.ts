import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { StreamItem } from '$lib/protocol';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { FakeWindow } from '$lib/testing/fake-window';
import { logBatch, subscribed } from '$lib/testing/fixtures';
import { ConnectionClient } from './client';
import { DisconnectedError, MessageDroppedError, RequestTimeoutError, ServerError } from './errors';

function setup(config: Record<string, unknown> = {}, target?: FakeWindow) {
	const clock = new TestClock();
	const client = new ConnectionClient(
		{ url: 'ws://client.invalid/ws', ...config },
		{ WebSocketImpl: FakeWebSocket, clock, random: () => 0.5, ...(target ? { target } : {}) }
	);
	const open = () => {
		if (client.state !== 'connecting') client.connect();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		return ws;
	};
	return { client, clock, open };
}

beforeEach(() => FakeWebSocket.reset());

describe('ConnectionClient', () => {
	it('starts idle and inert', () => {
		const { client } = setup();
		expect(client.state).toBe('idle');
		expect(FakeWebSocket.instances).toHaveLength(0);
		expect(client.stats).toMatchObject({ messagesIn: 0, reconnects: 0, rtt: null, queued: 0 });
	});

	it('settles a request with the reply that echoes its id', async () => {
		const { client, open } = setup();
		const ws = open();
		const reply = client.request('mark_as_read', { notificationId: 'n1' });
		const sent = ws.sentMessages().at(-1)!;
		expect(sent).toEqual({ type: 'mark_as_read', id: sent.id, payload: { notificationId: 'n1' } });
		ws.message({
			type: 'notification_update',
			id: sent.id,
			payload: { id: 'n1', changes: { read: true } }
		});
		await expect(reply).resolves.toMatchObject({ type: 'notification_update' });
	});

	it('rejects a request with typed errors', async () => {
		const { client, clock, open } = setup({ messageTimeout: 1_000 });
		const queued = client.request('mark_all_as_read');
		clock.advance(1_000);
		await expect(queued).rejects.toBeInstanceOf(RequestTimeoutError);

		const ws = open();
		const refused = client.request('subscribe', { stream: 'logs' });
		ws.message({
			type: 'error',
			payload: {
				error: 'rate_limit_exceeded',
				message: 'slow down',
				ref: ws.sentMessages().at(-1)!.id
			}
		});
		await expect(refused).rejects.toBeInstanceOf(ServerError);

		const lost = client.request('mark_all_as_read', undefined, { timeout: 60_000 });
		ws.drop();
		await expect(lost).rejects.toBeInstanceOf(DisconnectedError);
	});

	it('send resolves when written and rejects when dropped', async () => {
		const { client, open } = setup();
		await expect(
			client.send({ type: 'message', payload: 1 }, { class: 'volatile' })
		).rejects.toBeInstanceOf(MessageDroppedError);
		const queued = client.send({ type: 'message', payload: 2 });
		const ws = open();
		await expect(queued).resolves.toBeUndefined();
		expect(ws.sentTypes()).toEqual(['message', 'ping']);
		expect(client.stats.dropped.offline).toBe(1);
	});

	it('subscribes, delivers items in order and unsubscribes once', () => {
		const { client, open } = setup();
		const got: number[][] = [];
		const off = client.subscribe('logs', {
			onItems: (items: readonly StreamItem[]) => got.push(items.map((i) => i.seq))
		});
		const ws = open();
		expect(ws.sentMessages()).toEqual([
			{ type: 'subscribe', payload: { stream: 'logs', resourceId: '*' } },
			{ type: 'ping', id: expect.any(String) }
		]);
		ws.message(subscribed('logs'));
		ws.message(logBatch([1, 2]));
		ws.message(logBatch([2, 3]));
		expect(got).toEqual([[1, 2], [3]]);
		off();
		off();
		expect(ws.sentTypes()).toEqual(['subscribe', 'ping', 'unsubscribe']);
		expect(client.stats.subscriptions).toBe(0);
	});

	it('tells message listeners, and survives one that throws', () => {
		const { client, open } = setup();
		const reported: unknown[] = [];
		vi.stubGlobal('queueMicrotask', (fn: () => void) => {
			try {
				fn();
			} catch (e) {
				reported.push(e);
			}
		});
		try {
			const types: string[] = [];
			client.onMessage(() => {
				throw new Error('listener bug');
			});
			const off = client.onMessage((m) => types.push(m.type));
			const ws = open();
			ws.message(logBatch([1]));
			off();
			ws.message(logBatch([2]));
			expect(types).toEqual(['welcome', 'log_batch']);
			expect(reported.length).toBeGreaterThan(0);
			expect(client.actor.getSnapshot().status).toBe('active');
		} finally {
			vi.unstubAllGlobals();
		}
	});

	it("follows the window's network and visibility events", () => {
		const win = new FakeWindow();
		const { client, open } = setup({}, win);
		const ws = open();
		win.hide();
		win.show();
		expect(ws.sentTypes()).toEqual(['ping']);
		win.goOffline();
		expect(client.state).toBe('offline');
		win.goOnline();
		expect(client.state).toBe('connecting');
		const detach = client.attach(win);
		expect(win.count()).toBe(5);
		detach();
		expect(win.count()).toBe(0);
	});

	it('starts offline when the window says so', () => {
		const win = new FakeWindow();
		win.navigator.onLine = false;
		const { client } = setup({}, win);
		client.connect();
		expect(client.state).toBe('offline');
		expect(FakeWebSocket.instances).toHaveLength(0);
	});

	it('reports changes, stats and errors', () => {
		const { client, clock, open } = setup();
		const states: string[] = [];
		const off = client.onChange((c) => {
			if (states.at(-1) !== c.state) states.push(c.state);
		});
		const ws = open();
		// The ping the link opened with, answered 12 ms later.
		clock.advance(12);
		ws.message({ type: 'pong', id: ws.sentMessages()[0]!.id });
		ws.serverClose(1008, 'origin not allowed');
		off();
		expect(states).toEqual(['connecting', 'open', 'failed']);
		expect(client.error).toMatch(/1008/);
		expect(client.stats).toMatchObject({
			rtt: 12,
			messagesOut: 1,
			lastClose: { code: 1008, reason: 'origin not allowed' },
			failure: expect.stringMatching(/1008/)
		});
	});

	it('dispose closes the socket with 1000 and stops', () => {
		const win = new FakeWindow();
		const { client, open } = setup({}, win);
		const ws = open();
		client.dispose();
		expect(ws.closeCalls).toEqual([{ code: 1000, reason: 'client disposed' }]);
		expect(client.actor.getSnapshot().status).toBe('stopped');
		expect(win.count()).toBe(0);
	});

	it('clamps disconnect codes a browser would refuse', () => {
		const { client, open } = setup();
		const ws = open();
		client.disconnect(1006);
		expect(ws.closeCalls[0]?.code).toBe(1000);
	});
});
