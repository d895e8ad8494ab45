import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientMessage, ServerMessage } from '$lib/protocol';
import { createHarness, welcomeFrame, type Harness } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { logBatch, subscribed } from '$lib/testing/fixtures';
import { DisconnectedError, MessageDroppedError, RequestTimeoutError, ServerError } from './errors';
import type { MessageClass } from './outbox';
import type { SubscriptionHandle } from './machine';

/** Let promise callbacks (the token provider) run. */
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** Record every state the actor passes through (including one-tick states). */
function trace(h: Harness): string[] {
	const seen: string[] = [h.state];
	h.actor.subscribe(() => {
		if (seen.at(-1) !== h.state) seen.push(h.state);
	});
	return seen;
}

function send(h: Harness, message: ClientMessage, cls: MessageClass, log: string[] = []) {
	h.send({
		type: 'connection.send',
		id: h.nextId(),
		message,
		class: cls,
		settle: (e) => log.push(`${message.type}:${e ? (e as MessageDroppedError).reason : 'sent'}`)
	});
	return log;
}

function request(h: Harness, type: string, timeout = 10_000) {
	const id = h.nextId();
	const outcome: { value?: ServerMessage; error?: Error; at?: number } = {};
	h.send({
		type: 'connection.request',
		id,
		message: { type, id } as ClientMessage,
		timeout,
		resolve: (value) => Object.assign(outcome, { value, at: h.now() }),
		reject: (error) => Object.assign(outcome, { error, at: h.now() })
	});
	return { id, outcome };
}

beforeEach(() => FakeWebSocket.reset());

describe('idle', () => {
	it('is inert: no socket, and browser events do not connect', () => {
		const h = createHarness();
		for (const type of ['browser.online', 'browser.visible', 'browser.focus'] as const) {
			h.send({ type });
		}
		h.clock.advance(60_000);
		expect(h.state).toBe('idle');
		expect(h.sockets()).toHaveLength(0);
	});
});

describe('connecting', () => {
	it('opens the configured url and protocols, then goes open', () => {
		const h = createHarness({ config: { url: 'ws://x.invalid/ws', protocols: ['kecs.v1'] } });
		h.send({ type: 'connection.connect' });
		expect(h.state).toBe('connecting');
		expect(h.ws().url).toBe('ws://x.invalid/ws');
		expect(h.ws().protocols).toEqual(['kecs.v1']);
		h.ws().open();
		expect(h.state).toBe('open');
		expect(h.context.attempts).toBe(0);
	});

	it('gives up on a socket that does not open within connectTimeout and backs off', () => {
		const h = createHarness();
		h.send({ type: 'connection.connect' });
		const ws = h.ws();
		h.clock.advance(4_999);
		expect(h.state).toBe('connecting');
		h.clock.advance(1);
		expect(h.state).toBe('backoff');
		expect(ws.attached).toBe(false);
		expect(h.context.lastError).toMatch(/5000 ms/);
	});

	it('fails at once when the socket cannot even be constructed', () => {
		class Broken {
			constructor() {
				throw new SyntaxError('bad url');
			}
		}
		const h = createHarness({ input: { WebSocketImpl: Broken as never } });
		h.send({ type: 'connection.connect' });
		expect(h.state).toBe('failed');
		expect(h.context.lastError).toBe('bad url');
	});

	it('goes straight to offline when the browser says it is offline', () => {
		const h = createHarness({ online: false });
		h.send({ type: 'connection.connect' });
		expect(h.state).toBe('offline');
		expect(h.sockets()).toHaveLength(0);
		h.send({ type: 'browser.online' });
		expect(h.state).toBe('connecting');
	});
});

