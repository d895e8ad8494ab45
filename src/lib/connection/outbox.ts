/**
 * The outgoing queue used while the socket is not open, bounded by count and by bytes.
 *
 * Classes (DESIGN.md 6):
 * - `volatile`: only worth sending now (a typing indicator, a ping); never queued.
 * - `expiring`: queued, but dropped at its deadline (`messageTimeout` from the call).
 * - `durable`: queued until sent, in order.
 *
 * Overflow policy: a new message that does not fit first evicts the oldest `expiring` entries
 * (they are the ones the caller already agreed could be lost, and the oldest are the nearest to
 * their deadline); if it still does not fit, the *new* message is refused. Durable entries are
 * never evicted to make room: their callers were told "queued" and are owed delivery in order,
 * while the refused caller is told at once and can react. Every drop settles the entry's
 * callback with a `MessageDroppedError` and is counted: nothing is lost silently.
 */
import type { OutboxLimits } from './config';
import { MessageDroppedError, type DropReason } from './errors';

/** Delivery class of an outgoing message. */
export type MessageClass = 'volatile' | 'expiring' | 'durable';

/** One queued frame. */
export interface OutboxEntry {
	/** Unique id (the envelope id for requests); used to expire it. */
	id: string;
	class: MessageClass;
	/** The encoded frame. */
	data: string;
	/** Deadline on the machine's clock, for `expiring` entries. */
	deadline?: number;
	/** Told once: no argument when written to the socket, an error when dropped. */
	settle?: (error?: Error) => void;
}

/** Counts of dropped messages by reason. */
export type DropCounts = Record<DropReason, number>;

/** Bounded FIFO of outgoing frames; see the module comment for the overflow policy. */
export class Outbox {
	private entries: OutboxEntry[] = [];
	private totalBytes = 0;
	/** Messages dropped so far, by reason. */
	readonly dropped: DropCounts = {
		offline: 0,
		expired: 0,
		overflow: 0,
		too_large: 0,
		disconnected: 0
	};
	private readonly limits: Required<OutboxLimits>;

	constructor(limits: Required<OutboxLimits>) {
		this.limits = limits;
	}

	/** Messages held. */
	get size(): number {
		return this.entries.length;
	}

	/** Size of the held frames, in UTF-16 code units (≈ bytes for the ASCII JSON we send). */
	get bytes(): number {
		return this.totalBytes;
	}

	/**
	 * Queue `entry` for the next open link. Returns false (after settling it with the reason)
	 * when it was refused.
	 */
	offer(entry: OutboxEntry): boolean {
		if (entry.class === 'volatile') return this.reject(entry, 'offline');
		const size = entry.data.length;
		if (size > this.limits.maxBytes) return this.reject(entry, 'too_large');
		while (!this.fits(size)) {
			const victim = this.entries.findIndex((e) => e.class === 'expiring');
			if (victim < 0) return this.reject(entry, 'overflow');
			const [evicted] = this.entries.splice(victim, 1);
			if (evicted) this.discard(evicted, 'overflow');
		}
		this.entries.push(entry);
		this.totalBytes += size;
		return true;
	}

	/** Remove and drop the entry `id` with `reason` (used for deadlines). True if it was held. */
	expire(id: string, reason: DropReason = 'expired'): boolean {
		const i = this.entries.findIndex((e) => e.id === id);
		if (i < 0) return false;
		const [entry] = this.entries.splice(i, 1);
		if (entry) this.discard(entry, reason);
		return true;
	}

	/** Take every entry, oldest first, dropping those whose deadline has passed at `now`. */
	drain(now: number): OutboxEntry[] {
		const out: OutboxEntry[] = [];
		for (const entry of this.entries) {
			if (entry.deadline !== undefined && entry.deadline <= now) this.reject(entry, 'expired');
			else out.push(entry);
		}
		this.entries = [];
		this.totalBytes = 0;
		return out;
	}

	/** Drop everything with `reason` (a deliberate disconnect). */
	clear(reason: DropReason): void {
		const all = this.entries;
		this.entries = [];
		this.totalBytes = 0;
		for (const entry of all) this.reject(entry, reason);
	}

	/** A small summary, so inspectors serialise counts rather than the frames. */
	toJSON(): { size: number; bytes: number; dropped: DropCounts } {
		return { size: this.size, bytes: this.bytes, dropped: { ...this.dropped } };
	}

	private fits(size: number): boolean {
		return (
			this.entries.length + 1 <= this.limits.maxMessages &&
			this.totalBytes + size <= this.limits.maxBytes
		);
	}

	private reject(entry: OutboxEntry, reason: DropReason): false {
		this.dropped[reason]++;
		entry.settle?.(new MessageDroppedError(reason));
		return false;
	}

	private discard(entry: OutboxEntry, reason: DropReason): void {
		this.totalBytes -= entry.data.length;
		this.reject(entry, reason);
	}
}
