/**
 * What one client receives on one stream: the union of its subscribed resources, narrowed by its
 * stream filter (`update_filter`) and its KECS event filters (`setFilters`). Clients whose
 * selections have equal keys receive identical frames, which the hub builds once.
 */
import type { Stream } from '../../src/lib/protocol/index';
import type { CompiledEventFilters } from './event-filter';
import type { HistoryRecord } from './history';
import { matchesResource, parseResourceId, type ResourceRef } from './resource';
import type { CompiledFilter } from './stream-filter';

/** An immutable selection; build a new one when any part changes. */
export class Selection {
	/** Canonical text: equal keys select the same records. */
	readonly key: string;
	/** The parsed resource ids. */
	readonly refs: readonly ResourceRef[];
	readonly #all: boolean;

	/**
	 * @param stream the stream selected from
	 * @param resourceIds subscribed resource ids (`*`, a task ARN, `service:x`, `cluster:x`)
	 * @param filter the stream filter, if any
	 * @param events the KECS event filters, if any
	 */
	constructor(
		readonly stream: Stream,
		resourceIds: Iterable<string>,
		readonly filter: CompiledFilter | null,
		readonly events: CompiledEventFilters | null
	) {
		const ids = [...new Set(resourceIds)].sort();
		this.refs = ids.map(parseResourceId);
		this.#all = this.refs.some((r) => r.kind === 'all');
		this.key = `${stream}|${ids.join('\n')}|${filter?.key ?? ''}|${events?.key ?? ''}`;
	}

	/** Whether the selection passes every item of the stream (`*`, no filters). */
	get unfiltered(): boolean {
		return this.#all && this.filter === null && this.events === null;
	}

	/** Whether a record is selected. */
	matches(record: HistoryRecord<{ seq: number }>): boolean {
		if (!this.#all && !this.refs.some((ref) => matchesResource(ref, record.keys))) return false;
		if (this.filter !== null && !this.filter.matches(record)) return false;
		return this.events === null || this.events.matches(this.stream, record);
	}
}
