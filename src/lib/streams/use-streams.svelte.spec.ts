import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import StreamsProviderProbe from '$lib/testing/StreamsProviderProbe.svelte';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import {
	logBatch,
	metricUpdate,
	notification,
	FIXTURE_TIME,
	subscribed,
	TASK_A,
	taskUpdate
} from '$lib/testing/fixtures';
import { manualFrames } from '$lib/testing/frames';

beforeEach(() => {
	FakeWebSocket.reset();
	// The metrics store forgets tasks silent for longer than its retention (an hour), judged by the
	// wall clock: pin `Date` a minute after the fixtures' samples, or this test fails an hour after
	// them in real time.
	vi.useFakeTimers({ toFake: ['Date'] });
	vi.setSystemTime(Date.parse(FIXTURE_TIME) + 60_000);
});
afterEach(() => {
	vi.useRealTimers();
});

function mount() {
	const frames = manualFrames();
	const options = {
		WebSocketImpl: FakeWebSocket,
		clock: new TestClock(),
		schedule: frames.schedule
	};
	const result = render(StreamsProviderProbe, { props: { options } });
	const text = (id: string) => screen.getByTestId(id).textContent;
	const frame = async () => {
		frames.flush();
		await tick();
	};
	return { ...result, options, frames, text, frame };
}

/** Answer every subscription and history request the probe made. */
function serve(ws: FakeWebSocket) {
	const sent = ws.sentMessages() as Array<{
		type: string;
		id?: string;
		payload?: Record<string, unknown>;
	}>;
	for (const m of sent.filter((s) => s.type === 'subscribe')) {
		ws.message(
			subscribed(m.payload!.stream as string, { resourceId: m.payload!.resourceId as string })
		);
	}
	const items: Record<string, unknown[]> = {
		logs: logBatch([1, 2]).payload,
		metrics: [metricUpdate(1)],
		notifications: [notification(1), notification(2)],
		tasks: [taskUpdate(1)]
	};
	for (const m of sent.filter((s) => s.type === 'request_history')) {
		const stream = m.payload!.stream as string;
		ws.message({
			type: 'history',
			id: m.id,
			payload: {
				stream,
				resourceId: m.payload!.resourceId,
				epoch: 'e1',
				items: items[stream],
				complete: true
			}
		});
	}
}

describe('useWebSocket* under the provider (jsdom)', () => {
	it('all four streams share the one socket of the context’s connection', async () => {
		const { text, frame } = mount();
		expect(FakeWebSocket.instances).toHaveLength(1);
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		expect(ws.sentTypes().filter((t) => t === 'subscribe')).toHaveLength(4);
		serve(ws);
		await frame();
		expect(text('connected')).toBe('true');
		expect(text('lines')).toBe('1,2');
		expect(text('metrics')).toBe(`${TASK_A}:12.5`);
		expect(text('notes')).toBe('n-2,n-1');
		expect(text('unread')).toBe('2');
		expect(text('tasks')).toBe('1');
		expect(text('running')).toBe('1');
		expect(FakeWebSocket.instances).toHaveLength(1);
	});

	it('pause and resume through the component', async () => {
		const { text, frame } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		serve(ws);
		await frame();
		await fireEvent.click(screen.getByText('pause'));
		ws.message(logBatch([3, 4]));
		await frame();
		expect(text('paused')).toBe('true');
		expect(text('lines')).toBe('1,2');
		expect(text('new')).toBe('2');
		await fireEvent.click(screen.getByText('resume'));
		await frame();
		expect(text('lines')).toBe('1,2,3,4');
		expect(text('new')).toBe('0');
	});

	it('marks as read optimistically from a click', async () => {
		const { text, frame } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		serve(ws);
		await frame();
		await fireEvent.click(screen.getByText('read first'));
		await frame();
		expect(text('unread')).toBe('1');
		expect(ws.sentTypes()).toContain('mark_as_read');
	});

	it('unsubscribes every stream when the component goes away, and keeps the socket', async () => {
		const { frame, rerender, options } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		serve(ws);
		await frame();
		await rerender({ options, show: false });
		const unsubscribed = (
			ws.sentMessages() as Array<{ type: string; payload?: { stream?: string } }>
		)
			.filter((m) => m.type === 'unsubscribe')
			.map((m) => m.payload?.stream)
			.sort();
		expect(unsubscribed).toEqual(['logs', 'metrics', 'notifications', 'tasks']);
		expect(ws.attached).toBe(true);
	});
});
