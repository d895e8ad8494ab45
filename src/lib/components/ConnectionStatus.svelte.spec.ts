import { fireEvent, render, screen } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ConnectionStats } from '$lib/connection/client';
import type { ConnectionState } from '$lib/connection/machine';
import { EMPTY_STATS } from '$lib/connection/svelte/connection';
import type { ConnectionView } from '$lib/connection/svelte';
import ConnectionStatus from './ConnectionStatus.svelte';

afterEach(() => vi.useRealTimers());

function view(
	state: ConnectionState,
	stats: Partial<ConnectionStats> = {},
	extra: Partial<ConnectionView> = {}
): ConnectionView {
	return {
		state,
		webSocketState: 'connected',
		nextRetryAt: null,
		error: null,
		...extra,
		stats: { ...EMPTY_STATS, heartbeatInterval: 15_000, ...stats }
	};
}

const root = () => screen.getByTestId('connection-status');
const title = () => screen.getByTestId('connection-title').textContent;

describe('ConnectionStatus', () => {
	it('carries the top-level state and says it in words, with the round-trip time', () => {
		render(ConnectionStatus, { view: view('open', { rtt: 12.4 }) });
		expect(root().dataset.state).toBe('open');
		expect(root().className).toContain('tone-ok');
		expect(title()).toBe('Connected');
		expect(screen.getByTestId('connection-rtt').textContent).toBe('12 ms');
		expect(screen.queryByRole('button')).toBeNull();
	});

	it('says where frames are decoded, and why not in the worker when it failed', () => {
		const { unmount } = render(ConnectionStatus, { view: view('open', { transport: 'worker' }) });
		const stat = () => screen.getByTestId('connection-transport');
		expect(stat().dataset.transport).toBe('worker');
		expect(stat().textContent).toContain('worker');
		expect(stat().title).toMatch(/Web Worker/);
		unmount();
		render(ConnectionStatus, {
			view: view('open', {
				transport: 'main',
				transportFallback: 'decoding worker unavailable: blocked'
			})
		});
		expect(stat().dataset.transport).toBe('main');
		expect(stat().title).toMatch(/main thread \(decoding worker unavailable: blocked\)/);
	});

	it('counts down to the next retry, offers Retry now, and says why the link was lost', async () => {
		vi.useFakeTimers();
		vi.setSystemTime(100_000);
		const onretry = vi.fn();
		render(ConnectionStatus, {
			view: view(
				'backoff',
				{
					attempts: 4,
					lastClose: {
						code: 1006,
						reason: 'heartbeat timeout: no reply within 1000 ms',
						wasClean: false,
						at: 0
					}
				},
				{ nextRetryAt: 103_000 }
			),
			onretry
		});
		expect(root().dataset.state).toBe('backoff');
		expect(title()).toBe('Reconnecting in 3 s (attempt 4)');
		expect(screen.getByTestId('connection-detail').textContent).toBe(
			'Connection lost: heartbeat timeout'
		);
		await vi.advanceTimersByTimeAsync(1_250);
		expect(title()).toBe('Reconnecting in 2 s (attempt 4)');
		await fireEvent.click(screen.getByRole('button', { name: 'Retry now' }));
		expect(onretry).toHaveBeenCalledOnce();
	});

	it('shows failures with their reason and a Connect button when closed', async () => {
		const onconnect = vi.fn();
		const { rerender } = render(ConnectionStatus, {
			view: view('failed', { failure: 'closed by the server (1008: origin not allowed)' }),
			onretry: () => {},
			onconnect
		});
		expect(title()).toBe('Failed: origin not allowed');
		expect(root().className).toContain('tone-error');
		expect(screen.getByRole('button', { name: 'Retry now' })).toBeTruthy();
		await rerender({ view: view('closed') });
		expect(title()).toBe('Disconnected');
		await fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
		expect(onconnect).toHaveBeenCalledOnce();
		await rerender({ view: view('offline') });
		expect(title()).toBe('Offline');
	});

	it('measures messages per second from the view it is given', async () => {
		vi.useFakeTimers();
		const { rerender } = render(ConnectionStatus, { view: view('open', { messagesIn: 100 }) });
		expect(screen.getByTestId('connection-rate').textContent).toBe('–');
		await rerender({ view: view('open', { messagesIn: 150 }) });
		await vi.advanceTimersByTimeAsync(1_000);
		expect(screen.getByTestId('connection-rate').textContent).toBe('50');
	});

	it('announces state changes once, politely, without the ticking countdown', () => {
		render(ConnectionStatus, {
			view: view('backoff', { attempts: 1 }, { nextRetryAt: Date.now() + 5000 })
		});
		const live = root().querySelector('[aria-live="polite"]')!;
		expect(live.textContent).toContain('Connection: reconnecting');
		expect(live.textContent).not.toMatch(/\d s/);
	});
});
