/**
 * A plain `ws` client for hub conformance tests: it records every frame, validates each against
 * the protocol's server schemas (so a test fails on any frame a browser would reject), and lets
 * a test wait for the frame it expects.
 */
import { once } from 'node:events';
import WebSocket, { type ClientOptions } from 'ws';
import {
	decodeServerFrame,
	type ClientMessageType,
	type ServerMessage,
	type ServerMessageType,
	type Stream,
	type StreamItems
} from '../../src/lib/protocol/index';

/** How a connection ended. */
export interface Closed {
	code: number;
	reason: string;
}

/** A stream item as received, with the fields tests look at. */
export interface ReceivedItem {
	seq: number;
	id?: string;
	[key: string]: unknown;
}

const ITEM_TYPES: Record<string, Stream> = {
	log_entry: 'logs',
	log_batch: 'logs',
	metric_update: 'metrics',
	notification: 'notifications',
	task_update: 'tasks'
};

/** A recording WebSocket client. */
export class TestClient {
	/** Every valid frame, decoded, in arrival order. */
	readonly messages: ServerMessage[] = [];
	/** Frames that failed validation, with the reason. */
	readonly invalid: { raw: string; error: string }[] = [];
	/** Raw text of every frame. */
	readonly raw: string[] = [];
	/** Resolves when the connection closes. */
	readonly closed: Promise<Closed>;
	#waiters: (() => void)[] = [];
	#ids = 0;

	constructor(readonly ws: WebSocket) {
		ws.on('message', (data: Buffer) => {
			const text = data.toString('utf8');
			this.raw.push(text);
			const decoded = decodeServerFrame(text, { maxLength: 64 * 1024 * 1024 });
			if (decoded.ok) this.messages.push(decoded.message);
			else this.invalid.push({ raw: text.slice(0, 200), error: decoded.error.message });
			this.#wake();
		});
		ws.on('error', () => {});
		this.closed = new Promise((resolve) => {
			ws.on('close', (code, reason) => {
				resolve({ code, reason: reason.toString('utf8') });
				this.#wake();
			});
		});
	}

	/** Connect; resolves once open (or once closed, for connections the server refuses). */
	static async connect(url: string, options: ClientOptions = {}): Promise<TestClient> {
		const ws = new WebSocket(url, options);
		const client = new TestClient(ws);
		await Promise.race([once(ws, 'open'), client.closed]);
		return client;
	}

	#wake(): void {
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const w of waiters) w();
	}

	/** Send raw text or an object as JSON. */
	send(frame: string | object): void {
		this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
	}

	/** Send a request with a fresh id; returns the id. */
	request(type: ClientMessageType | string, payload?: unknown): string {
		const id = `r${++this.#ids}`;
		this.send(payload === undefined ? { type, id } : { type, payload, id });
		return id;
	}

	/** Wait until `predicate` holds (checked on every frame and on close). */
	async until<T>(
		predicate: () => T | undefined | false,
		timeoutMs = 3000,
		what = 'condition'
	): Promise<T> {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = predicate();
			if (value !== undefined && value !== false) return value;
			const left = deadline - Date.now();
			if (left <= 0) {
				const last = this.raw.slice(-3).map((r) => r.slice(0, 160));
				throw new Error(`timed out waiting for ${what}; last frames: ${JSON.stringify(last)}`);
			}
			await new Promise<void>((resolve) => {
				const timer = setTimeout(resolve, Math.min(left, 200));
				this.#waiters.push(() => {
					clearTimeout(timer);
					resolve();
				});
			});
		}
	}

	/** Wait for the first frame of `type` (optionally with `id`, or matching `where`). */
	async next<K extends ServerMessageType>(
		type: K,
		where: { id?: string; match?: (m: Extract<ServerMessage, { type: K }>) => boolean } = {},
		timeoutMs = 3000
	): Promise<Extract<ServerMessage, { type: K }>> {
		return this.until(
			() =>
				this.messages.find(
					(m): m is Extract<ServerMessage, { type: K }> =>
						m.type === type &&
						(where.id === undefined || m.id === where.id) &&
						(where.match === undefined || where.match(m as Extract<ServerMessage, { type: K }>))
				),
			timeoutMs,
			`${type}${where.id ? ` id=${where.id}` : ''}`
		);
	}

	/** The `history` reply to request `id`, with items typed for `stream`. */
	async history<S extends Stream>(
		id: string,
		stream: S
	): Promise<{ items: StreamItems[S][]; complete: boolean; epoch: string; resourceId: string }> {
		const reply = await this.next('history', { id });
		if (reply.payload.stream !== stream) {
			throw new Error(`history for ${reply.payload.stream}, expected ${stream}`);
		}
		return reply.payload as unknown as {
			items: StreamItems[S][];
			complete: boolean;
			epoch: string;
			resourceId: string;
		};
	}

	/** The reply to request `id` (any type). */
	async reply(id: string, timeoutMs = 3000): Promise<ServerMessage> {
		return this.until(() => this.messages.find((m) => m.id === id), timeoutMs, `reply to ${id}`);
	}

	/** Every item received on `stream`, in arrival order (batches flattened). */
	items(stream: Stream): ReceivedItem[] {
		const out: ReceivedItem[] = [];
		for (const m of this.messages) {
			if (ITEM_TYPES[m.type] !== stream) continue;
			if (m.type === 'log_batch') out.push(...(m.payload as unknown as ReceivedItem[]));
			else out.push(m.payload as unknown as ReceivedItem);
		}
		return out;
	}

	/** Wait until at least `count` items arrived on `stream`. */
	async waitItems(stream: Stream, count: number, timeoutMs = 3000): Promise<ReceivedItem[]> {
		return this.until(
			() => {
				const items = this.items(stream);
				return items.length >= count ? items : undefined;
			},
			timeoutMs,
			`${count} ${stream} items (have ${this.items(stream).length})`
		);
	}

	/** Close normally and wait. */
	async close(): Promise<Closed> {
		if (this.ws.readyState === WebSocket.OPEN || this.ws.readyState === WebSocket.CONNECTING) {
			this.ws.close(1000);
		}
		return this.closed;
	}
}
