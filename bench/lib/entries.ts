/**
 * Log entries and frames for the benchmarks: realistic lines from the built-in simulator (the
 * same dialects, stack traces and field mix the dashboard shows), generated once, then reused.
 *
 * {@link FrameFactory} turns them into wire frames with consecutive sequence numbers at almost no
 * cost per frame: each frame is a pre-serialised buffer whose `id` and `seq` digits are patched in
 * place. Sequence numbers start at 1,000,000,000 so they always have ten digits (a fixed width, so
 * no re-serialising), and consecutive seqs are what the client's store needs to accept every
 * entry (it drops seqs it already has). The buffers are reused: a buffer may only be handed out
 * again once the socket has taken it, which the caller ensures by keeping fewer than
 * {@link FrameFactory.poolSize} frames in flight.
 */
import type { SourceLogEntry } from '../../server/sources/source';
import { createRecordingSink } from '../../server/sources/simulator/recording-sink';
import { createWorld } from '../../server/sources/simulator/world';
import { sourceLog } from '../../server/testing/fixtures';

/** The first sequence number of every generated stream (ten digits). */
export const FIRST_SEQ = 1_000_000_000;
const LAST_SEQ = 9_999_999_999;
const ID_PREFIX = 'log-';

/**
 * `count` log entries from the simulator (seed 1), as a source emits them (no `seq`). The world
 * runs at a high log rate so the lines are spread across every service and dialect.
 */
export function simulatorEntries(count: number, seed = 1): SourceLogEntry[] {
	const world = createWorld({ seed, logRate: 20_000, startTime: Date.UTC(2026, 10, 26, 9, 0, 0) });
	const sink = createRecordingSink();
	while (sink.logs.length < count) world.advance(100, sink);
	return sink.logs.slice(0, count);
}

/** Placeholder timestamp in frame templates: fixed width, so a send time can be written over it. */
const TIMESTAMP_PLACEHOLDER = '2000-01-01T00:00:00.000Z';

/**
 * The JSON of `entry` as the hub serialises it (`{...entry, seq}`), with placeholder id, seq
 * and, for frame templates, timestamp.
 */
function entryJson(entry: SourceLogEntry, placeholderTime = false): string {
	return JSON.stringify({
		...entry,
		...(placeholderTime ? { timestamp: TIMESTAMP_PLACEHOLDER } : {}),
		id: `${ID_PREFIX}${FIRST_SEQ}`,
		seq: FIRST_SEQ
	});
}

/** Mean length in bytes of one entry as JSON (ASCII is the norm; UTF-8 bytes are counted). */
export function meanEntryBytes(entries: readonly SourceLogEntry[]): number {
	let total = 0;
	for (const e of entries) total += Buffer.byteLength(entryJson(e));
	return total / Math.max(1, entries.length);
}

interface Template {
	buffer: Buffer;
	/** Offsets of the ten id digits, one per entry. */
	idAt: Int32Array;
	/** Offsets of the ten seq digits, one per entry. */
	seqAt: Int32Array;
	/** Offsets of the 24 characters of each entry's ISO timestamp. */
	timeAt: Int32Array;
}

function buildTemplate(parts: readonly string[]): Template {
	const text =
		parts.length === 1
			? `{"type":"log_entry","payload":${parts[0]}}`
			: `{"type":"log_batch","payload":[${parts.join(',')}]}`;
	const buffer = Buffer.from(text, 'utf8');
	const idNeedle = Buffer.from(`"id":"${ID_PREFIX}${FIRST_SEQ}"`);
	const seqNeedle = Buffer.from(`"seq":${FIRST_SEQ}`);
	const timeNeedle = Buffer.from(`"timestamp":"${TIMESTAMP_PLACEHOLDER}"`);
	const idAt = new Int32Array(parts.length);
	const seqAt = new Int32Array(parts.length);
	const timeAt = new Int32Array(parts.length);
	let from = 0;
	for (let i = 0; i < parts.length; i++) {
		// Entries are serialised by JSON.stringify, so a quote inside a message is escaped and
		// these needles can only match the real keys; id comes before timestamp, and both before
		// seq, in each entry.
		const id = buffer.indexOf(idNeedle, from);
		const time = buffer.indexOf(timeNeedle, id);
		const seq = buffer.indexOf(seqNeedle, id);
		if (id < 0 || seq < 0 || time < 0 || time > seq) {
			throw new Error('frame template: placeholder not found');
		}
		idAt[i] = id + idNeedle.length - 11;
		seqAt[i] = seq + seqNeedle.length - 10;
		timeAt[i] = time + timeNeedle.length - 25;
		from = seq + seqNeedle.length;
	}
	return { buffer, idAt, seqAt, timeAt };
}

