/**
 * The render probe: the dashboard's real LogViewer, fed by our whole client path (connection,
 * codec, registry, log store), filling the page (the case sets a 1280 × 800 viewport), following
 * the newest line; or, as the baseline, a bare socket and a bare windowed list of plain rows.
 * While the bench server streams at a set rate it measures what an operator would feel:
 *
 * - frame intervals from `requestAnimationFrame` (fps, p95, the longest);
 * - long tasks (PerformanceObserver `longtask`, ≥ 50 ms by the browser's definition);
 * - latency from the server to the screen: the server stamps every entry with its send time
 *   (`stamp=1`); at each frame the newest row in the DOM is what the previous frame painted, and
 *   its latency is now − its timestamp (so the figure includes up to one frame of slack).
 *   Page and server read the same machine clock.
 */
import { mount, unmount } from 'svelte';
import LogViewer from '$lib/components/LogViewer.svelte';
import { ConnectionClient } from '$lib/connection/client';
import type { RingView } from '$lib/streams';
import { createLogStream, type LogItem } from '$lib/streams/logs';
import type { LogEntry } from '$lib/protocol';
import { isLogGap } from '$lib/render/log-gap';
import type { RenderOptions, RenderResult } from './api';
import { closeSocket } from './close-socket';

function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[i]!;
}

/**
 * What the measuring loop needs from whatever is on screen: the box it fills, the newest seq it
 * holds, the send time of a held seq, and how to tear it down.
 */
interface RenderTarget {
	box: HTMLElement;
	newestSeq(): number;
	/** The timestamp (ms) of the entry with `seq` among the newest items held, if held. */
	timeOf(seq: number): number | undefined;
	/** Unmount and close; resolves once the socket (or its worker) has gone. */
	dispose(): Promise<void>;
	transport: RenderResult['transport'];
}

function fillPage(): HTMLElement {
	const box = document.createElement('div');
	box.style.cssText = 'position:fixed;inset:0;display:flex;flex-direction:column';
	document.body.append(box);
	return box;
}

/**
 * Our client path up to the log store (ConnectionClient, its default transport unless the case
 * asks otherwise, and createLogStream), with the ring view the store publishes: what the LogViewer
 * itself reads (subscribing to `logs` would build a 10,000-entry array every frame, work the
 * dashboard never does).
 */
function ourStream(options: RenderOptions) {
	const connection = new ConnectionClient(
		{ url: options.url },
		options.transport ? { transport: options.transport } : {}
	);
	const stream = createLogStream(connection, { maxBufferSize: options.maxBufferSize });
	let view: RingView<LogItem> | undefined;
	let published = 0;
	const offView = stream.view.subscribe((value) => {
		view = value;
		published++;
	});
	/** The i-th newest item (0 = newest) if it is a log entry (not a gap marker). */
	const entry = (i: number): LogEntry | undefined => {
		const size = view?.size ?? 0;
		if (i >= size) return undefined;
		const item = view!.get(size - 1 - i);
		return isLogGap(item) ? undefined : item;
	};
	return {
		connection,
		stream,
		entry,
		/** Views published so far. */
		published: () => published,
		newestSeq(): number {
			for (let i = 0; i < (view?.size ?? 0); i++) {
				const e = entry(i);
				if (e) return e.seq;
			}
			return -1;
		},
		/** The timestamp of the entry with `seq` among the newest 200 items, if held. */
		timeOf(seq: number): number | undefined {
			for (let i = 0; i < Math.min(200, view?.size ?? 0); i++) {
				const e = entry(i);
				if (e?.seq === seq) return e.timestamp.getTime();
			}
			return undefined;
		},
		async close(): Promise<void> {
			offView();
			connection.dispose();
			// The next run must not share the machine with this one's socket (or its worker).
			await connection.whenDisposed();
		}
	};
}

/**
 * A target on our client path: `show` puts the stream on screen in `box` and returns how to take
 * it off again.
 */
