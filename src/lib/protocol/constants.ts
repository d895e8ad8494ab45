/**
 * The protocol's constants (docs/protocol.md): version, enumerations, limits. Their own module so
 * that schemas.ts and the hand-written log validator it uses (fast-log.ts) both import them
 * without importing each other; schemas.ts re-exports them.
 */
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
