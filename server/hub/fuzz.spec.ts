/**
 * Fuzzing the gateway's decoder (issue 6, part 2): what the hub does with a client frame
 * (hub.ts `#onMessage`: `decodeClientFrame`, then `handleRequest`), on generated hostile frames
 * derived from a valid frame of every client message type.
 *
 * The bulk (`FUZZ_CASES`, default 100,000, seed `FUZZ_SEED`) calls the same two functions
 * directly, on a session whose socket is a recorder. For every case: nothing throws; the frame
 * is answered, by an `error` with a code of the protocol's vocabulary or by the request's reply;
 * every frame the gateway would send is one the browser's decoder accepts (so an error reply
 * cannot itself be a bad frame); no prototype is polluted; a regex the guard lets through runs
 * in bounded time on adversarial input.
 *
 * A sample then goes over a real socket to a real gateway (server/testing/harness.ts), each
 * frame followed by a `ping`: every frame gets its answer, the connection stays open (PROTOCOL.md:
 * a bad frame gets an `error` and the connection lives), and the last ping still gets its pong.
 * The two closes the protocol does prescribe are checked too: 20 bad frames in a row (4400) and
 * a frame over the 1 MiB limit (1009).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import {
	clientPayloads,
	decodeClientFrame,
	decodeServerFrame,
	encode,
	ERROR_CODES,
	type ClientMessage,
	type ErrorCode
} from '../../src/lib/protocol/index';
import {
	fuzzCases,
	fuzzSeed,
	generateCases,
	MUTATION_KINDS,
	prototypeSnapshot,
	type FuzzCase,
	type MutationKind
} from '../../src/lib/protocol/testing/fuzz';
import { CLIENT_VECTORS } from '../../src/lib/protocol/testing/vectors';
import { sourceLog, sourceNotification } from '../testing/fixtures';
import { startTestGateway, type TestGateway } from '../testing/harness';
import { CloseCode } from './close';
import { DEFAULT_HISTORY_LIMITS, EpochState } from './epoch-state';
import { Outbox } from './outbox';
import { compileSafeRegex } from './regex-guard';
import { DEFAULT_RATE_LIMIT, RateLimiter } from './rate-limiter';
import { handleRequest, type Rejection, type RequestContext } from './requests';
import { Session } from './session';
import { FilterCompiler } from './stream-filter';

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);
const TYPES: ReadonlySet<string> = new Set(Object.keys(clientPayloads));
const MAX_FRAME = 1024 * 1024;

/** A socket that records what the outbox writes, always open and always flushed. */
class RecordingSocket {
	readyState = 1; // WebSocket.OPEN
	bufferedAmount = 0;
	sent: string[] = [];
	send(frame: string, cb?: () => void): void {
		this.sent.push(frame);
		cb?.();
	}
}

interface Harness {
	socket: RecordingSocket;
	session: Session;
	ctx: RequestContext;
	closes: number[];
}

/** A session and request context as the hub builds them, minus the network. */
function directHarness(token: string | undefined): Harness {
	const state = new EpochState(DEFAULT_HISTORY_LIMITS);
	// Notifications the vectors name (n-1, n-2), and a few log lines for request_history.
	state.publishNotification(sourceNotification(1, { id: 'n-1' }));
	state.publishNotification(sourceNotification(2, { id: 'n-2' }));
	for (let i = 1; i <= 20; i++) state.publishLog(sourceLog(i));
	const socket = new RecordingSocket();
	const counters = { framesOut: 0, bytesOut: 0, overflows: 0 };
	const outbox = new Outbox(
		socket as unknown as WebSocket,
		{ highWaterBytes: 1 << 20, highWaterFrames: 1024, maxBytes: 16 << 20 },
		counters,
		() => {}
	);
	const session = new Session({
		id: 1,
		ws: socket as unknown as WebSocket,
		path: '/ws',
		pathStream: undefined,
		remoteAddress: '127.0.0.1',
		authenticated: token === undefined,
		limiter: new RateLimiter(DEFAULT_RATE_LIMIT),
		outbox,
		now: Date.now()
	});
	const closes: number[] = [];
	const ctx: RequestContext = {
		state,
		compiler: new FilterCompiler({ inputMax: 1000 }),
		token,
		// Delivery moves history to clients; it is not parsing, and the socket sample runs it.
		deliver: () => {},
		broadcast: () => {},
		close: (_session, code) => {
			closes.push(code);
		}
	};
	return { socket, session, ctx, closes };
}

