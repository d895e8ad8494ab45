/**
 * A real `Source` whose items come from the test, synchronously and on demand, so hub tests know
 * exactly what was published and in which order.
 */
import type { Task } from '../../src/lib/protocol/index';
import type {
	Source,
	SourceHealth,
	SourceLogEntry,
	SourceMetricUpdate,
	SourceNotification,
	SourceSink,
	SourceTaskUpdate
} from '../sources/source';
import { sourceLog, sourceMetrics, sourceNotification } from './fixtures';

/** A source driven by test code. */
export class ScriptedSource implements Source {
	readonly name = 'scripted';
	readonly providesMetrics = true;
	#sink: SourceSink | undefined;
	#logs = 0;
	#metrics = 0;
	#notifications = 0;
	readonly #tasks = new Map<string, Task>();
	/** Whether `stop` was called. */
	stopped = false;
	/** What `health` reports. */
	healthValue: SourceHealth = { status: 'healthy', since: new Date(0) };

	start(sink: SourceSink): void {
		if (this.#sink) throw new Error('started twice');
		this.#sink = sink;
	}

	stop(): void {
		this.stopped = true;
	}

	tasks(): Task[] {
		return [...this.#tasks.values()];
	}

	health(): SourceHealth {
		return this.healthValue;
	}

	get #out(): SourceSink {
		if (!this.#sink) throw new Error('source not started');
		return this.#sink;
	}

	/** Publish one log line (numbered in publication order unless `entry` is given whole). */
	log(overrides: Partial<SourceLogEntry> = {}): SourceLogEntry {
		const entry = sourceLog(++this.#logs, overrides);
		this.#out.log(entry);
		return entry;
	}

	/** Publish `count` log lines; `overrides(i)` customises the i-th (0-based). */
	logs(count: number, overrides: (i: number) => Partial<SourceLogEntry> = () => ({})): void {
		for (let i = 0; i < count; i++) this.log(overrides(i));
	}

	/** Publish one metric sample for `resourceId`. */
	metrics(resourceId?: string): SourceMetricUpdate {
		const update = sourceMetrics(++this.#metrics, resourceId);
		this.#out.metrics(update);
		return update;
	}

	/** Publish one notification. */
	notification(overrides: Partial<SourceNotification> = {}): SourceNotification {
		const n = sourceNotification(++this.#notifications, overrides);
		this.#out.notification(n);
		return n;
	}

	/** Publish a task update (and remember the task for `tasks()`). */
	task(update: SourceTaskUpdate): void {
		if (update.task) this.#tasks.set(update.taskId, update.task);
		if (update.updateType === 'deleted') this.#tasks.delete(update.taskId);
		this.#out.task(update);
	}
}
