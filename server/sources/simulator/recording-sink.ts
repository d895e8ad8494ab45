/**
 * A `SourceSink` that keeps everything it is given, in order, for tests and benchmarks of the
 * simulator (and of anything else that consumes a `Source`).
 */
import type {
	SourceLogEntry,
	SourceMetricUpdate,
	SourceNotification,
	SourceSink,
	SourceTaskUpdate
} from '../source';

/** One item as the sink received it, tagged with its kind. */
export type RecordedEvent =
	| { kind: 'log'; item: SourceLogEntry }
	| { kind: 'metrics'; item: SourceMetricUpdate }
	| { kind: 'notification'; item: SourceNotification }
	| { kind: 'task'; item: SourceTaskUpdate };

/** A sink that records every call; `events` keeps the order across kinds. */
export interface RecordingSink extends SourceSink {
	readonly events: RecordedEvent[];
	readonly logs: SourceLogEntry[];
	readonly metricUpdates: SourceMetricUpdate[];
	readonly notifications: SourceNotification[];
	readonly taskUpdates: SourceTaskUpdate[];
}

/** A fresh recording sink. */
export function createRecordingSink(): RecordingSink {
	const events: RecordedEvent[] = [];
	const logs: SourceLogEntry[] = [];
	const metricUpdates: SourceMetricUpdate[] = [];
	const notifications: SourceNotification[] = [];
	const taskUpdates: SourceTaskUpdate[] = [];
	return {
		events,
		logs,
		metricUpdates,
		notifications,
		taskUpdates,
		log(item) {
			logs.push(item);
			events.push({ kind: 'log', item });
		},
		metrics(item) {
			metricUpdates.push(item);
			events.push({ kind: 'metrics', item });
		},
		notification(item) {
			notifications.push(item);
			events.push({ kind: 'notification', item });
		},
		task(item) {
			taskUpdates.push(item);
			events.push({ kind: 'task', item });
		}
	};
}

/** A sink that only counts, for throughput measurements where keeping items would dominate. */
export function createCountingSink(): SourceSink & {
	counts: { log: number; metrics: number; notification: number; task: number };
} {
	const counts = { log: 0, metrics: 0, notification: 0, task: 0 };
	return {
		counts,
		log() {
			counts.log++;
		},
		metrics() {
			counts.metrics++;
		},
		notification() {
			counts.notification++;
		},
		task() {
			counts.task++;
		}
	};
}
