/**
 * A counting `ws` client for the gateway cases: subscribes to every log and checks that sequence
 * numbers arrive without holes. It reports each log frame's arrival so a case can cut
 * measurement windows at frame boundaries (a 50 ms batch of 5,000 entries must not be counted
 * half in, half out).
 *
 * Two ways to read a log frame: `json` decodes it to a string and JSON-parses it, as any client
 * would; `scan` finds the seqs in the raw bytes (`,"seq":` can only be the key: the hub writes
 * `seq` last, and a quote inside a string value is escaped). The throughput case scans, so that
 * one client process keeps up with the hub and the figure is the hub's, not the parser's: a
 * multi-megabyte frame costs Node tens of milliseconds to turn into a string on these VMs.
 */
import WebSocket from 'ws';

function startsWith(data: Buffer, prefix: Buffer): boolean {
	return (
		data.length >= prefix.length && data.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
	);
}

/** Counters of one client. */
export interface ClientCounters {
	/** Log entries received. */
	entries: number;
	/** Log frames (`log_batch`/`log_entry`) received. */
	frames: number;
	/** Bytes of text received (after inflation). */
	bytes: number;
	/** The first and last seq seen (-1 before any). */
	firstSeq: number;
	lastSeq: number;
	/** Places where a seq was not the previous one plus one. */
	holes: number;
	/** Entries missing at those places. */
	missing: number;
	/** `dropped` frames received, and the entries they reported. */
	droppedFrames: number;
	droppedEntries: number;
	/** Frames that were not JSON or not understood. */
	bad: number;
}

/** Options of {@link CountingClient.open}. */
export interface CountingClientOptions {
	/** Offer permessage-deflate (the server decides). Default true, as browsers do. */
	deflate?: boolean;
	/** Called after every log frame with the time it arrived (`performance.now()`). */
	onLogFrame?: (client: CountingClient, at: number) => void;
	/** Give up waiting for `subscribed` after this long. Default 10,000 ms. */
	timeoutMs?: number;
	/** How log frames are read (see the module comment). Default `json`. */
	read?: 'json' | 'scan';
}

const LOG_BATCH = Buffer.from('{"type":"log_batch"');
const LOG_ENTRY = Buffer.from('{"type":"log_entry"');
const SEQ_KEY = Buffer.from(',"seq":');

/** See the module comment. */
export class CountingClient {
	readonly counters: ClientCounters = {
		entries: 0,
		frames: 0,
		bytes: 0,
		firstSeq: -1,
		lastSeq: -1,
		holes: 0,
		missing: 0,
		droppedFrames: 0,
		droppedEntries: 0,
		bad: 0
	};
	closed = false;

	private constructor(
		readonly ws: WebSocket,
		private readonly onLogFrame: CountingClientOptions['onLogFrame'],
		private readonly scan: boolean
	) {}

	/** Connect to `url`, subscribe to logs `*`, resolve once `subscribed` arrived. */
	static open(url: string, options: CountingClientOptions = {}): Promise<CountingClient> {
		const ws = new WebSocket(url, {
			perMessageDeflate: options.deflate ?? true,
			maxPayload: 64 * 2 ** 20
		});
		const client = new CountingClient(ws, options.onLogFrame, options.read === 'scan');
		return new Promise((resolve, reject) => {
			const timer = setTimeout(
				() => reject(new Error('no `subscribed` in time')),
				options.timeoutMs ?? 10_000
			);
			ws.on('error', (error) => {
				clearTimeout(timer);
				reject(error);
			});
			ws.on('close', () => {
				client.closed = true;
				clearTimeout(timer);
				reject(new Error('closed before `subscribed`'));
			});
			ws.on('open', () => {
				ws.send(
					JSON.stringify({
						type: 'subscribe',
						id: 'sub',
						payload: { stream: 'logs', resourceId: '*' }
					})
				);
			});
			ws.on('message', (data: Buffer) => {
				if (client.#onMessage(data)) {
					clearTimeout(timer);
					resolve(client);
				}
			});
		});
	}

	/** Returns true for the `subscribed` reply. */
	#onMessage(data: Buffer): boolean {
		const c = this.counters;
		c.bytes += data.length;
		if (this.scan && (startsWith(data, LOG_BATCH) || startsWith(data, LOG_ENTRY))) {
			this.#scanSeqs(data);
			c.frames++;
			this.onLogFrame?.(this, performance.now());
			return false;
		}
		let message: { type?: string; payload?: unknown };
		try {
			message = JSON.parse(data.toString('utf8')) as typeof message;
		} catch {
			c.bad++;
			return false;
		}
		switch (message.type) {
			case 'log_batch':
				for (const entry of message.payload as { seq: number }[]) this.#seq(entry.seq);
				break;
			case 'log_entry':
				this.#seq((message.payload as { seq: number }).seq);
				break;
			case 'dropped': {
				const p = message.payload as { stream: string; count: number };
				if (p.stream === 'logs') {
					c.droppedFrames++;
					c.droppedEntries += p.count;
				}
				return false;
			}
			case 'subscribed':
				return true;
			default:
				return false;
		}
		c.frames++;
		this.onLogFrame?.(this, performance.now());
		return false;
	}

	#scanSeqs(data: Buffer): void {
		let at = data.indexOf(SEQ_KEY);
		while (at >= 0) {
			let i = at + SEQ_KEY.length;
			let seq = 0;
			for (let d = data[i]!; d >= 48 && d <= 57; d = data[++i]!) seq = seq * 10 + d - 48;
			this.#seq(seq);
			at = data.indexOf(SEQ_KEY, i);
		}
	}

	#seq(seq: number): void {
		const c = this.counters;
		c.entries++;
		if (c.lastSeq >= 0 && seq !== c.lastSeq + 1) {
			c.holes++;
			if (seq > c.lastSeq) c.missing += seq - c.lastSeq - 1;
		}
		if (c.firstSeq < 0) c.firstSeq = seq;
		c.lastSeq = seq;
	}

	/** Close and wait (terminate after 2 s). */
	close(): Promise<void> {
		if (this.closed || this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				this.ws.terminate();
				resolve();
			}, 2_000);
			this.ws.once('close', () => {
				clearTimeout(timer);
				resolve();
			});
			this.ws.close(1000);
		});
	}
}
