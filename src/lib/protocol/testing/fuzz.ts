/**
 * A small seeded fuzzer for the protocol's decoders (no dependency: fast-check is not a
 * devDependency). `frames(seed, vectors)` yields hostile frames derived from valid ones: random
 * bytes, truncated and deeply nested JSON, huge strings, wrong types in every field, unknown
 * types, `__proto__`/`constructor`/`prototype` keys, out-of-range numbers written as raw JSON
 * literals (`1e309`, `-0`, 2^53 + 1), invalid dates, duplicate keys and broken Unicode. The same
 * seed gives the same frames, so a failure is reproduced by its seed and case number.
 */

/** Default seed of the fuzz runs (overridable by `FUZZ_SEED`). */
export const DEFAULT_FUZZ_SEED = 0x6b656373; // "kecs"
/** Default number of cases per run (overridable by `FUZZ_CASES`). */
export const DEFAULT_FUZZ_CASES = 100_000;

function envNumber(name: string, fallback: number): number {
	const raw = typeof process === 'undefined' ? undefined : process.env[name];
	if (raw === undefined || raw.trim() === '') return fallback;
	const n = Number(raw);
	if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer`);
	return n;
}

/** The run's seed: `FUZZ_SEED` or {@link DEFAULT_FUZZ_SEED}. */
export function fuzzSeed(): number {
	return envNumber('FUZZ_SEED', DEFAULT_FUZZ_SEED) >>> 0;
}

/** The run's number of cases: `FUZZ_CASES` or the given default. */
export function fuzzCases(fallback = DEFAULT_FUZZ_CASES): number {
	return envNumber('FUZZ_CASES', fallback);
}

/** mulberry32: tiny, fast, good enough for test generation, and reproducible. */
export class Rng {
	#state: number;
	constructor(seed: number) {
		this.#state = seed >>> 0;
	}
	/** A float in [0, 1). */
	next(): number {
		let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	}
	/** An integer in [0, n). */
	int(n: number): number {
		return Math.floor(this.next() * n);
	}
	/** An integer in [lo, hi]. */
	range(lo: number, hi: number): number {
		return lo + this.int(hi - lo + 1);
	}
	chance(p: number): boolean {
		return this.next() < p;
	}
	pick<T>(items: readonly T[]): T {
		return items[this.int(items.length)] as T;
	}
}

/** One generated case. */
export interface FuzzCase {
	/** The mutation that made it (the figures are reported per kind). */
	kind: MutationKind;
	/** The frame: text, or bytes for a binary frame. */
	frame: string | Uint8Array;
	/** The vector it was derived from, if any. */
	base?: string;
	/** Whether the frame is known to be a valid message (an unmutated vector). */
	valid?: boolean;
	/** Whether the frame is JSON with a readable envelope naming an unknown type. */
	unknownType?: boolean;
}

export const MUTATION_KINDS = [
	'valid',
	'random-bytes',
	'random-text',
	'truncated',
	'deep-nesting',
	'huge-string',
	'wrong-type',
	'delete-field',
	'extra-field',
	'proto-keys',
	'unknown-type',
	'number-range',
	'invalid-date',
	'duplicate-keys',
	'unicode',
	'regex'
] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

/** Relative weights: most cases are per-field mutations of real messages. */
const WEIGHTS: Record<MutationKind, number> = {
	valid: 3,
	'random-bytes': 5,
	'random-text': 4,
	truncated: 8,
	'deep-nesting': 1,
	'huge-string': 0.5,
	'wrong-type': 30,
	'delete-field': 6,
	'extra-field': 3,
	'proto-keys': 8,
	'unknown-type': 4,
	'number-range': 10,
	'invalid-date': 6,
	'duplicate-keys': 3,
	unicode: 3,
	regex: 4
};

// ---------------------------------------------------------------------------------------------
// Raw JSON literals: values JSON.stringify cannot write (Infinity, -0, 2^53 + 1) go in as a
// sentinel string that is replaced by the literal in the text.

const RAW_PREFIX = '@@raw-7f3a:';

class Raw {
	constructor(readonly text: string) {}
}

function serialise(value: unknown): string {
	const raws: string[] = [];
	const text = JSON.stringify(value, (_key, v: unknown) => {
		if (v instanceof Raw) {
			raws.push(v.text);
			return `${RAW_PREFIX}${raws.length - 1}@@`;
		}
		return v;
	});
	if (raws.length === 0) return text;
	return text.replace(/"@@raw-7f3a:(\d+)@@"/g, (_m, i: string) => raws[Number(i)] ?? 'null');
}

/** Number literals out of every range the protocol has. */
export const HOSTILE_NUMBERS = [
	'1e309', // Infinity after JSON.parse
	'-1e309',
	'-0',
	'1e-400', // 0
	'9007199254740993', // 2^53 + 1
	'9007199254740992',
	'-9007199254740993',
	'18446744073709551616',
	'1e21',
	'-1',
	'0.5',
	'-0.0',
	'1E2',
	'123456789012345678901234567890',
	'4294967296',
	'2147483648',
	'0'
] as const;

/** Strings that are not dates, or dates out of range. */
export const HOSTILE_DATES = [
	'',
	'yesterday',
	'2026-13-45T99:99:99Z',
	'2026-02-30T10:00:00Z',
	'+275760-09-13T00:00:00.001Z', // one ms past the largest Date
	'-271821-04-19T23:59:59.999Z',
	'0001-01-01T00:00:00Z', // Go's zero time: valid, tolerated
	'NaN',
	'Infinity',
	'2026-11-26T10:00:00.000Z'.repeat(3),
	'9'.repeat(70),
	'2026-11-26T10:00:00.000+99:99',
	'\u0000',
	'1e309'
] as const;

function hostileValue(rng: Rng): unknown {
	switch (rng.int(22)) {
		case 0:
			return null;
		case 1:
			return true;
		case 2:
			return false;
		case 3:
			return 0;
		case 4:
			return -1;
		case 5:
			return 1.5;
		case 6:
			return '';
		case 7:
			return 'x';
		case 8:
			return [];
		case 9:
			return {};
		case 10:
			return [null];
		case 11:
			return { a: 1 };
		case 12:
			return new Raw(rng.pick(HOSTILE_NUMBERS));
		case 13:
			return 'y'.repeat(rng.pick([129, 257, 513, 1001, 4097, 10_001]));
		case 14:
			return Array.from({ length: rng.chance(0.1) ? 10_001 : rng.pick([101, 1001]) }, () => 'x');
		case 15:
			return rng.pick(HOSTILE_DATES);
		case 16:
			return ['logs', 'metrics', 'cats', '*', 'info', 'RUNNING', 'error'];
		case 17:
			return rng.pick(['logs', 'cats', '__proto__', 'constructor', 'toString', 'RUNNING']);
		case 18:
			return { __proto__: null, toString: 'x' } as unknown;
		case 19:
			return 1e300;
		case 20:
			return Number.MAX_SAFE_INTEGER;
		default:
			return [[[[[]]]]];
	}
}

// ---------------------------------------------------------------------------------------------
// Paths into a value

type Container = Record<string, unknown> | unknown[];
interface Slot {
	parent: Container;
	key: string | number;
}

function isContainer(v: unknown): v is Container {
	return typeof v === 'object' && v !== null && !(v instanceof Raw);
}

/** Every slot (parent, key) in `root`, depth first. */
function slots(root: unknown, out: Slot[] = []): Slot[] {
	if (!isContainer(root)) return out;
	if (Array.isArray(root)) {
		root.forEach((v, i) => {
			out.push({ parent: root, key: i });
			slots(v, out);
		});
	} else {
		for (const key of Object.keys(root)) {
			out.push({ parent: root, key });
			slots(root[key], out);
		}
	}
	return out;
}

function objects(root: unknown, out: Record<string, unknown>[] = []): Record<string, unknown>[] {
	if (!isContainer(root)) return out;
	if (Array.isArray(root)) root.forEach((v) => objects(v, out));
	else {
		out.push(root);
		for (const v of Object.values(root)) objects(v, out);
	}
	return out;
}

function setSlot(slot: Slot, value: unknown): void {
	// defineProperty so that a key named `__proto__` stays an own key (JSON.parse does the same).
	Object.defineProperty(slot.parent, slot.key, {
		value,
		enumerable: true,
		writable: true,
		configurable: true
	});
}

function clone<T>(v: T): T {
	return JSON.parse(JSON.stringify(v)) as T;
}

const DATE_KEYS = new Set(['timestamp', 'serverTime', 'createdAt', 'startedAt', 'stoppedAt']);
const PROTO_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

function protoValue(rng: Rng): unknown {
	return rng.pick<unknown>([
		{ polluted: true },
		{ prototype: { polluted: true } },
		{ toString: 'polluted', valueOf: 'polluted', polluted: true },
		'polluted',
		null,
		[{ polluted: true }]
	]);
}

function randomBytes(rng: Rng, length: number): Uint8Array {
	const out = new Uint8Array(length);
	for (let i = 0; i < length; i++) out[i] = rng.int(256);
	return out;
}

const TEXT_TOKENS = [
	'{',
	'}',
	'[',
	']',
	'"',
	':',
	',',
	'"type"',
	'"payload"',
	'"id"',
	'null',
	'true',
	'1e309',
	'-0',
	'\\u0000',
	'\\ud800',
	'\\',
	' ',
	'"ping"',
	'"log_entry"',
	'__proto__',
	'\u2028',
	'\ufeff'
];

const REGEX_TOKENS = [
	'(',
	')',
	'(?:',
	'(?=',
	'(?<n>',
	'a',
	'b',
	'.',
	'\\d',
	'\\w',
	'\\s',
	'[a-z]',
	'[^x]',
	'+',
	'*',
	'?',
	'{2,5}',
	'{3}',
	'{1,}',
	'{0,1000}',
	'|',
	'^',
	'$',
	'\\1',
	'\\k<n>',
	'+?',
	'\\',
	'['
];

/** A pattern from regex tokens, including the catastrophic shapes the guard must refuse. */
export function randomRegex(rng: Rng): string {
	if (rng.chance(0.2)) {
		return rng.pick([
			'(a+)+$',
			'(a|a)*$',
			'(a|aa)+$',
			'(.*a){12}',
			'(\\w+\\s?)+$',
			'^(a+)+b',
			'.*a.*a.*a.*x',
			'(x+x+)+y',
			'([a-z]+)*$',
			'(a*)*b',
			'a{1,1000}a{1,1000}a{1,1000}!',
			'(?:a+){2,}$',
			'(a?){25}a{25}'
		]);
	}
	let out = '';
	const n = rng.range(1, 14);
	for (let i = 0; i < n; i++) out += rng.pick(REGEX_TOKENS);
	return out;
}

/** Options of {@link generateCase}. */
export interface GenerateOptions {
	/**
	 * Also nest 100,000 to 524,288 levels deep (up to the 1 MiB client frame limit), in 5% of the
	 * deep-nesting cases. Default false: such frames cost V8's JSON.parse up to 2 s each.
	 */
	veryDeep?: boolean;
}

/** One hostile case derived from `vectors` (and some from nothing at all). */
export function generateCase(
	rng: Rng,
	vectors: readonly { type: string; frame: object }[],
	knownTypes: ReadonlySet<string>,
	options: GenerateOptions = {}
): FuzzCase {
	let total = 0;
	for (const k of MUTATION_KINDS) total += WEIGHTS[k];
	let r = rng.next() * total;
	let kind: MutationKind = 'wrong-type';
	for (const k of MUTATION_KINDS) {
		r -= WEIGHTS[k];
		if (r < 0) {
			kind = k;
			break;
		}
	}
	const vector = rng.pick(vectors);
	const base = vector.type;
	const msg = clone(vector.frame) as Record<string, unknown>;
	const all = slots(msg);

	switch (kind) {
		case 'valid': {
			if (rng.chance(0.5)) msg.id = `v${rng.int(1e6)}`;
			return { kind, base, frame: serialise(msg), valid: true };
		}
		case 'random-bytes': {
			const bytes = randomBytes(rng, rng.pick([0, 1, 2, 8, 64, 512, 4096]));
			if (rng.chance(0.5)) return { kind, frame: bytes };
			return { kind, frame: String.fromCharCode(...bytes) };
		}
		case 'random-text': {
			let text = '';
			const n = rng.range(1, 40);
			for (let i = 0; i < n; i++) text += rng.pick(TEXT_TOKENS);
			return { kind, frame: text };
		}
		case 'truncated': {
			const text = serialise(msg);
			return { kind, base, frame: text.slice(0, rng.int(text.length)) };
		}
		case 'deep-nesting': {
			// Deeper than 20,000 costs V8's JSON.parse 0.1 to 2 s per frame (see `options.veryDeep`).
			const depth =
				options.veryDeep && rng.chance(0.05)
					? rng.pick([100_000, 262_144, 524_288])
					: rng.chance(0.03)
						? rng.pick([5000, 10_000, 20_000])
						: rng.pick([64, 65, 128, 256, 1000, 2000]);
			const shape = rng.int(4);
			if (shape === 0) return { kind, frame: '['.repeat(depth) + ']'.repeat(depth) };
			if (shape === 1) {
				// Unterminated: the parser must give up without a stack overflow.
				return { kind, frame: '{"a":'.repeat(depth) };
			}
			// A deep value in a field of a real message (payload, metadata, a string's place).
			const deep = `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;
			const target = all.length > 0 && shape === 2 ? rng.pick(all) : undefined;
			if (target) setSlot(target, new Raw(deep));
			else msg.payload = new Raw(deep);
			return { kind, base, frame: serialise(msg) };
		}
		case 'huge-string': {
			const strings = all.filter(
				(s) => typeof (s.parent as Record<string, unknown>)[s.key] === 'string'
			);
			// Across every limit: ids (128), short strings (512), tokens (4096), titles (10,000),
			// texts (1,000,000) and frames (1 MiB client, 16 MiB server).
			const length = rng.chance(0.05)
				? rng.pick([1_000_001, 1024 * 1024 + 1])
				: rng.pick([129, 513, 4097, 10_001, 65_536]);
			const text = 'A'.repeat(length);
			if (strings.length > 0 && rng.chance(0.8)) setSlot(rng.pick(strings), text);
			else msg.type = text;
			return { kind, base, frame: serialise(msg) };
		}
		case 'wrong-type': {
			// Every field of every message, the envelope's own fields and the payload itself.
			const target = rng.pick<Slot | 'payload' | 'type' | 'id' | 'root'>([
				...all,
				'payload',
				'type',
				'id',
				'root'
			]);
			const value = hostileValue(rng);
			if (target === 'root') return { kind, base, frame: serialise(value) };
			if (typeof target === 'string') msg[target] = value;
			else setSlot(target, value);
			return { kind, base, frame: serialise(msg) };
		}
		case 'delete-field': {
			const target = rng.pick(all.filter((s) => !Array.isArray(s.parent)));
			if (target) delete (target.parent as Record<string, unknown>)[target.key as string];
			else delete msg.type;
			return { kind, base, frame: serialise(msg) };
		}
		case 'extra-field': {
			const target = rng.pick(objects(msg));
			target[rng.pick(['resourceType', 'extra', 'seq', 'type', 'x'.repeat(100)])] =
				hostileValue(rng);
			return { kind, base, frame: serialise(msg) };
		}
		case 'proto-keys': {
			const targets = objects(msg);
			const count = rng.range(1, 3);
			for (let i = 0; i < count; i++) {
				const target = rng.pick(targets);
				Object.defineProperty(target, rng.pick(PROTO_KEYS), {
					value: protoValue(rng),
					enumerable: true,
					writable: true,
					configurable: true
				});
			}
			if (rng.chance(0.1)) msg.type = rng.pick(PROTO_KEYS);
			return { kind, base, frame: serialise(msg) };
		}
		case 'unknown-type': {
			const type = rng.pick([
				'teleport',
				'PING',
				'ping ',
				'__proto__',
				'constructor',
				'toString',
				'hasOwnProperty',
				'valueOf',
				'x'.repeat(64),
				`t${rng.int(1e9)}`,
				knownTypes.has('log_entry') ? 'subscribe' : 'log_entry' // the other direction's type
			]);
			msg.type = type;
			return { kind, base, frame: serialise(msg), unknownType: !knownTypes.has(type) };
		}
		case 'number-range': {
			const numbers = all.filter(
				(s) => typeof (s.parent as Record<string, unknown>)[s.key] === 'number'
			);
			const target = numbers.length > 0 && rng.chance(0.85) ? rng.pick(numbers) : rng.pick(all);
			if (target) setSlot(target, new Raw(rng.pick(HOSTILE_NUMBERS)));
			else msg.id = new Raw(rng.pick(HOSTILE_NUMBERS));
			return { kind, base, frame: serialise(msg) };
		}
		case 'invalid-date': {
			const dates = all.filter((s) => typeof s.key === 'string' && DATE_KEYS.has(s.key));
			const date = rng.chance(0.85) ? rng.pick(HOSTILE_DATES) : new Raw(rng.pick(HOSTILE_NUMBERS));
			if (dates.length > 0 && rng.chance(0.7)) setSlot(rng.pick(dates), date);
			else msg.timestamp = date;
			return { kind, base, frame: serialise(msg) };
		}
		case 'duplicate-keys': {
			// JSON.parse keeps the last of duplicate keys; the envelope check must see that one.
			const text = serialise(msg);
			const dup = rng.pick([
				'"type":"teleport",',
				'"type":7,',
				'"payload":null,',
				'"id":{"a":1},',
				'"__proto__":{"polluted":true},'
			]);
			return rng.chance(0.5)
				? { kind, base, frame: `{${dup}${text.slice(1)}` }
				: { kind, base, frame: `${text.slice(0, -1)},${dup.slice(0, -1)}}` };
		}
		case 'unicode': {
			const strings = all.filter(
				(s) => typeof (s.parent as Record<string, unknown>)[s.key] === 'string'
			);
			const odd = rng.pick([
				'\ud800',
				'\udfff',
				'\u0000\u0001\u001b[31m',
				'\u202e\u2066',
				'\ufffd\ufeff',
				'\u2028\u2029',
				'💥'.repeat(300),
				'e\u0301'.repeat(100)
			]);
			if (strings.length > 0) setSlot(rng.pick(strings), odd);
			else msg.id = odd;
			let text = serialise(msg);
			// JSON.stringify escapes lone surrogates; some frames should carry the raw escape too.
			if (rng.chance(0.3)) text = text.replace('"type":"', '"type":"\\ud800');
			return { kind, base, frame: text };
		}
		case 'regex': {
			const regex = randomRegex(rng);
			const frame = knownTypes.has('update_filter')
				? {
						type: 'update_filter',
						id: `re${rng.int(1e6)}`,
						payload: { stream: 'logs', filter: { regex } }
					}
				: { type: 'filter_applied', payload: { stream: 'logs', filter: { regex } } };
			return { kind, base: frame.type, frame: serialise(frame) };
		}
	}
}

