/**
 * The render probe: the dashboard's real LogViewer, fed by our whole client path (connection,
 * codec, registry, log store), filling the page (the case sets a 1280 × 800 viewport), following
 * the newest line.
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
import type { RenderOptions, RenderResult } from './api';

function quantile(sorted: readonly number[], q: number): number {
	if (sorted.length === 0) return Number.NaN;
	const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
	return sorted[i]!;
}

/** Mount the LogViewer on a live stream, measure over the window, tear everything down. */
export async function render(options: RenderOptions): Promise<RenderResult> {
	const box = document.createElement('div');
	box.style.cssText = 'position:fixed;inset:0;display:flex;flex-direction:column';
	document.body.append(box);
	// The client's default transport (frames decoded on the main thread) unless the case asks otherwise.
	const connection = new ConnectionClient(
		{ url: options.url },
		options.transport ? { transport: options.transport } : {}
	);
	const stream = createLogStream(connection, { maxBufferSize: options.maxBufferSize });
	// The ring view the LogViewer itself reads (subscribing to `logs` would build a 10,000-entry
	// array every frame, work the dashboard never does).
	let view: RingView<LogItem> | undefined;
	const offView = stream.view.subscribe((value) => (view = value));
	const newestSeq = (): number => {
		for (let i = (view?.size ?? 0) - 1; i >= 0; i--) {
			const item = view!.get(i) as Partial<LogEntry>;
			if (typeof item.seq === 'number') return item.seq;
		}
		return -1;
	};
	const viewer = mount(LogViewer, { target: box, props: { stream, title: 'Bench' } });
	connection.connect();

	const longTasks: number[] = [];
	const observer = new PerformanceObserver((list) => {
		for (const entry of list.getEntries()) longTasks.push(entry.duration);
	});
	let measuring = false;
	observer.observe({ type: 'longtask', buffered: false });

	/** The timestamp (ms) of the entry with `seq` among the newest items of the view, if held. */
	const timeOf = (seq: number): number | undefined => {
		const size = view?.size ?? 0;
		for (let i = size - 1; i >= Math.max(0, size - 200); i--) {
			const item = view!.get(i) as Partial<LogEntry>;
			if (item.seq === seq) return item.timestamp?.getTime();
		}
		return undefined;
	};

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
				const sentAt = seq >= 0 ? timeOf(seq) : undefined;
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
	}).finally(() => {
		observer.disconnect();
		offView();
		void unmount(viewer);
		connection.dispose();
		box.remove();
	});
	const transport = connection.stats.transport;
	// The next run must not share the machine with this one's socket (or its worker).
	await connection.whenDisposed();

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
