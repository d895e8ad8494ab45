import { describe, expect, it } from 'vitest';
import { accountEvictions, batchBufferBytes, buildLogBatch } from './delivery';
import { FramePool } from './frame-pool';
import type { LogEntry } from '../../src/lib/protocol/index';
import { sourceLog } from '../testing/fixtures';
import { HistoryRecord, KeyedHistory, LogRecord, SeqHistory } from './history';
import { TaskIndex } from './resource';
import { Selection } from './selection';
import type { Subscription } from './session';
import { SlabArena } from './slab-arena';

type Item = { seq: number; key: string; message: string };
const rec = (seq: number, key = 'a') =>
	new HistoryRecord<Item>('log_entry', { seq, key, message: 'm'.repeat(10) }, { taskId: key });
const everything = new Selection('logs', ['*'], null, null);

function sub(cursor: number): Subscription {
	return {
		resourceIds: new Set(['*']),
		cursor,
		countedThrough: cursor,
		pendingDrop: 0,
		selection: everything
	};
}

describe('buildLogBatch', () => {
	it('builds log_entry for one item and log_batch for more, oldest first', () => {
		const h = new SeqHistory<Item>(10);
		for (let s = 1; s <= 3; s++) h.append(rec(s));
		const one = buildLogBatch(h, everything, 2, 1e6);
		expect(one).toMatchObject({ count: 1, through: 3 });
		expect(JSON.parse(one.frame?.toString() ?? '')).toEqual({
			type: 'log_entry',
			payload: rec(3).item
		});
		const many = buildLogBatch(h, everything, 0, 1e6);
		expect(JSON.parse(many.frame?.toString() ?? '').payload.map((i: Item) => i.seq)).toEqual([
			1, 2, 3
		]);
		expect(buildLogBatch(h, everything, 3, 1e6)).toEqual({ frame: null, through: 3, count: 0 });
	});

	it('stops at maxBytes (one entry always fits) and moves the cursor over unselected items', () => {
		const h = new SeqHistory<Item>(10);
		for (let s = 1; s <= 6; s++) h.append(rec(s, s <= 4 ? 'b' : 'a'));
		const size = rec(1).json().length + 1;
		expect(buildLogBatch(h, everything, 0, 1)).toMatchObject({ count: 1, through: 1 });
		expect(buildLogBatch(h, everything, 0, 2 * size)).toMatchObject({ count: 2, through: 2 });
		const onlyA = new Selection('logs', ['a'], null, null);
		const batch = buildLogBatch(h, onlyA, 0, 1e6);
		expect(batch).toMatchObject({ count: 2, through: 6 });
	});
});

describe('buildLogBatch into pooled buffers', () => {
	const text = (seq: number, message: string) =>
		new HistoryRecord<Item>('log_entry', { seq, key: 'a', message }, { taskId: 'a' });

	it('encodes multi-byte text exactly and counts maxBytes in UTF-8 bytes', () => {
		const h = new SeqHistory<Item>(10);
		const messages = ['héllo', '日本語のログ', '🚀 launched', 'plain'];
		messages.forEach((m, i) => h.append(text(i + 1, m)));
		const all = buildLogBatch(h, everything, 0, 1e6);
		expect(JSON.parse(all.frame!.toString()).payload.map((i: Item) => i.message)).toEqual(messages);
		// Room for exactly the first two entries in bytes (not UTF-16 units) plus the comma.
		const two =
			Buffer.byteLength(text(1, messages[0]!).json()) +
			1 +
			Buffer.byteLength(text(2, messages[1]!).json());
		expect(buildLogBatch(h, everything, 0, two)).toMatchObject({ count: 2, through: 2 });
		expect(buildLogBatch(h, everything, 0, two - 1)).toMatchObject({ count: 1, through: 1 });
	});

	it('gives an entry larger than the pooled buffers a buffer of its own', () => {
		const h = new SeqHistory<Item>(10);
		h.append(text(1, 'x'.repeat(5000)));
		h.append(text(2, 'small'));
		const pool = new FramePool(batchBufferBytes(100));
		const big = buildLogBatch(h, everything, 0, 100, pool);
		expect(big).toMatchObject({ count: 1, through: 1 });
		expect(JSON.parse(big.frame!.toString()).payload.message).toHaveLength(5000);
		big.frame!.release();
		expect(pool.idle).toBe(1);
	});

	it('reuses a buffer only after every holder released it', () => {
		const h = new SeqHistory<Item>(10);
		for (let s = 1; s <= 3; s++) h.append(rec(s));
		const pool = new FramePool(batchBufferBytes(1000));
		const first = buildLogBatch(h, everything, 0, 1000, pool);
		const sent = first.frame!.toString();
		first.frame!.retain(); // a socket write in flight
		first.frame!.release(); // the builder is done
		expect(pool.idle).toBe(0);
		const second = buildLogBatch(h, everything, 1, 1000, pool);
		expect(first.frame!.toString()).toBe(sent);
		first.frame!.release(); // the write completed
		expect(pool.idle).toBe(1);
		second.frame!.release();
		expect(pool.idle).toBe(2);
		expect(() => second.frame!.retain()).toThrow(/after release/);
	});

	it('returns the buffer when nothing is selected', () => {
		const h = new SeqHistory<Item>(10);
		h.append(rec(1, 'b'));
		const pool = new FramePool(batchBufferBytes(1000));
		const onlyA = new Selection('logs', ['a'], null, null);
		expect(buildLogBatch(h, onlyA, 0, 1000, pool)).toEqual({ frame: null, through: 1, count: 0 });
		expect(pool.idle).toBe(1);
	});
});

