/**
 * What the gateway's hub needs from a source of ECS events (the built-in simulator, or a real
 * KECS). A source produces items without sequence numbers; the hub stamps `seq` per stream and
 * keeps the history, so every source gets the same resume semantics for free.
 */
import type {
	LogEntry,
	MetricUpdate,
	Notification,
	Task,
	TaskUpdate
} from '../../src/lib/protocol/types';

/** Items as a source emits them: the hub assigns `seq`. */
export type SourceLogEntry = Omit<LogEntry, 'seq'>;
export type SourceMetricUpdate = Omit<MetricUpdate, 'seq'>;
export type SourceNotification = Omit<Notification, 'seq'>;
export type SourceTaskUpdate = Omit<TaskUpdate, 'seq'>;

/** Where a source delivers what it sees. Calls are synchronous and cheap (the hub buffers). */
export interface SourceSink {
	/**
	 * A log entry. The hub keeps the object as it is (it is not copied: logs come by the hundred
	 * thousand a second), so a source must not change an entry after publishing it.
	 */
	log(entry: SourceLogEntry): void;
	metrics(update: SourceMetricUpdate): void;
	notification(notification: SourceNotification): void;
	task(update: SourceTaskUpdate): void;
}

/** A source's own health, shown beside the connection's (a KECS that is down, say). */
export interface SourceHealth {
	status: 'starting' | 'healthy' | 'degraded' | 'down';
	/** Human-readable detail, e.g. "ECS API unreachable: ECONNREFUSED". */
	detail?: string;
	since: Date;
}

export interface Source {
	/** Short name for logs and the UI: "simulator", "kecs". */
	readonly name: string;
	/** Whether this source produces CPU/memory metrics at all (KECS has no such feed). */
	readonly providesMetrics: boolean;
	/** Begin producing into `sink`. Called once. */
	start(sink: SourceSink): void;
	/** Stop all timers and connections; the process must be able to exit afterwards. */
	stop(): Promise<void> | void;
	/** The tasks as the source knows them now (for a fresh client's first view). */
	tasks(): Task[];
	health(): SourceHealth;
	/**
	 * Optional. Which log resources clients are subscribed to now: the union of every connected
	 * client's `logs` subscription `resourceId`s (`*`, a task ARN or id, `service:<name>`,
	 * `cluster:<name>`). The hub calls it whenever that set changes (and not when it does not).
	 * A source that must open a connection per task to get its logs (KECS) opens and closes them
	 * by this; a source that produces every log anyway (the simulator) leaves it out.
	 */
	setLogInterest?(resourceIds: ReadonlySet<string>): void;
}