describe('close codes', () => {
	const retrying = [1001, 1006, 1009, 1011, 1012, 4408, 4999];
	it.each(retrying)('%i backs off with the normal delay and reconnects', (code) => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(code, '');
		expect(h.state).toBe('backoff');
		expect(h.context.retryDelay).toBe(250);
		expect(h.context.lastClose?.code).toBe(code);
		h.clock.advance(250);
		expect(h.state).toBe('connecting');
		expect(h.sockets()).toHaveLength(2);
	});

	it.each([1013, 4429])('%i backs off with the long delay', (code) => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(code, '');
		expect(h.state).toBe('backoff');
		// floor 5000 (longReconnectInterval) + 0.5 × 5000 of spread
		expect(h.context.retryDelay).toBe(7_500);
	});

	it('honours retryAfterMs from the close reason', () => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(4429, JSON.stringify({ retryAfterMs: 20_000 }));
		expect(h.context.retryDelay).toBe(30_000);
		h.clock.advance(29_999);
		expect(h.sockets()).toHaveLength(1);
		h.clock.advance(1);
		expect(h.sockets()).toHaveLength(2);
	});

	it('keeps jitter when a restarting server says "retry now" (retryAfterMs 0)', () => {
		const h = createHarness({ random: () => 0.9 });
		h.openLink();
		h.ws().serverClose(1012, JSON.stringify({ reconnect: true, retryAfterMs: 0 }));
		expect(h.state).toBe('backoff');
		expect(h.context.retryDelay).toBe(450);
		const refused = createHarness();
		refused.openLink();
		refused.ws().serverClose(1013, JSON.stringify({ reconnect: true, retryAfterMs: 2_000 }));
		expect(refused.context.retryDelay).toBe(3_000);
	});

	it("spreads over the server's window after a mass close, and doubles from it while the server stays away", () => {
		const h = createHarness({ random: () => 1 });
		h.openLink();
		h.ws().serverClose(1012, JSON.stringify({ reconnect: true, retryAfterMs: 0, spreadMs: 2_000 }));
		expect(h.context.retryDelay).toBe(2_000);
		h.clock.advance(2_000);
		// Still down: the attempt is refused without a close frame.
		h.ws().drop();
		expect(h.context.retryDelay).toBe(4_000);
		h.clock.advance(4_000);
		h.ws().drop();
		expect(h.context.retryDelay).toBe(8_000);
		// Back for good: once the link is stable the window is forgotten with the attempts.
		h.clock.advance(8_000);
		h.openLink();
		h.clock.advance(5_000);
		expect(h.context).toMatchObject({ attempts: 0, retryBase: 0 });
		h.ws().drop();
		expect(h.context.retryDelay).toBe(500);
	});

	it('ignores a window smaller than its own backoff ceiling', () => {
		const h = createHarness({ random: () => 1 });
		h.openLink();
		h.ws().serverClose(1012, JSON.stringify({ reconnect: true, retryAfterMs: 0, spreadMs: 2 }));
		expect(h.context.retryDelay).toBe(500);
		h.clock.advance(500);
		h.ws().drop();
		expect(h.context.retryDelay).toBe(1_000);
	});

	it.each([1008, 4403, 4400])('%i fails and never retries on its own', (code) => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(code, '');
		expect(h.state).toBe('failed');
		expect(h.context.failure).toMatch(String(code));
		h.send({ type: 'browser.online' });
		h.send({ type: 'browser.visible' });
		h.clock.advance(10 * 60_000);
		expect(h.state).toBe('failed');
		expect(h.sockets()).toHaveLength(1);
	});

	it('4401 without a token provider fails', () => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(4401, '');
		expect(h.state).toBe('failed');
	});

	it('1000 from the server stays closed', () => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(1000, '');
		expect(h.state).toBe('closed');
		h.clock.advance(60_000);
		expect(h.sockets()).toHaveLength(1);
	});

	it('lets the close reason override the table', () => {
		const a = createHarness();
		a.openLink();
		a.ws().serverClose(1006, JSON.stringify({ reconnect: false }));
		expect(a.state).toBe('failed');
		const b = createHarness();
		b.openLink();
		b.ws().serverClose(1008, JSON.stringify({ reconnect: true }));
		expect(b.state).toBe('backoff');
	});
});

