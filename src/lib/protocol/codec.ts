/**
 * Frame codec for both directions. Decoding never throws: every frame becomes either a typed
 * message or a typed `DecodeError` carrying the protocol's error code, so a bad frame can be
 * answered (`error {code, ref}`) and counted while the connection lives on.
 */
import * as v from 'valibot';
import {
	clientPayloads,
	LIMITS,
	reviveEnvelopeTimestamp,
	serverFrameParsers,
	serverFramePayloads,
	serverPayloads,
	STREAMS
} from './schemas';
import { withinLength } from './fast-log';
import type { ClientMessage, DecodeError, DecodeResult, ServerMessage } from './types';

/** Frames larger than this are refused before parsing (the gateway closes with 1009 first). */
export const DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;

/**
 * Default limit for frames from the gateway. Larger than the client-to-server limit because one
 * `log_batch` carries a whole batch interval's entries (the hub caps a batch at 4 MiB by default,
 * which is what lets one client receive 200,000+ entries per second at one batch per 50 ms).
 */
export const DEFAULT_MAX_SERVER_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Deepest nesting of arrays and objects accepted in a client frame. Real requests nest 4 levels;
 * a 1 MiB frame of `[` costs V8's JSON.parse about 2 s (a stalled gateway for every client), and
 * a parsed value nested a few thousand levels deep makes the echo's JSON.stringify throw.
 */
export const MAX_CLIENT_FRAME_DEPTH = 64;

export interface DecodeOptions {
	/**
	 * Largest frame accepted, in UTF-16 code units of the text (≈ bytes for ASCII). Default 1 MiB
	 * for client frames, 16 MiB for server frames.
	 */
	maxLength?: number;
	/**
	 * Deepest nesting accepted, checked by a linear scan before parsing. Default
	 * {@link MAX_CLIENT_FRAME_DEPTH} for client frames, unlimited for server frames (the gateway is
	 * trusted, and its frames are large and on the hot path).
	 */
	maxDepth?: number;
}

/** Whether arrays and objects in `text` nest deeper than `max` (strings skipped). Linear. */
function nestsDeeperThan(text: string, max: number): boolean {
	let depth = 0;
	const n = text.length;
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		if (c === 0x22) {
			// Skip a string, escapes included; an unterminated one ends the scan (JSON.parse refuses it).
			for (i++; i < n; i++) {
				const d = text.charCodeAt(i);
				if (d === 0x5c) i++;
				else if (d === 0x22) break;
			}
		} else if (c === 0x5b || c === 0x7b) {
			if (++depth > max) return true;
		} else if ((c === 0x5d || c === 0x7d) && depth > 0) {
			depth--;
		}
	}
	return false;
}

type PayloadTable = Readonly<Record<string, v.GenericSchema>>;

/**
 * Payload parsers called directly instead of their table's schema (which runs the same parser
 * inside valibot's pipeline): the parsed payload, or a string saying why it is not valid.
 */
type DirectParsers = Readonly<Record<string, (payload: unknown) => unknown>>;

function frameToText(frame: unknown): string | undefined {
	if (typeof frame === 'string') return frame;
	if (frame instanceof ArrayBuffer) return new TextDecoder().decode(frame);
	if (ArrayBuffer.isView(frame)) {
		return new TextDecoder().decode(
			new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength)
		);
	}
	return undefined;
}

/** Longest description of one issue: valibot quotes the value it received, which can be huge. */
const MAX_ISSUE_CHARS = 200;

function describeIssue(issue: v.BaseIssue<unknown>): string {
	const path = issue.path?.length ? issue.path.map((p) => String(p.key)).join('.') : '(root)';
	const described = `${path}: ${issue.message}`;
	return described.length > MAX_ISSUE_CHARS
		? `${described.slice(0, MAX_ISSUE_CHARS - 1)}…`
		: described;
}

function decodeWith<M>(
	table: PayloadTable,
	direct: DirectParsers | undefined,
	frame: unknown,
	options: DecodeOptions | undefined,
	defaultMax: number,
	defaultDepth: number
): DecodeResult<M> {
	const text = frameToText(frame);
	if (text === undefined) {
		return { ok: false, error: { code: 'invalid_message', message: 'frame is not text' } };
	}
	const max = options?.maxLength ?? defaultMax;
	if (text.length > max) {
		return {
			ok: false,
			error: { code: 'payload_too_large', message: `frame of ${text.length} exceeds ${max}` }
		};
	}
	const maxDepth = options?.maxDepth ?? defaultDepth;
	if (maxDepth < Infinity && nestsDeeperThan(text, maxDepth)) {
		return {
			ok: false,
			error: { code: 'invalid_message', message: `frame nested deeper than ${maxDepth} levels` }
		};
	}
	let raw: unknown;
	try {
		raw = JSON.parse(text);
	} catch (e) {
		// A RangeError from absurdly deep nesting lands here too.
		return {
			ok: false,
			error: { code: 'invalid_json', message: e instanceof Error ? e.message : 'invalid JSON' }
		};
	}
	return decodeValue<M>(table, direct, raw);
}

/** The envelope's fields, once {@link checkEnvelope} has passed them. */
interface Envelope {
	type: string;
	id?: string;
	payload?: unknown;
	timestamp?: unknown;
}