function ourTarget(
	options: RenderOptions,
	show: (box: HTMLElement, ours: ReturnType<typeof ourStream>) => () => void
): RenderTarget {
	const box = fillPage();
	const ours = ourStream(options);
	const hide = show(box, ours);
	ours.connection.connect();
	return {
		box,
		newestSeq: ours.newestSeq,
		timeOf: ours.timeOf,
		get transport() {
			return ours.connection.stats.transport;
		},
		async dispose() {
			hide();
			box.remove();
			await ours.close();
		}
	};
}

/** Ours: the dashboard's LogViewer on ConnectionClient and the log store. */
function logViewerTarget(options: RenderOptions): RenderTarget {
	return ourTarget(options, (box, ours) => {
		const viewer = mount(LogViewer, {
			target: box,
			props: { stream: ours.stream, title: 'Bench' }
		});
		return () => void unmount(viewer);
	});
}

/** Height of a row of the bare list, in CSS pixels. */
const BARE_ROW_PX = 19;

interface BareEntry {
	seq: number;
	timestamp: string | Date;
	level: string;
	message: string;
}

/** What a bare list paints from: how many entries arrived, and the i-th newest (0 = newest). */
interface BareSource {
	count(): number;
	at(i: number): BareEntry | undefined;
}

/**
 * A bare windowed list of plain rows: as many `div`s as fit, their text set once per animation
 * frame from the newest entries (the guide's `[timestamp] level: message`). Returns its stopper.
 */
function paintBareList(box: HTMLElement, source: BareSource): () => void {
	box.style.font = '13px/19px monospace';
	box.style.overflow = 'hidden';
	const rows: HTMLDivElement[] = [];
	for (let i = 0; i < Math.ceil(window.innerHeight / BARE_ROW_PX); i++) {
		const row = document.createElement('div');
		row.dataset.testid = 'log-row';
		row.style.cssText = `height:${BARE_ROW_PX}px;white-space:pre;overflow:hidden`;
		box.append(row);
		rows.push(row);
	}
	let painted = -1;
	let raf = 0;
	const paint = () => {
		const count = source.count();
		if (painted !== count) {
			painted = count;
			for (let r = 0; r < rows.length; r++) {
				const row = rows[r]!;
				// Oldest shown at the top, newest at the bottom, as a followed log reads.
				const e = source.at(rows.length - 1 - r);
				if (!e) {
					row.textContent = '';
					delete row.dataset.seq;
					continue;
				}
				const time = typeof e.timestamp === 'string' ? e.timestamp : e.timestamp.toISOString();
				row.textContent = `[${time}] ${e.level}: ${e.message}`;
				row.dataset.seq = String(e.seq);
			}
		}
		raf = requestAnimationFrame(paint);
	};
	raf = requestAnimationFrame(paint);
	return () => cancelAnimationFrame(raf);
}

/**
 * The physical baseline: a bare WebSocket that JSON-parses each frame into a plain ring of
 * entries (no validation, ordering, resume or store), shown by the bare windowed list. What any
 * page must at least do to show these lines; the gap between it and the LogViewer is what our
 * client path and component cost.
 */
function bareListTarget(options: RenderOptions): RenderTarget {
	const box = fillPage();
	const capacity = options.maxBufferSize;
	const ring: BareEntry[] = new Array<BareEntry>(capacity);
	let count = 0;
	const at = (i: number): BareEntry | undefined =>
		i < Math.min(count, capacity) ? ring[(count - 1 - i) % capacity] : undefined;
	const ws = new WebSocket(options.url);
	ws.onopen = () =>
		ws.send(JSON.stringify({ type: 'subscribe', payload: { stream: 'logs', resourceId: '*' } }));
	ws.onmessage = (event: MessageEvent<string>) => {
		const message = JSON.parse(event.data) as { type: string; payload: unknown };
		if (message.type === 'log_batch') {
			for (const entry of message.payload as BareEntry[]) ring[count++ % capacity] = entry;
		} else if (message.type === 'log_entry') {
			ring[count++ % capacity] = message.payload as BareEntry;
		}
	};
	const stop = paintBareList(box, { count: () => count, at });
	return {
		box,
		newestSeq: () => at(0)?.seq ?? -1,
		timeOf(seq) {
			for (let i = 0; i < Math.min(count, capacity, 200); i++) {
				const e = at(i)!;
				if (e.seq === seq) return Date.parse(e.timestamp as string);
			}
			return undefined;
		},
		transport: 'main',
		async dispose() {
			stop();
			box.remove();
			await closeSocket(ws);
		}
	};
}

