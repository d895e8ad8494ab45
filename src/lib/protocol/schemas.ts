/**
 * Runtime schemas for every data type and message of the kecs-live wire protocol, version 1
 * (docs/protocol.md). The TypeScript types in `types.ts` are inferred from these, so the
 * validator and the type cannot drift apart. Both the browser and the gateway import this file.
 *
 * Decoded shapes differ from the wire in one way only: RFC 3339 timestamps become `Date`s.
 *
 * The validator is valibot, for the browser bundle: its API is one function per check, so a
 * bundle carries only the checks used here (about 3.4 KB gzip of the connection module), where
 * zod, which this file used before, brought about 28 KB whatever was used. The semantics are
 * zod's, kept exactly: unknown keys stripped (`strictObject` refuses them), string lengths
 * counted in code points, integers safe integers, arrays refused where an object is expected
 * (see `objectOnly`).
 */
import * as v from 'valibot';

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

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object schema that refuses arrays. valibot's `object` takes any non-null object, so an array
 * passes one whose keys are all optional; zod's did not, and neither does the protocol. Used on
 * exactly those objects: one with a required key refuses an array already (it has none of ours).
 */
function objectOnly<S extends v.GenericSchema>(schema: S) {
	return v.pipe(v.custom<v.InferInput<S>>(isObject, 'expected an object'), schema);
}

/** A string of at most `max` characters, counted in code points (a surrogate pair is one). */
const string = (max: number) => v.pipe(v.string(), v.maxCodePoints(max));

/**
 * An RFC 3339 timestamp revived to a Date. A Date is accepted too, so objects built in memory
 * (the gateway's own items) validate without a round trip through JSON; `v.date()` refuses an
 * invalid Date. The string is parsed after the union, so its refusal keeps its own message.
 */
export const timestamp = v.pipe(
	v.union([v.date(), string(64)]),
	v.rawTransform<Date | string, Date>(({ dataset, addIssue, NEVER }) => {
		const value = dataset.value;
		if (typeof value !== 'string') return value;
		const d = new Date(value);
		if (Number.isNaN(d.getTime())) {
			addIssue({ message: `invalid timestamp: ${value.slice(0, 40)}` });
			return NEVER;
		}
		return d;
	})
);

const int = v.pipe(v.number(), v.safeInteger());
const seq = v.pipe(int, v.minValue(0));
const shortText = string(LIMITS.resourceId);
const text = string(LIMITS.text);
const list = <S extends v.GenericSchema>(item: S, max: number) =>
	v.pipe(v.array(item), v.maxLength(max));

/**
 * A JSON object of arbitrary values copied into a null-prototype object, so a `__proto__` or
 * `constructor` key from the wire stays a plain key and can never reach a prototype.
 */
export const safeRecord = v.pipe(
	v.custom<Record<string, unknown>>(isObject, 'expected an object'),
	v.transform((value) => {
		const out = Object.create(null) as Record<string, unknown>;
		for (const key of Object.keys(value)) {
			Object.defineProperty(out, key, {
				value: value[key],
				enumerable: true,
				writable: true,
				configurable: true
			});
		}
		return out;
	})
);

export const stream = v.picklist(STREAMS);
export const logLevel = v.picklist(LOG_LEVELS);
export const taskStatus = v.picklist(TASK_STATUSES);

/** A position in a stream: the last item a client applied. */
export const streamPosition = v.object({ epoch: string(LIMITS.id), seq });

// ---------------------------------------------------------------------------------------------
// Data types

export const logEntry = v.object({
	id: shortText,
	seq,
	timestamp,
	level: logLevel,
	source: v.object({
		type: v.picklist(LOG_SOURCE_TYPES),
		name: shortText,
		identifier: shortText
	}),
	message: text,
	taskId: v.optional(shortText),
	containerId: v.optional(shortText),
	serviceName: v.optional(shortText),
	clusterArn: v.optional(shortText),
	metadata: v.optional(safeRecord),
	stackTrace: v.optional(text),
	correlationId: v.optional(shortText)
});

export const metricPoint = v.object({ timestamp, value: v.pipe(v.number(), v.finite()) });

export const metricSeries = v.object({
	name: shortText,
	unit: shortText,
	points: list(metricPoint, 10_000)
});

export const resourceMetrics = v.object({
	resourceId: shortText,
	taskId: v.optional(shortText),
	serviceName: v.optional(shortText),
	cpu: metricSeries,
	memory: metricSeries,
	network: v.optional(v.object({ rx: metricSeries, tx: metricSeries }))
});

export const metricUpdate = v.object({
	resourceId: shortText,
	seq,
	metrics: resourceMetrics
});

export const notification = v.object({
	id: shortText,
	seq,
	type: v.picklist(NOTIFICATION_TYPES),
	title: string(10_000),
	message: text,
	timestamp,
	priority: v.optional(v.picklist(NOTIFICATION_PRIORITIES)),
	source: v.optional(shortText),
	resourceId: v.optional(shortText),
	read: v.boolean(),
	dismissed: v.optional(v.boolean())
});

export const notificationChanges = objectOnly(
	v.strictObject(v.partial(v.omit(notification, ['id', 'seq'])).entries)
);

export const container = v.object({
	name: shortText,
	lastStatus: shortText,
	exitCode: v.optional(int),
	healthStatus: v.optional(shortText)
});

