/**
 * Server-side filters from `update_filter` (and `subscribe`'s `filter`): log levels, a
 * case-insensitive substring, a guarded regex (see regex-guard.ts), task ids and service names.
 * For logs every field applies; the other streams use `taskIds` and `serviceNames` only.
 *
 * A compiled filter has a canonical `key`, so clients with the same filter share one match pass
 * and one serialised batch, and compiled filters are cached by that key.
 */
import type { LogEntry, Stream, StreamFilter } from '../../src/lib/protocol/index';
import type { HistoryRecord } from './history';
import { RegexBudget, type FilterBudget } from './regex-budget';
import { compileSafeRegex, type RegexGuardOptions } from './regex-guard';

/** A filter ready to test records against. */
export interface CompiledFilter {
	/** Canonical text of the filter: equal keys select the same records. */
	readonly key: string;
	/** The filter as it applies (normalised: sorted, empty lists removed). */
	readonly spec: StreamFilter;
	/** Whether a record passes. */
	matches(record: HistoryRecord<{ seq: number }>): boolean;
	/**
	 * The regex's CPU budget (regex-budget.ts), when the filter has a regex: `skipped` counts the
	 * records refused untested because the budget was spent (readers take differences).
	 */
	readonly budget?: FilterBudget;
}

/** A compiled filter, `null` for one that passes everything, or why it was refused. */
export type FilterResult =
	{ ok: true; filter: CompiledFilter | null } | { ok: false; message: string };

function lastSegment(id: string): string {
	return id.slice(id.lastIndexOf('/') + 1);
}

/**
 * Normalise a filter: empty lists and empty strings mean "no restriction" (the UI's "nothing
 * selected"), lists are sorted and deduplicated, and fields a stream ignores are removed.
 */
export function normalizeFilter(stream: Stream, filter: StreamFilter): StreamFilter {
	const out: StreamFilter = {};
	const list = <T extends string>(values: readonly T[] | undefined): T[] | undefined =>
		values && values.length > 0 ? [...new Set(values)].sort() : undefined;
	if (stream === 'logs') {
		const levels = list(filter.levels);
		if (levels) out.levels = levels;
		if (filter.search) out.search = filter.search;
		if (filter.regex) out.regex = filter.regex;
	}
	const taskIds = list(filter.taskIds);
	if (taskIds) out.taskIds = taskIds;
	const serviceNames = list(filter.serviceNames);
	if (serviceNames) out.serviceNames = serviceNames;
	return out;
}

function compileUncached(
	stream: Stream,
	spec: StreamFilter,
	key: string,
	guard: RegexGuardOptions,
	budgets: RegexBudget
): FilterResult {
	let regex: RegExp | undefined;
	let budget: FilterBudget | undefined;
	if (spec.regex !== undefined) {
		const checked = compileSafeRegex(spec.regex, guard);
		if (!checked.ok) return { ok: false, message: checked.reason };
		regex = checked.regex;
		budget = budgets.forFilter();
	}
	const inputMax = guard.inputMax ?? 1000;
	const levels = spec.levels ? new Set<string>(spec.levels) : undefined;
	const search = spec.search?.toLowerCase();
	const taskIds = spec.taskIds ? new Set(spec.taskIds) : undefined;
	const services = spec.serviceNames ? new Set(spec.serviceNames) : undefined;
	const isLogs = stream === 'logs';
	return {
		ok: true,
		filter: {
			key,
			spec,
			...(budget ? { budget } : {}),
			matches(record) {
				const { keys } = record;
				if (taskIds) {
					const id = keys.taskId;
					if (id === undefined || !(taskIds.has(id) || taskIds.has(lastSegment(id)))) return false;
				}
				if (services && (keys.serviceName === undefined || !services.has(keys.serviceName))) {
					return false;
				}
				if (!isLogs) return true;
				const entry = record.fields as unknown as LogEntry;
				if (levels && !levels.has(entry.level)) return false;
				if (search !== undefined && !entry.message.toLowerCase().includes(search)) return false;
				if (regex && budget) {
					const text =
						entry.message.length > inputMax ? entry.message.slice(0, inputMax) : entry.message;
					// Over budget: refused untested, and counted (delivery reports it as dropped).
					if (budget.test(regex, text) !== true) return false;
				}
				return true;
			}
		}
	};
}

/**
 * Compiles filters, caching them by key (bounded) so that a hundred tabs with the same filter
 * share one compiled regex.
 */
export class FilterCompiler {
	readonly #cache = new Map<string, CompiledFilter>();

	/**
	 * @param guard limits for regexes (see regex-guard.ts)
	 * @param cacheSize compiled filters kept (default 256)
	 * @param budgets the CPU budget regexes share (see regex-budget.ts)
	 */
	constructor(
		readonly guard: RegexGuardOptions = {},
		readonly cacheSize = 256,
		readonly budgets: RegexBudget = new RegexBudget()
	) {}

	/** Compile `filter` for `stream`; `null` when it restricts nothing. Never throws. */
	compile(stream: Stream, filter: StreamFilter): FilterResult {
		const spec = normalizeFilter(stream, filter);
		if (Object.keys(spec).length === 0) return { ok: true, filter: null };
		const key = `${stream}:${JSON.stringify(spec)}`;
		const cached = this.#cache.get(key);
		if (cached) return { ok: true, filter: cached };
		const result = compileUncached(stream, spec, key, this.guard, this.budgets);
		if (result.ok && result.filter) {
			if (this.#cache.size >= this.cacheSize) {
				const oldest = this.#cache.keys().next();
				if (!oldest.done) this.#cache.delete(oldest.value);
			}
			this.#cache.set(key, result.filter);
		}
		return result;
	}
}
