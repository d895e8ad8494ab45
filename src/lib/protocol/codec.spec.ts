import { describe, expect, it } from 'vitest';
import {
	decodeClientFrame,
	decodeServerFrame,
	encode,
	validateServerMessage,
	type ClientMessage,
	type LogEntry,
	type ServerMessage
} from './index';

const ts = '2026-11-26T10:00:00.000Z';

const logEntry = {
	id: 'l-1',
	seq: 1,
	timestamp: ts,
	level: 'info',
	source: { type: 'container', name: 'web', identifier: 'c-1' },
	message: 'GET / 200',
	taskId: 'arn:aws:ecs:us-east-1:000000000000:task/prod/abc',
	serviceName: 'web'
};
const series = (name: string, unit: string) => ({
	name,
	unit,
	points: [{ timestamp: ts, value: 12.5 }]
});
const metricUpdate = {
	resourceId: 'arn:task/1',
	seq: 3,
	metrics: {
		resourceId: 'arn:task/1',
		cpu: series('cpu', 'percent'),
		memory: series('memory', 'MiB')
	}
};
const notification = {
	id: 'n-1',
	seq: 2,
	type: 'error',
	title: 'Task stopped',
	message: 'OOM',
	timestamp: ts,
	priority: 'critical',
	read: false
};
const task = {
	taskArn: 'arn:task/1',
	clusterArn: 'arn:cluster/prod',
	taskDefinitionArn: 'arn:td/web:3',
	lastStatus: 'RUNNING',
	desiredStatus: 'RUNNING',
	launchType: 'FARGATE',
	containers: [{ name: 'web', lastStatus: 'RUNNING' }],
	startedAt: ts
};
const taskUpdate = {
	taskId: 'arn:task/1',
	seq: 9,
	updateType: 'status_changed',
	task,
	changes: { lastStatus: 'RUNNING' },
	previousStatus: 'ACTIVATING',
	timestamp: ts
};

/** One valid frame for every server message type. */
const validServer: Record<ServerMessage['type'], unknown> = {
	welcome: {
		type: 'welcome',
		payload: {
			protocol: 1,
			epoch: 'e1',
			heartbeatInterval: 15000,
			authRequired: false,
			serverTime: ts
		}
	},
	pong: { type: 'pong', id: 'p1' },
	authenticated: { type: 'authenticated', id: 'a', payload: { username: 'op', roles: ['viewer'] } },
	subscribed: {
		type: 'subscribed',
		id: 's',
		payload: {
			stream: 'logs',
			resourceId: '*',
			epoch: 'e1',
			recovered: true,
			lastSeq: 4,
			oldestSeq: 1
		}
	},
	unsubscribed: { type: 'unsubscribed', payload: { stream: 'logs', resourceId: '*' } },
	history: {
		type: 'history',
		payload: { stream: 'logs', resourceId: '*', epoch: 'e1', items: [logEntry], complete: true }
	},
	filter_applied: {
		type: 'filter_applied',
		payload: { stream: 'logs', filter: { levels: ['error'] } }
	},
	filtersSet: { type: 'filtersSet', payload: [{ eventTypes: ['task'] }] },
	log_entry: { type: 'log_entry', payload: logEntry },
	log_batch: { type: 'log_batch', payload: [logEntry, { ...logEntry, id: 'l-2', seq: 2 }] },
	metric_update: { type: 'metric_update', payload: metricUpdate },
	notification: { type: 'notification', payload: notification },
	notification_update: {
		type: 'notification_update',
		payload: { id: 'n-1', changes: { read: true } }
	},
	task_update: { type: 'task_update', payload: taskUpdate },
	dropped: { type: 'dropped', payload: { stream: 'logs', count: 5, reason: 'slow_consumer' } },
	error: { type: 'error', payload: { error: 'invalid_json', message: 'bad', ref: 'x' } },
	message: { type: 'message', payload: { anything: [1, 2] } }
};

