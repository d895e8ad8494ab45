/**
 * Fuzzing the browser's decoder (issue 6, part 2): `decodeServerFrame`, with its hand-written
 * envelope check and the fast log paths (fast-log.ts), on generated hostile frames derived from a
 * valid frame of every server message type. Properties, for every case:
 *
 * - nothing throws out of the decoder;
 * - the answer is a typed error (a code of the protocol's vocabulary, a bounded message, a `ref`
 *   only when it is a short string) or a valid typed message of a known type;
 * - the fast paths (log_entry, log_batch, log history) agree with the schemas on every case;
 * - no prototype is polluted, and decoded values carry no inherited surprises.
 *
 * Seed and size: `FUZZ_SEED`, `FUZZ_CASES` (default 100,000). The figures are printed.
 */
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { decodeServerFrame, ERROR_CODES, logPayloadReference, serverPayloads } from './index';
import {
	fuzzCases,
	fuzzSeed,
	generateCases,
	inheritedSurprises,
	MUTATION_KINDS,
	prototypeSnapshot,
	type MutationKind
} from './testing/fuzz';
import { SERVER_VECTORS } from './testing/vectors';

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const TYPES: ReadonlySet<string> = new Set(Object.keys(serverPayloads));
const FAST_TYPES: ReadonlySet<string> = new Set(['log_entry', 'log_batch', 'history']);

/**
 * The schema's verdict on a frame's payload, for the log types (the differential oracle: the
 * codec validates them with fast-log.ts, the reference with the `logEntry` schema).
 */
function schemaVerdict(frame: string | Uint8Array): boolean | undefined {
	if (typeof frame !== 'string') return undefined;
	let raw: unknown;
	try {
		raw = JSON.parse(frame);
	} catch {
		return undefined;
	}
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
	const { type, payload } = raw as { type?: unknown; payload?: unknown };
	if (typeof type !== 'string' || !FAST_TYPES.has(type)) return undefined;
	return v.safeParse(logPayloadReference[type as keyof typeof logPayloadReference], payload)
		.success;
}

