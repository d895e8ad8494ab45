/**
 * Which stream items belong to which subscription. Items arrive without naming the subscription
 * they answer (one socket, many subscriptions), so the client matches them itself: by the
 * subscription's `resourceId`, and, only when two subscribers of one resource want different
 * filters (the server holds one filter per resource), by the subscriber's own filter.
 */
import type {
	LogEntry,
	MetricUpdate,
	Notification,
	ServerMessage,
	Stream,
	StreamFilter,
	StreamItem,
	TaskUpdate
} from '$lib/protocol';

/** The stream and items a live message carries, or undefined for other messages. */
export function itemsOf(message: ServerMessage): { stream: Stream; items: StreamItem[] } | undefined {
	switch (message.type) {
		case 'log_entry':
			return { stream: 'logs', items: [message.payload] };
		case 'log_batch':
			return { stream: 'logs', items: message.payload };
		case 'metric_update':
			return { stream: 'metrics', items: [message.payload] };
		case 'notification':
			return { stream: 'notifications', items: [message.payload] };
		case 'task_update':
			return { stream: 'tasks', items: [message.payload] };
		default:
			return undefined;
	}
}

function clusterMatches(arn: string | undefined, name: string): boolean {
	return arn !== undefined && (arn === name || arn.endsWith(`/${name}`));
}

/**
 * Whether `item` of `stream` belongs to a subscription on `resourceId`: `*` takes everything; a
 * task ARN, `service:<name>` or `cluster:<name>` takes items about that task, service or cluster.
 */
export function matchesResource(stream: Stream, resourceId: string, item: StreamItem): boolean {
	if (resourceId === '*') return true;
	const service = resourceId.startsWith('service:') ? resourceId.slice(8) : undefined;
	const cluster = resourceId.startsWith('cluster:') ? resourceId.slice(8) : undefined;
	switch (stream) {
		case 'logs': {
			const e = item as LogEntry;
			if (service !== undefined) return e.serviceName === service;
			if (cluster !== undefined) return clusterMatches(e.clusterArn, cluster);
			return e.taskId === resourceId;
		}
		case 'metrics': {
			const m = item as MetricUpdate;
			if (m.resourceId === resourceId) return true;
			if (service !== undefined) return m.metrics.serviceName === service;
			return cluster === undefined && m.metrics.taskId === resourceId;
		}
		case 'tasks': {
			const t = item as TaskUpdate;
			// ECS sets a service's tasks' `group` to "service:<name>", the same spelling as ours.
			if (service !== undefined) return (t.task?.group ?? t.changes?.group) === resourceId;
			if (cluster !== undefined) return clusterMatches(t.task?.clusterArn, cluster);
			return t.taskId === resourceId;
		}
		case 'notifications':
			return (item as Notification).resourceId === resourceId;
	}
}

/** A filter reduced to a stable string, so equal filters share one server subscription. */
export function filterKey(filter: StreamFilter | undefined): string {
	if (!filter) return '';
	const parts: string[] = [];
	for (const key of ['levels', 'search', 'regex', 'taskIds', 'serviceNames'] as const) {
		const value = filter[key];
		if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '') continue;
		parts.push(`${key}=${JSON.stringify(Array.isArray(value) ? [...value].sort() : value)}`);
	}
	return parts.join('&');
}

const regexCache = new Map<string, RegExp | null>();

function compile(source: string): RegExp | null {
	let re = regexCache.get(source);
	if (re === undefined) {
		try {
			re = new RegExp(source, 'i');
		} catch {
			re = null;
		}
		if (regexCache.size > 100) regexCache.clear();
		regexCache.set(source, re);
	}
	return re;
}

/**
 * The client-side fallback of the server's filter: levels, case-insensitive `search` and `regex`
 * on the message, `taskIds`, `serviceNames`. Only used to split one unfiltered server
 * subscription among subscribers with different filters; it errs towards keeping an item.
 */
export function matchesFilter(stream: Stream, item: StreamItem, filter: StreamFilter): boolean {
	let taskId: string | undefined;
	let serviceName: string | undefined;
	if (stream === 'logs') {
		const e = item as LogEntry;
		if (filter.levels?.length && !filter.levels.includes(e.level)) return false;
		const text = e.message.toLowerCase();
		if (filter.search && !text.includes(filter.search.toLowerCase())) return false;
		if (filter.regex) {
			const re = compile(filter.regex);
			if (re && !re.test(e.message)) return false;
		}
		taskId = e.taskId;
		serviceName = e.serviceName;
	} else if (stream === 'metrics') {
		const m = item as MetricUpdate;
		taskId = m.metrics.taskId ?? m.resourceId;
		serviceName = m.metrics.serviceName;
	} else if (stream === 'tasks') {
		const t = item as TaskUpdate;
		taskId = t.taskId;
		const group = t.task?.group ?? t.changes?.group;
		serviceName = group?.startsWith('service:') ? group.slice(8) : undefined;
	} else {
		return true;
	}
	if (filter.taskIds?.length && (taskId === undefined || !filter.taskIds.includes(taskId))) {
		return false;
	}
	if (
		filter.serviceNames?.length &&
		(serviceName === undefined || !filter.serviceNames.includes(serviceName))
	) {
		return false;
	}
	return true;
}
