import { describe, expect, it } from 'vitest';
import { MessageDroppedError } from './errors';
import { Outbox, type MessageClass, type OutboxEntry } from './outbox';

function entry(id: string, cls: MessageClass, size = 10, log?: string[]): OutboxEntry {
	return {
		id,
		class: cls,
		data: 'x'.repeat(size),
		settle: (error) => log?.push(`${id}:${error ? (error as MessageDroppedError).reason : 'sent'}`)
	};
}

describe('Outbox', () => {
	it('never queues volatile messages and says so', () => {
		const log: string[] = [];
		const box = new Outbox({ maxMessages: 10, maxBytes: 1000 });
		expect(box.offer(entry('v', 'volatile', 10, log))).toBe(false);
		expect(box.size).toBe(0);
		expect(log).toEqual(['v:offline']);
		expect(box.dropped.offline).toBe(1);
	});

	it('drains in order, dropping what expired meanwhile', () => {
		const log: string[] = [];
		const box = new Outbox({ maxMessages: 10, maxBytes: 1000 });
		box.offer(entry('a', 'durable', 10, log));
		box.offer({ ...entry('b', 'expiring', 10, log), deadline: 100 });
		box.offer({ ...entry('c', 'expiring', 10, log), deadline: 300 });
		box.offer(entry('d', 'durable', 10, log));
		expect(box.bytes).toBe(40);
		const out = box.drain(200);
		expect(out.map((e) => e.id)).toEqual(['a', 'c', 'd']);
		expect(log).toEqual(['b:expired']);
		expect(box.size).toBe(0);
		expect(box.bytes).toBe(0);
	});

	it('on overflow evicts the oldest expiring entries first, then refuses the newcomer', () => {
		const log: string[] = [];
		const box = new Outbox({ maxMessages: 3, maxBytes: 1000 });
		box.offer(entry('d1', 'durable', 10, log));
		box.offer(entry('e1', 'expiring', 10, log));
		box.offer(entry('e2', 'expiring', 10, log));
		expect(box.offer(entry('d2', 'durable', 10, log))).toBe(true);
		expect(log).toEqual(['e1:overflow']);
		expect(box.offer(entry('d3', 'durable', 10, log))).toBe(true);
		expect(log).toEqual(['e1:overflow', 'e2:overflow']);
		// Only durable entries left: the newcomer is refused, the queued ones keep their place.
		expect(box.offer(entry('d4', 'durable', 10, log))).toBe(false);
		expect(log.at(-1)).toBe('d4:overflow');
		expect(box.drain(0).map((e) => e.id)).toEqual(['d1', 'd2', 'd3']);
		expect(box.dropped.overflow).toBe(3);
	});

	it('bounds bytes as well as count', () => {
		const log: string[] = [];
		const box = new Outbox({ maxMessages: 100, maxBytes: 25 });
		box.offer(entry('a', 'expiring', 10, log));
		box.offer(entry('b', 'durable', 10, log));
		expect(box.offer(entry('c', 'durable', 10, log))).toBe(true);
		expect(log).toEqual(['a:overflow']);
		expect(box.bytes).toBe(20);
		expect(box.offer(entry('huge', 'durable', 26, log))).toBe(false);
		expect(log.at(-1)).toBe('huge:too_large');
	});

	it('expires by id and clears with a reason', () => {
		const log: string[] = [];
		const box = new Outbox({ maxMessages: 10, maxBytes: 1000 });
		box.offer(entry('a', 'expiring', 10, log));
		box.offer(entry('b', 'durable', 10, log));
		expect(box.expire('a')).toBe(true);
		expect(box.expire('a')).toBe(false);
		box.clear('disconnected');
		expect(log).toEqual(['a:expired', 'b:disconnected']);
		expect(box.toJSON()).toEqual({
			size: 0,
			bytes: 0,
			dropped: { offline: 0, expired: 1, overflow: 0, too_large: 0, disconnected: 1 }
		});
	});
});
