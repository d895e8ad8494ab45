import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { parseLogEntries, parseLogEntry } from './fast-log';
import { decodeServerFrame } from './codec';
import { logEntry } from './schemas';

/** A small seeded PRNG so the property test is repeatable. */
function prng(seed: number) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const base = {
	id: 'l-1',
	seq: 7,
	timestamp: '2026-11-26T10:00:00.000Z',
	level: 'warn',
	source: { type: 'container', name: 'web', identifier: 'c1' },
	message: 'disk almost full',
	taskId: 'arn:task/1',
	containerId: 'c1',
	serviceName: 'web',
	clusterArn: 'arn:cluster/prod',
	metadata: { path: '/', status: 200 },
	stackTrace: 'at main()',
	correlationId: 'req-1'
};

const oddValues: unknown[] = [
	undefined,
	null,
	0,
	-1,
	1.5,
	2 ** 60,
	Number.NaN,
	'',
	'x'.repeat(513),
	'x'.repeat(65),
	'2026-13-45T99:00:00Z',
	'0001-01-01T00:00:00Z',
	'info',
	'fatal',
	'verbose',
	'container',
	'audit',
	true,
	[],
	['a'],
	{},
	{ type: 'system', name: 'n', identifier: 'i' },
	{ type: 'kernel', name: 'n', identifier: 'i' },
	{ type: 'system', name: 5, identifier: 'i' },
	new Date('2026-01-01T00:00:00Z'),
	new Date('nope')
];

const keys = [...Object.keys(base), 'extra', '__proto__'];

function mutate(rand: () => number): Record<string, unknown> {
	const entry: Record<string, unknown> = structuredClone(base);
	const changes = 1 + Math.floor(rand() * 3);
	for (let i = 0; i < changes; i++) {
		const key = keys[Math.floor(rand() * keys.length)]!;
		const value = oddValues[Math.floor(rand() * oddValues.length)];
		if (rand() < 0.15) delete entry[key];
		else
			Object.defineProperty(entry, key, {
				value,
				enumerable: true,
				writable: true,
				configurable: true
			});
	}
	return entry;
}

