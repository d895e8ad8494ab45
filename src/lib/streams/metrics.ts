/**
 * Live CPU, memory (and network) per task: the KECS guide's `useWebSocketMetrics`, over the
 * tab's one connection.
 *
 * Samples go into one {@link ColumnarRing} per task (time + one column per series), bounded by
 * `maxPoints` and trimmed to `retention` minutes, so a chart gets `Float64Array` views (no copy,
 * no `{timestamp, value}` object per sample) and memory stays flat however long the tab runs.
 *
 * The guide's example read `resource.cpu.points[0]?.value` as the current value; `points` are
 * oldest first (as the protocol sends them), so that was the oldest sample in the window. Here
 * `latest(taskId)`, `series.latest` and the last element of a column are the newest; `points`
 * keeps the protocol's order and is built only when someone reads it.
 */
import type { Readable } from 'svelte/store';
import type { ItemsMeta } from '$lib/connection/subscriptions';
import type { MetricPoint, MetricSeries, MetricUpdate } from '$lib/protocol';
import {
	animationFrame,
	FrameBatcher,
	realTimers,
	type FrameScheduler,
	type Timers
} from './frame';
import { Lease, leasedCell, type LeasedCell } from './lease';
import { LinkStores } from './link';
import { ColumnarRing } from './ring';
import { contextClient, type ContextOptions, type StreamClient } from './stream-client';

/** A metric the store can keep. `network` keeps received and transmitted bytes. */
export type MetricName = 'cpu' | 'memory' | 'network';

/** Options of {@link createMetricsStream} (the guide's `useWebSocketMetrics` options). */
export interface MetricsOptions {
	/** Tasks (ARNs) to follow, one subscription each; empty or absent follows every task. Default every task. */
	taskIds?: readonly string[];
	/** Metrics to keep. Default ['cpu', 'memory']. */
	metrics?: readonly MetricName[];
	/**
	 * Least time between two publishes of `metrics`, in ms: samples keep arriving at the source's
	 * rate (about one per second per task) and are stored at once, but the UI is told at most
	 * this often (and at most once per frame). `latest()` always reads the newest sample.
	 * Default 5000.
	 */
	interval?: number;
	/** Minutes of samples kept per task, counted back from its newest sample. Default 60. */
	retention?: number;
	/** Samples kept per task at most (the ring's capacity). Default retention × 60, one per second. */
	maxPoints?: number;
	/** Metric updates of history loaded per subscription (the protocol allows 1000). Default 1000. */
	history?: number;
	/** Frame scheduler for publishing. Default `requestAnimationFrame` (a 16 ms timeout where there is none). */
	schedule?: FrameScheduler;
	/** Clock and delays (publish interval, pruning). Default `Date.now` and `setTimeout`. */
	timers?: Timers;
}

/** One series of one task, as the store publishes it. */
export interface MetricSeriesView {
	/** Series name from the wire (`cpu`, `memory`, `rx`, `tx`). */
	readonly name: string;
	/** Unit from the wire (`percent`, `MiB`, ...). */
	readonly unit: string;
	/** Samples oldest first, as on the wire (so `points[0]` is the OLDEST); built when first read. */
	readonly points: MetricPoint[];
	/** The newest sample with a value, or undefined. */
	readonly latest: MetricPoint | undefined;
	/** Values oldest first (a view; NaN where the series had no sample at that time). */
	readonly values: Float64Array;
}

/** Columnar samples ready for uPlot / `MetricsChart`: `t` in seconds since 1970. */
export interface MetricColumns {
	readonly t: Float64Array;
	readonly cpu: Float64Array;
	readonly mem: Float64Array;
	/** Network bytes received and transmitted, when `network` is kept. */
	readonly rx?: Float64Array;
	readonly tx?: Float64Array;
}