describe('authenticating', () => {
	function withToken() {
		const calls: boolean[] = [];
		let n = 0;
		const getToken = vi.fn(async ({ fresh }: { fresh: boolean }) => {
			calls.push(fresh);
			return `tok-${++n}`;
		});
		const h = createHarness({ config: { getToken } });
		return { h, calls };
	}

	it('authenticates before the session is restored and the queue flushed', async () => {
		const { h } = withToken();
		const log = send(h, { type: 'message', payload: 'queued' }, 'durable');
		h.send({
			type: 'connection.subscribe',
			stream: 'logs',
			options: { onItems: () => {} },
			handle: {}
		});
		h.send({ type: 'connection.connect' });
		const ws = h.ws();
		ws.open();
		expect(h.state).toBe('authenticating');
		await flush();
		expect(ws.sentMessages()).toEqual([
			{ type: 'authenticate', id: expect.any(String), payload: { token: 'tok-1' } }
		]);
		ws.message(welcomeFrame({ authRequired: true }));
		expect(ws.sentTypes()).toEqual(['authenticate']);
		const authId = ws.sentMessages()[0]!.id;
		ws.message({ type: 'authenticated', id: authId, payload: { username: 'u', roles: [] } });
		expect(h.state).toBe('open');
		// The session first, then the queue, then the ping every link opens with.
		expect(ws.sentTypes()).toEqual(['authenticate', 'subscribe', 'message', 'ping']);
		expect(log).toEqual(['message:sent']);
	});

	it('4401 gets one fresh token, then fails', async () => {
		const { h, calls } = withToken();
		h.send({ type: 'connection.connect' });
		h.ws().open();
		await flush();
		h.ws().serverClose(4401, 'unauthorized');
		expect(h.state).toBe('connecting');
		expect(h.sockets()).toHaveLength(2);
		h.ws().open();
		await flush();
		expect(calls).toEqual([false, true]);
		expect(h.ws().sentMessages()[0]?.payload).toEqual({ token: 'tok-2' });
		h.ws().serverClose(4401, 'unauthorized');
		expect(h.state).toBe('failed');
		expect(h.sockets()).toHaveLength(2);
	});

	it('after a stable session, a later 4401 may refresh again', async () => {
		const { h, calls } = withToken();
		h.send({ type: 'connection.connect' });
		h.ws().open();
		await flush();
		h.ws().serverClose(4401, '');
		h.ws().open();
		await flush();
		const id = h.ws().sentMessages()[0]!.id;
		h.ws().message({ type: 'authenticated', id, payload: { username: 'u', roles: [] } });
		expect(h.state).toBe('open');
		h.clock.advance(5_000);
		h.ws().serverClose(4401, '');
		expect(h.state).toBe('connecting');
		expect(calls).toEqual([false, true]);
	});

	it('times out an authentication that never completes', async () => {
		const { h } = withToken();
		h.send({ type: 'connection.connect' });
		h.ws().open();
		await flush();
		h.clock.advance(5_000);
		expect(h.state).toBe('backoff');
	});

	it('fails when the server requires a token and there is no provider', () => {
		const h = createHarness();
		h.openLink({ authRequired: true });
		expect(h.state).toBe('failed');
		expect(h.context.failure).toMatch(/authentication/);
	});
});

