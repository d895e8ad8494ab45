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
export function itemsOf(
	message: ServerMessage
): { stream: Stream; items: StreamItem[] } | undefined {
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

function lastSegment(arn: string): string {
	return arn.slice(arn.lastIndexOf('/') + 1);
}

/** Compare a known value with the wanted one; an unknown value stays unknown. */
function same(value: string | undefined, wanted: string): boolean | undefined {
	return value === undefined ? undefined : value === wanted;
}

function taskIs(taskId: string | undefined, wanted: string): boolean | undefined {
	if (taskId === undefined) return undefined;
	// Like the gateway: a task is named by its ARN or by its short id (the ARN's last segment).
	return taskId === wanted || (!wanted.includes('/') && lastSegment(taskId) === wanted);
}

function clusterIs(arn: string | undefined, name: string): boolean | undefined {
	if (arn === undefined) return undefined;
	const wanted = name.includes(':cluster/') ? lastSegment(name) : name;
	return arn === wanted || lastSegment(arn) === wanted;
}

/**
 * Whether `item` of `stream` belongs to a subscription on `resourceId` (`*`, a task ARN or short
 * id, `service:<name>`, `cluster:<name>`): true, false, or undefined when the item does not say
 * (a metric naming only its task, for a service subscription). The gateway can tell the latter
 * from what it learnt about the task; the client keeps such items rather than lose them.
 */
export function matchesResource(
	stream: Stream,
	resourceId: string,
	item: StreamItem
): boolean | undefined {
	if (resourceId === '*') return true;
	const service = resourceId.startsWith('service:') ? resourceId.slice(8) : undefined;
	const cluster = resourceId.startsWith('cluster:') ? resourceId.slice(8) : undefined;
	switch (stream) {
		case 'logs': {
			const e = item as LogEntry;
			if (service !== undefined) return same(e.serviceName, service);
			if (cluster !== undefined) return clusterIs(e.clusterArn, cluster);
			return taskIs(e.taskId, resourceId);
		}
		case 'metrics': {
			const m = item as MetricUpdate;
			if (service !== undefined) return same(m.metrics.serviceName, service);
			if (cluster !== undefined) return undefined;
			return taskIs(m.metrics.taskId ?? m.resourceId, resourceId);
		}
		case 'tasks': {
			const t = item as TaskUpdate;
			if (service !== undefined) {
				const group = t.task?.group ?? t.changes?.group;
				return group === undefined ? undefined : group === resourceId;
			}
			if (cluster !== undefined)
				return clusterIs(t.task?.clusterArn ?? t.changes?.clusterArn, cluster);
			return taskIs(t.taskId, resourceId);
		}
		case 'notifications':
			return same((item as Notification).resourceId, resourceId);
	}
}

/** A filter reduced to a stable string, so equal filters share one server subscription. */
export function filterKey(filter: StreamFilter | undefined): string {
	if (!filter) return '';
	const parts: string[] = [];
	for (const key of ['levels', 'search', 'regex', 'taskIds', 'serviceNames'] as const) {
		const value = filter[key];
		if (value === undefined || (Array.isArray(value) && value.length === 0) || value === '')
			continue;
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
	if (filter.taskIds?.length) {
		const id = taskId;
		if (id === undefined || !filter.taskIds.some((wanted) => taskIs(id, wanted))) return false;
	}
	if (
		filter.serviceNames?.length &&
		(serviceName === undefined || !filter.serviceNames.includes(serviceName))
	) {
		return false;
	}
	return true;
}
