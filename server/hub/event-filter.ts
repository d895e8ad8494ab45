/**
 * KECS's historic `setFilters` (`EventFilter[]`), applied as the KECS hub did: an item reaches
 * a client when any filter accepts it, and a filter accepts an item when each of its non-empty
 * fields does. Fields: `eventTypes` (a stream name or its message type, e.g. `logs` or
 * `log_entry`), `resourceTypes` (`task`, `service`, `cluster`), `resourceIds` (a task ARN or
 * short id, a service or cluster name, `service:<name>`, `cluster:<name>`, a cluster ARN) and
 * `metadata` (every key equal in a log entry's `metadata`; other streams have none).
 */
import type { EventFilter, Stream } from '../../src/lib/protocol/index';
import type { HistoryRecord } from './history';

/** Compiled `setFilters`: `null` when there are none (everything passes). */
export interface CompiledEventFilters {
	/** Canonical text: equal keys select the same records. */
	readonly key: string;
	/** Whether a record of `stream` passes. */
	matches(stream: Stream, record: HistoryRecord<{ seq: number }>): boolean;
}

const STREAM_EVENT_TYPES: Record<Stream, readonly string[]> = {
	logs: ['logs', 'log', 'log_entry', 'log_batch'],
	metrics: ['metrics', 'metric', 'metric_update'],
	notifications: ['notifications', 'notification', 'notification_update'],
	tasks: ['tasks', 'task', 'task_update']
};

function nonEmpty<T>(values: readonly T[] | undefined): readonly T[] | undefined {
	return values && values.length > 0 ? values : undefined;
}

function resourceNames(record: HistoryRecord<{ seq: number }>): string[] {
	const { taskId, serviceName, clusterArn, clusterName } = record.keys;
	const names: string[] = [];
	if (taskId !== undefined) names.push(taskId, taskId.slice(taskId.lastIndexOf('/') + 1));
	if (serviceName !== undefined) names.push(serviceName, `service:${serviceName}`);
	if (clusterArn !== undefined) names.push(clusterArn);
	if (clusterName !== undefined) names.push(clusterName, `cluster:${clusterName}`);
	return names;
}

function compileOne(
	filter: EventFilter
): (stream: Stream, r: HistoryRecord<{ seq: number }>) => boolean {
	const eventTypes = nonEmpty(filter.eventTypes);
	const resourceTypes = nonEmpty(filter.resourceTypes);
	const resourceIds = nonEmpty(filter.resourceIds);
	const metadata =
		filter.metadata && Object.keys(filter.metadata).length > 0 ? filter.metadata : undefined;
	return (stream, record) => {
		if (eventTypes && !STREAM_EVENT_TYPES[stream].some((t) => eventTypes.includes(t))) return false;
		if (resourceTypes) {
			const { taskId, serviceName, clusterName } = record.keys;
			const has =
				(taskId !== undefined && resourceTypes.includes('task')) ||
				(serviceName !== undefined && resourceTypes.includes('service')) ||
				(clusterName !== undefined && resourceTypes.includes('cluster'));
			if (!has) return false;
		}
		if (resourceIds && !resourceNames(record).some((n) => resourceIds.includes(n))) return false;
		if (metadata) {
			const own = (record.fields as { metadata?: Record<string, unknown> }).metadata;
			if (!own) return false;
			for (const [k, v] of Object.entries(metadata)) {
				if (!Object.hasOwn(own, k) || own[k] !== v) return false;
			}
		}
		return true;
	};
}

/** Compile `setFilters`' payload; an empty list means no filtering. */
export function compileEventFilters(filters: readonly EventFilter[]): CompiledEventFilters | null {
	if (filters.length === 0) return null;
	const compiled = filters.map(compileOne);
	return {
		key: JSON.stringify(filters),
		matches: (stream, record) => compiled.some((f) => f(stream, record))
	};
}
