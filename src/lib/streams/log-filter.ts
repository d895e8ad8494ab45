/**
 * Log filters on the client side: checking one before it is sent (the registry's
 * `update_filter` frames carry no id, so a refusal could not be traced back to the store that
 * caused it, and the stream would stay unfiltered), and compiling it into a predicate the log
 * store applies as a safety net. The server filters; the net catches lines that were already in
 * flight under the previous filter when the filter changed (the registry merges them with the new
 * history as they are).
 *
 * The predicate mirrors the gateway's semantics (server/hub/stream-filter.ts): levels; `search`
 * a case-insensitive substring; `regex` case-sensitive on the first 1,000 characters; task ids
 * (ARN or short id) and service names. It allocates nothing per line.
 */
import { LIMITS, LOG_LEVELS, type LogEntry, type LogLevel, type StreamFilter } from '$lib/protocol';
import { compileSearch, escapeRegExp } from '$lib/render/highlight';

/** A server-side log filter (`update_filter` for logs); empty fields restrict nothing. */
export type LogFilter = StreamFilter;

/** Characters of a line the gateway runs a regex filter on (its default `regexInputMax`). */
const REGEX_INPUT_MAX = 1000;

/** The outcome of {@link checkLogFilter}: the normalised filter, or why it cannot be used. */
export type CheckedFilter = { ok: true; filter: LogFilter } | { ok: false; error: string };

function list<T extends string>(values: readonly T[] | undefined): T[] | undefined {
	if (!values || values.length === 0) return undefined;
	return [...new Set(values)].sort();
}

/**
 * Normalise a filter as the gateway does (empty lists and strings dropped, lists sorted and
 * deduplicated) and check it against the protocol's limits and the regex rules, so that what is
 * sent will be accepted.
 */
export function checkLogFilter(filter: LogFilter | null | undefined): CheckedFilter {
	const out: LogFilter = {};
	if (!filter) return { ok: true, filter: out };
	const levels = list(filter.levels);
	if (levels) {
		const unknown = levels.find((l) => !(LOG_LEVELS as readonly string[]).includes(l));
		if (unknown !== undefined) return { ok: false, error: `Unknown log level "${unknown}"` };
		out.levels = levels;
	}
	if (filter.search) {
		if (filter.search.length > LIMITS.search) {
			return {
				ok: false,
				error: `Search is too long (${filter.search.length} > ${LIMITS.search})`
			};
		}
		out.search = filter.search;
	}
	if (filter.regex) {
		const compiled = compileSearch(filter.regex, {
			regex: true,
			caseSensitive: true,
			maxLength: LIMITS.regex
		});
		if (!compiled.ok) return { ok: false, error: compiled.error };
		out.regex = filter.regex;
	}
	for (const key of ['taskIds', 'serviceNames'] as const) {
		const values = list(filter[key]);
		if (!values) continue;
		if (values.length > LIMITS.listItems) {
			return { ok: false, error: `Too many ${key} (${values.length} > ${LIMITS.listItems})` };
		}
		out[key] = values;
	}
	return { ok: true, filter: out };
}

/** A canonical text of a normalised filter (equal filters, equal keys). */
export function logFilterKey(filter: LogFilter): string {
	return JSON.stringify(filter);
}

function lastSegment(id: string): string {
	return id.slice(id.lastIndexOf('/') + 1);
}

/** The predicate of a normalised filter, or null when it restricts nothing. */
export function compileLogFilter(filter: LogFilter): ((entry: LogEntry) => boolean) | null {
	const levels = filter.levels ? new Set<LogLevel>(filter.levels) : undefined;
	// A case-insensitive regex of the escaped literal: `toLowerCase()` would copy every line.
	const search = filter.search ? new RegExp(escapeRegExp(filter.search), 'i') : undefined;
	let regex: RegExp | undefined;
	if (filter.regex) {
		try {
			regex = new RegExp(filter.regex);
		} catch {
			regex = undefined; // checkLogFilter refuses these; never filter on a broken pattern
		}
	}
	const taskIds = filter.taskIds ? new Set(filter.taskIds) : undefined;
	const services = filter.serviceNames ? new Set(filter.serviceNames) : undefined;
	if (!levels && !search && !regex && !taskIds && !services) return null;
	return (entry) => {
		if (levels && !levels.has(entry.level)) return false;
		if (taskIds) {
			const id = entry.taskId;
			if (id === undefined || !(taskIds.has(id) || taskIds.has(lastSegment(id)))) return false;
		}
		if (services && (entry.serviceName === undefined || !services.has(entry.serviceName))) {
			return false;
		}
		const message = entry.message;
		if (search && !search.test(message)) return false;
		if (regex) {
			const text = message.length > REGEX_INPUT_MAX ? message.slice(0, REGEX_INPUT_MAX) : message;
			if (!regex.test(text)) return false;
		}
		return true;
	};
}

/**
 * Whether a line comes from container `id`: the protocol has no server-side container filter,
 * so the store applies this one. Matches the entry's `containerId`, or its source's `identifier`
 * or `name` for container sources (KECS names container log sources by container).
 */
export function fromContainer(entry: LogEntry, id: string): boolean {
	if (entry.containerId === id) return true;
	const source = entry.source;
	return source.type === 'container' && (source.identifier === id || source.name === id);
}