export const task = v.object({
	taskArn: shortText,
	clusterArn: shortText,
	taskDefinitionArn: shortText,
	group: v.optional(shortText),
	lastStatus: taskStatus,
	desiredStatus: taskStatus,
	launchType: shortText,
	cpu: v.optional(shortText),
	memory: v.optional(shortText),
	containers: list(container, 100),
	createdAt: v.optional(timestamp),
	startedAt: v.optional(timestamp),
	stoppedAt: v.optional(timestamp),
	stoppedReason: v.optional(string(10_000)),
	stopCode: v.optional(shortText)
});

export const taskUpdate = v.object({
	taskId: shortText,
	seq,
	updateType: v.picklist(TASK_UPDATE_TYPES),
	task: v.optional(task),
	changes: v.optional(objectOnly(v.partial(task))),
	previousStatus: v.optional(taskStatus),
	timestamp
});

/** KECS's historic `EventFilter`, kept for `setFilters`. */
export const eventFilter = objectOnly(
	v.object({
		eventTypes: v.optional(list(shortText, LIMITS.listItems)),
		resourceTypes: v.optional(list(shortText, LIMITS.listItems)),
		resourceIds: v.optional(list(shortText, LIMITS.listItems)),
		metadata: v.optional(safeRecord)
	})
);

/**
 * A server-side filter. For logs every field applies; other streams use `taskIds` and
 * `serviceNames` (and ignore the rest).
 */
export const streamFilter = objectOnly(
	v.object({
		levels: v.optional(list(logLevel, LOG_LEVELS.length)),
		search: v.optional(string(LIMITS.search)),
		regex: v.optional(string(LIMITS.regex)),
		taskIds: v.optional(list(shortText, LIMITS.listItems)),
		serviceNames: v.optional(list(shortText, LIMITS.listItems))
	})
);

// ---------------------------------------------------------------------------------------------
// Envelope

export const envelope = v.object({
	type: v.pipe(v.string(), v.minLength(1), v.maxCodePoints(64)),
	payload: v.optional(v.unknown()),
	id: v.optional(string(LIMITS.id)),
	timestamp: v.optional(v.unknown())
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
	stream: v.optional(stream),
	resourceId: v.optional(shortText)
};

export const clientPayloads = {
	ping: v.optional(v.unknown()),
	authenticate: v.object({
		token: v.pipe(v.string(), v.minLength(1), v.maxCodePoints(LIMITS.token))
	}),
	subscribe: objectOnly(
		v.object({
			...streamRef,
			filter: v.optional(streamFilter),
			since: v.optional(streamPosition)
		})
	),
	unsubscribe: objectOnly(v.object(streamRef)),
	request_history: objectOnly(
		v.object({
			...streamRef,
			limit: v.optional(v.pipe(int, v.minValue(1), v.maxValue(LIMITS.historyMax))),
			beforeSeq: v.optional(seq)
		})
	),
	update_filter: v.object({ stream: v.optional(stream), filter: streamFilter }),
	setFilters: list(eventFilter, 100),
	mark_as_read: v.object({ notificationId: shortText }),
	mark_all_as_read: v.optional(v.unknown()),
	dismiss: v.object({ notificationId: shortText }),
	message: v.unknown()
} as const;

// ---------------------------------------------------------------------------------------------
// Server to client payloads

const historyBase = {
	resourceId: shortText,
	epoch: string(LIMITS.id),
	complete: v.boolean()
};
const historyPayload = v.variant('stream', [
	v.object({ ...historyBase, stream: v.literal('logs'), items: v.array(logEntry) }),
	v.object({ ...historyBase, stream: v.literal('metrics'), items: v.array(metricUpdate) }),
	v.object({ ...historyBase, stream: v.literal('notifications'), items: v.array(notification) }),
	v.object({ ...historyBase, stream: v.literal('tasks'), items: v.array(taskUpdate) })
]);

export const serverPayloads = {
	welcome: v.object({
		protocol: v.literal(PROTOCOL_VERSION),
		epoch: string(LIMITS.id),
		heartbeatInterval: v.pipe(int, v.minValue(1)),
		authRequired: v.boolean(),
		serverTime: timestamp
	}),
	pong: v.optional(v.unknown()),
	authenticated: v.object({ username: shortText, roles: list(shortText, 100) }),
	subscribed: v.object({
		stream,
		resourceId: shortText,
		epoch: string(LIMITS.id),
		recovered: v.boolean(),
		/** Extension: the newest seq the server has published on the stream (0: none yet). */
		lastSeq: v.optional(seq),
		/** Extension: the oldest seq still in history, so a client can size a gap. */
		oldestSeq: v.optional(seq)
	}),
	unsubscribed: v.object({ stream, resourceId: shortText }),
	history: historyPayload,
	filter_applied: v.object({ stream, filter: streamFilter }),
	filtersSet: list(eventFilter, 100),
	log_entry: logEntry,
	log_batch: list(logEntry, 100_000),
	metric_update: metricUpdate,
	notification,
	notification_update: v.object({ id: shortText, changes: notificationChanges }),
	task_update: taskUpdate,
	dropped: v.object({
		stream,
		count: v.pipe(int, v.minValue(0)),
		reason: v.picklist(DROP_REASONS)
	}),
	error: v.object({
		error: v.picklist(ERROR_CODES),
		message: string(10_000),
		ref: v.optional(string(LIMITS.id))
	}),
	message: v.unknown()
} as const;
