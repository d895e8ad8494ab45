/**
 * What the simulated containers write: checked on the world's own output, so the test sees the
 * mix an operator would.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SourceLogEntry } from '../source';
import { createRecordingSink } from './recording-sink';
import { createWorld } from './world';

const COMBINED =
	/^\S+ - - \[\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000\] "(GET|POST|PUT|PATCH|DELETE) \S+ HTTP\/1\.1" \d{3} \d+ "[^"]*" "[^"]*"$/;

let logs: SourceLogEntry[] = [];

beforeAll(() => {
	const world = createWorld({ seed: 12, logRate: 100 });
	const sink = createRecordingSink();
	world.advance(20 * 60_000, sink);
	logs = sink.logs;
});

describe('simulated log lines', () => {
	it('carry the task, container and service they come from', () => {
		const container = logs.filter((l) => l.source.type === 'container');
		expect(container.length).toBeGreaterThan(0.9 * logs.length);
		const orphans = container.filter(
			(l) =>
				!/:task\/(production|staging)\/[0-9a-f]{32}$/.test(l.taskId ?? '') ||
				l.containerId !== l.source.identifier ||
				!l.serviceName ||
				!/:cluster\/(production|staging)$/.test(l.clusterArn ?? '')
		);
		expect(orphans).toEqual([]);
		const system = logs.filter((l) => l.source.type === 'system');
		expect(
			system.some((l) =>
				/^\(service [a-z-]+\) has started \d+ tasks: \(task [0-9a-f]{32}\)/.test(l.message)
			)
		).toBe(true);
	});

	it('include HTTP access lines in combined log format', () => {
		const access = logs.filter((l) => l.source.name === 'nginx' && l.metadata !== undefined);
		expect(access.length).toBeGreaterThan(1_000);
		expect(access.filter((l) => !COMBINED.test(l.message)).map((l) => l.message)).toEqual([]);
		expect(access.some((l) => / 5\d\d /.test(l.message) && l.level === 'error')).toBe(true);
	});

	it('include JSON lines that parse, keyed by level or severity', () => {
		const json = logs.filter((l) => l.message.startsWith('{'));
		expect(json.length).toBeGreaterThan(1_000);
		const keys = new Set<string>();
		for (const l of json) {
			const parsed = JSON.parse(l.message) as Record<string, unknown>;
			if ('level' in parsed) keys.add('level');
			if ('severity' in parsed) keys.add('severity');
		}
		expect([...keys].sort()).toEqual(['level', 'severity']);
	});

	it('include ANSI colours on some lines only', () => {
		const ansi = logs.filter((l) => l.message.includes('\u001b['));
		expect(ansi.length).toBeGreaterThan(100);
		expect(ansi.length).toBeLessThan(logs.length / 2);
	});

	it('include warnings and errors, with stack traces in several languages', () => {
		const levels = new Set(logs.map((l) => l.level));
		for (const level of ['debug', 'info', 'warn', 'error'] as const)
			expect(levels.has(level), level).toBe(true);
		const traces = logs.filter((l) => l.stackTrace !== undefined).map((l) => l.stackTrace ?? '');
		expect(traces.some((t) => /\n {4}at .+\(.+\.js:\d+:\d+\)/.test(t))).toBe(true); // Node
		expect(traces.some((t) => /\n\tat [\w.$]+\([\w]+\.java:\d+\)/.test(t))).toBe(true); // Java
		expect(traces.some((t) => t.startsWith('Traceback (most recent call last):'))).toBe(true); // Python
		expect(traces.some((t) => /\n\t\/src\/.+\.go:\d+/.test(t))).toBe(true); // Go
	});

	it('include container start-up and shutdown lines', () => {
		const text = logs.map((l) => l.message).join('\n');
		expect(text).toMatch(
			/Server listening at http:\/\/0\.0\.0\.0:3000|http server listening|Started \w+Application|celery@\S+ ready\./
		);
		expect(text).toMatch(/SIGTERM|Graceful shutdown complete|Warm shutdown|signal 15/);
	});

	it('sometimes carry correlation ids and metadata', () => {
		const correlated = logs.filter((l) => l.correlationId !== undefined).length;
		const withMetadata = logs.filter((l) => l.metadata !== undefined).length;
		expect(correlated).toBeGreaterThan(logs.length * 0.1);
		expect(correlated).toBeLessThan(logs.length);
		expect(withMetadata).toBeGreaterThan(logs.length * 0.1);
		expect(withMetadata).toBeLessThan(logs.length);
	});

	it('have timestamps that never go backwards', () => {
		let backwards = 0;
		for (let i = 1; i < logs.length; i++) {
			if ((logs[i]?.timestamp.getTime() ?? 0) < (logs[i - 1]?.timestamp.getTime() ?? 0))
				backwards++;
		}
		expect(backwards).toBe(0);
	});
});