/** Why `raw` is not a message envelope, or undefined when it is. Allocates nothing. */
function checkEnvelope(raw: unknown): string | undefined {
	if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
		return '(root): expected an object';
	const { type, id } = raw as Record<string, unknown>;
	if (typeof type !== 'string' || type.length < 1 || !withinLength(type, 64)) {
		return 'type: expected a string of 1 to 64 characters';
	}
	if (id !== undefined && (typeof id !== 'string' || !withinLength(id, LIMITS.id))) {
		return `id: expected a string of at most ${LIMITS.id} characters`;
	}
	return undefined;
}

function failed<M>(
	code: DecodeError['code'],
	message: string,
	type: string,
	id: string | undefined
): DecodeResult<M> {
	const error: DecodeError = { type, code, message };
	if (id !== undefined) error.ref = id;
	return { ok: false, error };
}

/** The error for a payload its schema refused, with (at most five of) the reasons. */
function payloadFailed<M>(
	type: string,
	id: string | undefined,
	payload: unknown,
	reasons: readonly string[]
): DecodeResult<M> {
	const named = (payload as { stream?: unknown } | null | undefined)?.stream;
	if (typeof named === 'string' && !(STREAMS as readonly string[]).includes(named)) {
		return failed(
			'unknown_stream',
			`unknown stream; expected one of ${STREAMS.join(', ')}`,
			type,
			id
		);
	}
	return failed('invalid_message', `invalid ${type} payload: ${reasons.join('; ')}`, type, id);
}

function decodeValue<M>(
	table: PayloadTable,
	direct: DirectParsers | undefined,
	raw: unknown
): DecodeResult<M> {
	// The envelope is checked by hand (it is tiny and on every frame); `envelope` in schemas.ts
	// documents the same shape, and the codec tests hold both to it.
	const invalid = checkEnvelope(raw);
	if (invalid !== undefined) {
		const readable =
			typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
		const error: DecodeError = {
			code: 'invalid_message',
			message: `not a message envelope: ${invalid}`
		};
		if (typeof readable.id === 'string' && readable.id.length <= LIMITS.id) error.ref = readable.id;
		return { ok: false, error };
	}
	const { type, id, payload, timestamp } = raw as Envelope;
	if (!Object.hasOwn(table, type)) {
		return failed('unknown_type', `unknown message type "${type}"`, type, id);
	}
	// The log payloads, on every frame of a busy tail, skip valibot's pipeline: their schema runs
	// the same fast-log.ts parser (schemas.ts `parsedBy`), and says the same when it refuses.
	const parse = direct !== undefined && Object.hasOwn(direct, type) ? direct[type] : undefined;
	if (parse !== undefined) {
		const output = parse(payload);
		if (typeof output === 'string') return payloadFailed(type, id, payload, [`(root): ${output}`]);
		return { ok: true, message: finish(type, output, id, timestamp) };
	}
	const parsed = v.safeParse(table[type]!, payload);
	if (!parsed.success) {
		return payloadFailed(type, id, payload, parsed.issues.slice(0, 5).map(describeIssue));
	}
	return { ok: true, message: finish(type, parsed.output, id, timestamp) };
}

function finish<M>(type: string, payload: unknown, id: string | undefined, timestamp: unknown): M {
	const message: { type: string; payload?: unknown; id?: string; timestamp?: Date } = { type };
	if (payload !== undefined) message.payload = payload;
	if (id !== undefined) message.id = id;
	const ts = reviveEnvelopeTimestamp(timestamp);
	if (ts) message.timestamp = ts;
	return message as M;
}

/**
 * Decode a frame the browser received from the gateway. Never throws. The default length limit
 * is {@link DEFAULT_MAX_SERVER_FRAME_BYTES}.
 */
export function decodeServerFrame(
	frame: unknown,
	options?: DecodeOptions
): DecodeResult<ServerMessage> {
	// The value is the codec's own (JSON.parse just made it): log entries may be decoded in place.
	return decodeWith<ServerMessage>(
		serverFramePayloads,
		serverFrameParsers,
		frame,
		options,
		DEFAULT_MAX_SERVER_FRAME_BYTES,
		Infinity
	);
}

/** Decode a frame the gateway received from a browser. Never throws. */
export function decodeClientFrame(
	frame: unknown,
	options?: DecodeOptions
): DecodeResult<ClientMessage> {
	return decodeWith<ClientMessage>(
		clientPayloads,
		undefined,
		frame,
		options,
		DEFAULT_MAX_FRAME_BYTES,
		MAX_CLIENT_FRAME_DEPTH
	);
}

/** Validate an already-parsed server message (e.g. one built in memory). Never throws. */
export function validateServerMessage(value: unknown): DecodeResult<ServerMessage> {
	return decodeValue<ServerMessage>(serverPayloads, undefined, value);
}

/** Validate an already-parsed client message. Never throws. */
export function validateClientMessage(value: unknown): DecodeResult<ClientMessage> {
	return decodeValue<ClientMessage>(clientPayloads, undefined, value);
}

/**
 * Encode a message as one text frame. `Date`s become RFC 3339 strings (through `toJSON`).
 * The gateway serialises a batch once and sends the same string to every matching client.
 */
export function encode(message: ClientMessage | ServerMessage): string {
	return JSON.stringify(message);
}
