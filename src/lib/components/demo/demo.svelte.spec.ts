import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createConnection, type Connection } from '$lib/connection/svelte';
import type { TaskUpdate } from '$lib/protocol';
import { createLogStream } from '$lib/streams';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { logBatch, subscribed } from '$lib/testing/fixtures';
import { manualFrames } from '$lib/testing/frames';
import EchoPanel from './EchoPanel.svelte';
import FaultPanel, { HOSTILE_LINE } from './FaultPanel.svelte';
import TaskUpdatesFeed from './TaskUpdatesFeed.svelte';

let connection: Connection;
let frames: ReturnType<typeof manualFrames>;
beforeEach(() => {
	FakeWebSocket.reset();
	frames = manualFrames();
	connection = createConnection(
		{ url: 'ws://demo.invalid/ws' },
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
	vi.useRealTimers();
});

async function frame() {
	frames.flush();
	flushSync();
	await tick();
}

function open() {
	connection.start();
	const ws = FakeWebSocket.last();
	ws.open();
	ws.message(welcomeFrame());
	return ws;
}

/** Answer the logs subscription and its history request. */
function serveLogs(ws: FakeWebSocket, seqs: number[]) {
	ws.message(subscribed('logs'));
	const request = ws
		.sentMessages()
		.filter((m) => m.type === 'request_history')
		.at(-1)!;
	ws.message({
		type: 'history',
		id: request.id,
		payload: {
			stream: 'logs',
			resourceId: '*',
			epoch: 'e1',
			items: logBatch(seqs).payload,
			complete: true
		}
	});
}

describe('FaultPanel', () => {
	function mount(
		post = vi.fn(async (path: string) => ({
			ok: true,
			fault: path,
			dropped: 1,
			id: 'fault-log-1'
		})),
		enabled: boolean | null = true
	) {
		const logs = createLogStream(connection.client, { schedule: frames.schedule });
		render(FaultPanel, { connection, logs, enabled, post });
		return { post, logs };
	}

	it('drives the fault controls and says what each did', async () => {
		vi.useFakeTimers();
		const { post } = mount();
		await fireEvent.click(screen.getByTestId('fault-drop'));
		await vi.advanceTimersByTimeAsync(0);
		expect(post).toHaveBeenCalledWith('drop');
		expect(screen.getByTestId('fault-result').textContent).toContain('dropped 1 connection(s)');

		await fireEvent.click(screen.getByTestId('fault-refuse'));
		await vi.advanceTimersByTimeAsync(0);
		expect(post.mock.calls.slice(1).map((c) => c[0])).toEqual(['refuse?seconds=5', 'drop']);

		await fireEvent.click(screen.getByTestId('fault-hostile'));
		await vi.advanceTimersByTimeAsync(0);
		expect(post).toHaveBeenLastCalledWith(
			`log?level=warn&message=${encodeURIComponent(HOSTILE_LINE)}`
		);
		expect(HOSTILE_LINE).toContain('<img src=x onerror=alert(1)>');
	});

	it('lists what the statechart did after the fault', async () => {
		mount();
		const ws = open();
		await frame();
		await fireEvent.click(screen.getByTestId('fault-drop'));
		await new Promise((r) => setTimeout(r, 0));
		ws.serverClose(1006, '');
		await frame();
		const result = screen.getByTestId('fault-result').textContent ?? '';
		expect(result).toContain('backoff');
		expect(result).toContain('socket.closed');
	});

	it('reports a failed request, and is disabled when the gateway has no fault controls', async () => {
		const failing = vi.fn(async () => {
			throw new Error('fault controls are disabled');
		});
		mount(failing);
		await fireEvent.click(screen.getByTestId('fault-malformed'));
		await new Promise((r) => setTimeout(r, 0));
		expect(screen.getByTestId('fault-result').textContent).toContain(
			'failed: fault controls are disabled'
		);
		cleanup();
		mount(undefined, false);
		expect((screen.getByTestId('fault-drop') as HTMLButtonElement).disabled).toBe(true);
		expect(screen.getByText(/KECS_LIVE_FAULTS=1/)).toBeTruthy();
	});

	it('checks the log for loss: continuous, then a reported gap', async () => {
		vi.useFakeTimers();
		mount();
		const ws = open();
		serveLogs(ws, [1, 2, 3, 4]);
		await frame();
		await vi.advanceTimersByTimeAsync(300);
		expect(screen.getByTestId('continuity-verdict').textContent).toContain('Nothing lost');
		expect(screen.getByTestId('continuity').dataset.ok).toBe('true');
		ws.message({ type: 'dropped', payload: { stream: 'logs', count: 3, reason: 'slow_consumer' } });
		ws.message(logBatch([8, 9]));
		await frame();
		await vi.advanceTimersByTimeAsync(300);
		expect(screen.getByTestId('continuity-verdict').textContent).toContain(
			'Gap reported: 3 lines missing'
		);
		expect(screen.getByTestId('continuity').dataset.ok).toBe('true');
		expect(screen.getByTestId('continuity-holes').textContent).toBe('0 / 0');
	});
});

describe('EchoPanel', () => {
	it('sends a message and shows the echo with its round trip', async () => {
		render(EchoPanel, { connection });
		const ws = open();
		await frame();
		await fireEvent.input(screen.getByTestId('echo-input'), {
			target: { value: 'ping <b>me</b>' }
		});
		await fireEvent.click(screen.getByTestId('echo-send'));
		const sent = ws
			.sentMessages()
			.filter((m) => m.type === 'message')
			.at(-1)!;
		expect(sent.payload).toEqual({ demoId: 1, text: 'ping <b>me</b>' });
		ws.message({ type: 'message', payload: sent.payload });
		await frame();
		const row = screen.getByTestId('echo-exchange');
		expect(row.dataset.status).toBe('echoed');
		expect(row.textContent).toContain('echoed in');
		expect(row.querySelector('b')).toBeNull();
	});

	it('queues a message while the link is down', async () => {
		render(EchoPanel, { connection });
		await frame();
		await fireEvent.click(screen.getByTestId('echo-send'));
		expect(screen.getByTestId('echo-exchange').dataset.status).toBe('queued');
	});
});

describe('TaskUpdatesFeed', () => {
	it('lists updates newest first with the status change', () => {
		render(TaskUpdatesFeed, {
			updates: [
				{
					taskId: 'arn:aws:ecs:us-east-1:0:task/default/abcdef1234',
					seq: 2,
					updateType: 'status_changed',
					previousStatus: 'PENDING',
					timestamp: new Date(),
					changes: { lastStatus: 'RUNNING', group: 'service:api' }
				}
			]
		});
		const text = screen.getByTestId('task-updates').textContent ?? '';
		expect(text).toContain('api');
		expect(text).toContain('abcdef12');
		expect(text).toMatch(/PENDING\s*→\s*RUNNING/);
	});

	it('shows updates of two epochs with the same seq and task (after a gateway restart)', () => {
		type Status = NonNullable<TaskUpdate['previousStatus']>;
		const update = (previousStatus: Status, lastStatus: Status): TaskUpdate => ({
			taskId: 'arn:aws:ecs:us-east-1:0:task/default/abcdef1234',
			seq: 1,
			updateType: 'status_changed',
			previousStatus,
			timestamp: new Date(),
			changes: { lastStatus, group: 'service:api' }
		});
		render(TaskUpdatesFeed, {
			updates: [update('RUNNING', 'STOPPED'), update('PENDING', 'RUNNING')]
		});
		const text = screen.getByTestId('task-updates').textContent ?? '';
		expect(text).toMatch(/RUNNING\s*→\s*STOPPED/);
		expect(text).toMatch(/PENDING\s*→\s*RUNNING/);
	});
});