/** One invalid frame for every server message type (wrong type in a field). */
const invalidServer: Record<ServerMessage['type'], unknown> = {
	welcome: {
		type: 'welcome',
		payload: { protocol: 2, epoch: 'e', heartbeatInterval: 1, authRequired: false, serverTime: ts }
	},
	pong: null,
	authenticated: { type: 'authenticated', payload: { username: 3, roles: [] } },
	subscribed: {
		type: 'subscribed',
		payload: { stream: 'logs', resourceId: '*', epoch: 'e', recovered: 'yes' }
	},
	unsubscribed: { type: 'unsubscribed', payload: {} },
	history: {
		type: 'history',
		payload: { stream: 'logs', resourceId: '*', epoch: 'e', items: [notification], complete: true }
	},
	filter_applied: {
		type: 'filter_applied',
		payload: { stream: 'logs', filter: { levels: ['loud'] } }
	},
	filtersSet: { type: 'filtersSet', payload: { eventTypes: [] } },
	log_entry: { type: 'log_entry', payload: { ...logEntry, level: 'verbose' } },
	log_batch: { type: 'log_batch', payload: [{ ...logEntry, seq: -1 }] },
	metric_update: {
		type: 'metric_update',
		payload: { ...metricUpdate, metrics: { resourceId: 'x' } }
	},
	notification: { type: 'notification', payload: { ...notification, read: undefined } },
	notification_update: { type: 'notification_update', payload: { id: 'n', changes: { bogus: 1 } } },
	task_update: { type: 'task_update', payload: { ...taskUpdate, updateType: 'moved' } },
	dropped: { type: 'dropped', payload: { stream: 'logs', count: 1, reason: 'bored' } },
	error: { type: 'error', payload: { error: 'teapot', message: 'x' } },
	message: { type: 7 }
};

const validClient: Record<ClientMessage['type'], unknown> = {
	ping: { type: 'ping', id: '1' },
	authenticate: { type: 'authenticate', id: '2', payload: { token: 't0k' } },
	subscribe: {
		type: 'subscribe',
		id: '3',
		payload: {
			stream: 'logs',
			resourceId: '*',
			filter: { search: 'x' },
			since: { epoch: 'e', seq: 4 }
		}
	},
	unsubscribe: { type: 'unsubscribe', payload: { stream: 'metrics' } },
	request_history: {
		type: 'request_history',
		payload: { stream: 'tasks', limit: 10, beforeSeq: 50 }
	},
	update_filter: {
		type: 'update_filter',
		payload: { stream: 'logs', filter: { levels: ['warn'], regex: 'a+' } }
	},
	setFilters: { type: 'setFilters', payload: [{ resourceIds: ['x'], metadata: { k: 'v' } }] },
	mark_as_read: { type: 'mark_as_read', payload: { notificationId: 'n-1' } },
	mark_all_as_read: { type: 'mark_all_as_read' },
	dismiss: { type: 'dismiss', payload: { notificationId: 'n-1' } },
	message: { type: 'message', payload: 'hello' }
};

const invalidClient: Record<ClientMessage['type'], unknown> = {
	ping: { type: 'ping', id: 5 },
	authenticate: { type: 'authenticate', payload: { token: '' } },
	subscribe: { type: 'subscribe', payload: { since: { epoch: 'e', seq: 1.5 } } },
	unsubscribe: { type: 'unsubscribe', payload: { resourceId: 42 } },
	request_history: { type: 'request_history', payload: { stream: 'logs', limit: 5000 } },
	update_filter: { type: 'update_filter', payload: { stream: 'logs' } },
	setFilters: { type: 'setFilters', payload: 'all' },
	mark_as_read: { type: 'mark_as_read', payload: {} },
	mark_all_as_read: { type: 'mark_all_as_read', id: 'x'.repeat(500) },
	dismiss: { type: 'dismiss', payload: { notificationId: null } },
	message: { payload: 'no type' }
};

describe('server messages', () => {
	for (const [type, frame] of Object.entries(validServer)) {
		it(`accepts a valid ${type}`, () => {
			const result = decodeServerFrame(JSON.stringify(frame));
			expect(result.ok, JSON.stringify(result)).toBe(true);
			if (result.ok) expect(result.message.type).toBe(type);
		});
	}
	for (const [type, frame] of Object.entries(invalidServer)) {
		it(`refuses an invalid ${type} with a typed error`, () => {
			const result = decodeServerFrame(JSON.stringify(frame));
			expect(result.ok).toBe(false);
			if (!result.ok) expect(['invalid_message', 'unknown_type']).toContain(result.error.code);
		});
	}
});

describe('client messages', () => {
	for (const [type, frame] of Object.entries(validClient)) {
		it(`accepts a valid ${type}`, () => {
			const result = decodeClientFrame(JSON.stringify(frame));
			expect(result.ok, JSON.stringify(result)).toBe(true);
			if (result.ok) expect(result.message.type).toBe(type);
		});
	}
	for (const [type, frame] of Object.entries(invalidClient)) {
		it(`refuses an invalid ${type} with a typed error`, () => {
			const result = decodeClientFrame(JSON.stringify(frame));
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.error.code).toBe('invalid_message');
		});
	}
});