describe('heartbeat', () => {
	it('pings as the link opens, then every heartbeatInterval, and measures the round trip', () => {
		const h = createHarness();
		const ws = h.openLink({}, { answerPing: false });
		// The round trip is known at once, not one interval after the link opened.
		expect(ws.sentTypes()).toEqual(['ping']);
		h.clock.advance(42);
		ws.message({ type: 'pong', id: ws.sentMessages()[0]!.id });
		expect(h.context.link.rtt).toBe(42);
		h.clock.advance(14_999);
		expect(ws.sentTypes()).toEqual(['ping']);
		h.clock.advance(1);
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		h.clock.advance(30);
		ws.message({ type: 'pong', id: ws.sentMessages()[1]!.id });
		expect(h.context.link.rtt).toBe(30);
		h.clock.advance(15_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping', 'ping']);
	});

	it("uses the welcome's interval when it is shorter", () => {
		const h = createHarness();
		const ws = h.openLink({ heartbeatInterval: 2_000 });
		h.clock.advance(2_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		expect(h.context.link.heartbeatInterval).toBe(2_000);
		const longer = createHarness();
		longer.openLink({ heartbeatInterval: 60_000 });
		expect(longer.context.link.heartbeatInterval).toBe(15_000);
	});

	it('declares a silent link dead after pongTimeout and drops it at once', () => {
		const h = createHarness();
		const ws = h.openLink();
		const seen = trace(h);
		h.clock.advance(15_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		h.clock.advance(9_999);
		expect(h.state).toBe('open');
		h.clock.advance(1);
		expect(seen).toEqual(['open', 'heartbeatTimeout', 'backoff']);
		expect(ws.attached).toBe(false);
		expect(h.context.lastClose?.reason).toMatch(/heartbeat timeout/);
		// Detected within heartbeatInterval + pongTimeout of the last sign of life.
		expect(h.clock.now()).toBe(25_000);
	});

	it('finds a link that opened but carries nothing within pongTimeout', () => {
		const h = createHarness();
		h.send({ type: 'connection.connect' });
		const ws = h.ws();
		// The handshake completed, then nothing: no welcome, no pong (a proxy that accepted the
		// upgrade but lost its upstream).
		ws.open();
		expect(h.state).toBe('open');
		expect(ws.sentTypes()).toEqual(['ping']);
		const seen = trace(h);
		h.clock.advance(9_999);
		expect(h.state).toBe('open');
		h.clock.advance(1);
		expect(seen).toEqual(['open', 'heartbeatTimeout', 'backoff']);
		expect(ws.attached).toBe(false);
	});

	it('counts any inbound frame as proof of life', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.clock.advance(15_000);
		h.clock.advance(5_000);
		ws.message(logBatch([1]));
		h.clock.advance(5_000);
		expect(h.state).toBe('open');
		h.clock.advance(15_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping', 'ping']);
	});

	it('a live item on the fast lane counts as an answer when the deadline is judged late', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.clock.advance(15_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		ws.message(logBatch([1]));
		// No pong, but the link spoke after the ping; the tab then sleeps past the deadline.
		h.sleep(60_000);
		h.send({ type: 'browser.visible' });
		expect(h.state).toBe('open');
	});

	it('a healthy link is not killed by timers that fired late', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.clock.advance(15_000);
		h.clock.advance(30);
		ws.message({ type: 'pong', id: ws.sentMessages()[1]!.id });
		// The tab is hidden: a minute passes and no timer fires.
		h.sleep(60_000);
		h.send({ type: 'browser.visible' });
		expect(h.state).toBe('open');
		expect(ws.sentTypes()).toEqual(['ping', 'ping', 'ping']);
		ws.message({ type: 'pong', id: ws.sentMessages()[2]!.id });
		// SimulatedClock.increment fires every due timer at the *final* time, like a throttled
		// tab catching up: the overdue ping timer fires late, and that alone kills nothing.
		h.clock.increment(120_000);
		expect(h.state).toBe('open');
		expect(ws.sentTypes()).toEqual(['ping', 'ping', 'ping', 'ping']);
	});

	it('a dead link is not hidden by throttled timers: waking checks the deadline', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.clock.advance(15_000);
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		h.sleep(30_000);
		h.send({ type: 'browser.visible' });
		expect(h.state).toBe('heartbeatTimeout');
		h.clock.advance(0);
		expect(h.state).toBe('backoff');
	});

	it('a send on a link whose deadline passed triggers the check first', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.clock.advance(15_000);
		h.sleep(30_000);
		const log = send(h, { type: 'message', payload: 'late' }, 'durable');
		expect(h.state).toBe('heartbeatTimeout');
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		h.clock.advance(0);
		h.clock.advance(250);
		const ws2 = h.openLink();
		expect(ws2.sentTypes()).toEqual(['message', 'ping']);
		expect(log).toEqual(['message:sent']);
	});

	it.each(['browser.visible', 'browser.focus', 'browser.pageshow', 'browser.online'] as const)(
		'%s triggers an immediate liveness ping, not a reconnect',
		(type) => {
			const h = createHarness();
			const ws = h.openLink();
			h.clock.advance(1_000);
			h.send({ type });
			expect(ws.sentTypes()).toEqual(['ping', 'ping']);
			h.send({ type });
			expect(ws.sentTypes()).toEqual(['ping', 'ping']);
			expect(h.state).toBe('open');
			expect(h.sockets()).toHaveLength(1);
		}
	);
});

describe('browser network events', () => {
	it('offline drops the link and waits; online reconnects at once', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.send({ type: 'browser.offline' });
		expect(h.state).toBe('offline');
		expect(ws.attached).toBe(false);
		h.clock.advance(10 * 60_000);
		expect(h.sockets()).toHaveLength(1);
		h.send({ type: 'browser.online' });
		expect(h.state).toBe('connecting');
		expect(h.sockets()).toHaveLength(2);
	});

	it('online skips the rest of a backoff', () => {
		const h = createHarness({ random: () => 1 });
		h.openLink();
		h.ws().drop();
		expect(h.state).toBe('backoff');
		expect(h.context.nextRetryAt).toBe(500);
		h.clock.advance(100);
		h.send({ type: 'browser.online' });
		expect(h.state).toBe('connecting');
		expect(h.context.nextRetryAt).toBeNull();
	});

	it('offline during backoff waits for online instead', () => {
		const h = createHarness();
		h.openLink();
		h.ws().drop();
		h.send({ type: 'browser.offline' });
		expect(h.state).toBe('offline');
		h.clock.advance(60_000);
		expect(h.sockets()).toHaveLength(1);
	});
});

