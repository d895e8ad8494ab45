import { fireEvent, render, screen } from '@testing-library/svelte';
import { tick } from 'svelte';
import { beforeEach, describe, expect, it } from 'vitest';
import ProviderProbe from '$lib/testing/ProviderProbe.svelte';
import { TestClock } from '$lib/testing/clock';
import { welcomeFrame } from '$lib/testing/connection-harness';
import { FakeWebSocket } from '$lib/testing/fake-socket';
import { logBatch } from '$lib/testing/fixtures';
import { manualFrames } from '$lib/testing/frames';

function mount(autoConnect = true) {
	const frames = manualFrames();
	const clock = new TestClock();
	const events: string[] = [];
	const result = render(ProviderProbe, {
		props: {
			events,
			autoConnect,
			options: { WebSocketImpl: FakeWebSocket, clock, schedule: frames.schedule }
		}
	});
	const text = (id: string) => screen.getByTestId(id).textContent;
	const frame = async () => {
		frames.flush();
		await tick();
	};
	return { ...result, frames, clock, events, text, frame };
}

beforeEach(() => FakeWebSocket.reset());

describe('WebSocketProvider + useWebSocket (jsdom)', () => {
	it('creates one connection on mount and reports the guide states', async () => {
		const { text, frame, events } = mount();
		expect(FakeWebSocket.instances).toHaveLength(1);
		expect(FakeWebSocket.last().url).toBe('ws://probe.invalid/ws');
		await frame();
		expect(text('state')).toBe('connecting');
		expect(text('connecting')).toBe('true');

		const ws = FakeWebSocket.last();
		ws.open();
		ws.message(welcomeFrame());
		await frame();
		expect(text('state')).toBe('connected');
		expect(text('machine')).toBe('open');
		expect(text('connected')).toBe('true');
		expect(events).toEqual(['state:connecting', 'connected', 'state:connected', 'message:welcome']);
	});

	it('publishes at most once per frame however many messages arrive', async () => {
		const { text, frame, frames } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		await frame();
		const before = frames.scheduled;
		for (let i = 1; i <= 200; i++) ws.message(logBatch([i]));
		expect(frames.scheduled - before).toBe(1);
		expect(frames.pending).toBe(1);
		await frame();
		expect(text('in')).toBe('200');
	});

	it('reports drops as reconnecting, and disconnect is final', async () => {
		const { text, frame, events } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		ws.serverClose(1012, 'restart');
		await frame();
		expect(text('state')).toBe('reconnecting');
		expect(text('reconnecting')).toBe('true');
		expect(events).toContain('disconnected:1012');

		await fireEvent.click(screen.getByText('disconnect'));
		await frame();
		expect(text('state')).toBe('disconnected');
		expect(text('machine')).toBe('closed');
		window.dispatchEvent(new Event('online'));
		window.dispatchEvent(new Event('focus'));
		await frame();
		expect(text('machine')).toBe('closed');
		expect(FakeWebSocket.instances).toHaveLength(1);
	});

	it('shows failures as the guide’s error state', async () => {
		const { text, frame } = mount();
		FakeWebSocket.last().open();
		FakeWebSocket.last().serverClose(1008, 'origin not allowed');
		await frame();
		expect(text('state')).toBe('error');
		expect(text('error')).toMatch(/1008/);
	});

	it('does not connect without autoConnect until asked', async () => {
		const frames = manualFrames();
		render(ProviderProbe, {
			props: {
				autoConnect: false,
				options: {
					WebSocketImpl: FakeWebSocket,
					clock: new TestClock(),
					schedule: frames.schedule,
					autoConnect: false
				}
			}
		});
		frames.flush();
		await tick();
		expect(FakeWebSocket.instances).toHaveLength(0);
		expect(screen.getByTestId('machine').textContent).toBe('idle');
		await fireEvent.click(screen.getByText('connect'));
		expect(FakeWebSocket.instances).toHaveLength(1);
	});

	it('follows window events through the provider', async () => {
		const { frame } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		await frame();
		window.dispatchEvent(new Event('offline'));
		expect(ws.attached).toBe(false);
		window.dispatchEvent(new Event('online'));
		expect(FakeWebSocket.instances).toHaveLength(2);
	});

	it('disposes the client on unmount', async () => {
		const { unmount } = mount();
		const ws = FakeWebSocket.last();
		ws.open();
		unmount();
		expect(ws.closeCalls).toEqual([{ code: 1000, reason: 'client disposed' }]);
	});
});
