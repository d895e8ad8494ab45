/**
 * The real client in Node: a `ConnectionClient` over `ws` with the log store of
 * `$lib/streams` on top (a buffer large enough that nothing is evicted during a row), plus a
 * probe that asks the server what it holds.
 */
import { get } from 'svelte/store';
import { WebSocket } from 'ws';
import { ConnectionClient, type BrowserTarget, type ClientOptions } from '$lib/connection/client';
import type { WebSocketConfig } from '$lib/connection/config';
import type { ConnectionState } from '$lib/connection/machine';
import type { WebSocketConstructor } from '$lib/connection/socket';
import { isLogGap } from '$lib/render/log-gap';
import { createLogStream, type LogStream } from '$lib/streams';
import { account, compareWithServer, type Account, type SeqItem } from './accounting';
import { waitFor } from './row';

export const WS = WebSocket as unknown as WebSocketConstructor;

/** `ws` with a fixed `Origin` header (browsers send one; `ws` does not by default). */
export function wsWithOrigin(origin: string): WebSocketConstructor {
	class OriginWebSocket extends WebSocket {
		constructor(url: string, protocols?: string | string[]) {
			super(url, protocols, { origin });
		}
	}
	return OriginWebSocket as unknown as WebSocketConstructor;
}

/** A window-like target whose `online`/`offline` events a test fires by hand. */
export class FakeTarget implements BrowserTarget {
	readonly #listeners = new Map<string, Set<() => void>>();
	navigator = { onLine: true };
	addEventListener(type: string, listener: () => void): void {
		let set = this.#listeners.get(type);
		if (!set) this.#listeners.set(type, (set = new Set()));
		set.add(listener);
	}
	removeEventListener(type: string, listener: () => void): void {
		this.#listeners.get(type)?.delete(listener);
	}
	fire(type: 'online' | 'offline'): void {
		this.navigator.onLine = type === 'online';
		for (const l of this.#listeners.get(type) ?? []) l();
	}
}

/** A client and its log store under observation. */
export class Watched {
	readonly client: ConnectionClient;
	readonly logs: LogStream;
	/** State changes: time (performance.now) and state. */
	readonly states: { at: number; state: ConnectionState }[] = [];
	/** Close codes seen, in order. */
	readonly closes: number[] = [];
	readonly #release: () => void;

	constructor(config: WebSocketConfig, options: ClientOptions = {}) {
		this.client = new ConnectionClient(config, { WebSocketImpl: WS, ...options });
		this.logs = createLogStream(this.client, { maxBufferSize: 500_000 });
		this.#release = this.logs.retain();
		let lastClose: unknown = null;
		this.client.onChange((c) => {
			if (this.states.at(-1)?.state !== c.state)
				this.states.push({ at: performance.now(), state: c.state });
			const close = c.actor.getSnapshot().context.lastClose;
			if (close !== lastClose) {
				lastClose = close;
				if (close) this.closes.push(close.code);
			}
		});
	}

	/** The buffer as seq items, oldest first. */
	items(): SeqItem[] {
		const view = get(this.logs.view);
		const out: SeqItem[] = [];
		for (let i = 0; i < view.size; i++) {
			const item = view.get(i);
			out.push(
				isLogGap(item) ? { seq: item.seq, gap: item.missing } : { seq: item.seq, id: item.id }
			);
		}
		return out;
	}

	/** The newest line's seq and the epoch, as the store shows them. */
	position(): { seq: number; epoch: string | undefined } {
		const view = get(this.logs.view);
		let seq = -1;
		for (let i = view.size - 1; i >= 0; i--) {
			const item = view.get(i);
			if (!isLogGap(item)) {
				seq = item.seq;
				break;
			}
		}
		return { seq, epoch: get(this.logs.recovery).epoch ?? undefined };
	}

	/** Connection attempts after the first so far. */
	get reconnects(): number {
		return this.client.stats.reconnects;
	}

	/**
	 * Wait until the link is open (after more than `reconnects` attempts, if given) and the store
	 * shows lines newer than `since` (or another epoch).
	 */
	async live(
		since: { seq: number; epoch: string | undefined },
		timeoutMs: number,
		reconnects = -1
	): Promise<number> {
		return waitFor(
			() => {
				if (this.client.state !== 'open' || this.reconnects <= reconnects) return false;
				const now = this.position();
				return now.epoch !== since.epoch ? now.seq > 0 : now.seq > since.seq;
			},
			timeoutMs,
			'live data again'
		);
	}

	dispose(): void {
		this.#release();
		this.client.dispose();
	}
}

/** What the server holds: the last `limit` log lines of its current epoch. */
export async function serverHistory(
	wsUrl: string,
	token?: string,
	limit = 1000
): Promise<{ epoch: string; items: { seq: number; id: string }[] }> {
	const ws = new WebSocket(wsUrl);
	const frames: { type: string; id?: string; payload?: unknown }[] = [];
	ws.on('message', (d: Buffer) => frames.push(JSON.parse(d.toString()) as (typeof frames)[number]));
	await new Promise<void>((ok, fail) => {
		ws.once('open', () => ok());
		ws.once('error', fail);
	});
	try {
		if (token !== undefined) {
			ws.send(JSON.stringify({ type: 'authenticate', id: 'a', payload: { token } }));
			await waitFor(() => frames.some((f) => f.id === 'a'), 5000, 'authenticated');
		}
		ws.send(
			JSON.stringify({ type: 'request_history', id: 'h', payload: { stream: 'logs', limit } })
		);
		await waitFor(() => frames.some((f) => f.id === 'h'), 5000, 'history');
		const reply = frames.find((f) => f.id === 'h')!;
		const payload = reply.payload as { epoch: string; items: { seq: number; id: string }[] };
		return { epoch: payload.epoch, items: payload.items.map((i) => ({ seq: i.seq, id: i.id })) };
	} finally {
		ws.terminate();
	}
}

/** The client's account, after it caught up with what the server held a moment ago. */
export async function settle(
	w: Watched,
	wsUrl: string,
	token?: string
): Promise<Account & { vsServer: { compared: number; missing: number; mismatched: number } }> {
	const server = await serverHistory(wsUrl, token);
	const last = server.items.at(-1)?.seq ?? 0;
	await waitFor(
		() => w.client.stats.epoch === server.epoch && w.position().seq >= last,
		15_000,
		`the client to reach seq ${last} of epoch ${server.epoch}`
	);
	const items = w.items();
	return { ...account(items), vsServer: compareWithServer(items, server.items) };
}