/** The frame the hub sends for a refused frame (hub.ts `#sendError`). */
function errorFrame(code: ErrorCode, message: string, ref: string | undefined): string {
	return encode({ type: 'error', payload: { error: code, message, ref }, id: ref });
}

/** Inputs that make backtracking regexes blow up, cut to the 1,000 characters a filter reads. */
const ADVERSARIAL = [
	'a'.repeat(1000),
	`${'a'.repeat(999)}!`,
	'ab'.repeat(500),
	`${'x'.repeat(998)}y!`,
	' '.repeat(1000),
	'0'.repeat(1000),
	`${'a '.repeat(499)}!`
];

function frameOf(c: FuzzCase): string | Buffer {
	// The hub hands decodeClientFrame a string for a text frame and a Buffer for a binary one.
	return typeof c.frame === 'string' ? c.frame : Buffer.from(c.frame);
}

describe('fuzzing the gateway decoder', () => {
	it('answers every generated frame with a typed error or the reply, and nothing escapes', () => {
		const seed = fuzzSeed();
		const cases = fuzzCases();
		const before = prototypeSnapshot();
		const outcomes = new Map<string, number>();
		const byKind = Object.fromEntries(
			MUTATION_KINDS.map((k) => [k, { cases: 0, answered: 0, errors: 0 }])
		) as Record<MutationKind, { cases: number; answered: number; errors: number }>;
		const crashes: string[] = [];
		const problems: string[] = [];
		const count = (key: string) => outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
		let regexAccepted = 0;
		let regexRefused = 0;
		let regexWorstMs = 0;
		let regexWorst = '';
		let decodeWorstMs = 0;
		let decodeWorstKind = '';
		let open = directHarness(undefined);
		let guarded = directHarness('fuzz-token');
		const started = performance.now();
		const cpu0 = process.cpuUsage();

		let n = 0;
		for (const c of generateCases(seed, cases, CLIENT_VECTORS, TYPES, { veryDeep: true })) {
			const i = n++;
			if (i % 2000 === 0) {
				// Fresh sessions now and then: subscriptions and filters from earlier cases pile up.
				open = directHarness(undefined);
				guarded = directHarness('fuzz-token');
			}
			// One case in ten goes to a connection that has not authenticated (a token is set).
			const h = i % 10 === 9 ? guarded : open;
			const where = `case ${i} (${c.kind} of ${c.base ?? '-'})`;
			byKind[c.kind].cases++;
			const sentBefore = h.socket.sent.length;
			let decoded: ReturnType<typeof decodeClientFrame>;
			let rejection: Rejection | undefined;
			try {
				const t0 = performance.now();
				decoded = decodeClientFrame(frameOf(c), { maxLength: MAX_FRAME });
				const ms = performance.now() - t0;
				if (ms > decodeWorstMs) [decodeWorstMs, decodeWorstKind] = [ms, c.kind];
				rejection = decoded.ok
					? handleRequest(h.ctx, h.session, decoded.message)
					: { code: decoded.error.code, message: decoded.error.message };
			} catch (error) {
				crashes.push(`${where}: ${String(error)}`);
				continue;
			}
			const replies = h.socket.sent.slice(sentBefore);
			if (rejection !== undefined) {
				byKind[c.kind].errors++;
				count(rejection.code);
				if (!CODES.has(rejection.code)) problems.push(`${where}: untyped code ${rejection.code}`);
				const ref = decoded.ok ? decoded.message.id : decoded.error.ref;
				// The error the hub would send must itself be a frame the browser accepts.
				const back = decodeServerFrame(errorFrame(rejection.code, rejection.message, ref));
				if (!back.ok) problems.push(`${where}: error reply is not valid: ${back.error.message}`);
				if (c.valid && h === open)
					problems.push(`${where}: valid frame refused: ${rejection.message}`);
				if (c.unknownType && rejection.code !== 'unknown_type') {
					problems.push(`${where}: unknown type answered ${rejection.code}`);
				}
			} else {
				byKind[c.kind].answered++;
				const msg = (decoded as { ok: true; message: ClientMessage }).message;
				count(`reply:${msg.type}`);
				if (replies.length === 0 && msg.type !== 'mark_all_as_read') {
					problems.push(`${where}: ${msg.type} got no answer`);
				}
				for (const frame of replies) {
					const back = decodeServerFrame(frame);
					if (!back.ok) {
						problems.push(`${where}: reply is not valid: ${back.error.message}`);
					} else if (
						msg.id !== undefined &&
						back.message.id !== undefined &&
						back.message.id !== msg.id
					) {
						problems.push(`${where}: reply id ${back.message.id} for request ${msg.id}`);
					}
				}
				if (msg.type === 'update_filter' && typeof msg.payload.filter.regex === 'string') {
					// The guard let this pattern through: it must run in bounded time on anything.
					const checked = compileSafeRegex(msg.payload.filter.regex, { inputMax: 1000 });
					if (checked.ok && msg.payload.filter.regex !== '') {
						regexAccepted++;
						for (const input of ADVERSARIAL) {
							// Best of three: a GC pause or a busy core must not pass for backtracking.
							let ms = Infinity;
							for (let r = 0; r < 3 && ms > 1; r++) {
								const t0 = performance.now();
								checked.regex.test(input);
								ms = Math.min(ms, performance.now() - t0);
							}
							if (ms > regexWorstMs) [regexWorstMs, regexWorst] = [ms, msg.payload.filter.regex];
						}
					}
				}
			}
			if (c.kind === 'regex' && rejection?.message.startsWith('invalid filter')) regexRefused++;
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
				`gateway decoder fuzz: seed ${seed} (0x${seed.toString(16)}), ${cases} cases in ${(ms / 1000).toFixed(1)} s (${cpuS} s of CPU)`,
				`crashes ${crashes.length}, problems ${problems.length}; slowest decode ${decodeWorstMs.toFixed(1)} ms (${decodeWorstKind})`,
				`regex filters: ${regexAccepted} accepted by the guard (worst ${regexWorstMs.toFixed(2)} ms on a 1,000-char adversarial line: ${JSON.stringify(regexWorst)}), ${regexRefused} refused`,
				`outcomes: ${table.map(([k, v]) => `${k} ${v}`).join(', ')}`,
				'by mutation (cases/answered/errors): ' +
					MUTATION_KINDS.map(
						(k) => `${k} ${byKind[k].cases}/${byKind[k].answered}/${byKind[k].errors}`
					).join(', ')
			].join('\n')
		);

		expect(crashes, crashes.slice(0, 5).join('\n')).toEqual([]);
		expect(problems, problems.slice(0, 10).join('\n')).toEqual([]);
		expect(prototypeSnapshot()).toBe(before);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect([...outcomes.values()].reduce((a, b) => a + b, 0)).toBe(cases);
		if (cases >= 10_000) {
			for (const code of ['invalid_json', 'invalid_message', 'unknown_type', 'unauthorized']) {
				expect(outcomes.get(code) ?? 0, code).toBeGreaterThan(0);
			}
			expect(regexRefused).toBeGreaterThan(0);
		}
		// Generous: the guard's bound is about 1 ms per line; `a*a*b`, which it refuses, takes
		// 0.5 s on one such line, and `(a+)+$` longer than the test.
		expect(regexWorstMs).toBeLessThan(100);
		// The depth check runs before JSON.parse: a 1 MiB frame of '[' costs a scan, not seconds.
		expect(decodeWorstMs).toBeLessThan(1000);
	}, 60_000);
});

