/**
 * A counting `ws` client for the gateway cases: subscribes to every log, parses each frame, and
 * checks that sequence numbers arrive without holes. It records per-frame arrival so a case can
 * cut measurement windows at frame boundaries (a 50 ms batch of 10,000 entries must not be
 * counted half in, half out).
 */
import WebSocket from 'ws';

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
}

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
		private readonly onLogFrame: CountingClientOptions['onLogFrame']
	) {}

	/** Connect to `url`, subscribe to logs `*`, resolve once `subscribed` arrived. */
	static open(url: string, options: CountingClientOptions = {}): Promise<CountingClient> {
		const ws = new WebSocket(url, {
			perMessageDeflate: options.deflate ?? true,
			maxPayload: 64 * 2 ** 20
		});
		const client = new CountingClient(ws, options.onLogFrame);
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
