/**
 * Runtime schemas for every data type and message of the kecs-live wire protocol, version 1
 * (docs/protocol.md). The TypeScript types in `types.ts` are inferred from these, so the
 * validator and the type cannot drift apart. Both the browser and the gateway import this file.
 *
 * Decoded shapes differ from the wire in one way only: RFC 3339 timestamps become `Date`s.
 *
 * The validator is valibot, for the browser bundle: its API is one function per check, so a
 * bundle carries only the checks used here (about 2.3 KB gzip of the connection module), where
 * zod, which this file used before, brought about 28 KB whatever was used. The semantics are
 * zod's, kept exactly: unknown keys stripped (`strictObject` refuses them), string lengths
 * counted in code points, integers safe integers, arrays refused where an object is expected
 * (see `objectOnly`).
 */
import * as v from 'valibot';
import {
	DROP_REASONS,
	ERROR_CODES,
	LIMITS,
	LOG_LEVELS,
	LOG_SOURCE_TYPES,
	NOTIFICATION_PRIORITIES,
	NOTIFICATION_TYPES,
	PROTOCOL_VERSION,
	STREAMS,
	GO_ZERO_TIME,
	TASK_STATUSES,
	TASK_UPDATE_TYPES
} from './constants';
import {
	isObject,
	nullPrototypeCopy,
	parseLogEntries,
	parseLogEntry,
	reviveTimestamp
} from './fast-log';
import type { LogEntry } from './types';

// The constants live in constants.ts, which fast-log.ts imports too (fast-log.ts is imported
// here: the log payloads in the tables below are its parsers). Re-exported: this module has always
// been where they are found.
export * from './constants';

// ---------------------------------------------------------------------------------------------
// Primitives

/**
 * A schema that runs a hand-written parser (fast-log.ts: the value, or the reason it is not
 * valid), for the log payloads and timestamps. Log payloads arrive at up to a million entries a
 * second, so the tables below validate them with `parseLogEntry`, which accepts and refuses
 * exactly what {@link logEntry} does (fast-log.spec.ts and fuzz.spec.ts hold the two to it, with
 * {@link logPayloadReference}); a browser then carries the parser alone, not the schema beside it,
 * and the codec has one path for every payload.
 */
function parsedBy<T>(parse: (value: unknown) => T | string) {
	return v.pipe(
		v.unknown(),
		v.rawTransform<unknown, T>(({ dataset, addIssue, NEVER }) => {
			const result = parse(dataset.value);
			if (typeof result !== 'string') return result;
			addIssue({ message: result });
			return NEVER;
		})
	);
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
 * (the gateway's own items) validate without a round trip through JSON; an invalid Date is not.
 * The rule is fast-log.ts's `reviveTimestamp` (a string of at most 64 characters that `Date`
 * parses), so the log parser and the schemas cannot disagree on it.
 */
export const timestamp = parsedBy<Date>(
	(value) => reviveTimestamp(value) ?? 'expected an RFC 3339 timestamp'
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
	v.transform(nullPrototypeCopy)
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

/**
 * Up to `max` log entries, validated by fast-log.ts (see {@link parsedBy}); `owned`: decoded in
 * place where they can be (see `parseLogEntry`), for values the codec has just parsed.
 */
const logEntries = (max: number, owned = false) =>
	parsedBy<LogEntry[]>((value) => parseLogEntries(value, max, owned));

const historyBase = {
	resourceId: shortText,
	epoch: string(LIMITS.id),
	complete: v.boolean()
};

/** A `history` payload, its log entries validated by `logItems`. */
function historyOf<S extends v.GenericSchema<unknown, LogEntry[]>>(logItems: S) {
	return v.variant('stream', [
		v.object({ ...historyBase, stream: v.literal('logs'), items: logItems }),
		v.object({ ...historyBase, stream: v.literal('metrics'), items: v.array(metricUpdate) }),
		v.object({ ...historyBase, stream: v.literal('notifications'), items: v.array(notification) }),
		v.object({ ...historyBase, stream: v.literal('tasks'), items: v.array(taskUpdate) })
	]);
}

/** The most entries of a `log_batch`. */
const MAX_LOG_BATCH = 100_000;

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
	history: historyOf(logEntries(Number.MAX_SAFE_INTEGER)),
	filter_applied: v.object({ stream, filter: streamFilter }),
	filtersSet: list(eventFilter, 100),
	log_entry: parsedBy(parseLogEntry),
	log_batch: logEntries(MAX_LOG_BATCH),
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

/**
 * The log payload parsers of {@link serverFramePayloads} (the value, or why it is not valid). The
 * codec calls them directly for `log_entry` and `log_batch`, without valibot's pipeline around
 * them on every frame of a busy tail; the schemas below wrap the same functions.
 */
export const serverFrameParsers = {
	log_entry: (value: unknown) => parseLogEntry(value, true),
	log_batch: (value: unknown) => parseLogEntries(value, MAX_LOG_BATCH, true)
} as const;

/**
 * {@link serverPayloads} for frames the codec has just parsed (`decodeServerFrame`): the same
 * checks, with log entries decoded in place where they carry no unknown key, so the hot path makes
 * no second copy of every entry. `validateServerMessage`, which takes values built elsewhere,
 * uses {@link serverPayloads}, which never changes its input.
 */
export const serverFramePayloads = {
	...serverPayloads,
	history: historyOf(logEntries(Number.MAX_SAFE_INTEGER, true)),
	log_entry: parsedBy(serverFrameParsers.log_entry),
	log_batch: parsedBy(serverFrameParsers.log_batch)
} as const;

/**
 * The log payloads of {@link serverPayloads} written with the {@link logEntry} schema instead of
 * fast-log.ts's parser: the reference the parser is tested against (fast-log.spec.ts,
 * fuzz.spec.ts). Not used to decode.
 */
export const logPayloadReference = {
	log_entry: logEntry,
	log_batch: list(logEntry, MAX_LOG_BATCH),
	history: historyOf(v.array(logEntry))
} as const;