/** One task's metrics, shaped like the guide's example (`resource.taskId`, `resource.cpu.points`). */
export interface TaskMetrics {
	readonly taskId: string;
	/** The resource id the samples were published under (the task ARN). */
	readonly resourceId: string;
	readonly serviceName: string | undefined;
	readonly cpu: MetricSeriesView;
	readonly memory: MetricSeriesView;
	/** Present when `network` is kept. */
	readonly network?: { readonly rx: MetricSeriesView; readonly tx: MetricSeriesView };
	/** The same samples as columns, for a chart. */
	readonly columns: MetricColumns;
	/** Samples held. */
	readonly size: number;
	/** Changes whenever this task's samples changed (a new object is published too). */
	readonly version: number;
}

/** The newest sample of a task. */
export interface LatestSample {
	readonly timestamp: Date;
	/** Percent of the CPU reservation, or null when the newest sample has none. */
	readonly cpu: number | null;
	/** MiB, or null. */
	readonly memory: number | null;
	readonly rx?: number | null;
	readonly tx?: number | null;
}

/** What {@link createMetricsStream} and `useWebSocketMetrics` return. */
export interface MetricsStream {
	/** One entry per task, in `taskIds` order (else first seen), at most once per `interval`. */
	readonly metrics: Readable<TaskMetrics[]>;
	/** The newest sample of `taskId` (the ring's last row, not `points[0]`), or undefined. */
	latest(taskId: string): LatestSample | undefined;
	/** The connection's error, or null. */
	readonly error: Readable<Error | null>;
	/** True while the connection is open. */
	readonly isConnected: Readable<boolean>;
	/** True while a lost connection is being re-established. */
	readonly isReconnecting: Readable<boolean>;
	/** Follow other tasks (subscriptions are added and removed to match). */
	setTaskIds(taskIds: readonly string[] | undefined): void;
	/** Hold the subscription without a store subscriber; returns the release function. */
	retain(): () => void;
}

const COLUMN_CPU = 0;
const COLUMN_MEM = 1;
const COLUMN_RX = 2;
const COLUMN_TX = 3;
const HISTORY_MAX = 1000;

const EMPTY = new Float64Array(0);

function lastFinite(values: Float64Array): number {
	for (let i = values.length - 1; i >= 0; i--) {
		const v = values[i]!;
		if (Number.isFinite(v)) return i;
	}
	return -1;
}

/** A series view over column views; `points` is built on first read (object per sample). */
class SeriesView implements MetricSeriesView {
	#points: MetricPoint[] | undefined;

	constructor(
		readonly name: string,
		readonly unit: string,
		private readonly times: Float64Array,
		readonly values: Float64Array
	) {}

	get points(): MetricPoint[] {
		if (this.#points === undefined) {
			const out: MetricPoint[] = [];
			for (let i = 0; i < this.values.length; i++) {
				const value = this.values[i]!;
				if (Number.isFinite(value)) {
					out.push({ timestamp: new Date(this.times[i]! * 1000), value });
				}
			}
			this.#points = out;
		}
		return this.#points;
	}

	get latest(): MetricPoint | undefined {
		const i = lastFinite(this.values);
		return i < 0
			? undefined
			: { timestamp: new Date(this.times[i]! * 1000), value: this.values[i]! };
	}
}

/** Everything kept about one task. */
interface TaskState {
	taskId: string;
	resourceId: string;
	serviceName: string | undefined;
	ring: ColumnarRing;
	names: string[];
	units: string[];
	version: number;
	published: TaskMetrics | undefined;
}

class MetricsCore {
	readonly #client: StreamClient | null;
	readonly #keepCpu: boolean;
	readonly #keepMemory: boolean;
	readonly #keepNetwork: boolean;
	readonly #columns: number;
	readonly #interval: number;
	readonly #retentionSeconds: number;
	readonly #capacity: number;
	readonly #history: number;
	readonly #timers: Timers;
	readonly #batcher: FrameBatcher;
	readonly #lease: Lease;
	readonly link: LinkStores;
	readonly #metrics: LeasedCell<TaskMetrics[]>;

	#taskIds: string[];
	readonly #tasks = new Map<string, TaskState>();
	readonly #subscriptions = new Map<string, () => void>();
	#offChange: (() => void) | undefined;
	#dataDirty = false;
	#lastPublish = -Infinity;
	#cancelDelay: (() => void) | undefined;
	/** Scratch row and series reused for every sample (no allocation per sample). */
	readonly #row: number[];
	readonly #series: (MetricSeries | undefined)[];
	readonly #cursor = [0, 0, 0, 0];