describe('parseLogEntry agrees with the schema', () => {
	it('on a valid entry, with the same output', () => {
		const fast = parseLogEntry(base);
		const slow = v.safeParse(logEntry, base);
		expect(slow.success).toBe(true);
		expect(fast).toEqual(slow.output);
	});

	it('on 20,000 corrupted entries (same verdict, same output when valid)', () => {
		const rand = prng(42);
		let valid = 0;
		for (let i = 0; i < 20_000; i++) {
			const value = mutate(rand);
			const fast = parseLogEntry(value);
			const slow = v.safeParse(logEntry, value);
			const label = JSON.stringify(value, (_k, x: unknown) =>
				x === undefined ? '<undefined>' : x
			);
			expect(typeof fast !== 'string', label).toBe(slow.success);
			if (slow.success) {
				valid++;
				expect(fast, label).toEqual(slow.output);
			}
		}
		// Both verdicts must be exercised, or the comparison proves little.
		expect(valid).toBeGreaterThan(1000);
		expect(valid).toBeLessThan(19_000);
	});

	it('strips unknown keys and copies metadata into a null-prototype object', () => {
		const r = parseLogEntry({ ...base, extra: 1, source: { ...base.source, more: 2 } });
		expect(typeof r).not.toBe('string');
		if (typeof r === 'string') return;
		expect(r).not.toHaveProperty('extra');
		expect(r.source).toEqual({ type: 'container', name: 'web', identifier: 'c1' });
		expect(Object.getPrototypeOf(r.metadata)).toBeNull();
		expect(r.timestamp).toBeInstanceOf(Date);
	});

	it('decodes in place when handed the value (owned), with the same verdict and output', () => {
		const rand = prng(7);
		let inPlace = 0;
		let copied = 0;
		for (let i = 0; i < 5_000; i++) {
			// What the codec hands over: a value JSON.parse has just made.
			const wire = JSON.stringify(mutate(rand));
			const reference = parseLogEntry(JSON.parse(wire));
			const input = JSON.parse(wire) as Record<string, unknown>;
			const owned = parseLogEntry(input, true);
			expect(typeof owned, wire).toBe(typeof reference);
			if (typeof owned === 'string' || typeof reference === 'string') continue;
			expect(owned, wire).toEqual(reference);
			expect(owned.timestamp).toBeInstanceOf(Date);
			if (owned.metadata) expect(Object.getPrototypeOf(owned.metadata)).toBeNull();
			if (owned === (input as unknown)) inPlace++;
			else copied++;
		}
		// Both paths must be exercised: in place (no unknown key) and the stripping copy.
		expect(inPlace).toBeGreaterThan(100);
		expect(copied).toBeGreaterThan(100);
	});

	it('in place: the same objects, unknown keys still stripped, __proto__ kept a plain key', () => {
		const input = JSON.parse(
			JSON.stringify({ ...base, metadata: { a: 1 } }).replace(
				'"metadata":{',
				'"metadata":{"__proto__":{"polluted":true},'
			)
		) as Record<string, unknown>;
		const source = input.source;
		const r = parseLogEntry(input, true);
		if (typeof r === 'string') throw new Error(r);
		expect(r).toBe(input);
		expect(r.source).toBe(source);
		expect(Object.getPrototypeOf(r.metadata)).toBeNull();
		expect(Object.keys(r.metadata!)).toEqual(['__proto__', 'a']);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();

		const extra = JSON.parse(JSON.stringify({ ...base, extra: 1 })) as Record<string, unknown>;
		const stripped = parseLogEntry(extra, true);
		if (typeof stripped === 'string') throw new Error(stripped);
		expect(stripped).not.toBe(extra);
		expect(stripped).not.toHaveProperty('extra');
		expect(extra.timestamp).toBe(base.timestamp);

		const sourceExtra = JSON.parse(
			JSON.stringify({ ...base, source: { ...base.source, more: 2 } })
		) as Record<string, unknown>;
		const s2 = parseLogEntry(sourceExtra, true);
		if (typeof s2 === 'string') throw new Error(s2);
		expect(s2.source).toEqual({ type: 'container', name: 'web', identifier: 'c1' });
	});

	it('never changes a value it is not handed (not owned)', () => {
		const input = structuredClone(base);
		const r = parseLogEntry(input);
		expect(r).not.toBe(input);
		expect(input).toEqual(base);
		expect(Object.getPrototypeOf(input.metadata)).toBe(Object.prototype);
	});

	it('refuses a batch at its first bad entry, naming the index', () => {
		const r = parseLogEntries([base, { ...base, level: 'loud' }], 10);
		expect(r).toBe('1.level: unknown level');
		expect(parseLogEntries([base, base], 1)).toMatch(/more than 1/);
	});

	it('is what the codec uses for log frames and log history', () => {
		const batch = decodeServerFrame(
			JSON.stringify({ type: 'log_batch', payload: [base, { ...base, seq: 8 }] })
		);
		expect(batch.ok).toBe(true);
		const bad = decodeServerFrame(
			JSON.stringify({ type: 'log_entry', id: 'r', payload: { ...base, seq: -1 } })
		);
		expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_message', ref: 'r' } });
		const history = decodeServerFrame(
			JSON.stringify({
				type: 'history',
				payload: { stream: 'logs', resourceId: '*', epoch: 'e', complete: false, items: [base] }
			})
		);
		expect(history).toMatchObject({
			ok: true,
			message: { payload: { stream: 'logs', complete: false } }
		});
		const badHistory = decodeServerFrame(
			JSON.stringify({
				type: 'history',
				payload: { stream: 'logs', resourceId: '*', epoch: 'e', complete: 'no', items: [] }
			})
		);
		expect(badHistory.ok).toBe(false);
	});
});
