/**
 * Moving stream items from history to clients.
 *
 * Each subscription has a cursor (the last seq handed over); delivery sends what lies after it,
 * in seq order, as far as the client's outbox accepts. The same path serves live items, the
 * replay after `subscribe` with `since`, and a client catching up after being slow, so "the
 * replay comes before any live item" holds by construction. When history evicts items a client
 * had not yet received, they are counted and reported with `dropped` just before the items
 * that follow the gap.
 *
 * Logs go out as at most one frame per client per batch interval (`log_entry` for one item,
 * `log_batch` for more). Clients with the same selection and cursor get the very same string:
 * the hub's tick passes a `shared` map, so each distinct batch is built and serialised once.
 */
import { encode, type Stream } from '../../src/lib/protocol/index';
import { FramePool, SharedFrame } from './frame-pool';
import type { EpochState } from './epoch-state';
import { LogRecord, type HistoryRecord, type StreamHistory } from './history';
import type { Selection } from './selection';
import type { Session, Subscription } from './session';
import type { Slab } from './slab-arena';

/** Options of delivery. */
export interface DeliveryOptions {
	/** Minimum time between two log frames to one client, in ms. */
	batchIntervalMs: number;
	/** A log batch stops growing at this many bytes (one entry always fits). */
	maxBatchBytes: number;
}

/** Hub-wide counters that delivery adds to. */
export interface DeliveryCounters {
	dropped: Record<Stream, number>;
	logBatchesBuilt: number;
}

/** One built log frame, for everyone with the same selection and cursor. */
export interface LogBatch {
	/** The frame, or null when nothing after the cursor is selected. */
	frame: SharedFrame | null;
	/** The cursor after this batch: the last seq included or passed over. */
	through: number;
	/** Entries in the frame. */
	count: number;
	/**
	 * Records the selection's regex could not test because its CPU budget was spent
	 * (regex-budget.ts): not in the frame, and reported as `dropped {reason: "rate_limited"}`.
	 * An upper bound of the lines missing (some would not have matched).
	 */
	rateLimited?: number;
}

const BATCH_PREFIX = '{"type":"log_batch","payload":[';
const ENTRY_PREFIX = '{"type":"log_entry","payload":';
/** Room kept before the first entry for the longer prefix, and after the last for a suffix. */
const ENVELOPE_BYTES = BATCH_PREFIX.length + 2;

/** The pool size that holds any batch of `maxBytes` payload: envelope included. */
export function batchBufferBytes(maxBytes: number): number {
	return maxBytes + ENVELOPE_BYTES;
}

/**
 * Build the log frame for `selection` with records after `after`. Entries are added while their
 * JSON (plus separating commas) fits in `maxBytes`; the first one always fits. The frame is
 * written into a buffer from `pool` (entries first, after room for the prefix; then the prefix
 * that the count calls for), so nothing is joined or re-encoded. A log record's JSON is already
 * UTF-8 in a slab (slab-arena.ts), with the next entry's after a comma: consecutive entries are
 * copied as one range. Other records (tests) are serialised here.
 */
export function buildLogBatch(
	history: StreamHistory<{ seq: number }>,
	selection: Selection,
	after: number,
	maxBytes: number,
	pool: FramePool = new FramePool(batchBufferBytes(maxBytes), 0)
): LogBatch {
	const budget = selection.filter?.budget;
	const skippedBefore = budget?.skipped ?? 0;
	let buffer = pool.acquire();
	/** Where the next entry goes (bytes of a pending run included). */
	let offset = BATCH_PREFIX.length;
	let count = 0;
	let through = after;
	const all = selection.unfiltered;
	const limit = BATCH_PREFIX.length + maxBytes;
	// A run of slab bytes not yet copied: `runSlab[runStart, runEnd)` goes to `buffer` at `runAt`.
	let runSlab: Slab | undefined;
	let runStart = 0;
	let runEnd = 0;
	let runAt = 0;
	const flush = (): void => {
		if (runSlab === undefined) return;
		runSlab.bytes.copy(buffer, runAt, runStart, runEnd);
		runSlab = undefined;
	};
	history.forEachAfter(after, (record) => {
		if (!all && !selection.matches(record)) {
			through = record.seq;
			return true;
		}
		const separator = count === 0 ? 0 : 1;
		if (record instanceof LogRecord && record.held) {
			const bytes = record.end - record.start;
			if (offset + separator + bytes > limit) {
				if (count > 0) return false;
				if (offset + bytes + 2 > buffer.length) {
					// One entry larger than the pool's buffers: a buffer of its own.
					pool.release(buffer);
					buffer = Buffer.allocUnsafeSlow(offset + bytes + 2);
				}
			}
			const slab = record.slab!;
			if (slab === runSlab && record.start === runEnd + 1) {
				// Right after the previous entry in the same slab: the comma between is in the range.
				runEnd = record.end;
				offset += 1 + bytes;
			} else {
				flush();
				if (separator) buffer[offset++] = 0x2c; // ','
				runSlab = slab;
				runStart = record.start;
				runEnd = record.end;
				runAt = offset;
				offset += bytes;
			}
		} else {
			flush();
			const json = record.json();
			// UTF-8 takes at most 3 bytes per UTF-16 unit: measure exactly only when that could overflow.
			let bytes = json.length * 3;
			if (offset + separator + bytes > limit) {
				bytes = Buffer.byteLength(json);
				if (count > 0 && offset + separator + bytes > limit) return false;
				if (count === 0 && offset + bytes + 2 > buffer.length) {
					pool.release(buffer);
					buffer = Buffer.allocUnsafeSlow(offset + bytes + 2);
				}
			}
			if (separator) buffer[offset++] = 0x2c; // ','
			offset += buffer.write(json, offset, 'utf8');
		}
		count++;
		through = record.seq;
		return true;
	});
	flush();
	const rateLimited = (budget?.skipped ?? 0) - skippedBefore;
	const limited = rateLimited > 0 ? { rateLimited } : {};
	if (count === 0) {
		pool.release(buffer);
		return { frame: null, through, count, ...limited };
	}
	let start: number;
	if (count === 1) {
		start = BATCH_PREFIX.length - ENTRY_PREFIX.length;
		buffer.write(ENTRY_PREFIX, start, 'latin1');
		buffer[offset++] = 0x7d; // '}'
	} else {
		start = 0;
		buffer.write(BATCH_PREFIX, 0, 'latin1');
		buffer[offset++] = 0x5d; // ']'
		buffer[offset++] = 0x7d; // '}'
	}
	return { frame: new SharedFrame(buffer, start, offset, pool), through, count, ...limited };
}