describe('deep nesting (found by the fuzzer)', () => {
	const deepMessage = (depth: number) =>
		`{"type":"message","id":"d","payload":${'['.repeat(depth)}${']'.repeat(depth)}}`;

	it('refuses a frame nested deeper than 64 levels before parsing it', () => {
		const h = directHarness(undefined);
		const ok = decodeClientFrame(deepMessage(63));
		expect(ok.ok).toBe(true);
		if (ok.ok) expect(handleRequest(h.ctx, h.session, ok.message)).toBeUndefined();
		expect(decodeClientFrame(deepMessage(64))).toMatchObject({
			ok: false,
			error: { code: 'invalid_message' }
		});
		// Brackets inside strings are text, not nesting.
		const text = JSON.stringify({ type: 'message', payload: '['.repeat(100_000) });
		expect(decodeClientFrame(text).ok).toBe(true);
	});

	it('would otherwise throw out of the echo and stall the parser (why the check exists)', () => {
		// A parsed value this deep cannot be serialised again: the echo's encode threw a RangeError
		// into the hub (no reply, an onError report) before the check.
		const value = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
		expect(() => encode({ type: 'message', payload: value })).toThrow(RangeError);
		// And a 1 MiB frame of '[' is refused by a scan of milliseconds, not a parse of seconds.
		const started = performance.now();
		const r = decodeClientFrame('['.repeat(MAX_FRAME - 1));
		expect(r).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
		expect(performance.now() - started).toBeLessThan(500);
	});
});

