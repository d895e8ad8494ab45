import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { task as taskSchema } from '../../../src/lib/protocol/schemas';
import {
	classifyLogText,
	logLevel,
	taskStatus,
	timestampNs,
	toLogEntry,
	toTask,
	type KecsLogFrame
} from './mapping';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/production/0123456789abcdef0123456789abcdef';
const CLUSTER = 'arn:aws:ecs:us-east-1:000000000000:cluster/production';

describe('toTask', () => {
	it('maps an ECS task to a protocol task the schema accepts', () => {
		const task = toTask(
			{
				taskArn: ARN,
				taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:87',
				group: 'service:api',
				lastStatus: 'RUNNING',
				desiredStatus: 'RUNNING',
				launchType: 'FARGATE',
				cpu: '1024',
				memory: '2048',
				createdAt: new Date('2026-11-26T09:00:00Z'),
				startedAt: new Date('2026-11-26T09:00:30Z'),
				containers: [
					{ name: 'api', lastStatus: 'RUNNING', healthStatus: 'HEALTHY', runtimeId: 'abc' },
					{ name: '', lastStatus: 'RUNNING' }
				]
			},
			CLUSTER
		);
		expect(task).toEqual({
			taskArn: ARN,
			clusterArn: CLUSTER,
			taskDefinitionArn: 'arn:aws:ecs:us-east-1:000000000000:task-definition/api:87',
			group: 'service:api',
			lastStatus: 'RUNNING',
			desiredStatus: 'RUNNING',
			launchType: 'FARGATE',
			cpu: '1024',
			memory: '2048',
			createdAt: new Date('2026-11-26T09:00:00Z'),
			startedAt: new Date('2026-11-26T09:00:30Z'),
			containers: [{ name: 'api', lastStatus: 'RUNNING', healthStatus: 'HEALTHY' }]
		});
		expect(v.safeParse(taskSchema, task).success).toBe(true);
	});

	it('fills what KECS leaves out and maps statuses ECS does not have', () => {
		const unknown: string[] = [];
		const task = toTask(
			{
				taskArn: ARN,
				lastStatus: 'FAILED',
				desiredStatus: 'WHATEVER',
				stoppedReason: 'x'.repeat(20_000)
			},
			CLUSTER,
			(s) => unknown.push(s)
		);
		expect(task).toMatchObject({
			clusterArn: CLUSTER,
			lastStatus: 'STOPPED',
			desiredStatus: 'RUNNING',
			launchType: 'UNKNOWN',
			containers: []
		});
		expect(task?.stoppedReason).toHaveLength(10_000);
		expect(unknown).toEqual(['WHATEVER']);
		expect(v.safeParse(taskSchema, task).success).toBe(true);
		expect(toTask({}, CLUSTER)).toBeUndefined();
		expect(taskStatus('running', 'PENDING')).toBe('RUNNING');
	});
});

describe('timestampNs', () => {
	it('reads Go RFC3339Nano, with any number of fraction digits or none', () => {
		const second = BigInt(Date.parse('2026-11-26T09:00:00Z')) * 1_000_000n;
		expect(timestampNs('2026-11-26T09:00:00Z')).toBe(second);
		expect(timestampNs('2026-11-26T09:00:00.5Z')).toBe(second + 500_000_000n);
		expect(timestampNs('2026-11-26T09:00:00.123456789Z')).toBe(second + 123_456_789n);
		expect(timestampNs('2026-11-26T10:00:00.000000001+01:00')).toBe(second + 1n);
		expect(timestampNs('yesterday')).toBeUndefined();
		expect(timestampNs('2026-11-26')).toBeUndefined();
	});
});

describe('classifyLogText', () => {
	it('tells log lines, close, error and garbage apart', () => {
		const line = {
			id: '',
			task_arn: 'arn:aws:ecs:us-east-1:000000000000:task/production-us-east-1/pod',
			container_name: 'api',
			timestamp: '2026-11-26T09:00:00.000000042Z',
			log_line: 'hello',
			log_level: 'WARN',
			created_at: '2026-11-26T09:00:01Z'
		};
		const result = classifyLogText(JSON.stringify(line));
		expect(result.kind).toBe('log');
		if (result.kind === 'log') expect(result.ns % 1000n).toBe(42n);
		expect(classifyLogText('{"event":"close"}')).toEqual({ kind: 'close' });
		expect(classifyLogText('{"event":"error","error":"boom"}')).toEqual({
			kind: 'error',
			error: 'boom'
		});
		expect(classifyLogText('{"error":"Failed to stream logs"}')).toEqual({
			kind: 'error',
			error: 'Failed to stream logs'
		});
		for (const bad of [
			'nope',
			'[]',
			'42',
			'{"log_line":1}',
			'{"log_line":"x"}',
			'{"log_line":"x","timestamp":"soon"}'
		]) {
			expect(classifyLogText(bad).kind).toBe('malformed');
		}
	});
});

describe('toLogEntry', () => {
	const frame: KecsLogFrame = {
		id: '',
		task_arn: 'arn:aws:ecs:us-east-1:000000000000:task/production-us-east-1/pod',
		container_name: 'api',
		timestamp: '2026-11-26T09:00:00.5Z',
		log_line: 'GET /health 200'
	};
	const ns = timestampNs(frame.timestamp) ?? 0n;

	it('uses the source’s own task ARN, service and cluster, and the runtime id', () => {
		const entry = toLogEntry({ ...frame, id: 'uuid-1', log_level: 'ERROR' }, ns, {
			taskArn: ARN,
			clusterArn: CLUSTER,
			containerName: 'api',
			serviceName: 'api',
			runtimeId: 'docker-id'
		});
		expect(entry).toEqual({
			id: 'uuid-1',
			timestamp: new Date('2026-11-26T09:00:00.500Z'),
			level: 'error',
			source: { type: 'container', name: 'api', identifier: 'docker-id' },
			message: 'GET /health 200',
			taskId: ARN,
			containerId: 'docker-id',
			serviceName: 'api',
			clusterArn: CLUSTER
		});
	});

	it('makes a stable id for streamed lines, which KECS sends without one', () => {
		const ctx = { taskArn: ARN, clusterArn: CLUSTER, containerName: 'api' };
		const a = toLogEntry(frame, ns, ctx);
		expect(a.id).toBe(toLogEntry(frame, ns, ctx).id);
		expect(a.id).not.toBe(toLogEntry({ ...frame, log_line: 'other' }, ns, ctx).id);
		expect(a.source.identifier).toBe('0123456789abcdef0123456789abcdef/api');
		expect(a.level).toBe('info');
	});

	it('maps KECS levels', () => {
		expect(
			['INFO', 'WARN', 'WARNING', 'ERROR', 'DEBUG', 'TRACE', 'FATAL', '', undefined, 'LOUD'].map(
				logLevel
			)
		).toEqual(['info', 'warn', 'warn', 'error', 'debug', 'trace', 'fatal', 'info', 'info', 'info']);
	});
});