describe('disconnect and closed', () => {
	it('closes with 1000 and no browser event undoes it', () => {
		const h = createHarness();
		const ws = h.openLink();
		h.send({ type: 'connection.disconnect' });
		expect(h.state).toBe('closed');
		expect(ws.closeCalls).toEqual([{ code: 1000, reason: 'client disconnect' }]);
		for (const type of [
			'browser.online',
			'browser.visible',
			'browser.focus',
			'browser.pageshow',
			'connection.retry'
		] as const) {
			h.send({ type });
		}
		h.clock.advance(10 * 60_000);
		expect(h.state).toBe('closed');
		expect(h.sockets()).toHaveLength(1);
		h.send({ type: 'connection.connect' });
		expect(h.state).toBe('connecting');
	});

	it('works from backoff too, cancelling the retry', () => {
		const h = createHarness();
		h.openLink();
		h.ws().drop();
		h.send({ type: 'connection.disconnect' });
		h.clock.advance(60_000);
		expect(h.state).toBe('closed');
		expect(h.sockets()).toHaveLength(1);
	});
});

describe('failed', () => {
	it('connection.retry leaves it with a fresh attempt counter', () => {
		const h = createHarness();
		h.openLink();
		h.ws().serverClose(1008, '');
		h.send({ type: 'connection.retry' });
		expect(h.state).toBe('connecting');
		expect(h.context.attempts).toBe(0);
		expect(h.context.failure).toBeNull();
	});

	it('is reached after maxReconnectAttempts failed attempts', () => {
		const h = createHarness({ config: { maxReconnectAttempts: 2 } });
		h.send({ type: 'connection.connect' });
		h.ws().drop();
		h.clock.advance(60_000);
		h.ws().drop();
		h.clock.advance(60_000);
		h.ws().drop();
		expect(h.state).toBe('failed');
		expect(h.context.failure).toMatch(/maxReconnectAttempts/);
		h.clock.advance(10 * 60_000);
		expect(h.sockets()).toHaveLength(3);
	});

	it('is reached at once when reconnect is false', () => {
		const h = createHarness({ config: { reconnect: false } });
		h.openLink();
		h.ws().drop();
		expect(h.state).toBe('failed');
	});
});

describe('backoff attempts', () => {
	it('grow with each failure and reset only after stableAfter of uptime', () => {
		const h = createHarness({ random: () => 1 });
		h.send({ type: 'connection.connect' });
		h.ws().drop();
		expect(h.context.retryDelay).toBe(500);
		h.clock.advance(500);
		h.openLink();
		h.clock.advance(4_999);
		h.ws().drop();
		// Open for 4,999 ms: not stable, so the counter keeps growing.
		expect(h.context.retryDelay).toBe(1_000);
		h.clock.advance(1_000);
		h.openLink();
		h.clock.advance(5_000);
		expect(h.context.attempts).toBe(0);
		h.ws().drop();
		expect(h.context.retryDelay).toBe(500);
		expect(h.context.reconnects).toBe(2);
	});

	it('publish nextRetryAt and enteredAt', () => {
		const h = createHarness({ random: () => 1 });
		h.openLink();
		h.clock.advance(1_234);
		h.ws().drop();
		expect(h.context.enteredAt).toBe(1_234);
		expect(h.context.nextRetryAt).toBe(1_734);
	});
});