/**
 * The split: our whole client path (connection, codec, registry, log store) shown by the bare
 * list instead of the LogViewer, so the gap to the bare baseline divides into what the client
 * path costs and what the component costs.
 */
function clientBareListTarget(options: RenderOptions): RenderTarget {
	// A gap marker shows as an empty row.
	return ourTarget(options, (box, ours) =>
		paintBareList(box, { count: ours.published, at: ours.entry })
	);
}

/** Mount the LogViewer (or the bare list) on a live stream, measure over the window, tear down. */
export async function render(options: RenderOptions): Promise<RenderResult> {
	const target =
		options.view === 'bare'
			? bareListTarget(options)
			: options.view === 'client-bare'
				? clientBareListTarget(options)
				: logViewerTarget(options);
	const { box, newestSeq } = target;

	const longTasks: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) longTasks.push(entry.duration);
	});
	let measuring = false;
	observer.observe({ type: 'longtask', buffered: false });

	const intervals: number[] = [];
	const latencies: number[] = [];
	let maxRows = 0;
	const startedAt = performance.now();
	let firstRowAt = -1;
	let measureFrom = -1;
	let lastFrame = -1;
	let seqAtStart = -1;
	let seqAtEnd = -1;

	await new Promise<void>((resolve, reject) => {
		const frame = (now: number) => {
			const rows = box.querySelectorAll<HTMLElement>('[data-testid="log-row"]');
			const newest = rows[rows.length - 1];
			const seq = newest ? Number(newest.dataset.seq) : -1;
			if (firstRowAt < 0 && seq >= 0) firstRowAt = now;
			if (firstRowAt >= 0 && measureFrom < 0 && now - firstRowAt >= options.warmupMs) {
				measureFrom = now;
				measuring = true;
				longTasks.length = 0;
				seqAtStart = newestSeq();
			} else if (measuring) {
				intervals.push(now - lastFrame);
				maxRows = Math.max(maxRows, rows.length);
				const sentAt = seq >= 0 ? target.timeOf(seq) : undefined;
				if (sentAt !== undefined) latencies.push(Date.now() - sentAt);
				if (now - measureFrom >= options.measureMs) {
					seqAtEnd = newestSeq();
					measuring = false;
					resolve();
					return;
				}
			}
			if (now - startedAt > options.warmupMs + options.measureMs + 30_000) {
				reject(new Error(`render: no rows after ${Math.round(now - startedAt)} ms`));
				return;
			}
			lastFrame = now;
			requestAnimationFrame(frame);
		};
		requestAnimationFrame(frame);
	}).finally(() => observer.disconnect());
	const transport = target.transport;
	await target.dispose();

	const sortedIntervals = [...intervals].sort((a, b) => a - b);
	const sortedLatency = [...latencies].sort((a, b) => a - b);
	const seconds = options.measureMs / 1000;
	const total = intervals.reduce((s, x) => s + x, 0);
	return {
		fps: intervals.length / (total / 1000),
		p95FrameMs: quantile(sortedIntervals, 0.95),
		maxFrameMs: sortedIntervals[sortedIntervals.length - 1] ?? Number.NaN,
		longTasks: longTasks.length,
		longTaskMs: longTasks.reduce((s, x) => s + x, 0),
		latencyP50Ms: quantile(sortedLatency, 0.5),
		latencyP95Ms: quantile(sortedLatency, 0.95),
		entriesPerSecond: seqAtEnd >= 0 && seqAtStart >= 0 ? (seqAtEnd - seqAtStart) / seconds : 0,
		rowsInDom: maxRows,
		frames: intervals.length,
		transport
	};
}
