import { describe, expect, it } from 'vitest';
import { HistoryRecord, KeyedHistory, LogRecord, SeqHistory } from './history';
import { parseResourceId } from './resource';
import { SlabArena } from './slab-arena';

type Item = { seq: number; key: string };
const rec = (seq: number, key = 'a') =>
	new HistoryRecord<Item>('log_entry', { seq, key }, { taskId: key });
const seqsOf = (records: HistoryRecord<Item>[]) => records.map((r) => r.seq);
const all = parseResourceId('*');

function collectAfter(history: SeqHistory<Item> | KeyedHistory<Item>, after: number): number[] {
	const out: number[] = [];
	history.forEachAfter(after, (r) => void out.push(r.seq));
	return out;
}

describe('HistoryRecord', () => {
	it('serialises once, caches, and re-serialises after invalidate', () => {
		const r = new HistoryRecord('notification', { seq: 1, read: false }, {});
		expect(r.frame()).toBe('{"type":"notification","payload":{"seq":1,"read":false}}');
		r.item.read = true;
		expect(r.json()).toBe('{"seq":1,"read":false}');
		r.invalidate();
		expect(r.json()).toBe('{"seq":1,"read":true}');
	});
});

describe('SeqHistory', () => {
	it('holds the newest N, tracks lastSeq and completeness across eviction', () => {
		const evicted: number[] = [];
		const h = new SeqHistory<Item>(3, (r) => evicted.push(r.seq));
		expect(h.completeFrom()).toBe(1);
		expect(h.evictedThrough).toBe(0);
		for (let s = 1; s <= 5; s++) h.append(rec(s));
		expect(h.lastSeq).toBe(5);
		expect(h.size).toBe(3);
		expect(evicted).toEqual([1, 2]);
		expect(h.completeFrom()).toBe(3);
		expect(h.evictedThrough).toBe(2);
		expect(h.heldAfter(0)).toBe(3);
		expect(h.heldAfter(4)).toBe(1);
		expect(collectAfter(h, 3)).toEqual([4, 5]);
		expect(collectAfter(h, 5)).toEqual([]);
	});

	it('requires consecutive seqs', () => {
		const h = new SeqHistory<Item>(3);
		h.append(rec(1));
		expect(() => h.append(rec(3))).toThrow(RangeError);
	});

	it('pages backwards with a limit, a match and complete', () => {
		const h = new SeqHistory<Item>(100);
		for (let s = 1; s <= 20; s++) h.append(rec(s, s % 2 ? 'odd' : 'even'));
		const last5 = h.before(undefined, 5, () => true);
		expect(seqsOf(last5.records)).toEqual([16, 17, 18, 19, 20]);
		expect(last5.complete).toBe(false);
		const even = h.before(11, 100, (r) => r.item.key === 'even');
		expect(seqsOf(even.records)).toEqual([2, 4, 6, 8, 10]);
		expect(even.complete).toBe(true);
		// Exactly the remaining matches fill the page: nothing older, so complete.
		expect(h.before(11, 5, (r) => r.item.key === 'even').complete).toBe(true);
		expect(h.before(11, 4, (r) => r.item.key === 'even').complete).toBe(false);
		expect(h.before(1, 10, () => true)).toEqual({ records: [], complete: true });
	});
});