	constructor(client: StreamClient | null, options: MetricsOptions) {
		this.#client = client;
		const kept = options.metrics ?? ['cpu', 'memory'];
		this.#keepCpu = kept.includes('cpu');
		this.#keepMemory = kept.includes('memory');
		this.#keepNetwork = kept.includes('network');
		this.#columns = this.#keepNetwork ? 4 : 2;
		this.#row = new Array<number>(this.#columns).fill(NaN);
		this.#series = new Array<MetricSeries | undefined>(this.#columns).fill(undefined);
		this.#interval = Math.max(0, options.interval ?? 5000);
		const retention = options.retention ?? 60;
		if (!(retention > 0)) throw new RangeError(`retention must be > 0 minutes, got ${retention}`);
		this.#retentionSeconds = retention * 60;
		this.#capacity = Math.max(1, Math.floor(options.maxPoints ?? Math.ceil(retention * 60)));
		this.#history = Math.max(0, Math.min(Math.floor(options.history ?? HISTORY_MAX), HISTORY_MAX));
		this.#timers = options.timers ?? realTimers;
		this.#taskIds = [...new Set(options.taskIds ?? [])];
		this.#batcher = new FrameBatcher(options.schedule ?? animationFrame, this.#flush);
		this.#lease = new Lease(this.#start, this.#stop);
		this.link = new LinkStores(this.#lease);
		this.#metrics = leasedCell<TaskMetrics[]>(this.#lease, []);
	}

	result(): MetricsStream {
		return {
			metrics: this.#metrics.store,
			latest: (taskId) => this.latest(taskId),
			error: this.link.error,
			isConnected: this.link.isConnected,
			isReconnecting: this.link.isReconnecting,
			setTaskIds: (taskIds) => this.setTaskIds(taskIds),
			retain: () => this.#lease.acquire()
		};
	}

	// ---- lifecycle ---------------------------------------------------------------------------

	readonly #start = (): void => {
		const client = this.#client;
		if (!client) return;
		this.#offChange = client.onChange(this.#onLinkChange);
		this.#syncSubscriptions();
		this.#batcher.request();
	};

	readonly #stop = (): void => {
		this.#offChange?.();
		this.#offChange = undefined;
		for (const off of this.#subscriptions.values()) off();
		this.#subscriptions.clear();
		this.#cancelDelay?.();
		this.#cancelDelay = undefined;
		this.#batcher.cancel();
	};

	/** One subscription per followed task (the registry shares each with other stores), or `*`. */
	#syncSubscriptions(): void {
		const client = this.#client;
		if (!client || !this.#lease.active) return;
		const wanted = new Set(this.#taskIds.length > 0 ? this.#taskIds : ['*']);
		for (const [resourceId, off] of this.#subscriptions) {
			if (!wanted.has(resourceId)) {
				off();
				this.#subscriptions.delete(resourceId);
			}
		}
		for (const resourceId of wanted) {
			if (this.#subscriptions.has(resourceId)) continue;
			this.#subscriptions.set(
				resourceId,
				client.subscribe('metrics', {
					resourceId,
					history: this.#history,
					onItems: this.#onItems
				})
			);
		}
	}

	readonly #onLinkChange = (): void => {
		this.#batcher.request();
	};

	// ---- ingest ------------------------------------------------------------------------------

	readonly #onItems = (items: readonly MetricUpdate[], _meta: ItemsMeta<'metrics'>): void => {
		let changed = false;
		for (const update of items) if (this.#apply(update)) changed = true;
		if (changed) this.#markDirty();
	};

