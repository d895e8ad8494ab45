/**
 * What the bench page exposes as `window.kecsBench`, shared by the page (bench/page/main.ts) and
 * the cases that drive it over CDP. Types only.
 */

/**
 * - `bare`: a WebSocket whose handler only JSON-parses (the browser's limit).
 * - `client`: our whole client path: `ConnectionClient` (statechart, codec validation,
 *   subscription registry) into `createLogStream`'s ring, with its `logs` store subscribed so it
 *   materialises once per frame as `$logs` does in a component. With the client's default
 *   transport: frames received and decoded on the main thread.
 * - `client_worker`: the same with `transport: 'worker'` (frames received and decoded in a Worker,
 *   src/lib/connection/worker-socket.ts), for comparison.
 * - `guide`: the KECS guide's approach: JSON.parse, then `logs = [...logs, e].slice(-max)` per entry.
 * - `partysocket`, `reconnecting_websocket`: (d) that wrapper's reconnecting socket with the glue a
 *   developer would write (JSON.parse, hand entries over) feeding the same log store (peers.ts).
 */
export type IngestMode =
	'bare' | 'client' | 'client_worker' | 'guide' | 'partysocket' | 'reconnecting_websocket';

/** Options of one run. */
export interface RunOptions {
	mode: IngestMode;
	/** The bench server's WebSocket URL, query included (it says how frames are paced). */
	url: string;
	/** Lines kept by `client` and `guide`. */
	maxBufferSize: number;
	/**
	 * Render what the run takes (`client` and `guide` only; the memory case, bench/page/views.ts):
	 * `client` mounts the dashboard's LogViewer on the log stream (which reads the ring view; the
	 * `logs` store is not subscribed), filling the page and following the newest line; `guide`
	 * renders every held entry as the guide does (GuideLogList.svelte, a keyed `{#each}`), once per
	 * animation frame. Default false: nothing is rendered.
	 */
	view?: boolean;
}

/** Options of {@link KecsBench.ingest}. */
export interface IngestOptions extends RunOptions {
	/** From the first entry, before the window opens. */
	warmupMs: number;
	/** The window. */
	measureMs: number;
	/** Reject when not done by then. Default 60,000 ms. */
	timeoutMs?: number;
}

/** Where a run stands. */
export interface RunStatus {
	mode: IngestMode;
	/** Entries that reached the consumer (for `client`: visible in the published store). */
	entries: number;
	/** Entries held by the consumer now (its buffer). */
	held: number;
	/** Log frames received (`bare`, `guide`) or inbound messages (`client`). */
	frames: number;
	/** Frames that failed validation (`client` only). */
	invalid: number;
	/** Lines the store reported as let go (`client` only). */
	dropped: number;
	/** Store publications so far (`client` only). */
	publications: number;
	/** Where the client decoded frames (`client` modes only: its `stats.transport`). */
	transport?: 'worker' | 'main';
	/** With `view`: log rows in the document now. */
	rowsInDom?: number;
	/** With `view`: animation frames since the run started (the tab's frame rate). */
	animationFrames?: number;
	/** With `view` and `guide`: renders of the list so far (at most one per animation frame). */
	renders?: number;
}

/** What {@link KecsBench.ingest} returns. */
export interface IngestResult extends RunStatus {
	/** Entries in the window ÷ its length. */
	rate: number;
	/** The window's length in seconds. */
	seconds: number;
	/** Animation frames sampled. */
	samples: number;
	/** From the call to the first entry seen (connect, handshake, first frame), in ms. */
	startupMs: number;
	/** From the call to the end of the window, in ms. */
	totalMs: number;
}

/** Options of {@link KecsBench.render}. */
export interface RenderOptions {
	/** WebSocket URL of the bench server (with `stamp=1` for latency, `wait=history`). */
	url: string;
	/** Lines the log store keeps. */
	maxBufferSize: number;
	/** From the first row on screen to the start of the window, in ms. */
	warmupMs: number;
	/** Length of the window, in ms. */
	measureMs: number;
	/** The client's transport. Default its own default (`main`). */
	transport?: 'worker' | 'main';
	/**
	 * What is on screen: `logviewer` (default) the dashboard's LogViewer on our client path;
	 * `bare` the baseline, a bare WebSocket + JSON.parse into a plain ring and a bare windowed list
	 * of plain rows (bench/page/render.ts). `bare` needs the server's `wait=subscribe`.
	 * `client-bare` our client path and log store shown by the bare list: the split between
	 * what the client path and what the component cost.
	 */
	view?: 'logviewer' | 'bare' | 'client-bare';
}

/** What {@link KecsBench.render} measured over its window. */
export interface RenderResult {
	/** Animation frames per second. */
	fps: number;
	/** 95th percentile of the interval between animation frames, in ms. */
	p95FrameMs: number;
	maxFrameMs: number;
	/** Long tasks (≥ 50 ms) and their total duration. */
	longTasks: number;
	longTaskMs: number;
	/** Server send time to the row on screen, in ms. */
	latencyP50Ms: number;
	latencyP95Ms: number;
	/** Entries the store took per second over the window. */
	entriesPerSecond: number;
	/** The most log rows in the DOM at once (the windowed list keeps this small). */
	rowsInDom: number;
	frames: number;
	/** Where the client decoded frames (its `stats.transport`). */
	transport: 'worker' | 'main';
}

/** `window.kecsBench`. */
export interface KecsBench {
	ready: true;
	/** Connect, warm up, measure entries/s over the window, disconnect. */
	ingest(options: IngestOptions): Promise<IngestResult>;
	/** Mount the LogViewer on a live stream and measure frames, long tasks and latency. */
	render(options: RenderOptions): Promise<RenderResult>;
	/** Start a run that lasts until {@link KecsBench.stop}; returns its handle. */
	start(options: RunOptions): number;
	/** A running run's status. */
	status(handle: number): RunStatus;
	/** Stop a run; resolves with its final status once its socket has closed. */
	stop(handle: number): Promise<RunStatus>;
}
