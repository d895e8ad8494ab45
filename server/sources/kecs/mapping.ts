/**
 * Translations from what KECS serves to the kecs-live protocol: an ECS `Task` (as the AWS SDK
 * parses it) to a protocol `Task`, and a KECS admin log frame to a `LogEntry`. Pure functions:
 * anything KECS leaves out gets a stated default, anything too long is clipped to the protocol's
 * limits, and anything that is not a log line is reported as such (the caller counts it).
 */
import type { Container as AwsContainer, Task as AwsTask } from '@aws-sdk/client-ecs';
import {
	LIMITS,
	TASK_STATUSES,
	type LogLevel,
	type Task,
	type TaskStatus
} from '../../../src/lib/protocol/index';
import type { SourceLogEntry } from '../source';

/** Longest `stoppedReason` the protocol accepts. */
const MAX_REASON = 10_000;

function clip(value: string, max: number = LIMITS.resourceId): string {
	return value.length > max ? value.slice(0, max) : value;
}

function validDate(value: unknown): Date | undefined {
	if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
	return undefined;
}

/** The last segment of an ARN (`…:task/production/abc` → `abc`), or the input unchanged. */
export function shortId(arn: string): string {
	return arn.slice(arn.lastIndexOf('/') + 1);
}

/** The cluster's name from its ARN (`arn:aws:ecs:…:cluster/<name>`), or the input unchanged. */
export function clusterName(arnOrName: string): string {
	const at = arnOrName.lastIndexOf(':cluster/');
	return at === -1 ? arnOrName : arnOrName.slice(at + ':cluster/'.length);
}

/** The service name of a task's `group` (`service:<name>`), if a service started it. */
export function serviceOfGroup(group: string | undefined): string | undefined {
	return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

const STATUSES: ReadonlySet<string> = new Set(TASK_STATUSES);

/**
 * An ECS task status as the protocol knows it. ECS adds statuses now and then, and KECS has
 * written `FAILED` for tasks whose pod could not be created: that is a stopped task. Anything
 * else unknown becomes `fallback` and is reported through `unknown`.
 */
export function taskStatus(
	value: string | undefined,
	fallback: TaskStatus,
	unknown?: (value: string) => void
): TaskStatus {
	if (value === undefined || value === '') return fallback;
	const upper = value.toUpperCase();
	if (STATUSES.has(upper)) return upper as TaskStatus;
	if (upper === 'FAILED') return 'STOPPED';
	unknown?.(value);
	return fallback;
}

function toContainer(c: AwsContainer): Task['containers'][number] | undefined {
	if (c.name === undefined || c.name === '') return undefined;
	const view: Task['containers'][number] = {
		name: clip(c.name),
		lastStatus: clip(c.lastStatus ?? 'PENDING')
	};
	if (typeof c.exitCode === 'number' && Number.isInteger(c.exitCode)) view.exitCode = c.exitCode;
	if (c.healthStatus !== undefined) view.healthStatus = clip(c.healthStatus);
	return view;
}

/**
 * A protocol `Task` from an ECS task, or undefined when it has no ARN. `clusterArn` is the
 * cluster it was listed in, used when the task does not say.
 */
export function toTask(
	aws: AwsTask,
	clusterArn: string,
	unknownStatus?: (value: string) => void
): Task | undefined {
	if (aws.taskArn === undefined || aws.taskArn === '') return undefined;
	const task: Task = {
		taskArn: clip(aws.taskArn),
		clusterArn: clip(aws.clusterArn ?? clusterArn),
		taskDefinitionArn: clip(aws.taskDefinitionArn ?? ''),
		lastStatus: taskStatus(aws.lastStatus, 'PENDING', unknownStatus),
		desiredStatus: taskStatus(aws.desiredStatus, 'RUNNING', unknownStatus),
		// ECS always says; KECS may leave it out for tasks it runs without a launch type.
		launchType: clip(aws.launchType ?? aws.capacityProviderName ?? 'UNKNOWN'),
		containers: []
	};
	if (aws.group) task.group = clip(aws.group);
	if (aws.cpu) task.cpu = clip(aws.cpu);
	if (aws.memory) task.memory = clip(aws.memory);
	for (const c of (aws.containers ?? []).slice(0, 100)) {
		const view = toContainer(c);
		if (view) task.containers.push(view);
	}
	const createdAt = validDate(aws.createdAt);
	const startedAt = validDate(aws.startedAt);
	const stoppedAt = validDate(aws.stoppedAt);
	if (createdAt) task.createdAt = createdAt;
	if (startedAt) task.startedAt = startedAt;
	if (stoppedAt) task.stoppedAt = stoppedAt;
	if (aws.stoppedReason) task.stoppedReason = clip(aws.stoppedReason, MAX_REASON);
	if (aws.stopCode) task.stopCode = clip(aws.stopCode);
	return task;
}

/** The runtime id of each container of an ECS task (`runtimeId`: the Docker or containerd id). */
export function runtimeIds(aws: AwsTask): Map<string, string> {
	const ids = new Map<string, string>();
	for (const c of aws.containers ?? []) {
		if (c.name && c.runtimeId) ids.set(c.name, clip(c.runtimeId));
	}
	return ids;
}

// ---------------------------------------------------------------------------------------------
// Timestamps

const RFC3339 =
	/^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|z|[+-]\d{2}:\d{2})$/;

/**
 * An RFC 3339 timestamp in nanoseconds since the epoch. KECS writes Kubernetes' timestamps with
 * up to nine fraction digits (Go's RFC3339Nano, trailing zeros trimmed, no fraction at all on a
 * whole second); a JavaScript Date keeps only milliseconds, too coarse to tell lines apart.
 */
