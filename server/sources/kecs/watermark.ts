/**
 * Exactly-once delivery of one container's log lines across reconnects.
 *
 * KECS streams a container's log from Kubernetes, in order, with nanosecond timestamps. After a
 * break the stream is reopened asking for lines `from` the last timestamp seen; the KECS version
 * checked ignores `from` on its streams (it replays the whole log, or the last `tail` lines) and
 * treats it as inclusive on REST. Either way the replay overlaps what was already delivered, so
 * the watermark drops:
 * - every line older than the newest timestamp delivered;
 * - at exactly that timestamp, as many occurrences of each line as were already delivered
 *   (counted per pass, so a line legitimately repeated at the same instant still gets through);
 * - any line whose KECS `id` was delivered recently (stored lines have ids; streamed ones do not).
 * It never drops a line newer than what was delivered, so nothing is lost either.
 */
import type { KecsLogFrame } from './mapping';

/** Recent KECS ids remembered per container (a replay overlaps only the last few lines). */
const RECENT_IDS = 256;

export class Watermark {
	/** Timestamp (ns) of the newest line delivered. */
	ns: bigint | undefined;
	/** The same timestamp as KECS wrote it: what `from` is set to when reopening. */
	raw: string | undefined;
	/** Lines delivered at exactly `ns`, with how many times each. */
	#delivered = new Map<string, number>();
	/** Lines seen at exactly `ns` in the current pass (since the last reopen). */
	#pass = new Map<string, number>();
	readonly #ids = new Set<string>();

	/** A new pass begins: the stream was reopened, so what it sends may repeat what it sent. */
	newPass(): void {
		this.#pass = new Map();
	}

	/** Whether `frame` (timestamp `ns`) is new; if so it counts as delivered. */
	accept(frame: KecsLogFrame, ns: bigint): boolean {
		if (frame.id !== '' && this.#ids.has(frame.id)) return false;
		const line = frame.log_line;
		if (this.ns !== undefined && ns < this.ns) return false;
		if (this.ns !== undefined && ns === this.ns) {
			const seen = (this.#pass.get(line) ?? 0) + 1;
			this.#pass.set(line, seen);
			if (seen <= (this.#delivered.get(line) ?? 0)) return false;
			this.#delivered.set(line, seen);
		} else {
			this.ns = ns;
			this.raw = frame.timestamp;
			this.#delivered = new Map([[line, 1]]);
			this.#pass = new Map([[line, 1]]);
		}
		if (frame.id !== '') {
			this.#ids.add(frame.id);
			if (this.#ids.size > RECENT_IDS) {
				const oldest = this.#ids.values().next();
				if (!oldest.done) this.#ids.delete(oldest.value);
			}
		}
		return true;
	}
}
