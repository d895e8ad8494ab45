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
import type { EpochState } from './epoch-state';
import type { HistoryRecord, StreamHistory } from './history';
import type { Selection } from './selection';
import type { Session, Subscription } from './session';

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
	frame: string | null;
	/** The cursor after this batch: the last seq included or passed over. */
	through: number;
	/** Entries in the frame. */
	count: number;
}

/** Build the log frame for `selection` with records after `after`, up to `maxBytes`. */
export function buildLogBatch(
	history: StreamHistory<{ seq: number }>,
	selection: Selection,
	after: number,
	maxBytes: number
): LogBatch {
	const parts: string[] = [];
	let bytes = 0;
	let through = after;
	const all = selection.unfiltered;
	history.forEachAfter(after, (record) => {
		if (bytes >= maxBytes) return false;
		through = record.seq;
		if (all || selection.matches(record)) {
			const json = record.json();
			parts.push(json);
			bytes += json.length + 1;
		}
		return true;
	});
	const [first] = parts;
	let frame: string | null = null;
	if (parts.length === 1 && first !== undefined) frame = `{"type":"log_entry","payload":${first}}`;
	else if (parts.length > 1) frame = `{"type":"log_batch","payload":[${parts.join(',')}]}`;
	return { frame, through, count: parts.length };
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
	const sent = session.outbox.send(
		encode({ type: 'dropped', payload: { stream, count, reason: 'slow_consumer' } })
	);
	if (sent) {
		sub.pendingDrop = 0;
		session.dropped[stream] += count;
		counters.dropped[stream] += count;
	}
	return sent;
}

/**
 * Send `session` what it has not had yet on `stream`, as far as its outbox allows.
 *
 * @param now monotonic time in ms (for log batch spacing)
 * @param shared log batches built in this pass, by selection and cursor
 */
export function deliverStream(
	session: Session,
	stream: Stream,
	state: EpochState,
	options: DeliveryOptions,
	counters: DeliveryCounters,
	now: number,
	shared?: Map<string, LogBatch>
): void {
	const sub = session.subscriptions.get(stream);
	if (sub === undefined) return;
	const history = state.history(stream) as StreamHistory<{ seq: number }>;
	if (sub.cursor >= history.lastSeq) return;
	accountEvictions(sub, history);
	if (!session.outbox.ready) return;
	if (stream === 'logs') {
		// 1 ms of slack: timers and clocks round, and a tick is never early by more than that.
		if (now - session.lastLogBatchAt < options.batchIntervalMs - 1) return;
		if (!sendDropNotice(session, stream, sub, counters)) return;
		const key = `${sub.selection.key}#${sub.cursor}`;
		let batch = shared?.get(key);
		if (batch === undefined) {
			batch = buildLogBatch(history, sub.selection, sub.cursor, options.maxBatchBytes);
			counters.logBatchesBuilt++;
			shared?.set(key, batch);
		}
		if (batch.frame !== null) {
			if (!session.outbox.send(batch.frame)) return;
			session.lastLogBatchAt = now;
		}
		sub.cursor = batch.through;
		return;
	}
	if (!sendDropNotice(session, stream, sub, counters)) return;
	const selection = sub.selection;
	const all = selection.unfiltered;
	history.forEachAfter(sub.cursor, (record: HistoryRecord<{ seq: number }>) => {
		if (!session.outbox.ready) return false;
		if ((all || selection.matches(record)) && !session.outbox.send(record.frame())) return false;
		sub.cursor = record.seq;
		return true;
	});
}
