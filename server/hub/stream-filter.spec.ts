import { describe, expect, it } from 'vitest';
import type { LogEntry } from '../../src/lib/protocol/index';
import { sourceLog, TASK_WEB, TASK_WORKER, CLUSTER_PROD } from '../testing/fixtures';
import { compileEventFilters } from './event-filter';
import { HistoryRecord } from './history';
import { clusterNameOf, matchesResource, parseResourceId, TaskIndex } from './resource';
import { Selection } from './selection';
import { FilterCompiler, normalizeFilter } from './stream-filter';

const index = new TaskIndex();
function logRecord(seq: number, overrides: Partial<LogEntry> = {}): HistoryRecord<LogEntry> {
	const item: LogEntry = { ...sourceLog(seq), ...overrides, seq };
	return new HistoryRecord('log_entry', item, index.logKeys(item));
}

describe('stream filters', () => {
	const compiler = new FilterCompiler();

	it('normalises: empty means unrestricted, lists sorted, log-only fields dropped elsewhere', () => {
		expect(normalizeFilter('logs', { levels: [], search: '', taskIds: [] })).toEqual({});
		expect(normalizeFilter('logs', { levels: ['warn', 'error', 'warn'] })).toEqual({
			levels: ['error', 'warn']
		});
		expect(
			normalizeFilter('tasks', { levels: ['error'], search: 'x', serviceNames: ['b', 'a'] })
		).toEqual({
			serviceNames: ['a', 'b']
		});
		expect(compiler.compile('logs', {})).toEqual({ ok: true, filter: null });
	});

	it('matches levels, case-insensitive search, regex, task ids and service names together', () => {
		const r = compiler.compile('logs', {
			levels: ['error'],
			search: 'DATABASE',
			regex: 'after \\d+ms',
			taskIds: ['0a1b2c3d'], // short id of TASK_WEB
			serviceNames: ['web']
		});
		if (!r.ok || !r.filter) throw new Error('expected a filter');
		const f = r.filter;
		const base = { level: 'error' as const, message: 'Database timeout after 30ms' };
		expect(f.matches(logRecord(1, base))).toBe(true);
		expect(f.matches(logRecord(2, { ...base, level: 'warn' }))).toBe(false);
		expect(f.matches(logRecord(3, { ...base, message: 'cache timeout after 30ms' }))).toBe(false);
		expect(f.matches(logRecord(4, { ...base, message: 'database timeout' }))).toBe(false);
		expect(f.matches(logRecord(5, { ...base, taskId: TASK_WORKER }))).toBe(false);
		expect(f.matches(logRecord(6, { ...base, serviceName: 'worker' }))).toBe(false);
	});

	it('runs the regex on the first inputMax characters only', () => {
		const r = new FilterCompiler({ inputMax: 10 }).compile('logs', { regex: 'needle' });
		if (!r.ok || !r.filter) throw new Error('expected a filter');
		expect(r.filter.matches(logRecord(1, { message: 'needle and more text' }))).toBe(true);
		expect(r.filter.matches(logRecord(2, { message: `${'x'.repeat(20)}needle` }))).toBe(false);
	});

	it('reports an unsafe regex and caches compiled filters by key', () => {
		const bad = compiler.compile('logs', { regex: '(a+)+' });
		expect(bad.ok).toBe(false);
		const a = compiler.compile('logs', { levels: ['warn', 'error'] });
		const b = compiler.compile('logs', { levels: ['error', 'warn'] });
		expect(a.ok && b.ok && a.filter === b.filter).toBe(true);
	});
});

describe('resources', () => {
	it('parses resource ids and cluster names', () => {
		expect(parseResourceId('*')).toEqual({ kind: 'all' });
		expect(parseResourceId('service:web')).toEqual({ kind: 'service', name: 'web' });
		expect(parseResourceId(`cluster:${CLUSTER_PROD}`)).toEqual({ kind: 'cluster', name: 'prod' });
		expect(parseResourceId(TASK_WEB)).toEqual({ kind: 'task', id: TASK_WEB });
		expect(clusterNameOf('plain')).toBe('plain');
	});

	it('matches by task ARN or short id, service and cluster', () => {
		const keys = index.logKeys(sourceLog(1));
		expect(matchesResource(parseResourceId(TASK_WEB), keys)).toBe(true);
		expect(matchesResource(parseResourceId('0a1b2c3d'), keys)).toBe(true);
		expect(matchesResource(parseResourceId(TASK_WORKER), keys)).toBe(false);
		expect(matchesResource(parseResourceId('service:web'), keys)).toBe(true);
		expect(matchesResource(parseResourceId('cluster:default'), keys)).toBe(true);
		expect(matchesResource(parseResourceId('cluster:prod'), keys)).toBe(false);
	});

	it('completes keys from task updates, and forgets deleted tasks', () => {
		const idx = new TaskIndex(2);
		const task = {
			taskArn: TASK_WORKER,
			clusterArn: CLUSTER_PROD,
			taskDefinitionArn: 'td',
			group: 'service:worker',
			lastStatus: 'RUNNING' as const,
			desiredStatus: 'RUNNING' as const,
			launchType: 'FARGATE',
			containers: []
		};
		idx.taskKeys({ taskId: TASK_WORKER, updateType: 'created', task, timestamp: new Date() });
		expect(idx.keysFor(TASK_WORKER)).toEqual({
			taskId: TASK_WORKER,
			serviceName: 'worker',
			clusterArn: CLUSTER_PROD,
			clusterName: 'prod'
		});
		idx.taskKeys({ taskId: TASK_WORKER, updateType: 'deleted', timestamp: new Date() });
		expect(idx.keysFor(TASK_WORKER)).toEqual({ taskId: TASK_WORKER });
		expect(idx.size).toBe(0);
	});
});

describe('event filters and selections', () => {
	it('applies KECS setFilters: any filter, each non-empty field', () => {
		const f = compileEventFilters([
			{ eventTypes: ['task_update'] },
			{ resourceTypes: ['service'], resourceIds: ['service:web'] }
		]);
		if (!f) throw new Error('expected filters');
		expect(f.matches('logs', logRecord(1))).toBe(true); // second filter: service web
		expect(f.matches('logs', logRecord(2, { serviceName: 'worker' }))).toBe(false);
		expect(compileEventFilters([])).toBeNull();
	});

	it('combines resources, stream filter and event filters, with equal keys for equal selections', () => {
		const compiler = new FilterCompiler();
		const errors = compiler.compile('logs', { levels: ['error'] });
		if (!errors.ok) throw new Error(errors.message);
		const a = new Selection('logs', ['service:web', TASK_WORKER], errors.filter, null);
		const b = new Selection(
			'logs',
			[TASK_WORKER, 'service:web', 'service:web'],
			errors.filter,
			null
		);
		expect(a.key).toBe(b.key);
		expect(a.unfiltered).toBe(false);
		expect(a.matches(logRecord(1, { level: 'error' }))).toBe(true);
		expect(a.matches(logRecord(2, { level: 'info' }))).toBe(false);
		expect(a.matches(logRecord(3, { level: 'error', serviceName: 'api', taskId: 'other' }))).toBe(
			false
		);
		expect(new Selection('logs', ['*'], null, null).unfiltered).toBe(true);
	});
});
