/**
 * The streams against the real gateway (hub, codec, ws) over loopback: one process, real sockets,
 * real timers. Items come from the scripted source, so every published seq is known.
 */
import { get } from 'svelte/store';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { ConnectionClient } from '$lib/connection/client';
import type { WebSocketConstructor } from '$lib/connection/socket';
import { startGateway, type Gateway } from '../../../server/gateway';
import { ScriptedSource } from '../../../server/testing/scripted-source';
import { createLogStream } from './logs';
import { createNotifications } from './notifications';

let gateway: Gateway;
let source: ScriptedSource;
const clients: ConnectionClient[] = [];

beforeEach(async () => {
	source = new ScriptedSource();
	gateway = await startGateway({
		port: 0,
		host: '127.0.0.1',
		source,
		faults: true,
		onError: () => {}
	});
});

afterEach(async () => {
	for (const c of clients.splice(0)) c.dispose();
	await gateway.close();
});

function connect(): ConnectionClient {
	const client = new ConnectionClient(
		{ url: gateway.wsUrl, reconnectInterval: 50, maxReconnectDelay: 200 },
		{ WebSocketImpl: WebSocket as unknown as WebSocketConstructor }
	);
	clients.push(client);
	client.connect();
	return client;
}

const until = (check: () => void, timeout = 10_000) => vi.waitFor(check, { timeout, interval: 20 });

/** Publish `total` lines in chunks on real timers, as a bursty source would. */
async function burst(
	total: number,
	chunk: number,
	pauseMs: number,
	during?: (sent: number) => Promise<void> | void
) {
	for (let sent = 0; sent < total; sent += chunk) {
		source.logs(Math.min(chunk, total - sent));
		await during?.(sent + chunk);
		await new Promise((resolve) => setTimeout(resolve, pauseMs));
	}
}

describe('streams against the real gateway', () => {
	it('shares one socket between the stores of one connection', async () => {
		const client = connect();
		const logs = createLogStream(client);
		const notes = createNotifications(client);
		const offLogs = logs.logs.subscribe(() => {});
		const offNotes = notes.notifications.subscribe(() => {});
		await until(() => expect(client.state).toBe('open'));
		source.logs(3);
		source.notification();
		await until(() => {
			expect(get(logs.logs).map((e) => e.seq)).toEqual([1, 2, 3]);
			expect(get(notes.notifications)).toHaveLength(1);
		});
		expect(gateway.hub.clientCount).toBe(1);
		const health = (await (await fetch(`${gateway.url}/_health`)).json()) as { clients: number };
		expect(health.clients).toBe(1);
		offLogs();
		offNotes();
	});

	it('an abrupt drop during a burst leaves exactly the server’s sequence: no gap, no duplicate', async () => {
		const client = connect();
		const stream = createLogStream(client, { maxBufferSize: 10_000 });
		const off = stream.logs.subscribe(() => {});
		await until(() => expect(client.state).toBe('open'));
		await until(() => expect(get(stream.recovery).recovery).toBe('live'));
		const total = 6000;
		let drops = 0;
		await burst(total, 200, 5, async (sent) => {
			if (sent === 1000 || sent === 3600) {
				// Each drop must hit a live link (not one still reconnecting from the last).
				await until(() => expect(client.state).toBe('open'));
				const res = await fetch(`${gateway.url}/_faults/drop`, { method: 'POST' });
				expect(((await res.json()) as { dropped: number }).dropped).toBe(1);
				drops++;
			}
		});
		await until(() => expect(get(stream.logs)).toHaveLength(total), 20_000);
		const seqs = get(stream.logs).map((e) => e.seq);
		expect(seqs).toEqual(Array.from({ length: total }, (_, i) => i + 1));
		expect(drops).toBe(2);
		expect(client.stats.reconnects).toBeGreaterThanOrEqual(2);
		expect(get(stream.recovery).recovery).toBe('recovered');
		expect(get(stream.dropped)).toBe(0);
		expect(get(stream.gaps)).toEqual([]);
		off();
	});

	it('a read in one client updates the unread count in another', async () => {
		const alice = connect();
		const bob = connect();
		const a = createNotifications(alice);
		const b = createNotifications(bob);
		const offA = a.unreadCount.subscribe(() => {});
		const offB = b.unreadCount.subscribe(() => {});
		await until(() => {
			expect(alice.state).toBe('open');
			expect(bob.state).toBe('open');
		});
		source.notification();
		source.notification();
		await until(() => {
			expect(get(a.unreadCount)).toBe(2);
			expect(get(b.unreadCount)).toBe(2);
		});
		a.markAsRead('note-1');
		await until(() => expect(get(b.unreadCount)).toBe(1));
		expect(get(a.unreadCount)).toBe(1);
		b.markAllAsRead();
		await until(() => expect(get(a.unreadCount)).toBe(0));
		b.dismiss('note-2');
		await until(() => expect(get(a.notifications).map((n) => n.id)).toEqual(['note-1']));
		offA();
		offB();
	});

	it('rolls a read back when the gateway refuses it (the notification is no longer held)', async () => {
		await gateway.close();
		source = new ScriptedSource();
		gateway = await startGateway({
			port: 0,
			host: '127.0.0.1',
			source,
			history: { notifications: 1 },
			onError: () => {}
		});
		const client = connect();
		const notes = createNotifications(client);
		const off = notes.unreadCount.subscribe(() => {});
		const errors = notes.error.subscribe(() => {});
		await until(() => expect(client.state).toBe('open'));
		await until(() => expect(client.registry.toJSON()[0]?.status.recovery).toBe('live'));
		source.notification();
		await until(() => expect(get(notes.unreadCount)).toBe(1));
		source.notification(); // evicts note-1 from the gateway's history
		await until(() => expect(get(notes.unreadCount)).toBe(2));
		notes.markAsRead('note-1');
		await until(() => expect(get(notes.error)?.message).toMatch(/unknown notification/));
		// The optimistic read (unit-tested) may not even reach a frame on loopback: it is back.
		await until(() => expect(get(notes.unreadCount)).toBe(2));
		expect(get(notes.notifications).find((n) => n.id === 'note-1')?.read).toBe(false);
		off();
		errors();
	});

	it('changes a notification of a previous epoch locally after a gateway restart', async () => {
		const client = connect();
		const notes = createNotifications(client);
		const off = notes.unreadCount.subscribe(() => {});
		await until(() => expect(client.state).toBe('open'));
		source.notification();
		await until(() => expect(get(notes.unreadCount)).toBe(1));
		const epoch = gateway.hub.epoch;
		await fetch(`${gateway.url}/_faults/restart`, { method: 'POST' });
		await until(() => {
			expect(client.state).toBe('open');
			expect(client.registry.toJSON()[0]?.status.epoch).not.toBe(epoch);
		});
		notes.markAsRead('note-1');
		await until(() => expect(get(notes.unreadCount)).toBe(0));
		expect(get(notes.error)).toBeNull();
		off();
	});
});
