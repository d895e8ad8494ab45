/**
 * The memory case's rendered runs (`RunOptions.view`): (b) and (c) of bench/page/main.ts with
 * what they take on screen, so the case can weigh the DOM as well as the heap.
 *
 * - (b view) ours as the dashboard shows it: the client path into `createLogStream`'s ring, and the
 *   dashboard's real LogViewer mounted on the stream (as bench/page/render.ts mounts it), filling
 *   the page (the case sets a 1280 × 800 viewport) and following the newest line. The LogViewer
 *   reads the ring view; nothing subscribes to `logs`, which the dashboard never materialises.
 * - (c view) the KECS guide as its "Log Streaming" example renders: `logs = [...logs, e].slice(-max)`
 *   per entry, and every entry of `logs` in the DOM (GuideLogList.svelte, keyed by id).
 *
 * Each run counts its animation frames (one `requestAnimationFrame` loop), so the case can tell
 * whether a tab kept its frame rate.
 */
import { mount, unmount } from 'svelte';
import { writable } from 'svelte/store';
import LogViewer from '$lib/components/LogViewer.svelte';
import { ConnectionClient } from '$lib/connection/client';
import type { LogEntry } from '$lib/protocol';
import type { RingView } from '$lib/streams';
import { createLogStream, type LogItem } from '$lib/streams/logs';
import type { RunOptions, RunStatus } from './api';
import { closeSocket } from './close-socket';
import GuideLogList, { type GuideLog } from './GuideLogList.svelte';

/** A run that lasts until it is stopped. */
export interface ViewRun {
	status(): RunStatus;
	/** Tear down; resolves once the socket has closed, so runs never overlap. */
	stop(): Promise<void>;
}

/** The bench server numbers every stream from here (bench/lib/entries.ts; as main.ts). */
const FIRST_SEQ = 1_000_000_000;
const SUBSCRIBE = JSON.stringify({
	type: 'subscribe',
	payload: { stream: 'logs', resourceId: '*' }
});

/** Counts animation frames until stopped; `onFrame` runs first in each. */
function frameLoop(onFrame: () => void = () => {}) {
	let count = 0;
	let id = 0;
	const tick = () => {
		count++;
		onFrame();
		id = requestAnimationFrame(tick);
	};
	id = requestAnimationFrame(tick);
	return { count: () => count, stop: () => cancelAnimationFrame(id) };
}

/** (b view) Ours with the LogViewer mounted. */
function clientView(url: string, max: number): ViewRun {
	const box = document.createElement('div');
	box.style.cssText = 'position:fixed;inset:0;display:flex;flex-direction:column';
	document.body.append(box);
	const connection = new ConnectionClient({ url });
	const stream = createLogStream(connection, { maxBufferSize: max });
	// What the LogViewer shows: the ring view it reads itself.
	let view: RingView<LogItem> | undefined;
	let publications = 0;
	let dropped = 0;
	const offView = stream.view.subscribe((value) => {
		view = value;
		publications++;
	});
	const offDropped = stream.dropped.subscribe((n) => (dropped = n));
	const viewer = mount(LogViewer, { target: box, props: { stream, title: 'Bench' } });
	connection.connect();
	const frames = frameLoop();
	// The newest entry in the view (gap markers have no seq); the server numbers entries
	// consecutively, so it is an exact count of what reached the viewer.
	const newestSeq = (): number => {
		for (let i = (view?.size ?? 0) - 1; i >= 0; i--) {
			const item = view!.get(i) as Partial<LogEntry>;
			if (typeof item.seq === 'number') return item.seq;
		}
		return -1;
	};
	return {
		status: () => {
			const seq = newestSeq();
			const stats = connection.stats;
			return {
				mode: 'client',
				entries: seq < 0 ? 0 : seq - FIRST_SEQ + 1,
				held: view?.size ?? 0,
				frames: stats.messagesIn,
				invalid: stats.invalidFrames,
				dropped,
				publications,
				transport: stats.transport,
				rowsInDom: box.querySelectorAll('[data-testid="log-row"]').length,
				animationFrames: frames.count()
			};
		},
		stop: async () => {
			frames.stop();
			offView();
			offDropped();
			await unmount(viewer);
			connection.dispose();
			box.remove();
			await connection.whenDisposed();
		}
	};
}

interface WireMessage {
	type: string;
	payload: unknown;
}

/**
 * (c view) The guide's hook and its LogViewer. The hook makes a new array per entry, as in
 * main.ts's `guide`; the list renders at most once per animation frame, and only when `logs`
 * changed since the last one. That is React's batching, or kinder: React 18 batches every
 * `setLogs` of one event handler (here one WebSocket message, up to 250 entries) into one render,
 * and at 5,000 entries/s in 50 ms frames messages come 20 times a second, fewer than the frames.
 */
function guideView(url: string, max: number): ViewRun {
	let logs: GuideLog[] = [];
	let entries = 0;
	let messages = 0;
	let renders = 0;
	let changed = false;
	const shown = writable<readonly GuideLog[]>([]);
	const box = document.createElement('div');
	document.body.append(box);
	const list = mount(GuideLogList, { target: box, props: { logs: shown } });
	const ws = new WebSocket(url);
	ws.onopen = () => ws.send(SUBSCRIBE);
	ws.onmessage = (event: MessageEvent<string>) => {
		const message = JSON.parse(event.data) as WireMessage;
		if (message.type === 'log_entry') {
			logs = [...logs, message.payload as GuideLog].slice(-max);
			entries++;
		} else if (message.type === 'log_batch') {
			for (const entry of message.payload as GuideLog[]) {
				logs = [...logs, entry].slice(-max);
				entries++;
			}
		} else return;
		messages++;
		changed = true;
	};
	// Svelte applies the store's new value in a microtask: within this frame, before layout.
	const frames = frameLoop(() => {
		if (!changed) return;
		changed = false;
		renders++;
		shown.set(logs);
	});
	return {
		status: () => ({
			mode: 'guide',
			entries,
			held: logs.length,
			frames: messages,
			invalid: 0,
			dropped: 0,
			publications: 0,
			rowsInDom: box.firstElementChild?.childElementCount ?? 0,
			animationFrames: frames.count(),
			renders
		}),
		stop: async () => {
			frames.stop();
			await closeSocket(ws);
			await unmount(list);
			box.remove();
		}
	};
}

/** Start a rendered run of `options.mode` (`client` or `guide`). */
export function viewRun(options: RunOptions): ViewRun {
	if (options.mode === 'client') return clientView(options.url, options.maxBufferSize);
	if (options.mode === 'guide') return guideView(options.url, options.maxBufferSize);
	throw new Error(`no rendered run for ${options.mode}`);
}
