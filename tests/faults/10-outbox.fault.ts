/**
 * Queue overflow while offline: a small outbox (10 messages) filled with durable, expiring and
 * volatile sends while the network is down. Volatile are dropped (`offline`), the oldest
 * expiring evicted (`overflow`), durable kept and delivered in order once online, every drop
 * counted; the log stream resumes without loss.
 */
import { expect, test } from '@playwright/test';
import type { MessageClass } from '$lib/connection/outbox';
import { FakeTarget } from './lib/node-client';
import { nodeRow } from './lib/node-row';

test('outbox overflow while offline: volatile dropped, oldest expiring evicted, durable delivered in order', async () => {
	const target = new FakeTarget();
	const echoes: string[] = [];
	const settled: Record<string, string> = {};
	await nodeRow({
		row: {
			id: '10-outbox',
			fault: 'Offline 2 s with a 10-message outbox: 5 durable, 20 expiring, 10 volatile sent',
			expected:
				'volatile dropped (`offline`), oldest expiring evicted (`overflow`), durable kept, all counted'
		},
		config: { outbox: { maxMessages: 10 } },
		clientOptions: { target },
		inject: async ({ w }) => {
			w.client.onMessage((m) => {
				if (m.type === 'message') echoes.push((m.payload as { tag: string }).tag);
			});
			target.fire('offline');
			expect(w.client.state).toBe('offline');
			const send = (tag: string, cls: MessageClass) =>
				w.client.send({ type: 'message', payload: { tag } } as never, { class: cls }).then(
					() => (settled[tag] = 'sent'),
					(e: Error & { reason?: string }) => (settled[tag] = e.reason ?? e.message)
				);
			const sends: Promise<unknown>[] = [];
			for (let i = 1; i <= 5; i++) sends.push(send(`D${i}`, 'durable'));
			for (let i = 1; i <= 20; i++) sends.push(send(`E${i}`, 'expiring'));
			for (let i = 1; i <= 10; i++) sends.push(send(`V${i}`, 'volatile'));
			await new Promise((ok) => setTimeout(ok, 2000));
			const dropped = { ...w.client.stats.dropped };
			target.fire('online');
			await Promise.all(sends);
			return {
				notes: `queued ${5 + 20 + 10}: dropped offline ${dropped.offline}, overflow ${dropped.overflow}`
			};
		},
		after: async ({ w }) => {
			await expect.poll(() => echoes.length, { timeout: 5000 }).toBe(10);
			const expected = ['D1', 'D2', 'D3', 'D4', 'D5', 'E16', 'E17', 'E18', 'E19', 'E20'];
			expect(echoes).toEqual(expected);
			const { dropped } = w.client.stats;
			expect(dropped.offline).toBe(10);
			expect(dropped.overflow).toBe(15);
			for (let i = 1; i <= 15; i++) expect(settled[`E${i}`]).toBe('overflow');
			for (let i = 1; i <= 10; i++) expect(settled[`V${i}`]).toBe('offline');
			return `echoed after reconnect, in order: ${echoes.join(' ')}; every dropped send rejected with its reason`;
		}
	});
});