/** `count` cases from `seed`. */
export function* generateCases(
	seed: number,
	count: number,
	vectors: readonly { type: string; frame: object }[],
	knownTypes: ReadonlySet<string>,
	options: GenerateOptions = {}
): Generator<FuzzCase> {
	const rng = new Rng(seed);
	for (let i = 0; i < count; i++) yield generateCase(rng, vectors, knownTypes, options);
}

/** Own property names of the built-in prototypes, to check nothing was added to them. */
export function prototypeSnapshot(): string {
	return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
		.map((p) => Reflect.ownKeys(p).map(String).sort().join(','))
		.join('|');
}

const STANDARD_PROTOTYPES: ReadonlySet<unknown> = new Set([
	Object.prototype,
	Array.prototype,
	Date.prototype,
	null
]);

/**
 * Problems with a decoded value: an object with a prototype other than the standard ones, or a
 * property `polluted` reachable only through inheritance. Empty when the value is clean.
 * Iterative, so a deeply nested payload cannot overflow the checker's own stack.
 */
export function inheritedSurprises(root: unknown): string[] {
	const out: string[] = [];
	const stack: { value: unknown; path: string }[] = [{ value: root, path: '$' }];
	while (stack.length > 0) {
		const { value, path } = stack.pop()!;
		if (typeof value !== 'object' || value === null) continue;
		const proto: unknown = Object.getPrototypeOf(value);
		if (!STANDARD_PROTOTYPES.has(proto)) out.push(`${path}: unexpected prototype`);
		if ('polluted' in value && !Object.hasOwn(value, 'polluted')) {
			out.push(`${path}: inherited "polluted"`);
		}
		if (value instanceof Date) continue;
		for (const key of Object.keys(value)) {
			const child = path.length < 200 ? `${path}.${key}` : path;
			stack.push({ value: (value as Record<string, unknown>)[key], path: child });
		}
	}
	return out;
}
