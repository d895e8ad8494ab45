import { describe, expect, it } from 'vitest';
import { SlabArena, type SlabRef } from './slab-arena';

const ref = (): SlabRef => ({ slab: undefined, generation: 0, start: 0, end: 0 });
const text = (arena: SlabArena, r: SlabRef) =>
	arena.valid(r) ? r.slab!.bytes.toString('utf8', r.start, r.end) : undefined;

describe('SlabArena', () => {
	it('writes UTF-8 side by side, each entry followed by a comma', () => {
		const arena = new SlabArena(64);
		const a = ref();
		const b = ref();
		arena.write('{"a":1}', a);
		arena.write('"héllo 🚀"', b);
		expect(text(arena, a)).toBe('{"a":1}');
		expect(text(arena, b)).toBe('"héllo 🚀"');
		expect(b.slab).toBe(a.slab);
		expect(b.start).toBe(a.end + 1);
		expect(a.slab!.bytes.toString('utf8', a.start, b.end)).toBe('{"a":1},"héllo 🚀"');
		expect(b.end - b.start).toBe(Buffer.byteLength('"héllo 🚀"'));
	});

	it('moves to a new slab when an entry does not fit, measuring exactly near the end', () => {
		const arena = new SlabArena(16);
		const a = ref();
		const b = ref();
		const c = ref();
		arena.write('x'.repeat(8), a); // 9 bytes with its comma
		// 6 ASCII characters: 18 bytes by the worst case, 7 in fact: it still fits.
		arena.write('y'.repeat(6), b);
		expect(b.slab).toBe(a.slab);
		arena.write('z', c);
		expect(c.slab).not.toBe(a.slab);
		expect(c.start).toBe(0);
		expect([text(arena, a), text(arena, b), text(arena, c)]).toEqual([
			'x'.repeat(8),
			'yyyyyy',
			'z'
		]);
		expect(arena.allocated).toBe(2);
	});

	it('reuses a slab once all its entries were released and it is no longer current', () => {
		const arena = new SlabArena(16, 1);
		const first = [ref(), ref()];
		for (const r of first) arena.write('aaaaaa', r); // 14 bytes: the first slab is full
		const next = ref();
		arena.write('bbbbbb', next); // a second slab
		expect(arena.allocated).toBe(2);
		arena.release(first[0]!);
		expect(arena.valid(first[1]!)).toBe(true);
		arena.release(first[1]!);
		// Recycled: its entries are no longer valid, and it is kept for reuse.
		expect(arena.valid(first[0]!)).toBe(false);
		expect(arena.valid(first[1]!)).toBe(false);
		expect(arena.idle).toBe(1);
		const more = [ref(), ref()];
		arena.write('cccccc', more[0]!); // fits in the second slab
		arena.write('dddddd', more[1]!); // the second slab is full: the recycled one is taken
		expect(more[1]!.slab).toBe(first[0]!.slab);
		expect(arena.allocated).toBe(2);
		expect(text(arena, more[1]!)).toBe('dddddd');
		// Releasing a stale reference changes nothing.
		arena.release(first[0]!);
		expect(text(arena, more[1]!)).toBe('dddddd');
	});

	it('keeps the current slab while it is written to, even when all its entries were released', () => {
		const arena = new SlabArena(32);
		const a = ref();
		arena.write('aaaa', a);
		arena.release(a);
		const b = ref();
		arena.write('bbbb', b);
		expect(b.slab).toBe(a.slab);
		expect(text(arena, b)).toBe('bbbb');
	});

	it('gives an entry larger than a slab a slab of its own, not kept for reuse', () => {
		const arena = new SlabArena(16, 4);
		const big = ref();
		arena.write('x'.repeat(100), big);
		expect(text(arena, big)).toBe('x'.repeat(100));
		expect(big.slab!.bytes.length).toBe(101);
		const small = ref();
		arena.write('y', small);
		expect(small.slab).not.toBe(big.slab);
		arena.release(big);
		expect(arena.valid(big)).toBe(false);
		expect(arena.idle).toBe(0);
	});

	it('holds about the bytes of what is not released, however much was written', () => {
		const arena = new SlabArena(1024, 2);
		const held: SlabRef[] = [];
		for (let i = 0; i < 100_000; i++) {
			const r = ref();
			arena.write(`{"seq":${i},"message":"${'m'.repeat(i % 50)}"}`, r);
			held.push(r);
			if (held.length > 100) arena.release(held.shift()!);
		}
		// 100 entries of at most ~75 bytes: under 8 KiB, so at most ~9 slabs live plus 2 idle.
		expect(arena.allocated).toBeLessThanOrEqual(12);
		for (const r of held) expect(text(arena, r)).toMatch(/^\{"seq":\d+,"message":"m*"\}$/);
	});
});
