import { get } from 'svelte/store';
import { beforeEach, describe, expect, it } from 'vitest';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { FakeWindow } from '$lib/testing/fake-window';
import { logBatch } from '$lib/testing/fixtures';
import { manualFrames } from '$lib/testing/frames';
import { createConnection, toWebSocketState } from './connection';

beforeEach(() => FakeWebSocket.reset());

describe('createConnection', () => {
	it('is inert on the server: no client, idle view, start is a no-op', () => {
		const c = createConnection(
			{ url: 'ws://x/ws' },
			{ browser: false, WebSocketImpl: FakeWebSocket }
		);
		expect(c.client).toBeNull();
		expect(get(c.view)).toMatchObject({ state: 'idle', webSocketState: 'disconnected' });
		c.start(new FakeWindow())();
		expect(FakeWebSocket.instances).toHaveLength(0);
	});

	it('in the browser, starts on start(): attaches, connects, logs transitions', () => {
		const frames = manualFrames();
		const win = new FakeWindow();
		const c = createConnection(
			{ url: 'ws://x/ws' },
			{
				browser: true,
				WebSocketImpl: FakeWebSocket,
				clock: new TestClock(),
				schedule: frames.schedule
			}
		);
		expect(FakeWebSocket.instances).toHaveLength(0);
		const stop = c.start(win);
		expect(c.start(win)).toBe(stop);
		expect(FakeWebSocket.instances).toHaveLength(1);
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		expect(c.log.entries().map((e) => e.event)).toEqual(['connection.connect', 'socket.opened']);
		stop();
		expect(win.count()).toBe(0);
		expect(ws.closeCalls[0]?.code).toBe(1000);
	});

	it('coalesces store updates into one per frame', () => {
		const frames = manualFrames();
		const c = createConnection(
			{ url: 'ws://x/ws' },
			{
				browser: true,
				WebSocketImpl: FakeWebSocket,
				clock: new TestClock(),
				schedule: frames.schedule
			}
		);
		const published: number[] = [];
		const off = c.view.subscribe((v) => published.push(v.stats.messagesIn));
		c.start();
		const ws = FakeWebSocket.last();
		ws.open();
		for (let i = 1; i <= 1000; i++) ws.message(logBatch([i]));
		expect(frames.pending).toBe(1);
		frames.flush();
		frames.flush();
		expect(published).toEqual([0, 1000]);
		off();
		c.stop();
	});

	it('maps statechart states to the guide vocabulary', () => {
		expect(toWebSocketState('open', false)).toBe('connected');
		expect(toWebSocketState('connecting', false)).toBe('connecting');
		expect(toWebSocketState('connecting', true)).toBe('reconnecting');
		expect(toWebSocketState('backoff', false)).toBe('reconnecting');
		expect(toWebSocketState('offline', false)).toBe('reconnecting');
		expect(toWebSocketState('heartbeatTimeout', false)).toBe('reconnecting');
		expect(toWebSocketState('failed', false)).toBe('error');
		expect(toWebSocketState('closed', false)).toBe('disconnected');
		expect(toWebSocketState('idle', false)).toBe('disconnected');
	});
});