describe('buildLogBatch from log records', () => {
	function history(count: number, slabBytes: number, message = (s: number) => `line ${s}`) {
		const arena = new SlabArena(slabBytes);
		const index = new TaskIndex();
		const h = new SeqHistory<LogEntry>(1000, (r) => arena.release(r as LogRecord));
		const entries = [];
		for (let s = 1; s <= count; s++) {
			const entry = sourceLog(s, {
				message: message(s),
				...(s % 3 === 0 ? { serviceName: 'api' } : {})
			});
			entries.push({ ...entry, seq: s });
			h.append(new LogRecord(entry, s, index.logKeys(entry), arena));
		}
		return { h, arena, entries: JSON.parse(JSON.stringify(entries)) as LogEntry[] };
	}

	it('copies consecutive entries across several slabs into one valid frame', () => {
		const { h, entries } = history(40, 1024, (s) => `línea ${s} "quoted" 🚀`);
		const batch = buildLogBatch(h, everything, 0, 1e6);
		expect(batch).toMatchObject({ count: 40, through: 40 });
		expect(JSON.parse(batch.frame!.toString())).toEqual({ type: 'log_batch', payload: entries });
		const tail = buildLogBatch(h, everything, 39, 1e6);
		expect(JSON.parse(tail.frame!.toString())).toEqual({ type: 'log_entry', payload: entries[39] });
	});

	it('joins the entries a filter selects, with the gaps between them', () => {
		const { h, entries } = history(30, 512);
		const api = new Selection('logs', ['service:api'], null, null);
		const batch = buildLogBatch(h, api, 0, 1e6);
		const expected = entries.filter((e) => e.serviceName === 'api');
		expect(batch).toMatchObject({ count: expected.length, through: 30 });
		expect(JSON.parse(batch.frame!.toString()).payload).toEqual(expected);
	});

	it('counts maxBytes exactly over runs of entries', () => {
		const { h, entries } = history(20, 4096, (s) => `é${'x'.repeat(s)}`);
		const sizes = entries.map((e) => Buffer.byteLength(JSON.stringify(e)));
		// Exactly the first seven entries and their six commas.
		const seven = sizes.slice(0, 7).reduce((a, b) => a + b, 0) + 6;
		expect(buildLogBatch(h, everything, 0, seven)).toMatchObject({ count: 7, through: 7 });
		expect(buildLogBatch(h, everything, 0, seven - 1)).toMatchObject({ count: 6, through: 6 });
		const frame = buildLogBatch(h, everything, 0, seven).frame!;
		expect(JSON.parse(frame.toString()).payload).toEqual(entries.slice(0, 7));
	});

	it('serialises a record again if its bytes are no longer held', () => {
		const { h, arena, entries } = history(3, 256);
		const record = [] as LogRecord[];
		h.forEachAfter(0, (r) => void record.push(r as LogRecord));
		// Simulate a stale record: its slab was recycled meanwhile.
		record[1]!.slab!.generation++;
		expect(record[1]!.held).toBe(false);
		const batch = buildLogBatch(h, everything, 0, 1e6);
		expect(JSON.parse(batch.frame!.toString()).payload).toEqual(entries);
		expect(arena.allocated).toBeGreaterThan(0);
	});
});

describe('accountEvictions', () => {
	it('counts exactly what a single ring evicted past the cursor, once', () => {
		const h = new SeqHistory<Item>(5);
		for (let s = 1; s <= 20; s++) h.append(rec(s));
		const s = sub(3);
		accountEvictions(s, h);
		expect(s).toMatchObject({ pendingDrop: 12, cursor: 15, countedThrough: 15 });
		accountEvictions(s, h);
		expect(s.pendingDrop).toBe(12);
		for (let q = 21; q <= 22; q++) h.append(rec(q));
		accountEvictions(s, h);
		expect(s).toMatchObject({ pendingDrop: 14, cursor: 17 });
	});

	it('counts evictions across keys without skipping items other keys still hold', () => {
		const h = new KeyedHistory<Item>({
			perKey: 2,
			maxKeys: 5,
			keyOf: (r) => r.item.key,
			recent: 2
		});
		h.append(rec(1, 'quiet'));
		for (let s = 2; s <= 6; s++) h.append(rec(s, 'busy')); // busy holds 5, 6; evicted 2..4
		const s = sub(0);
		accountEvictions(s, h);
		expect(s.pendingDrop).toBe(3);
		expect(s.cursor).toBe(0); // seq 1 (quiet) is still held and still owed
		expect(s.countedThrough).toBe(4);
	});
});