describe('fuzzing decodeServerFrame', () => {
	it('answers every generated frame with a typed error or a valid typed message', () => {
		const seed = fuzzSeed();
		const cases = fuzzCases();
		const before = prototypeSnapshot();
		const outcomes = new Map<string, number>();
		const byKind = Object.fromEntries(
			MUTATION_KINDS.map((k) => [k, { cases: 0, ok: 0, errors: 0 }])
		) as Record<MutationKind, { cases: number; ok: number; errors: number }>;
		const crashes: string[] = [];
		const problems: string[] = [];
		let differential = 0;
		let disagreements = 0;
		let longestMessage = 0;
		const started = performance.now();
		const cpu0 = process.cpuUsage();

		let i = 0;
		for (const c of generateCases(seed, cases, SERVER_VECTORS, TYPES)) {
			const n = i++;
			const where = `case ${n} (${c.kind} of ${c.base ?? '-'})`;
			byKind[c.kind].cases++;
			let result: ReturnType<typeof decodeServerFrame>;
			try {
				result = decodeServerFrame(c.frame);
			} catch (error) {
				crashes.push(`${where}: ${String(error)}`);
				continue;
			}
			if (result.ok) {
				byKind[c.kind].ok++;
				outcomes.set('ok', (outcomes.get('ok') ?? 0) + 1);
				if (!TYPES.has(result.message.type)) problems.push(`${where}: unknown type accepted`);
				if (c.unknownType)
					problems.push(`${where}: unknown type "${result.message.type}" accepted`);
				if (c.kind === 'proto-keys' || c.kind === 'duplicate-keys' || n % 97 === 0) {
					const surprises = inheritedSurprises(result.message);
					if (surprises.length > 0) problems.push(`${where}: ${surprises.slice(0, 3).join('; ')}`);
				}
			} else {
				byKind[c.kind].errors++;
				const { code, message, ref } = result.error;
				outcomes.set(code, (outcomes.get(code) ?? 0) + 1);
				if (!CODES.has(code)) problems.push(`${where}: untyped error code ${String(code)}`);
				if (typeof message !== 'string') problems.push(`${where}: error without a message`);
				else longestMessage = Math.max(longestMessage, message.length);
				if (ref !== undefined && (typeof ref !== 'string' || ref.length > 128)) {
					problems.push(`${where}: bad ref`);
				}
				if (c.valid) problems.push(`${where}: valid frame refused: ${message}`);
				if (c.unknownType && code !== 'unknown_type') {
					problems.push(`${where}: unknown type answered ${code}`);
				}
			}
			const verdict = schemaVerdict(c.frame);
			if (verdict !== undefined) {
				differential++;
				// A refusal of the envelope (id too long) or the frame happens before the payload.
				const envelopeRefused = !result.ok && result.error.message.startsWith('not a message');
				if (!envelopeRefused && verdict !== result.ok) {
					disagreements++;
					if (disagreements <= 5) {
						problems.push(
							`${where}: fast path says ${result.ok}, schema says ${verdict}: ${typeof c.frame === 'string' ? c.frame.slice(0, 300) : ''}`
						);
					}
				}
			}
			if (c.kind === 'proto-keys' && prototypeSnapshot() !== before) {
				problems.push(`${where}: a built-in prototype changed`);
			}
		}
		const ms = performance.now() - started;
		const cpu = process.cpuUsage(cpu0);
		const cpuS = ((cpu.user + cpu.system) / 1e6).toFixed(1);

		const table = [...outcomes].sort((a, b) => b[1] - a[1]);
		console.log(
			[
				`decodeServerFrame fuzz: seed ${seed} (0x${seed.toString(16)}), ${cases} cases in ${(ms / 1000).toFixed(1)} s (${cpuS} s of CPU)`,
				`crashes ${crashes.length}, problems ${problems.length}, fast path vs schema: ${differential} compared, ${disagreements} disagreements, longest error message ${longestMessage} chars`,
				`outcomes: ${table.map(([k, v]) => `${k} ${v}`).join(', ')}`,
				'by mutation (cases/ok/errors): ' +
					MUTATION_KINDS.map(
						(k) => `${k} ${byKind[k].cases}/${byKind[k].ok}/${byKind[k].errors}`
					).join(', ')
			].join('\n')
		);

		expect(crashes, crashes.slice(0, 5).join('\n')).toEqual([]);
		expect(problems, problems.slice(0, 10).join('\n')).toEqual([]);
		expect(disagreements).toBe(0);
		expect(prototypeSnapshot()).toBe(before);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		// Every case was counted once, as a message or as an error.
		expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(cases);
		// The mix really exercised both sides (a generator bug would show as all-ok or all-error).
		if (cases >= 10_000) {
			expect(outcomes.get('ok') ?? 0).toBeGreaterThan(cases / 50);
			expect(outcomes.get('invalid_json') ?? 0).toBeGreaterThan(cases / 50);
			expect(outcomes.get('invalid_message') ?? 0).toBeGreaterThan(cases / 10);
			expect(outcomes.get('unknown_type') ?? 0).toBeGreaterThan(cases / 100);
		}
		// An error message is bounded: a gateway echoes it, so it must not echo a huge input.
		expect(longestMessage).toBeLessThan(4096);
	}, 60_000);

	it('refuses the protocol-specific edge values exactly as the contract says', () => {
		const entry = SERVER_VECTORS.find((v) => v.type === 'log_entry')!.frame as {
			payload: Record<string, unknown>;
		};
		const withSeq = (seq: string) =>
			JSON.stringify({ ...entry, payload: { ...entry.payload, seq: 0 } }).replace(
				'"seq":0',
				`"seq":${seq}`
			);
		expect(decodeServerFrame(withSeq('1e309')).ok).toBe(false); // Infinity
		expect(decodeServerFrame(withSeq('-1')).ok).toBe(false);
		expect(decodeServerFrame(withSeq('9007199254740993')).ok).toBe(false); // past 2^53
		expect(decodeServerFrame(withSeq('1.5')).ok).toBe(false);
		// -0 is the integer zero in JSON: accepted as seq 0.
		expect(decodeServerFrame(withSeq('-0')).ok).toBe(true);
		for (const bad of ['+275760-09-13T00:00:00.001Z', '2026-13-45T99:99:99Z', 'yesterday']) {
			const frame = JSON.stringify({ ...entry, payload: { ...entry.payload, timestamp: bad } });
			expect(decodeServerFrame(frame)).toMatchObject({
				ok: false,
				error: { code: 'invalid_message' }
			});
		}
		// Lengths are counted as the schemas count them, in code points (found by the differential run:
		// the fast path counted UTF-16 units and refused 300 emoji in a 512-character field).
		const withId = (identifier: string) =>
			JSON.stringify({
				...entry,
				payload: { ...entry.payload, source: { type: 'system', name: 'n', identifier } }
			});
		expect(decodeServerFrame(withId('💥'.repeat(512))).ok).toBe(true);
		expect(decodeServerFrame(withId('💥'.repeat(513))).ok).toBe(false);
		expect(
			v.safeParse(logPayloadReference.log_entry, JSON.parse(withId('💥'.repeat(512))).payload)
				.success
		).toBe(true);
		// An unreadable envelope timestamp is dropped, not fatal (PROTOCOL.md: tolerated).
		const r = decodeServerFrame(JSON.stringify({ type: 'pong', timestamp: '2026-13-45' }));
		expect(r).toEqual({ ok: true, message: { type: 'pong' } });
	});
});