describe('KeyedHistory', () => {
	const make = (perKey = 3, maxKeys = 2) =>
		new KeyedHistory<Item>({ perKey, maxKeys, keyOf: (r) => r.item.key, recent: 4 });

	it('bounds each key separately, so a busy key does not evict a quiet one', () => {
		const h = make(3, 5);
		h.append(rec(1, 'quiet'));
		for (let s = 2; s <= 10; s++) h.append(rec(s, 'busy'));
		expect(h.size).toBe(4);
		expect(seqsOf(h.before(undefined, 100, () => true).records)).toEqual([1, 8, 9, 10]);
		expect(h.completeFrom(parseResourceId('quiet'))).toBe(1);
		expect(h.completeFrom(parseResourceId('busy'))).toBe(8);
		// Broader selections take the worst key.
		expect(h.completeFrom(all)).toBe(8);
		expect(h.evictedThrough).toBe(7);
	});

	it('drops the least recently updated key beyond maxKeys, and remembers it was incomplete', () => {
		const h = make(3, 2);
		h.append(rec(1, 'a'));
		h.append(rec(2, 'b'));
		h.append(rec(3, 'a')); // a is now more recent than b
		h.append(rec(4, 'c')); // drops b
		expect(h.keys).toBe(2);
		expect(seqsOf(h.before(undefined, 10, () => true).records)).toEqual([1, 3, 4]);
		expect(h.completeFrom(parseResourceId('b'))).toBe(3);
		expect(h.completeFrom(all)).toBe(3);
		// b comes back: its ring starts incomplete up to what was dropped.
		h.append(rec(5, 'b'));
		expect(h.completeFrom(parseResourceId('b'))).toBe(3);
	});

	it('visits records after a seq in seq order, from the recent index or by merging keys', () => {
		const h = make(10, 5);
		for (let s = 1; s <= 12; s++) h.append(rec(s, ['a', 'b', 'c'][s % 3]));
		expect(collectAfter(h, 9)).toEqual([10, 11, 12]); // recent index (4 newest)
		expect(collectAfter(h, 2)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]); // merged
		expect(h.heldAfter(2)).toBe(10);
	});

	it('pages backwards across keys with complete', () => {
		const h = make(10, 5);
		for (let s = 1; s <= 9; s++) h.append(rec(s, ['a', 'b', 'c'][s % 3]));
		const page = h.before(8, 4, () => true);
		expect(seqsOf(page.records)).toEqual([4, 5, 6, 7]);
		expect(page.complete).toBe(false);
		const rest = h.before(4, 4, () => true);
		expect(seqsOf(rest.records)).toEqual([1, 2, 3]);
		expect(rest.complete).toBe(true);
	});
});

describe('LogRecord', () => {
	const entry = (message: string) => ({
		id: 'e1',
		timestamp: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)),
		level: 'info' as const,
		source: { type: 'container' as const, name: 'web', identifier: 'c1' },
		message,
		taskId: 'arn:aws:ecs:r:1:task/c/t1'
	});

	it('writes its JSON into the arena once, keeps the entry uncopied, and makes item on demand', () => {
		const arena = new SlabArena(1024);
		const e = entry('héllo "world"');
		const record = new LogRecord(e, 7, { taskId: e.taskId }, arena);
		const expected = { ...e, timestamp: '2026-01-02T03:04:05.006Z', seq: 7 };
		expect(record.seq).toBe(7);
		expect(record.fields).toBe(e);
		expect(JSON.parse(record.json())).toEqual(expected);
		expect(record.bytes()?.toString('utf8')).toBe(record.json());
		expect(record.frame()).toBe(`{"type":"log_entry","payload":${record.json()}}`);
		expect(record.item).toEqual({ ...e, seq: 7 });
		expect(record.item).toBe(record.item);
		// The arena's copy follows the bytes: a comma, ready for the next entry.
		expect(record.slab!.bytes[record.end]).toBe(0x2c);
	});

	it('serialises again, never reads reused bytes, once its slab was recycled', () => {
		const arena = new SlabArena(256, 0);
		const a = new LogRecord(entry('a'), 1, {}, arena);
		const json = a.json();
		arena.release(a);
		// Fill the slab so the arena moves on; a's slab is then recycled.
		for (let s = 2; s < 10; s++) arena.release(new LogRecord(entry('b'.repeat(50)), s, {}, arena));
		expect(a.held).toBe(false);
		expect(a.bytes()).toBeUndefined();
		expect(a.json()).toBe(json);
	});
});
