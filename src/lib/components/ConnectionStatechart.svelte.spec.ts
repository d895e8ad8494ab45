import { cleanup, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createConnection, type Connection } from '$lib/connection/svelte';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { manualFrames } from '$lib/testing/frames';
import ConnectionStatechart from './ConnectionStatechart.svelte';

let connection: Connection;
let frames: ReturnType<typeof manualFrames>;
beforeEach(() => {
	FakeWebSocket.reset();
	frames = manualFrames();
	connection = createConnection(
		{ url: 'ws://chart.invalid/ws', reconnectInterval: 100 },
		{
			browser: true,
			WebSocketImpl: FakeWebSocket,
			clock: new TestClock(),
			schedule: frames.schedule
		}
	);
});
afterEach(() => {
	cleanup();
	connection.stop();
});

async function frame() {
	frames.flush();
	flushSync();
	await tick();
}

const active = () =>
	[...document.querySelectorAll('[data-active="true"]')].map((el) => el.getAttribute('data-state'));

describe('ConnectionStatechart', () => {
	it('draws the real machine and lights the state the connection is in', async () => {
		render(ConnectionStatechart, { connection });
		expect(document.querySelector('[data-state="heartbeatTimeout"]')).not.toBeNull();
		expect(document.querySelector('[data-state="backoff"]')).not.toBeNull();
		expect(active()).toEqual(['idle']);

		connection.start();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		await frame();
		// The link opens with a ping...
		expect(active()).toEqual(
			expect.arrayContaining([
				'link',
				'link.open',
				'link.open.heartbeat',
				'link.open.heartbeat.probing'
			])
		);
		expect(active()).not.toContain('idle');
		// ...and waits for the next one once it is answered.
		const ping = ws.sentMessages().find((m) => m.type === 'ping')!;
		ws.message({ type: 'pong', id: ping.id });
		await frame();
		expect(active()).toContain('link.open.heartbeat.waiting');
		expect(active()).not.toContain('link.open.heartbeat.probing');
	});

	it('lists the transitions from the connection’s log, and flashes the arrow taken', async () => {
		render(ConnectionStatechart, { connection });
		connection.start();
		FakeWebSocket.last().open();
		await frame();
		FakeWebSocket.last().serverClose(1012, 'restart');
		await frame();
		const items = screen.getAllByTestId('statechart-transition').map((li) => li.textContent ?? '');
		expect(items[0]).toContain('backoff');
		expect(items[0]).toContain('socket.closed');
		expect(items.at(-1)).toContain('idle');
		expect(document.querySelector('path.edge.hot')?.getAttribute('data-edge')).toMatch(
			/->backoff$/
		);
		expect(active()).toEqual(['backoff']);
	});
});