	/** Store one update's samples; true if any row was added. */
	#apply(update: MetricUpdate): boolean {
		const m = update.metrics;
		const taskId = m.taskId ?? update.resourceId;
		if (this.#taskIds.length > 0 && !this.#taskIds.includes(taskId)) return false;
		const task = this.#tasks.get(taskId) ?? this.#newTask(taskId, update.resourceId);
		if (m.serviceName !== undefined) task.serviceName = m.serviceName;
		const series = this.#series;
		series[COLUMN_CPU] = this.#keepCpu ? m.cpu : undefined;
		series[COLUMN_MEM] = this.#keepMemory ? m.memory : undefined;
		if (this.#keepNetwork) {
			series[COLUMN_RX] = m.network?.rx;
			series[COLUMN_TX] = m.network?.tx;
		}
		for (let c = 0; c < series.length; c++) {
			const s = series[c];
			if (s) {
				task.names[c] = s.name;
				task.units[c] = s.unit;
			}
		}
		const added = this.#merge(task.ring, series);
		if (added > 0) {
			task.ring.trimBefore(task.ring.lastTime() - this.#retentionSeconds);
			task.version++;
		}
		return added > 0;
	}

	/**
	 * Merge the series' points (each oldest first) into rows by timestamp: one row per distinct
	 * time, NaN where a series has no point at that time. Rows not newer than the ring's newest
	 * are skipped, so a replay or an overlapping history adds nothing twice.
	 */
	#merge(ring: ColumnarRing, series: (MetricSeries | undefined)[]): number {
		const cursor = this.#cursor;
		const row = this.#row;
		cursor.fill(0);
		let added = 0;
		let last = ring.size > 0 ? ring.lastTime() : -Infinity;
		for (;;) {
			let t = Infinity;
			for (let c = 0; c < series.length; c++) {
				const points = series[c]?.points;
				if (points && cursor[c]! < points.length) {
					const pt = points[cursor[c]!]!.timestamp.getTime() / 1000;
					if (pt < t) t = pt;
				}
			}
			if (t === Infinity) break;
			for (let c = 0; c < row.length; c++) {
				const points = series[c]?.points;
				row[c] = NaN;
				if (points && cursor[c]! < points.length) {
					const point = points[cursor[c]!]!;
					if (point.timestamp.getTime() / 1000 === t) {
						row[c] = point.value;
						cursor[c]!++;
					}
				}
			}
			if (t > last && Number.isFinite(t)) {
				ring.push(t, row);
				last = t;
				added++;
			}
		}
		return added;
	}

