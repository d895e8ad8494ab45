/**
 * Runtime schemas for every data type and message of the kecs-live wire protocol, version 1
 * (docs/protocol.md). The TypeScript types in `types.ts` are inferred from these, so the
 * validator and the type cannot drift apart. Both the browser and the gateway import this file.
 *
 * Decoded shapes differ from the wire in one way only: RFC 3339 timestamps become `Date`s.
 */
import { z } from 'zod';

export const PROTOCOL_VERSION = 1 as const;

export const STREAMS = ['logs', 'metrics', 'notifications', 'tasks'] as const;
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;
export const LOG_SOURCE_TYPES = ['container', 'application', 'system', 'audit'] as const;
export const NOTIFICATION_TYPES = ['info', 'success', 'warning', 'error'] as const;
export const NOTIFICATION_PRIORITIES = ['low', 'normal', 'high', 'critical'] as const;
export const TASK_STATUSES = [
	'PROVISIONING',
	'PENDING',
	'ACTIVATING',
	'RUNNING',
	'DEACTIVATING',
	'STOPPING',
	'DEPROVISIONING',
	'STOPPED',
	'DELETED'
] as const;
export const TASK_UPDATE_TYPES = ['created', 'updated', 'deleted', 'status_changed'] as const;
export const DROP_REASONS = ['slow_consumer', 'rate_limited', 'history_exhausted'] as const;
export const ERROR_CODES = [
	'invalid_json',
	'invalid_message',
	'unknown_type',
	'authentication_failed',
	'unauthorized',
	'rate_limit_exceeded',
	'payload_too_large',
	'unknown_stream'
] as const;

/** Limits that keep one frame from costing either side much; the gateway enforces the same. */
export const LIMITS = {
	id: 128,
	token: 4096,
	resourceId: 512,
	search: 1000,
	regex: 256,
	listItems: 1000,
	historyDefault: 100,
	historyMax: 1000,
	text: 1_000_000
} as const;

/** Go's zero `time.Time`, which KECS's hub sent for unset timestamps. */
export const GO_ZERO_TIME = '0001-01-01T00:00:00Z';

// ---------------------------------------------------------------------------------------------
// Primitives

/**
 * An RFC 3339 timestamp revived to a Date. A Date is accepted too, so objects built in memory
 * (the gateway's own items) validate without a round trip through JSON.
 */
export const timestamp = z.union([
	z.date().refine((d) => !Number.isNaN(d.getTime()), 'invalid date'),
	z
		.string()
		.max(64)
		.transform((s, ctx) => {
			const d = new Date(s);
			if (Number.isNaN(d.getTime())) {
				ctx.addIssue({ code: 'custom', message: `invalid timestamp: ${s.slice(0, 40)}` });
				return z.NEVER;
			}
			return d;
		})
]);

const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const shortText = z.string().max(LIMITS.resourceId);
const text = z.string().max(LIMITS.text);

/**
 * A JSON object of arbitrary values copied into a null-prototype object, so a `__proto__` or
 * `constructor` key from the wire stays a plain key and can never reach a prototype.
 */
export const safeRecord = z
	.custom<Record<string, unknown>>(
		(v) => typeof v === 'object' && v !== null && !Array.isArray(v),
		'expected an object'
	)
	.transform((v) => {
		const out = Object.create(null) as Record<string, unknown>;
		for (const key of Object.keys(v)) {
			Object.defineProperty(out, key, {
				value: v[key],
				enumerable: true,
				writable: true,
				configurable: true
			});
		}
		return out;
	});

export const stream = z.enum(STREAMS);
export const logLevel = z.enum(LOG_LEVELS);
export const taskStatus = z.enum(TASK_STATUSES);

/** A position in a stream: the last item a client applied. */
export const streamPosition = z.object({ epoch: z.string().max(LIMITS.id), seq });

// ---------------------------------------------------------------------------------------------
// Data types

export const logEntry = z.object({
	id: shortText,
	seq,
	timestamp,
	level: logLevel,
	source: z.object({
		type: z.enum(LOG_SOURCE_TYPES),
		name: shortText,
		identifier: shortText
	}),
	message: text,
	taskId: shortText.optional(),
	containerId: shortText.optional(),
	serviceName: shortText.optional(),
	clusterArn: shortText.optional(),
	metadata: safeRecord.optional(),
	stackTrace: text.optional(),
	correlationId: shortText.optional()
});

export const metricPoint = z.object({ timestamp, value: z.number().finite() });

export const metricSeries = z.object({
	name: shortText,
	unit: shortText,
	points: z.array(metricPoint).max(10_000)
});

export const resourceMetrics = z.object({
	resourceId: shortText,
	taskId: shortText.optional(),
	serviceName: shortText.optional(),
	cpu: metricSeries,
	memory: metricSeries,
	network: z.object({ rx: metricSeries, tx: metricSeries }).optional()
});

export const metricUpdate = z.object({
	resourceId: shortText,
	seq,
	metrics: resourceMetrics
});

export const notification = z.object({
	id: shortText,
	seq,
	type: z.enum(NOTIFICATION_TYPES),
	title: z.string().max(10_000),
	message: text,
	timestamp,
	priority: z.enum(NOTIFICATION_PRIORITIES).optional(),
	source: shortText.optional(),
	resourceId: shortText.optional(),
	read: z.boolean(),
	dismissed: z.boolean().optional()
});

export const notificationChanges = notification.omit({ id: true, seq: true }).partial().strict();

export const container = z.object({
	name: shortText,
	lastStatus: shortText,
	exitCode: z.number().int().optional(),
	healthStatus: shortText.optional()
});

