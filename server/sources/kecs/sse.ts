/**
 * An incremental parser of `text/event-stream` (the WHATWG server-sent events format), for
 * KECS's `logs/stream`: feed it text as it arrives, get whole events back.
 */

/** One dispatched event. */
export interface SseEvent {
	/** The `event:` field; `message` when there was none. */
	event: string;
	/** The `data:` lines, joined with newlines. */
	data: string;
}

/** Longest pending line kept (a stream that never sends a newline must not grow the heap). */
const MAX_LINE = 4 * 1024 * 1024;

export class SseParser {
	#buffer = '';
	#event = '';
	#data: string[] = [];
	/** Characters dropped because a line was longer than the limit. */
	overflowed = 0;

	/** Feed a chunk; returns the events it completed, in order. */
	push(chunk: string): SseEvent[] {
		this.#buffer += chunk;
		const events: SseEvent[] = [];
		for (;;) {
			const nl = this.#buffer.search(/\r\n|\r|\n/);
			if (nl === -1) break;
			const line = this.#buffer.slice(0, nl);
			const width = this.#buffer.startsWith('\r\n', nl) ? 2 : 1;
			// A lone \r at the very end may be the first half of \r\n: wait for more.
			if (width === 1 && this.#buffer[nl] === '\r' && nl === this.#buffer.length - 1) break;
			this.#buffer = this.#buffer.slice(nl + width);
			const event = this.#line(line);
			if (event) events.push(event);
		}
		if (this.#buffer.length > MAX_LINE) {
			this.overflowed += this.#buffer.length;
			this.#buffer = '';
		}
		return events;
	}

	#line(line: string): SseEvent | undefined {
		if (line === '') {
			if (this.#data.length === 0) {
				this.#event = '';
				return undefined;
			}
			const event = { event: this.#event || 'message', data: this.#data.join('\n') };
			this.#event = '';
			this.#data = [];
			return event;
		}
		if (line.startsWith(':')) return undefined;
		const colon = line.indexOf(':');
		const field = colon === -1 ? line : line.slice(0, colon);
		let value = colon === -1 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) value = value.slice(1);
		if (field === 'event') this.#event = value;
		else if (field === 'data') this.#data.push(value);
		return undefined;
	}
}
