/**
 * Everything the hub knows in one epoch: a history per stream, the notifications by id (for
 * read/dismiss), and where each task runs. A restart replaces the whole object, which is what
 * "history lost, new epoch" means.
 */
import type {
	LogEntry,
	MetricUpdate,
	Notification,
	Stream,
	StreamItems,
	Task,
	TaskUpdate
} from '../../src/lib/protocol/index';
import type {
	SourceLogEntry,
	SourceMetricUpdate,
	SourceNotification,
	SourceTaskUpdate
} from '../sources/source';
import { newEpoch } from './epoch';
import { HistoryRecord, KeyedHistory, LogRecord, SeqHistory, type StreamHistory } from './history';
import { TaskIndex } from './resource';
import { SlabArena } from './slab-arena';

/** How much history each stream keeps. */
export interface HistoryLimits {
	/** Log entries held. Default 10,000. */
	logs: number;
	/** Notifications held. Default 1,000. */
	notifications: number;
	/** Task updates held. Default 1,000. */
	tasks: number;
	/** Metric samples held per resource (task). Default 600. */
	metricsPerResource: number;
	/** Resources whose metrics are held; the least recently updated go first. Default 64. */
	metricResources: number;
}

/** Defaults of {@link HistoryLimits}. */
export const DEFAULT_HISTORY_LIMITS: HistoryLimits = {
	logs: 10_000,
	notifications: 1_000,
	tasks: 1_000,
	metricsPerResource: 600,
	metricResources: 64
};

/** The message type that carries one item of each stream. */
export const LIVE_TYPES = {
	logs: 'log_entry',
	metrics: 'metric_update',
	notifications: 'notification',
	tasks: 'task_update'
} as const satisfies Record<Stream, string>;

type Histories = { [S in Stream]: StreamHistory<StreamItems[S]> };

/** Tasks whose latest state is kept for re-publication (see {@link EpochState.publishTask}). */
const MAX_KNOWN_TASKS = 10_000;
/** Re-publications per published task update, so a tiny history cannot loop forever. */
const MAX_REFRESH_PER_UPDATE = 4;

/** One epoch's state. */
export class EpochState {
	/** This epoch's name. */
	readonly epoch: string;
	/** When this epoch began (ms since 1970). */
	readonly startedAt = Date.now();
	readonly logs: SeqHistory<LogEntry>;
	readonly metrics: KeyedHistory<MetricUpdate>;
	readonly notifications: SeqHistory<Notification>;
	readonly tasks: SeqHistory<TaskUpdate>;
	/** Notifications still in history, by id. */
	readonly notificationsById = new Map<string, HistoryRecord<Notification>>();
	/** Where tasks run, learnt from task updates. */
	readonly taskIndex = new TaskIndex();
	readonly #histories: Histories;
	/** Each known task's full latest state and the seq of its latest update. */
	readonly #latestTasks = new Map<string, { seq: number; task: Task }>();
	/** Tasks whose latest update history just evicted. */
	readonly #refresh: string[] = [];
	/** The JSON of the log entries in history. */
	readonly #logBytes = new SlabArena();

	constructor(limits: HistoryLimits, epoch = newEpoch()) {
		this.epoch = epoch;
		this.logs = new SeqHistory(limits.logs, (evicted) => {
			if (evicted instanceof LogRecord) this.#logBytes.release(evicted);
		});
		this.metrics = new KeyedHistory({
			perKey: limits.metricsPerResource,
			maxKeys: limits.metricResources,
			keyOf: (record) => record.item.resourceId
		});
		this.notifications = new SeqHistory(limits.notifications, (evicted) => {
			// Only delete the index entry if it still points at this record (ids could repeat).
			if (this.notificationsById.get(evicted.item.id) === evicted) {
				this.notificationsById.delete(evicted.item.id);
			}
		});
		this.tasks = new SeqHistory(limits.tasks, (evicted) => {
			if (this.#latestTasks.get(evicted.item.taskId)?.seq === evicted.seq) {
				this.#refresh.push(evicted.item.taskId);
			}
		});
		this.#histories = {
			logs: this.logs,
			metrics: this.metrics,
			notifications: this.notifications,
			tasks: this.tasks
		};
	}

	/** The history of one stream. */
	history<S extends Stream>(stream: S): StreamHistory<StreamItems[S]> {
		return this.#histories[stream];
	}

	/** Stamp and store a log entry (kept as it is: see {@link LogRecord}). */
	publishLog(entry: SourceLogEntry): LogRecord {
		const seq = this.logs.lastSeq + 1;
		const record = new LogRecord(entry, seq, this.taskIndex.logKeys(entry), this.#logBytes);
		this.logs.append(record);
		return record;
	}

	/** Stamp and store a metric update. */
	publishMetrics(update: SourceMetricUpdate): HistoryRecord<MetricUpdate> {
		const item: MetricUpdate = { ...update, seq: this.metrics.lastSeq + 1 };
		const record = new HistoryRecord(LIVE_TYPES.metrics, item, this.taskIndex.metricKeys(update));
		this.metrics.append(record);
		return record;
	}

	/** Stamp and store a notification (its read/dismissed state then lives here). */
	publishNotification(notification: SourceNotification): HistoryRecord<Notification> {
		const item: Notification = { ...notification, seq: this.notifications.lastSeq + 1 };
		const keys = this.taskIndex.notificationKeys(notification);
		const record = new HistoryRecord(LIVE_TYPES.notifications, item, keys);
		this.notifications.append(record);
		this.notificationsById.set(item.id, record);
		return record;
	}

	/**
	 * Stamp and store a task update (and learn where the task runs).
	 *
	 * The protocol has no snapshot message: a fresh client learns the tasks from the history of
	 * task updates. So that a long-running task does not vanish from that history when its last
	 * update is evicted, the task's latest state is published again (`updateType: 'updated'`,
	 * full `task`) at that moment. Clients treat it like any update; it changes nothing.
	 */
	publishTask(update: SourceTaskUpdate): HistoryRecord<TaskUpdate> {
		const record = this.#appendTask(update);
		for (let i = 0; i < MAX_REFRESH_PER_UPDATE && this.#refresh.length > 0; i++) {
			const taskId = this.#refresh.shift();
			const latest = taskId === undefined ? undefined : this.#latestTasks.get(taskId);
			if (taskId === undefined || latest === undefined) continue;
			this.#appendTask({ taskId, updateType: 'updated', task: latest.task, timestamp: new Date() });
		}
		this.#refresh.length = 0;
		return record;
	}

	#appendTask(update: SourceTaskUpdate): HistoryRecord<TaskUpdate> {
		const item: TaskUpdate = { ...update, seq: this.tasks.lastSeq + 1 };
		const record = new HistoryRecord(LIVE_TYPES.tasks, item, this.taskIndex.taskKeys(update));
		this.tasks.append(record);
		this.#rememberTask(update, item.seq);
		return record;
	}

	#rememberTask(update: SourceTaskUpdate, seq: number): void {
		const known = this.#latestTasks.get(update.taskId);
		this.#latestTasks.delete(update.taskId);
		if (update.updateType === 'deleted') return;
		const task =
			update.task ?? (known && update.changes ? { ...known.task, ...update.changes } : known?.task);
		if (task === undefined) return;
		this.#latestTasks.set(update.taskId, { seq, task });
		if (this.#latestTasks.size > MAX_KNOWN_TASKS) {
			const oldest = this.#latestTasks.keys().next();
			if (!oldest.done) this.#latestTasks.delete(oldest.value);
		}
	}
}
