import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';
import type { ResolvedPathname } from '$app/types';
import { createNotifications } from '$lib/streams';
import { notification, TASK_A } from '$lib/testing/fixtures';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import NotificationCenter from './NotificationCenter.svelte';

let h: StreamHarness;
afterEach(() => {
	cleanup();
	h?.dispose();
});

async function frame() {
	h.flush();
	flushSync();
	await tick();
}

async function setup(history: unknown[]) {
	h = streamHarness();
	const stream = createNotifications(h.client, { schedule: h.frames.schedule });
	render(NotificationCenter, {
		stream,
		resourceHref: (id: string) => `/?task=${encodeURIComponent(id)}` as ResolvedPathname
	});
	h.open();
	h.confirm('notifications');
	h.history('notifications', history);
	await frame();
	return stream;
}

const count = () => screen.getByTestId('unread-count').textContent;

describe('NotificationCenter', () => {
	it('shows the unread count on the bell and the list in its panel', async () => {
		await setup([
			notification(1, { type: 'warning', title: 'Deployment slow', resourceId: TASK_A }),
			notification(2, { read: true, title: 'Old news' })
		]);
		expect(count()).toBe('1');
		expect(screen.getByTestId('notification-bell').getAttribute('aria-label')).toBe(
			'Notifications, 1 unread'
		);
		expect(screen.queryByTestId('notification-panel')).toBeNull();
		await fireEvent.click(screen.getByTestId('notification-bell'));
		// The list is loaded when the panel first opens.
		const items = await screen.findAllByTestId('notification');
		expect(items.map((i) => i.textContent)).toEqual([
			expect.stringContaining('Old news'),
			expect.stringContaining('Deployment slow')
		]);
		const warning = items[1]!;
		expect(warning.dataset.severity).toBe('warning');
		expect(warning.dataset.read).toBe('false');
		expect(warning.querySelector('a')?.getAttribute('href')).toBe(
			`/?task=${encodeURIComponent(TASK_A)}`
		);
	});

	it('marks one read, all read, dismisses one and all, through the server', async () => {
		await setup([notification(1), notification(2), notification(3)]);
		await fireEvent.click(screen.getByTestId('notification-bell'));
		await fireEvent.click((await screen.findAllByTestId('notification-read'))[0]!);
		await frame();
		expect(count()).toBe('2');
		expect(h.sent('mark_as_read').at(-1)?.payload).toEqual({ notificationId: 'n-3' });

		await fireEvent.click(screen.getByTestId('notifications-read-all'));
		await frame();
		expect(count()).toBe('0');
		expect(h.sent('mark_all_as_read')).toHaveLength(1);

		await fireEvent.click(screen.getAllByTestId('notification-dismiss')[0]!);
		await frame();
		expect(screen.getAllByTestId('notification')).toHaveLength(2);
		expect(h.sent('dismiss')).toHaveLength(1);

		await fireEvent.click(screen.getByTestId('notifications-dismiss-all'));
		await frame();
		expect(screen.queryAllByTestId('notification')).toHaveLength(0);
		expect(screen.getByTestId('notifications-empty')).toBeTruthy();
	});

	it('closes on Escape and gives focus back to the bell', async () => {
		await setup([notification(1)]);
		const bell = screen.getByTestId('notification-bell');
		await fireEvent.click(bell);
		expect(bell.getAttribute('aria-expanded')).toBe('true');
		expect(document.activeElement).toBe(screen.getByTestId('notification-panel'));
		await fireEvent.keyDown(window, { key: 'Escape' });
		expect(screen.queryByTestId('notification-panel')).toBeNull();
		expect(document.activeElement).toBe(bell);
	});

	it('toasts fresh errors and critical items, and announces new ones, but not history', async () => {
		await setup([
			notification(1, {
				type: 'error',
				title: 'Ancient failure',
				timestamp: '2020-01-01T00:00:00.000Z'
			})
		]);
		expect(screen.queryByTestId('notification-toast')).toBeNull();
		const now = new Date().toISOString();
		h.ws().message({
			type: 'notification',
			payload: notification(2, { type: 'error', title: 'Task crashed', timestamp: now })
		});
		h.ws().message({
			type: 'notification',
			payload: notification(3, { type: 'info', title: 'Deployed', timestamp: now })
		});
		await frame();
		const toasts = screen.getAllByTestId('notification-toast');
		expect(toasts).toHaveLength(1);
		expect(toasts[0]!.textContent).toContain('Task crashed');
		expect(screen.getByTestId('notification-announcer').textContent).toContain(
			'2 new notifications'
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Close alert' }));
		expect(screen.queryByTestId('notification-toast')).toBeNull();
		h.ws().message({
			type: 'notification',
			payload: notification(4, {
				type: 'warning',
				priority: 'critical',
				title: 'Disk full',
				timestamp: now
			})
		});
		await frame();
		expect(screen.getByTestId('notification-toast').textContent).toContain('Critical');
		expect(screen.getByTestId('notification-announcer').textContent).toContain(
			'New alert: Disk full'
		);
	});
});