describe('fuzz frames over a real socket', () => {
	let t: TestGateway;
	const hubErrors: string[] = [];
	beforeAll(async () => {
		t = await startTestGateway({
			// The sample tests answers, not the rate limit (hostile.spec.ts does).
			rateLimitPerSecond: 1_000_000,
			rateLimitBurst: 1_000_000,
			onError: (error, context) => hubErrors.push(`${context}: ${String(error)}`)
		});
	});
	afterAll(async () => {
		await t.stop();
	});

	it('answers a sample of the frames one by one, and the connection stays open', async () => {
		const seed = fuzzSeed();
		const sample: FuzzCase[] = [];
		let i = 0;
		for (const c of generateCases(seed ^ 0x5a5a5a5a, 30_000, CLIENT_VECTORS, TYPES)) {
			// Every tenth case, under the frame limit (over it, the socket closes 1009: below).
			const size = typeof c.frame === 'string' ? c.frame.length : c.frame.byteLength;
			if (i++ % 10 === 0 && size < MAX_FRAME / 2) sample.push(c);
		}
		const client = await t.connectReady();
		const started = performance.now();
		sample.forEach((c, k) => {
			if (typeof c.frame === 'string') client.ws.send(c.frame);
			else client.ws.send(Buffer.from(c.frame), { binary: true });
			client.send({ type: 'ping', id: `§fz-${k}` });
		});
		await client.next('pong', { id: `§fz-${sample.length - 1}` }, 30_000);
		const ms = performance.now() - started;

		// Split what came back at our pongs: what lies between pong k-1 and pong k answers frame k.
		const answers: string[][] = sample.map(() => []);
		let k = 0;
		for (const raw of client.raw.slice(1)) {
			const m = /^\{"type":"pong","id":"§fz-(\d+)"\}$/.exec(raw);
			if (m) {
				expect(Number(m[1])).toBe(k);
				k++;
			} else if (k < sample.length) answers[k]!.push(raw);
		}
		expect(k).toBe(sample.length);
		const codes = new Map<string, number>();
		const mismatches: string[] = [];
		sample.forEach((c, j) => {
			const direct = decodeClientFrame(frameOf(c), { maxLength: MAX_FRAME });
			const got = answers[j]!;
			const first = got[0];
			if (first === undefined) {
				// Only a request with nothing to say may go unanswered (PROTOCOL.md).
				if (!(direct.ok && direct.message.type === 'mark_all_as_read')) {
					mismatches.push(`frame ${j} (${c.kind}) got no answer`);
				}
				return;
			}
			const reply = decodeServerFrame(first);
			if (!reply.ok) return;
			if (reply.message.type === 'error') {
				codes.set(reply.message.payload.error, (codes.get(reply.message.payload.error) ?? 0) + 1);
				if (!direct.ok && reply.message.payload.error !== direct.error.code) {
					mismatches.push(
						`frame ${j}: socket says ${reply.message.payload.error}, direct ${direct.error.code}`
					);
				}
			} else {
				codes.set(
					`reply:${reply.message.type}`,
					(codes.get(`reply:${reply.message.type}`) ?? 0) + 1
				);
				if (!direct.ok)
					mismatches.push(`frame ${j}: socket answered ${reply.message.type}, direct refused`);
			}
		});
		console.log(
			`socket sample: ${sample.length} fuzz frames (+ as many pings) in ${(ms / 1000).toFixed(1)} s; ` +
				`answers: ${[...codes]
					.sort((a, b) => b[1] - a[1])
					.map(([c, v]) => `${c} ${v}`)
					.join(', ')}`
		);
		expect(mismatches, mismatches.slice(0, 10).join('\n')).toEqual([]);
		expect(client.invalid).toEqual([]);
		expect(hubErrors).toEqual([]);
		// Still alive: a last ping gets its pong.
		const id = client.request('ping');
		await client.next('pong', { id });
		expect(client.ws.readyState).toBe(client.ws.OPEN);
		await client.close();
	}, 60_000);

	it('closes with 4400 only after 20 bad frames in a row, and 1009 for an oversized frame', async () => {
		const client = await t.connectReady();
		for (let j = 0; j < 19; j++) client.send('{"type":');
		const id = client.request('ping');
		await client.next('pong', { id });
		for (let j = 0; j < 20; j++) client.send({ type: 'teleport', id: `b${j}` });
		expect((await client.closed).code).toBe(CloseCode.protocolViolation);

		const big = await t.connectReady();
		big.send({ type: 'message', payload: 'x'.repeat(MAX_FRAME) });
		expect((await big.closed).code).toBe(1009);
		expect(hubErrors).toEqual([]);
	});
});
