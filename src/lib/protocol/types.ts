/**
 * Types of the kecs-live wire protocol, inferred from the schemas so the two never drift.
 * `*Wire` types are what goes over the socket (timestamps as strings); the plain names are the
 * decoded shapes (timestamps as `Date`), which is also what the gateway builds in memory.
 */
import type * as v from 'valibot';
import type * as s from './schemas';

export type Stream = (typeof s.STREAMS)[number];
export type LogLevel = (typeof s.LOG_LEVELS)[number];
export type TaskStatus = (typeof s.TASK_STATUSES)[number];
export type NotificationType = (typeof s.NOTIFICATION_TYPES)[number];
export type NotificationPriority = (typeof s.NOTIFICATION_PRIORITIES)[number];
export type TaskUpdateType = (typeof s.TASK_UPDATE_TYPES)[number];
export type DropReason = (typeof s.DROP_REASONS)[number];
export type ErrorCode = (typeof s.ERROR_CODES)[number];

export type StreamPosition = v.InferOutput<typeof s.streamPosition>;
export type LogEntry = v.InferOutput<typeof s.logEntry>;
export type MetricPoint = v.InferOutput<typeof s.metricPoint>;
export type MetricSeries = v.InferOutput<typeof s.metricSeries>;
export type ResourceMetrics = v.InferOutput<typeof s.resourceMetrics>;
export type MetricUpdate = v.InferOutput<typeof s.metricUpdate>;
export type Notification = v.InferOutput<typeof s.notification>;
export type NotificationChanges = v.InferOutput<typeof s.notificationChanges>;
export type Container = v.InferOutput<typeof s.container>;
export type Task = v.InferOutput<typeof s.task>;
export type TaskUpdate = v.InferOutput<typeof s.taskUpdate>;
export type EventFilter = v.InferOutput<typeof s.eventFilter>;
export type StreamFilter = v.InferOutput<typeof s.streamFilter>;

/** The item type each stream carries (in history replies and live messages). */
export interface StreamItems {
	logs: LogEntry;
	metrics: MetricUpdate;
	notifications: Notification;
	tasks: TaskUpdate;
}
export type StreamItem = StreamItems[Stream];

type Payloads<T extends Record<string, v.GenericSchema>> = { [K in keyof T]: v.InferOutput<T[K]> };
export type ClientPayloads = Payloads<typeof s.clientPayloads>;
export type ServerPayloads = Payloads<typeof s.serverPayloads>;
export type ClientMessageType = keyof ClientPayloads;
export type ServerMessageType = keyof ServerPayloads;

/** One envelope per message type: `{ type, payload, id?, timestamp? }`. */
type Envelopes<P> = {
	[K in keyof P]: undefined extends P[K]
		? { type: K; payload?: P[K]; id?: string; timestamp?: Date }
		: { type: K; payload: P[K]; id?: string; timestamp?: Date };
}[keyof P];

/** A decoded message from the browser to the gateway. */
export type ClientMessage = Envelopes<ClientPayloads>;
/** A decoded message from the gateway to the browser. */
export type ServerMessage = Envelopes<ServerPayloads>;

export type ClientMessageOf<K extends ClientMessageType> = Extract<ClientMessage, { type: K }>;
export type ServerMessageOf<K extends ServerMessageType> = Extract<ServerMessage, { type: K }>;

/** Why a frame was refused; `code` is the protocol's error vocabulary. */
export interface DecodeError {
	code: Extract<
		ErrorCode,
		'invalid_json' | 'invalid_message' | 'unknown_type' | 'unknown_stream' | 'payload_too_large'
	>;
	message: string;
	/** The offending frame's `id`, when it had a readable one. */
	ref?: string;
	/** The offending frame's `type`, when it had a readable one. */
	type?: string;
}

export type DecodeResult<M> = { ok: true; message: M } | { ok: false; error: DecodeError };
