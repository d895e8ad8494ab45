/**
 * A hand-written validator for `LogEntry`, the one type that arrives at up to a million items a
 * second. It accepts and refuses exactly what the schema `logEntry` does (a property test in
 * fast-log.spec.ts checks the two agree on valid entries and on every kind of corruption), and it
 * builds the same output: unknown keys stripped, timestamps revived to `Date`, metadata copied
 * into a null-prototype object. zod cost about five times more per entry here, which alone kept
 * the client's ingest under half of a bare `JSON.parse` loop; valibot, which replaced it, is about
 * as fast as zod on this type.
 */
import { LIMITS, LOG_LEVELS, LOG_SOURCE_TYPES } from './constants';
import type { LogEntry } from './types';

const LEVELS: ReadonlySet<string> = new Set(LOG_LEVELS);
const SOURCE_TYPES: ReadonlySet<string> = new Set(LOG_SOURCE_TYPES);
const SHORT = LIMITS.resourceId;
const TEXT = LIMITS.text;

const OPTIONAL_SHORT = [
	'taskId',
	'containerId',
	'serviceName',
	'clusterArn',
	'correlationId'
] as const;

/** A non-null object that is not an array (what the protocol calls an object). */
export function isObject(v: unknown): v is Record<string, unknown> {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether `s` has at most `max` characters the way the schemas count them (valibot's
 * `maxCodePoints`, as zod ≥ 4.6 did): in code points, a surrogate pair being one. Only a string
 * longer than `max` UTF-16 units needs counting.
 */
export function withinLength(s: string, max: number): boolean {
	const units = s.length;
	if (units <= max) return true;
	if (units > 2 * max) return false;
	let count = units;
	for (let i = 0; i < units - 1; i++) {
		if ((s.charCodeAt(i) & 0xfc00) === 0xd800 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
			count--;
			i++;
		}
	}
	return count <= max;
}

function shortString(v: unknown): v is string {
	return typeof v === 'string' && withinLength(v, SHORT);
}

/**
 * A protocol timestamp as a Date: an RFC 3339 string of at most 64 characters that `Date` parses,
 * or a valid Date (objects built in memory); else undefined. schemas.ts `timestamp` uses it too.
 */
export function reviveTimestamp(v: unknown): Date | undefined {
	if (typeof v === 'string') {
		if (!withinLength(v, 64)) return undefined;
		const d = new Date(v);
		return Number.isNaN(d.getTime()) ? undefined : d;
	}
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? undefined : v;
	return undefined;
}

/**
 * `v`'s own enumerable keys copied into a null-prototype object, so a `__proto__` or
 * `constructor` key from the wire stays a plain key and can never reach a prototype (schemas.ts
 * `safeRecord` too). `Object.assign` is safe here: it sets each key with [[Set]], and an object
 * without a prototype has no `__proto__` setter to reach, so that key becomes an own data property
 * (codec.spec.ts holds it to that). It is several times faster than a
 * `defineProperty` per key, which showed up at 3% of the page's time at 100,000 lines/s.
 */
export function nullPrototypeCopy(v: Record<string, unknown>): Record<string, unknown> {
	return Object.assign(Object.create(null) as Record<string, unknown>, v);
}

/** Own enumerable keys of `v` (inherited enumerable ones too, which a JSON value has none of). */
function keyCount(v: object): number {
	let n = 0;
	for (const _ in v) n++;
	return n;
}

/**
 * Validate one log entry. Returns the decoded entry, or a short reason (`path: problem`) when the
 * value is not a valid `LogEntry`. Never throws.
 *
 * `owned`: the caller hands `v` over (the codec, with the value `JSON.parse` just made), so a valid
 * entry that carries no key beyond the protocol's is decoded in place: its timestamp revived, its
 * metadata's prototype cut, the same object returned. Otherwise a new entry is built with the
 * known keys only. In place spares two objects per entry (the entry and its source) and their
 * copying: about a third of the validation's cost per entry at 100,000 lines/s, most of it in
 * the garbage collector. Without `owned`, `v` is never changed.
 */
export function parseLogEntry(v: unknown, owned = false): LogEntry | string {
	if (!isObject(v)) return '(root): expected an object';
	const { id, seq, level, source, message } = v;
	if (!shortString(id)) return 'id: expected a string of at most 512 characters';
	if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0) {
		return 'seq: expected a non-negative safe integer';
	}
	const timestamp = reviveTimestamp(v.timestamp);
	if (!timestamp) return 'timestamp: expected an RFC 3339 timestamp';
	if (typeof level !== 'string' || !LEVELS.has(level)) return 'level: unknown level';
	if (!isObject(source)) return 'source: expected an object';
	const { type, name, identifier } = source;
	if (typeof type !== 'string' || !SOURCE_TYPES.has(type)) return 'source.type: unknown type';
	if (!shortString(name)) return 'source.name: expected a short string';
	if (!shortString(identifier)) return 'source.identifier: expected a short string';
	if (typeof message !== 'string' || !withinLength(message, TEXT)) {
		return 'message: expected a string';
	}
	// Keys present with a value: the six required ones, then each optional one found.
	let known = 6;
	for (const key of OPTIONAL_SHORT) {
		const value = v[key];
		if (value === undefined) continue;
		if (!shortString(value)) return `${key}: expected a short string`;
		known++;
	}
	const { stackTrace, metadata } = v;
	if (stackTrace !== undefined) {
		if (typeof stackTrace !== 'string' || !withinLength(stackTrace, TEXT))
			return 'stackTrace: expected a string';
		known++;
	}
	if (metadata !== undefined) {
		if (!isObject(metadata)) return 'metadata: expected an object';
		known++;
	}

	if (owned && keyCount(v) === known) {
		// Nothing to strip at the top. The source keeps its object unless it has extra keys.
		const entry = v as Record<string, unknown>;
		entry.timestamp = timestamp;
		if (keyCount(source) !== 3) entry.source = { type, name, identifier };
		// A key named `__proto__` from JSON is an own data property; with no prototype it stays one.
		if (metadata !== undefined) Object.setPrototypeOf(metadata, null);
		return entry as unknown as LogEntry;
	}

	const entry = {
		id,
		seq,
		timestamp,
		level,
		source: { type, name, identifier },
		message
	} as LogEntry;
	const out = entry as unknown as Record<string, unknown>;
	for (const key of OPTIONAL_SHORT) {
		const value = v[key];
		if (value !== undefined) out[key] = value;
	}
	if (stackTrace !== undefined) out.stackTrace = stackTrace;
	if (metadata !== undefined) out.metadata = nullPrototypeCopy(metadata as Record<string, unknown>);
	return entry;
}

/**
 * Validate a batch; the first invalid entry's reason, with its index, refuses the whole batch.
 * `owned` as for {@link parseLogEntry}: the entries may be decoded in place (the array itself is
 * never reused).
 */
export function parseLogEntries(v: unknown, max: number, owned = false): LogEntry[] | string {
	if (!Array.isArray(v)) return '(root): expected an array';
	if (v.length > max) return `(root): more than ${max} entries`;
	const out = new Array<LogEntry>(v.length);
	for (let i = 0; i < v.length; i++) {
		const r = parseLogEntry(v[i], owned);
		if (typeof r === 'string') return `${i}.${r}`;
		out[i] = r;
	}
	return out;
}
