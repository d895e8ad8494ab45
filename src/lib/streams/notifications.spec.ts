import { get, type Readable } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import { notification } from '$lib/testing/fixtures';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import { createNotifications, type NotificationsOptions } from './notifications';

let h: StreamHarness;
afterEach(() => h?.dispose());

/** Let promise callbacks (request settlements) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function record<T>(store: Readable<T>) {
	const values: T[] = [];
	const off = store.subscribe((v) => values.push(v));
	return { values, off, last: () => values[values.length - 1] as T };
}

function setup(options: NotificationsOptions = {}, history: unknown[] = []) {
	h = streamHarness({ messageTimeout: 1000 });
	const stream = createNotifications(h.client, { schedule: h.frames.schedule, ...options });
	const list = record(stream.notifications);
	const unread = record(stream.unreadCount);
	h.open();
	h.confirm('notifications');
	h.history('notifications', history);
	h.flush();
	const ids = () => list.last().map((n) => n.id);
	const lastRequest = (type: string) => h.sent(type).at(-1)!;
	return { stream, list, unread, ids, lastRequest };
}

describe('createNotifications over the real client', () => {
	it('shows history and live notifications newest first, capped, with the unread count', () => {
		const { ids, unread } = setup({ maxNotifications: 3 }, [
			notification(1),
			notification(2, { read: true }),
			notification(3, { dismissed: true })
		]);
		expect(h.sent('request_history')[0]?.payload).toMatchObject({
			stream: 'notifications',
			limit: 6
		});
		expect(ids()).toEqual(['n-2', 'n-1']);
		expect(unread.last()).toBe(1);
		h.ws().message({ type: 'notification', payload: notification(4) });
		h.ws().message({ type: 'notification', payload: notification(4) }); // duplicate seq
		h.ws().message({ type: 'notification', payload: notification(5) });
		h.flush();
		expect(ids()).toEqual(['n-5', 'n-4', 'n-2']);
		expect(unread.last()).toBe(2);
	});

	it('marks as read at once and keeps it when the server confirms', async () => {
		const { stream, unread, list, lastRequest } = setup({}, [notification(1), notification(2)]);
		stream.markAsRead('n-1');
		h.flush();
		expect(unread.last()).toBe(1);
		expect(list.last().find((n) => n.id === 'n-1')?.read).toBe(true);
		const request = lastRequest('mark_as_read');
		expect(request.payload).toEqual({ notificationId: 'n-1' });
		h.ws().message({
			type: 'notification_update',
			id: request.id,
			payload: { id: 'n-1', changes: { read: true } }
		});
		await settle();
		h.flush();
		expect(unread.last()).toBe(1);
		expect(list.last().find((n) => n.id === 'n-1')?.read).toBe(true);
	});

	it('rolls an optimistic read back on an error reply', async () => {
		const { stream, unread, lastRequest } = setup({}, [notification(1)]);
		const errors = record(stream.error);
		stream.markAsRead('n-1');
		h.flush();
		expect(unread.last()).toBe(0);
		const request = lastRequest('mark_as_read');
		h.ws().message({
			type: 'error',
			payload: { error: 'invalid_message', message: 'unknown notification "n-1"', ref: request.id }
		});
		await settle();
		h.flush();
		expect(unread.last()).toBe(1);
		expect(errors.last()?.message).toMatch(/Marking as read failed: unknown notification/);
	});

	it('rolls back a read that got no reply, but never undoes one confirmed meanwhile', async () => {
		const { stream, unread } = setup({}, [notification(1), notification(2)]);
		stream.markAsRead('n-1');
		stream.markAsRead('n-2');
		// Another tab's read of n-2 arrives (broadcast, no id); ours then time out.
		h.ws().message({
			type: 'notification_update',
			payload: { id: 'n-2', changes: { read: true } }
		});
		h.clock.advance(1000);
		await settle();
		h.flush();
		expect(unread.last()).toBe(1);
		expect(get(stream.notifications).map((n) => [n.id, n.read])).toEqual([
			['n-2', true],
			['n-1', false]
		]);
	});

	it('shows a read made in another tab or client (broadcast update)', () => {
		const { unread } = setup({}, [notification(1), notification(2)]);
		expect(unread.last()).toBe(2);
		h.ws().message({
			type: 'notification_update',
			payload: { id: 'n-2', changes: { read: true } }
		});
		h.ws().message({
			type: 'notification_update',
			payload: { id: 'n-1', changes: { dismissed: true } }
		});
		h.flush();
		expect(unread.last()).toBe(0);
		expect(get(createNotifications(null).notifications)).toEqual([]);
	});

	it('dismisses at once, and brings it back if the server refuses', async () => {
		const { stream, ids, lastRequest } = setup({}, [notification(1), notification(2)]);
		stream.dismiss('n-2');
		h.flush();
		expect(ids()).toEqual(['n-1']);
		const request = lastRequest('dismiss');
		h.ws().message({
			type: 'error',
			payload: { error: 'invalid_message', message: 'no', ref: request.id }
		});
		await settle();
		h.flush();
		expect(ids()).toEqual(['n-2', 'n-1']);

		stream.dismiss('n-2');
		const again = lastRequest('dismiss');
		h.ws().message({
			type: 'notification_update',
			id: again.id,
			payload: { id: 'n-2', changes: { dismissed: true } }
		});
		await settle();
		h.flush();
		expect(ids()).toEqual(['n-1']);
	});

	it('marks all as read with one request, committed by the first confirmation', async () => {
		const { stream, unread, lastRequest } = setup({}, [
			notification(1),
			notification(2),
			notification(3, { read: true })
		]);
		stream.markAllAsRead();
		h.flush();
		expect(unread.last()).toBe(0);
		expect(h.sent('mark_all_as_read')).toHaveLength(1);
		const request = lastRequest('mark_all_as_read');
		// The server confirms one per changed notification; the rest may come in later frames.
		h.ws().message({
			type: 'notification_update',
			id: request.id,
			payload: { id: 'n-1', changes: { read: true } }
		});
		await settle();
		h.flush();
		expect(unread.last()).toBe(0);
	});

	it('treats an unanswered mark-all on an open link as nothing left to change', async () => {
		const { stream, unread } = setup({}, [notification(1)]);
		stream.markAllAsRead();
		h.clock.advance(1000);
		await settle();
		h.flush();
		expect(unread.last()).toBe(0);
	});

	it('rolls back a mark-all the server refuses', async () => {
		const { stream, unread, lastRequest } = setup({}, [notification(1), notification(2)]);
		stream.markAllAsRead();
		h.flush();
		expect(unread.last()).toBe(0);
		const request = lastRequest('mark_all_as_read');
		h.ws().message({
			type: 'error',
			payload: { error: 'rate_limit_exceeded', message: 'slow down', ref: request.id }
		});
		await settle();
		h.flush();
		expect(unread.last()).toBe(2);
	});

	it('re-sends a change whose link was lost before the reply', async () => {
		h = streamHarness({ messageTimeout: 60_000 });
		const stream = createNotifications(h.client, { schedule: h.frames.schedule });
		const unread = record(stream.unreadCount);
		h.open();
		h.confirm('notifications');
		h.history('notifications', [notification(1)]);
		stream.markAsRead('n-1');
		h.ws().drop();
		await settle();
		h.clock.advance(30_000);
		const ws = h.open();
		await settle();
		const resent = ws.sentMessages().filter((m) => m.type === 'mark_as_read');
		expect(resent).toHaveLength(1);
		ws.message({
			type: 'notification_update',
			id: resent[0]!.id,
			payload: { id: 'n-1', changes: { read: true } }
		});
		await settle();
		h.flush();
		expect(unread.last()).toBe(0);
	});

	it('dismisses all at once, one request each', async () => {
		const { stream, ids } = setup({}, [notification(1), notification(2), notification(3)]);
		stream.dismissAll();
		h.flush();
		expect(ids()).toEqual([]);
		const requests = h.sent('dismiss');
		expect(requests.map((r) => r.payload?.notificationId).sort()).toEqual(['n-1', 'n-2', 'n-3']);
		for (const r of requests) {
			const id = r.payload!.notificationId as string;
			h.ws().message({
				type: 'notification_update',
				id: r.id,
				payload: { id, changes: { dismissed: true } }
			});
		}
		await settle();
		h.flush();
		expect(ids()).toEqual([]);
	});

	it('keeps only the notifications its filter accepts', () => {
		const { ids } = setup(
			{ filter: { types: ['error', 'warning'], priorities: ['high', 'critical'] } },
			[
				notification(1, { type: 'error', priority: 'high' }),
				notification(2, { type: 'info', priority: 'high' }),
				notification(3, { type: 'warning' }),
				notification(4, { type: 'warning', priority: 'critical' })
			]
		);
		expect(ids()).toEqual(['n-4', 'n-1']);
	});

	it('changes notifications of a previous server epoch locally (the server forgot them)', () => {
		const { stream, unread } = setup({}, [notification(1)]);
		h.ws().drop();
		h.clock.advance(60_000);
		h.open({ epoch: 'e2' });
		h.confirm('notifications', { epoch: 'e2', recovered: false });
		h.history('notifications', [], { epoch: 'e2' });
		const before = h.sent('mark_as_read').length;
		stream.markAsRead('n-1');
		h.flush();
		expect(unread.last()).toBe(0);
		expect(h.sent('mark_as_read')).toHaveLength(before);
	});
});