	#markDirty(): void {
		this.#dataDirty = true;
		if (this.#cancelDelay !== undefined) return;
		const wait = this.#lastPublish + this.#interval - this.#timers.now();
		if (wait <= 0) {
			this.#batcher.request();
		} else {
			this.#cancelDelay = this.#timers.after(wait, () => {
				this.#cancelDelay = undefined;
				this.#batcher.request();
			});
		}
	}

	// ---- publishing --------------------------------------------------------------------------

	readonly #flush = (): void => {
		this.link.update(this.#client, null);
		if (!this.#dataDirty || this.#cancelDelay !== undefined) return;
		const now = this.#timers.now();
		if (now - this.#lastPublish < this.#interval) {
			this.#markDirtyLater(now);
			return;
		}
		this.#dataDirty = false;
		this.#lastPublish = now;
		this.#prune(now / 1000);
		const out: TaskMetrics[] = [];
		for (const task of this.#ordered()) {
			if (task.published === undefined || task.published.version !== task.version) {
				task.published = this.#entry(task);
			}
			out.push(task.published);
		}
		this.#metrics.set(out);
	};

	#markDirtyLater(now: number): void {
		this.#cancelDelay = this.#timers.after(this.#lastPublish + this.#interval - now, () => {
			this.#cancelDelay = undefined;
			this.#batcher.request();
		});
	}

	/** Forget tasks not heard from within the retention (they stopped); listed tasks stay. */
	#prune(nowSeconds: number): void {
		for (const [taskId, task] of this.#tasks) {
			if (this.#taskIds.includes(taskId)) continue;
			const newest = task.ring.lastTime();
			if (!(newest >= nowSeconds - this.#retentionSeconds)) this.#tasks.delete(taskId);
		}
	}

	#ordered(): TaskState[] {
		if (this.#taskIds.length === 0) return [...this.#tasks.values()];
		const out: TaskState[] = [];
		for (const id of this.#taskIds) {
			// A listed task with no samples yet still gets its (empty) entry, as in the guide.
			out.push(this.#tasks.get(id) ?? this.#newTask(id, id));
		}
		return out;
	}

	#newTask(taskId: string, resourceId: string): TaskState {
		const task: TaskState = {
			taskId,
			resourceId,
			serviceName: undefined,
			ring: new ColumnarRing(this.#capacity, this.#columns),
			names: ['cpu', 'memory', 'rx', 'tx'],
			units: ['percent', 'MiB', 'bytes', 'bytes'],
			version: 0,
			published: undefined
		};
		this.#tasks.set(taskId, task);
		return task;
	}

	#entry(task: TaskState): TaskMetrics {
		const ring = task.ring;
		const t = ring.times();
		const column = (c: number) => (c < this.#columns ? ring.values(c) : EMPTY);
		const view = (c: number) => new SeriesView(task.names[c]!, task.units[c]!, t, column(c));
		const cpu = column(COLUMN_CPU);
		const mem = column(COLUMN_MEM);
		const columns: MetricColumns = this.#keepNetwork
			? { t, cpu, mem, rx: column(COLUMN_RX), tx: column(COLUMN_TX) }
			: { t, cpu, mem };
		const entry: TaskMetrics = {
			taskId: task.taskId,
			resourceId: task.resourceId,
			serviceName: task.serviceName,
			cpu: view(COLUMN_CPU),
			memory: view(COLUMN_MEM),
			columns,
			size: ring.size,
			version: task.version
		};
		if (this.#keepNetwork) {
			return { ...entry, network: { rx: view(COLUMN_RX), tx: view(COLUMN_TX) } };
		}
		return entry;
	}

	// ---- queries and actions -----------------------------------------------------------------

	latest(taskId: string): LatestSample | undefined {
		const ring = this.#tasks.get(taskId)?.ring;
		if (!ring || ring.size === 0) return undefined;
		const i = ring.size - 1;
		const value = (c: number) => {
			if (c >= this.#columns) return null;
			const v = ring.value(c, i);
			return Number.isFinite(v) ? v : null;
		};
		const sample: LatestSample = {
			timestamp: new Date(ring.time(i) * 1000),
			cpu: value(COLUMN_CPU),
			memory: value(COLUMN_MEM)
		};
		return this.#keepNetwork ? { ...sample, rx: value(COLUMN_RX), tx: value(COLUMN_TX) } : sample;
	}

	setTaskIds(taskIds: readonly string[] | undefined): void {
		const next = [...new Set(taskIds ?? [])];
		if (next.length === this.#taskIds.length && next.every((id, i) => id === this.#taskIds[i])) {
			return;
		}
		this.#taskIds = next;
		if (next.length > 0) {
			for (const id of [...this.#tasks.keys()]) if (!next.includes(id)) this.#tasks.delete(id);
		}
		this.#syncSubscriptions();
		// A change of selection shows at once, not after the interval.
		this.#dataDirty = true;
		this.#lastPublish = -Infinity;
		this.#cancelDelay?.();
		this.#cancelDelay = undefined;
		this.#batcher.request();
	}
}

/**
 * The metrics stream over `client` (framework-agnostic core of `useWebSocketMetrics`). Creates
 * no socket; subscribes while a store has a subscriber (or `retain()` is held). A null client
 * (server rendering) gives inert stores.
 */
export function createMetricsStream(
	client: StreamClient | null,
	options: MetricsOptions = {}
): MetricsStream {
	return new MetricsCore(client, options).result();
}

/**
 * The KECS guide's `useWebSocketMetrics` over the tab's connection from context (or
 * `options.connection`). Call during component initialisation.
 *
 * ```svelte
 * const { metrics, latest } = useWebSocketMetrics({ taskIds, metrics: ['cpu', 'memory'] });
 * {#each $metrics as resource (resource.taskId)}
 * 	<p>CPU: {resource.cpu.latest?.value}%</p>
 * 	<MetricsChart data={resource.columns} version={resource.version} />
 * {/each}
 * ```
 */
export function useWebSocketMetrics(options: MetricsOptions & ContextOptions = {}): MetricsStream {
	return createMetricsStream(contextClient(options), options);
}