/**
 * Count what history evicted after the subscription's position but before it was delivered.
 * Exact for an unfiltered `*` subscription; for narrower ones on metrics (one history per
 * resource) it counts other resources' evictions too, so it is an upper bound there.
 */
export function accountEvictions(sub: Subscription, history: StreamHistory<{ seq: number }>): void {
	const evicted = history.evictedThrough;
	const from = Math.max(sub.cursor, sub.countedThrough);
	if (from >= evicted) return;
	const heldBetween = history.heldAfter(from) - history.heldAfter(evicted);
	sub.pendingDrop += evicted - from - heldBetween;
	sub.countedThrough = evicted;
	// Nothing at or before `evicted` is held in a single-ring history; in a keyed one, other
	// resources' older items may be, so the cursor stays.
	if (history.heldAfter(sub.cursor) === history.heldAfter(evicted)) sub.cursor = evicted;
}

function sendDropNotice(
	session: Session,
	stream: Stream,
	sub: Subscription,
	counters: DeliveryCounters
): boolean {
	if (sub.pendingDrop === 0) return true;
	const count = sub.pendingDrop;
	const sent = announceDrop(session, stream, count, 'slow_consumer', counters);
	if (sent) sub.pendingDrop = 0;
	return sent;
}

function announceDrop(
	session: Session,
	stream: Stream,
	count: number,
	reason: 'slow_consumer' | 'rate_limited',
	counters: DeliveryCounters
): boolean {
	const sent = session.outbox.send(encode({ type: 'dropped', payload: { stream, count, reason } }));
	if (sent) {
		session.dropped[stream] += count;
		counters.dropped[stream] += count;
	}
	return sent;
}

/**
 * The log batches built in one delivery pass, by selection and cursor, and the pool their
 * buffers come from. {@link releaseBatches} gives the builder's references back after the pass.
 */
export interface BatchCache {
	readonly batches: Map<string, LogBatch>;
	readonly pool: FramePool;
}

/** Release the builder's reference of every batch in `cache` and empty it. */
export function releaseBatches(cache: BatchCache): void {
	for (const batch of cache.batches.values()) batch.frame?.release();
	cache.batches.clear();
}

/**
 * Send `session` what it has not had yet on `stream`, as far as its outbox allows.
 *
 * @param now monotonic time in ms (for log batch spacing)
 * @param cache log batches built in this pass; without it, a batch is built for this session
 *   alone (from `pool` when given) and released after the send
 * @returns whether the session is still behind on this stream (something remains to deliver)
 */
export function deliverStream(
	session: Session,
	stream: Stream,
	state: EpochState,
	options: DeliveryOptions,
	counters: DeliveryCounters,
	now: number,
	cache?: BatchCache
): boolean {
	const sub = session.subscriptions.get(stream);
	if (sub === undefined) return false;
	const history = state.history(stream) as StreamHistory<{ seq: number }>;
	if (sub.cursor >= history.lastSeq) return false;
	accountEvictions(sub, history);
	if (!session.outbox.ready) return true;
	if (stream === 'logs') {
		// 1 ms of slack: timers and clocks round, and a tick is never early by more than that.
		if (now - session.lastLogBatchAt < options.batchIntervalMs - 1) return true;
		if (!sendDropNotice(session, stream, sub, counters)) return true;
		const key = `${sub.selection.key}#${sub.cursor}`;
		let batch = cache?.batches.get(key);
		if (batch === undefined) {
			batch = buildLogBatch(history, sub.selection, sub.cursor, options.maxBatchBytes, cache?.pool);
			counters.logBatchesBuilt++;
			cache?.batches.set(key, batch);
		}
		let sent = true;
		// Lines the filter's regex had no budget to test: announced before the batch they fall in.
		if (batch.rateLimited)
			sent = announceDrop(session, stream, batch.rateLimited, 'rate_limited', counters);
		if (sent && batch.frame !== null) {
			sent = session.outbox.sendShared(batch.frame);
			if (sent) session.lastLogBatchAt = now;
		}
		if (cache === undefined) batch.frame?.release();
		if (!sent) return true;
		sub.cursor = batch.through;
		return sub.cursor < history.lastSeq;
	}
	if (!sendDropNotice(session, stream, sub, counters)) return true;
	const selection = sub.selection;
	const all = selection.unfiltered;
	history.forEachAfter(sub.cursor, (record: HistoryRecord<{ seq: number }>) => {
		if (!session.outbox.ready) return false;
		if ((all || selection.matches(record)) && !session.outbox.send(record.frame())) return false;
		sub.cursor = record.seq;
		return true;
	});
	return sub.cursor < history.lastSeq;
}