describe('codec errors', () => {
	it('reports non-JSON as invalid_json', () => {
		const r = decodeServerFrame('{not json');
		expect(r).toMatchObject({ ok: false, error: { code: 'invalid_json' } });
	});
	it('reports an unknown type with the request id as ref', () => {
		const r = decodeClientFrame(JSON.stringify({ type: 'teleport', id: 'r1' }));
		expect(r).toMatchObject({
			ok: false,
			error: { code: 'unknown_type', ref: 'r1', type: 'teleport' }
		});
	});
	it('reports an unknown stream as unknown_stream', () => {
		const r = decodeClientFrame(
			JSON.stringify({ type: 'subscribe', id: 'q', payload: { stream: 'cats' } })
		);
		expect(r).toMatchObject({ ok: false, error: { code: 'unknown_stream', ref: 'q' } });
	});
	it('refuses oversized frames before parsing', () => {
		const r = decodeServerFrame('x'.repeat(101), { maxLength: 100 });
		expect(r).toMatchObject({ ok: false, error: { code: 'payload_too_large' } });
	});
	it('does not treat inherited names as message types', () => {
		for (const type of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
			const r = decodeClientFrame(JSON.stringify({ type }));
			expect(r).toMatchObject({ ok: false, error: { code: 'unknown_type' } });
		}
	});
	it('never lets a __proto__ key in metadata reach a prototype', () => {
		const payload =
			JSON.stringify(logEntry).slice(0, -1) +
			',"metadata":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}';
		const frame = `{"type":"log_entry","payload":${payload}}`;
		const r = decodeServerFrame(frame);
		expect(r.ok).toBe(true);
		if (r.ok && r.message.type === 'log_entry') {
			const meta = r.message.payload.metadata!;
			expect(Object.getPrototypeOf(meta)).toBeNull();
			expect(Object.keys(meta)).toEqual(['__proto__', 'constructor']);
		}
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
	});
	it('decodes binary frames as UTF-8 text', () => {
		const bytes = new TextEncoder().encode(JSON.stringify({ type: 'pong', id: 'b' }));
		expect(decodeServerFrame(bytes)).toMatchObject({
			ok: true,
			message: { type: 'pong', id: 'b' }
		});
		expect(decodeServerFrame(bytes.buffer)).toMatchObject({ ok: true });
	});
});

describe('timestamps', () => {
	it('round-trips a log entry: Date in memory, RFC 3339 on the wire', () => {
		const entry: LogEntry = {
			...(logEntry as Omit<LogEntry, 'timestamp'>),
			timestamp: new Date(ts)
		} as LogEntry;
		const wire = encode({ type: 'log_entry', payload: entry, timestamp: new Date(ts) });
		expect(wire).toContain(`"timestamp":"${ts}"`);
		const back = decodeServerFrame(wire);
		expect(back.ok).toBe(true);
		if (back.ok && back.message.type === 'log_entry') {
			expect(back.message.payload.timestamp).toBeInstanceOf(Date);
			expect(back.message.payload.timestamp.toISOString()).toBe(ts);
			expect(back.message.timestamp?.toISOString()).toBe(ts);
		}
	});
	it("tolerates a missing envelope timestamp and Go's zero time", () => {
		const none = decodeServerFrame(JSON.stringify({ type: 'pong' }));
		const zero = decodeServerFrame(
			JSON.stringify({ type: 'pong', timestamp: '0001-01-01T00:00:00Z' })
		);
		expect(none).toMatchObject({ ok: true });
		expect(zero).toMatchObject({ ok: true });
		if (zero.ok) expect(zero.message.timestamp).toBeUndefined();
	});
	it('ignores unknown extra envelope fields (KECS sent resourceType, resourceId)', () => {
		const r = decodeServerFrame(
			JSON.stringify({ type: 'pong', id: 'k', resourceType: 'task', resourceId: 'x' })
		);
		expect(r).toEqual({ ok: true, message: { type: 'pong', id: 'k' } });
	});
	it('refuses an invalid data timestamp', () => {
		const r = decodeServerFrame(
			JSON.stringify({ type: 'log_entry', payload: { ...logEntry, timestamp: 'yesterday' } })
		);
		expect(r).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
	});
	it('validates messages built in memory with Date objects', () => {
		const r = validateServerMessage({
			type: 'notification',
			payload: { ...notification, timestamp: new Date(ts) }
		});
		expect(r.ok).toBe(true);
	});
});