describe('outgoing queue', () => {
	it('drops volatile, expires expiring, keeps durable, and says so', () => {
		const h = createHarness();
		h.send({ type: 'connection.connect' });
		const log: string[] = [];
		send(h, { type: 'message', payload: 'v' }, 'volatile', log);
		send(h, { type: 'ping' }, 'expiring', log);
		send(h, { type: 'mark_all_as_read' }, 'durable', log);
		expect(log).toEqual(['message:offline']);
		h.clock.advance(9_999);
		expect(log).toEqual(['message:offline']);
		h.clock.advance(1);
		expect(log).toEqual(['message:offline', 'ping:expired']);
		const ws = h.openLink();
		expect(ws.sentTypes()).toEqual(['mark_all_as_read', 'ping']);
		expect(log.at(-1)).toBe('mark_all_as_read:sent');
		expect(h.context.rt.outbox.dropped).toMatchObject({ offline: 1, expired: 1 });
	});

	it('sends volatile and expiring messages at once while open', () => {
		const h = createHarness();
		const ws = h.openLink();
		const log = send(h, { type: 'message', payload: 1 }, 'volatile');
		send(h, { type: 'message', payload: 2 }, 'expiring', log);
		expect(ws.sentTypes()).toEqual(['ping', 'message', 'message']);
		expect(log).toEqual(['message:sent', 'message:sent']);
	});

	it('reports overflow instead of growing', () => {
		const h = createHarness({ config: { outbox: { maxMessages: 2 } } });
		const log: string[] = [];
		for (let i = 0; i < 4; i++) send(h, { type: 'message', payload: i }, 'durable', log);
		expect(log).toEqual(['message:overflow', 'message:overflow']);
		expect(h.context.rt.outbox.size).toBe(2);
		expect(h.context.rt.outbox.dropped.overflow).toBe(2);
	});

	it('drops the queue on a deliberate disconnect', () => {
		const h = createHarness();
		const log = send(h, { type: 'message', payload: 1 }, 'durable');
		h.send({ type: 'connection.disconnect' });
		expect(log).toEqual(['message:disconnected']);
	});
});

describe('requests', () => {
	it('time out messageTimeout after the request, queue time included', () => {
		const h = createHarness();
		h.send({ type: 'connection.connect' });
		const { outcome } = request(h, 'mark_all_as_read');
		h.clock.advance(8_000);
		const ws = h.openLink();
		expect(ws.sentTypes()).toEqual(['mark_all_as_read', 'ping']);
		h.clock.advance(1_999);
		expect(outcome.error).toBeUndefined();
		h.clock.advance(1);
		expect(outcome.error).toBeInstanceOf(RequestTimeoutError);
		expect(outcome.at).toBe(10_000);
	});

	it('resolve with the reply echoing their id, whatever its type', () => {
		const h = createHarness();
		const ws = h.openLink();
		const { id, outcome } = request(h, 'request_history');
		ws.message({
			type: 'history',
			id,
			payload: { stream: 'logs', resourceId: '*', epoch: 'e1', items: [], complete: true }
		});
		expect(outcome.value?.type).toBe('history');
		h.clock.advance(60_000);
		expect(outcome.error).toBeUndefined();
	});

	it('reject with a typed ServerError on an error reply', () => {
		const h = createHarness();
		const ws = h.openLink();
		const { id, outcome } = request(h, 'subscribe');
		ws.message({ type: 'error', payload: { error: 'unknown_stream', message: 'no', ref: id } });
		expect(outcome.error).toBeInstanceOf(ServerError);
		expect((outcome.error as ServerError).serverCode).toBe('unknown_stream');
	});

	it('reject with DisconnectedError when the link carrying them is lost', () => {
		const h = createHarness();
		const ws = h.openLink();
		const { outcome } = request(h, 'mark_all_as_read');
		ws.drop();
		expect(outcome.error).toBeInstanceOf(DisconnectedError);
	});

	it('still queued requests survive a drop and go out on the next link', () => {
		const h = createHarness();
		h.openLink();
		h.ws().drop();
		const { outcome } = request(h, 'mark_all_as_read');
		h.clock.advance(250);
		const ws = h.openLink();
		expect(ws.sentTypes()).toEqual(['mark_all_as_read', 'ping']);
		expect(outcome.error).toBeUndefined();
	});

	it('reject when the user disconnects or the connection fails', () => {
		const h = createHarness();
		h.send({ type: 'connection.connect' });
		const a = request(h, 'mark_all_as_read');
		h.send({ type: 'connection.disconnect' });
		expect(a.outcome.error).toBeInstanceOf(DisconnectedError);
		const f = createHarness();
		f.openLink();
		f.ws().drop();
		const b = request(f, 'mark_all_as_read');
		f.clock.advance(250);
		f.ws().serverClose(1008, '');
		expect(b.outcome.error).toBeInstanceOf(DisconnectedError);
	});
});

