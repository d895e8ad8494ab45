import { describe, expect, it } from 'vitest';
import type { SourceLogEntry } from '../sources/source';
import { sourceLog } from '../testing/fixtures';
import { jsonTimestamp, logEntryJson } from './log-json';

describe('jsonTimestamp', () => {
	it('gives what toJSON gives, for dates in the cached second and out of it', () => {
		const base = Date.UTC(2026, 10, 26, 9, 0, 0);
		const times = [
			base,
			base,
			base + 1,
			base + 1,
			base + 9,
			base + 10,
			base + 99,
			base + 100,
			base + 999,
			base + 1000,
			base + 5,
			base - 1,
			0,
			-1,
			-1001,
			Date.UTC(-5, 0, 1, 0, 0, 0, 7),
			Date.UTC(12345, 5, 6, 7, 8, 9, 10),
			8.64e15,
			-8.64e15
		];
		for (const t of times) {
			const d = new Date(t);
			expect(jsonTimestamp(d)).toBe(d.toJSON());
		}
	});

	it('gives null for an invalid Date and leaves other values alone', () => {
		expect(jsonTimestamp(new Date(NaN))).toBeNull();
		expect(jsonTimestamp('2026-01-01T00:00:00.000Z')).toBe('2026-01-01T00:00:00.000Z');
		expect(jsonTimestamp(undefined)).toBeUndefined();
	});
});

/** A small deterministic PRNG, so a failure names its seed. */
function prng(seed: number): () => number {
	let s = seed >>> 0;
	return () => {
		s = (s + 0x6d2b79f5) >>> 0;
		let t = s;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const NASTY = [
	'"',
	'\\',
	'\n',
	'\u0000',
	'\u001b',
	'\u007f',
	'é',
	'日',
	'🚀',
	'\ud800',
	'\udc00',
	'\u2028'
];

function randomText(rand: () => number, max: number): string {
	let s = '';
	const n = Math.floor(rand() * max);
	for (let i = 0; i < n; i++) {
		s +=
			rand() < 0.2
				? NASTY[Math.floor(rand() * NASTY.length)]!
				: String.fromCharCode(32 + Math.floor(rand() * 95));
	}
	return s;
}

describe('logEntryJson', () => {
	it('is exactly JSON.stringify({...entry, seq}) for entries in the schema order', () => {
		for (let i = 1; i <= 50; i++) {
			const entry = sourceLog(i);
			expect(logEntryJson(entry, i)).toBe(JSON.stringify({ ...entry, seq: i }));
		}
	});

	it('matches JSON.stringify on random text, optional fields, metadata and timestamps', () => {
		const rand = prng(0x6b656373);
		for (let i = 0; i < 2000; i++) {
			const entry: SourceLogEntry = {
				id: randomText(rand, 20),
				timestamp: new Date(Math.floor((rand() - 0.5) * 4e12)),
				level: 'warn',
				source: { type: 'container', name: randomText(rand, 10), identifier: randomText(rand, 10) },
				message: randomText(rand, 200)
			};
			if (rand() < 0.5) entry.taskId = randomText(rand, 30);
			if (rand() < 0.5) entry.containerId = randomText(rand, 30);
			if (rand() < 0.5) entry.serviceName = randomText(rand, 30);
			if (rand() < 0.5) entry.clusterArn = randomText(rand, 30);
			if (rand() < 0.3)
				entry.metadata = { k: randomText(rand, 10), n: i, nested: { at: new Date(i) } };
			if (rand() < 0.2) entry.stackTrace = randomText(rand, 300);
			if (rand() < 0.3) entry.correlationId = randomText(rand, 20);
			const seq = Math.floor(rand() * 2 ** 40);
			expect(logEntryJson(entry, seq)).toBe(JSON.stringify({ ...entry, seq }));
		}
	});

	it('writes seq last and leaves out fields that are not in LogEntry', () => {
		const entry = { ...sourceLog(1), extra: 'not sent' } as SourceLogEntry;
		const json = logEntryJson(entry, 42);
		expect(json.endsWith(',"seq":42}')).toBe(true);
		expect(JSON.parse(json)).not.toHaveProperty('extra');
		expect(
			JSON.parse(logEntryJson({ ...sourceLog(2), timestamp: new Date(NaN) }, 1))
		).toMatchObject({ timestamp: null });
	});
});