/** Write the ten decimal digits of `n` at `at`. */
function writeDigits(buffer: Buffer, at: number, n: number): void {
	for (let i = 9; i >= 0; i--) {
		buffer[at + i] = 48 + (n % 10);
		n = Math.floor(n / 10);
	}
}

/** Frames of `perFrame` entries with consecutive seqs; see the module comment. */
export class FrameFactory {
	readonly #templates: Template[];
	#next = 0;
	#seq = FIRST_SEQ;
	/** Entries per frame. */
	readonly perFrame: number;
	/** Mean frame size in bytes. */
	readonly meanBytes: number;

	/**
	 * @param entries the entries to cycle through (serialised once here)
	 * @param perFrame entries per frame (1 gives `log_entry` frames, more `log_batch`)
	 * @param poolSize distinct buffers; more than the most frames the caller keeps in flight
	 */
	constructor(
		entries: readonly SourceLogEntry[],
		perFrame: number,
		readonly poolSize: number
	) {
		if (entries.length === 0) throw new Error('no entries');
		this.perFrame = perFrame;
		const json = entries.map((entry) => entryJson(entry, true));
		this.#templates = [];
		let cursor = 0;
		for (let t = 0; t < poolSize; t++) {
			const parts: string[] = [];
			for (let i = 0; i < perFrame; i++) parts.push(json[cursor++ % json.length]!);
			this.#templates.push(buildTemplate(parts));
		}
		this.meanBytes =
			this.#templates.reduce((sum, t) => sum + t.buffer.length, 0) / this.#templates.length;
	}

	/** The seq the next frame starts with. */
	get nextSeq(): number {
		return this.#seq;
	}

	/**
	 * The next frame (valid until {@link FrameFactory.poolSize} more frames were taken).
	 *
	 * @param stampedAt when given (ms since the epoch), every entry's timestamp is set to it, so a
	 *   page can tell how long an entry took from the server to the screen
	 */
	next(stampedAt?: number): Buffer {
		const template = this.#templates[this.#next]!;
		this.#next = (this.#next + 1) % this.#templates.length;
		const { buffer, idAt, seqAt, timeAt } = template;
		if (stampedAt !== undefined) {
			const iso = new Date(stampedAt).toISOString();
			for (let i = 0; i < timeAt.length; i++) buffer.write(iso, timeAt[i]!, 'latin1');
		}
		let seq = this.#seq;
		if (seq + idAt.length > LAST_SEQ) throw new Error('sequence numbers exhausted');
		for (let i = 0; i < idAt.length; i++, seq++) {
			writeDigits(buffer, idAt[i]!, seq);
			buffer.copy(buffer, seqAt[i]!, idAt[i]!, idAt[i]! + 10);
		}
		this.#seq = seq;
		return buffer;
	}
}

/**
 * `count` compact log entries (the hub tests' fixture: a short access-log line with task,
 * service and cluster; about 290 bytes of JSON), for comparison with figures taken with small
 * entries. Real simulator lines average about 750 bytes.
 */
export function compactEntries(count: number): SourceLogEntry[] {
	return Array.from({ length: count }, (_, i) => sourceLog(i + 1));
}

/**
 * `count` minimal log entries: only the fields the protocol requires (id, seq, timestamp, level,
 * source, message) and a short message, about 170 bytes of JSON. The smallest line a real source
 * can send; the per-entry costs (validation, ring, store) weigh most here, and the byte costs
 * (socket, UTF-8, JSON.parse) least, which is where issue 4's reference figures (about 1.3 million
 * entries/s for a bare tab) point.
 */
export function minimalEntries(count: number): SourceLogEntry[] {
	return Array.from({ length: count }, (_, i) => {
		const {
			taskId: _task,
			serviceName: _service,
			clusterArn: _cluster,
			...entry
		} = sourceLog(i + 1, { message: `GET /healthz 200 ${i % 9}ms` });
		return entry;
	});
}