describe('session restore', () => {
	it('re-subscribes with since, in one burst, before flushing queued messages', () => {
		const h = createHarness();
		const ws = h.openLink();
		const handles: SubscriptionHandle[] = [{}, {}];
		h.send({
			type: 'connection.subscribe',
			stream: 'logs',
			options: { onItems: () => {} },
			handle: handles[0]!
		});
		h.send({
			type: 'connection.subscribe',
			stream: 'tasks',
			options: { resourceId: 'service:web', onItems: () => {} },
			handle: handles[1]!
		});
		expect(ws.sentTypes()).toEqual(['ping', 'subscribe', 'subscribe']);
		ws.message(subscribed('logs', { lastSeq: 0 }));
		ws.message(subscribed('tasks', { resourceId: 'service:web' }));
		ws.message(logBatch([1, 2, 3]));
		ws.drop();
		const log = send(h, { type: 'mark_all_as_read' }, 'durable');
		send(h, { type: 'message', payload: 'x' }, 'expiring', log);
		h.clock.advance(250);
		const ws2 = h.openLink();
		// The restore burst, the queue in order, then the ping the link opens with.
		expect(ws2.sentTypes()).toEqual([
			'subscribe',
			'subscribe',
			'mark_all_as_read',
			'message',
			'ping'
		]);
		const [logs, tasks] = ws2.sentMessages();
		expect(logs?.payload).toEqual({
			stream: 'logs',
			resourceId: '*',
			since: { epoch: 'e1', seq: 3 }
		});
		expect(tasks?.payload).toEqual({ stream: 'tasks', resourceId: 'service:web' });
		expect(log).toEqual(['mark_all_as_read:sent', 'message:sent']);
	});

	it('unsubscribes when the last subscriber leaves', () => {
		const h = createHarness();
		const ws = h.openLink();
		const a: SubscriptionHandle = {};
		const b: SubscriptionHandle = {};
		h.send({
			type: 'connection.subscribe',
			stream: 'logs',
			options: { onItems: () => {} },
			handle: a
		});
		h.send({
			type: 'connection.subscribe',
			stream: 'logs',
			options: { onItems: () => {} },
			handle: b
		});
		expect(ws.sentTypes()).toEqual(['ping', 'subscribe']);
		h.send({ type: 'connection.unsubscribe', handle: a });
		expect(ws.sentTypes()).toEqual(['ping', 'subscribe']);
		h.send({ type: 'connection.unsubscribe', handle: b });
		expect(ws.sentTypes()).toEqual(['ping', 'subscribe', 'unsubscribe']);
	});
});

describe('inbound frames', () => {
	it('counts invalid frames and reports them without leaving open', () => {
		const h = createHarness();
		const ws = h.openLink();
		const errors: string[] = [];
		h.actor.on('invalid', (e) => errors.push(e.error.code));
		ws.message('not json');
		ws.message({ type: 'log_entry', payload: { nope: true } });
		ws.message({ type: 'what_is_this' });
		expect(h.state).toBe('open');
		expect(errors).toEqual(['invalid_json', 'invalid_message', 'unknown_type']);
		expect(h.context.rt.meter.invalidFrames).toBe(3);
		// welcome, the opening ping's pong, and the three invalid frames.
		expect(h.context.rt.meter.messagesIn).toBe(5);
	});

	it('emits every valid message (live items through the fast lane) and meters both directions', () => {
		const fast: string[] = [];
		const h = createHarness({ input: { onInbound: (m) => fast.push(m.type) } });
		const seen: string[] = [];
		h.actor.on('inbound', (e) => seen.push(e.message.type));
		const ws = h.openLink();
		ws.message(logBatch([1]));
		send(h, { type: 'ping' }, 'volatile');
		expect(seen).toEqual(['welcome', 'pong']);
		expect(fast).toEqual(['log_batch']);
		expect(h.context.rt.meter.messagesIn).toBe(3);
		// The opening ping and ours.
		expect(ws.sentTypes()).toEqual(['ping', 'ping']);
		expect(h.context.rt.meter.messagesOut).toBe(2);
		expect(h.context.rt.meter.bytesOut).toBe(ws.sent[0]!.length + ws.sent[1]!.length);
		expect(h.context.link.epoch).toBe('e1');
	});
});