export function timestampNs(value: string): bigint | undefined {
	const m = RFC3339.exec(value);
	if (!m) return undefined;
	const ms = Date.parse(
		`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}${m[8] === 'z' ? 'Z' : m[8]}`
	);
	if (Number.isNaN(ms)) return undefined;
	const fraction = BigInt((m[7] ?? '').padEnd(9, '0'));
	return BigInt(ms) * 1_000_000n + fraction;
}

/** Nanoseconds since the epoch as a Date (milliseconds). */
export function nsToDate(ns: bigint): Date {
	return new Date(Number(ns / 1_000_000n));
}

// ---------------------------------------------------------------------------------------------
// Log frames

/** One log line as KECS's admin API serves it (its `storage.TaskLog`). */
export interface KecsLogFrame {
	/** Empty on lines streamed live from Kubernetes: only stored lines have an id. */
	id: string;
	task_arn: string;
	container_name: string;
	timestamp: string;
	log_line: string;
	/** INFO, WARN, ERROR, DEBUG (also TRACE, FATAL); left out when KECS could not tell. */
	log_level?: string;
	created_at?: string;
}

/** What one frame of a KECS log stream is. */
export type LogFrameResult =
	| { kind: 'log'; frame: KecsLogFrame; ns: bigint }
	| { kind: 'close' }
	| { kind: 'error'; error: string }
	| { kind: 'malformed'; reason: string };

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Classify an already-parsed JSON value from a log stream (WebSocket frame, SSE data, REST item). */
export function classifyLogValue(value: unknown): LogFrameResult {
	if (!isRecord(value)) return { kind: 'malformed', reason: 'not a JSON object' };
	if (value.event === 'close') return { kind: 'close' };
	if (value.event === 'error') return { kind: 'error', error: String(value.error ?? 'error') };
	// KECS writes a bare `{"error": …}` when it cannot start the Kubernetes stream at all.
	if (value.event === undefined && value.log_line === undefined && 'error' in value) {
		return { kind: 'error', error: String(value.error) };
	}
	if (typeof value.log_line !== 'string') return { kind: 'malformed', reason: 'no log_line' };
	if (typeof value.timestamp !== 'string') return { kind: 'malformed', reason: 'no timestamp' };
	const ns = timestampNs(value.timestamp);
	if (ns === undefined) return { kind: 'malformed', reason: 'bad timestamp' };
	const frame: KecsLogFrame = {
		id: typeof value.id === 'string' ? value.id : '',
		task_arn: typeof value.task_arn === 'string' ? value.task_arn : '',
		container_name: typeof value.container_name === 'string' ? value.container_name : '',
		timestamp: value.timestamp,
		log_line: value.log_line
	};
	if (typeof value.log_level === 'string') frame.log_level = value.log_level;
	if (typeof value.created_at === 'string') frame.created_at = value.created_at;
	return { kind: 'log', frame, ns };
}

/** Classify the text of one WebSocket frame or SSE `data`. */
export function classifyLogText(text: string): LogFrameResult {
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch {
		return { kind: 'malformed', reason: 'not JSON' };
	}
	return classifyLogValue(value);
}

const LEVELS: Record<string, LogLevel> = {
	TRACE: 'trace',
	DEBUG: 'debug',
	INFO: 'info',
	NOTICE: 'info',
	WARN: 'warn',
	WARNING: 'warn',
	ERROR: 'error',
	ERR: 'error',
	FATAL: 'fatal',
	CRITICAL: 'fatal',
	PANIC: 'fatal'
};

/** A protocol level from KECS's `log_level`; lines KECS could not classify are `info`. */
export function logLevel(value: string | undefined): LogLevel {
	return (value && LEVELS[value.toUpperCase()]) || 'info';
}

/** FNV-1a, 32 bits, as 8 hex digits: a short stable digest for synthesized ids. */
export function fnv1a(text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0).toString(16).padStart(8, '0');
}

/** Where a container's log lines belong, as the source knows from DescribeTasks. */
export interface LogContext {
	taskArn: string;
	clusterArn: string;
	containerName: string;
	serviceName?: string;
	/** The container's runtime id, when KECS reports one. */
	runtimeId?: string;
}

/**
 * A `LogEntry` from a KECS log frame. The task, service and cluster come from the source's own
 * view of the task, not from the frame: KECS builds the frame's `task_arn` from the Kubernetes
 * namespace and pod name, which is not the ECS task ARN.
 */
export function toLogEntry(frame: KecsLogFrame, ns: bigint, ctx: LogContext): SourceLogEntry {
	const id =
		frame.id !== ''
			? clip(frame.id)
			: `kecs:${shortId(ctx.taskArn)}:${ctx.containerName}:${ns}:${fnv1a(frame.log_line)}`;
	const entry: SourceLogEntry = {
		id: clip(id),
		timestamp: nsToDate(ns),
		level: logLevel(frame.log_level),
		source: {
			type: 'container',
			name: clip(ctx.containerName),
			identifier: clip(ctx.runtimeId ?? `${shortId(ctx.taskArn)}/${ctx.containerName}`)
		},
		message: clip(frame.log_line, LIMITS.text),
		taskId: ctx.taskArn,
		clusterArn: ctx.clusterArn
	};
	if (ctx.runtimeId !== undefined) entry.containerId = clip(ctx.runtimeId);
	if (ctx.serviceName !== undefined) entry.serviceName = ctx.serviceName;
	return entry;
}