export const task = z.object({
	taskArn: shortText,
	clusterArn: shortText,
	taskDefinitionArn: shortText,
	group: shortText.optional(),
	lastStatus: taskStatus,
	desiredStatus: taskStatus,
	launchType: shortText,
	cpu: shortText.optional(),
	memory: shortText.optional(),
	containers: z.array(container).max(100),
	createdAt: timestamp.optional(),
	startedAt: timestamp.optional(),
	stoppedAt: timestamp.optional(),
	stoppedReason: z.string().max(10_000).optional(),
	stopCode: shortText.optional()
});

export const taskUpdate = z.object({
	taskId: shortText,
	seq,
	updateType: z.enum(TASK_UPDATE_TYPES),
	task: task.optional(),
	changes: task.partial().optional(),
	previousStatus: taskStatus.optional(),
	timestamp
});

/** KECS's historic `EventFilter`, kept for `setFilters`. */
export const eventFilter = z.object({
	eventTypes: z.array(shortText).max(LIMITS.listItems).optional(),
	resourceTypes: z.array(shortText).max(LIMITS.listItems).optional(),
	resourceIds: z.array(shortText).max(LIMITS.listItems).optional(),
	metadata: safeRecord.optional()
});

/**
 * A server-side filter. For logs every field applies; other streams use `taskIds` and
 * `serviceNames` (and ignore the rest).
 */
export const streamFilter = z.object({
	levels: z.array(logLevel).max(LOG_LEVELS.length).optional(),
	search: z.string().max(LIMITS.search).optional(),
	regex: z.string().max(LIMITS.regex).optional(),
	taskIds: z.array(shortText).max(LIMITS.listItems).optional(),
	serviceNames: z.array(shortText).max(LIMITS.listItems).optional()
});

// ---------------------------------------------------------------------------------------------
// Envelope

export const envelope = z.object({
	type: z.string().min(1).max(64),
	payload: z.unknown().optional(),
	id: z.string().max(LIMITS.id).optional(),
	timestamp: z.unknown().optional()
});

/** Envelope timestamp: tolerated when missing, Go's zero time, or unparsable (then dropped). */
export function reviveEnvelopeTimestamp(value: unknown): Date | undefined {
	if (typeof value !== 'string' || value === GO_ZERO_TIME || value.length > 64) return undefined;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? undefined : d;
}

// ---------------------------------------------------------------------------------------------
// Client to server payloads (keyed by message type). `undefined` means "no payload".

const streamRef = {
	/** Optional on the wire: on an alias path (`/ws/logs`) the path names the stream. */
	stream: stream.optional(),
	resourceId: shortText.optional()
};

export const clientPayloads = {
	ping: z.unknown().optional(),
	authenticate: z.object({ token: z.string().min(1).max(LIMITS.token) }),
	subscribe: z.object({
		...streamRef,
		filter: streamFilter.optional(),
		since: streamPosition.optional()
	}),
	unsubscribe: z.object(streamRef),
	request_history: z.object({
		...streamRef,
		limit: z.number().int().min(1).max(LIMITS.historyMax).optional(),
		beforeSeq: seq.optional()
	}),
	update_filter: z.object({ stream: stream.optional(), filter: streamFilter }),
	setFilters: z.array(eventFilter).max(100),
	mark_as_read: z.object({ notificationId: shortText }),
	mark_all_as_read: z.unknown().optional(),
	dismiss: z.object({ notificationId: shortText }),
	message: z.unknown()
} as const;

// ---------------------------------------------------------------------------------------------
// Server to client payloads

const historyBase = z.object({
	resourceId: shortText,
	epoch: z.string().max(LIMITS.id),
	complete: z.boolean()
});
const historyPayload = z.discriminatedUnion('stream', [
	historyBase.extend({ stream: z.literal('logs'), items: z.array(logEntry) }),
	historyBase.extend({ stream: z.literal('metrics'), items: z.array(metricUpdate) }),
	historyBase.extend({ stream: z.literal('notifications'), items: z.array(notification) }),
	historyBase.extend({ stream: z.literal('tasks'), items: z.array(taskUpdate) })
]);

export const serverPayloads = {
	welcome: z.object({
		protocol: z.literal(PROTOCOL_VERSION),
		epoch: z.string().max(LIMITS.id),
		heartbeatInterval: z.number().int().positive(),
		authRequired: z.boolean(),
		serverTime: timestamp
	}),
	pong: z.unknown().optional(),
	authenticated: z.object({ username: shortText, roles: z.array(shortText).max(100) }),
	subscribed: z.object({
		stream,
		resourceId: shortText,
		epoch: z.string().max(LIMITS.id),
		recovered: z.boolean(),
		/** Extension: the newest seq the server has published on the stream (0: none yet). */
		lastSeq: seq.optional(),
		/** Extension: the oldest seq still in history, so a client can size a gap. */
		oldestSeq: seq.optional()
	}),
	unsubscribed: z.object({ stream, resourceId: shortText }),
	history: historyPayload,
	filter_applied: z.object({ stream, filter: streamFilter }),
	filtersSet: z.array(eventFilter).max(100),
	log_entry: logEntry,
	log_batch: z.array(logEntry).max(100_000),
	metric_update: metricUpdate,
	notification,
	notification_update: z.object({ id: shortText, changes: notificationChanges }),
	task_update: taskUpdate,
	dropped: z.object({
		stream,
		count: z.number().int().nonnegative(),
		reason: z.enum(DROP_REASONS)
	}),
	error: z.object({
		error: z.enum(ERROR_CODES),
		message: z.string().max(10_000),
		ref: z.string().max(LIMITS.id).optional()
	}),
	message: z.unknown()
} as const;
