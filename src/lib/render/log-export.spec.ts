import { describe, expect, it } from 'vitest';
import type { LogEntry } from '$lib/protocol';
import { exportFileName, formatLogLine, toJsonText, toLogText } from './log-export';

const entry = (overrides: Partial<LogEntry> = {}): LogEntry => ({
	id: 'a',
	seq: 7,
	timestamp: new Date('2026-11-26T10:00:00.000Z'),
	level: 'error',
	source: { type: 'container', name: 'api', identifier: 'c1' },
	message: '\x1b[31mboom\x1b[0m <b>x</b>',
	taskId: 'arn:aws:ecs:us-east-1:000000000000:task/default/0f1e2d3c4b5a',
	serviceName: 'api',
	...overrides
});

describe('log export', () => {
	it('writes one plain line per entry, stack traces indented, gaps as comments', () => {
		const text = toLogText([
			entry({ stackTrace: 'Error: boom\n    at f (a.ts:1)' }),
			{ kind: 'gap', seq: 8, missing: 3, reason: 'server restarted' },
			entry({ seq: 11, level: 'info', message: 'ok' })
		]);
		expect(text).toBe(
			'2026-11-26T10:00:00.000Z ERROR [api · 0f1e2d3c] boom <b>x</b>\n' +
				'    Error: boom\n' +
				'        at f (a.ts:1)\n' +
				'# 3 lines missing (server restarted)\n' +
				'2026-11-26T10:00:00.000Z INFO  [api · 0f1e2d3c] ok\n'
		);
		expect(toLogText([])).toBe('');
		expect(formatLogLine({ kind: 'gap', seq: 1, missing: null })).toBe('# Some lines missing');
	});

	it('writes JSON that reads back as the entries', () => {
		const parsed = JSON.parse(toJsonText([entry()])) as Array<Record<string, unknown>>;
		expect(parsed).toHaveLength(1);
		expect(parsed[0]).toMatchObject({ seq: 7, timestamp: '2026-11-26T10:00:00.000Z' });
	});

	it('names files by scope and local time', () => {
		const at = new Date(2026, 10, 26, 9, 5, 3);
		expect(exportFileName('Task 0f1e2d3c · api', 'log', at)).toBe(
			'kecs-live-task-0f1e2d3c-api-20261126-090503.log'
		);
		expect(exportFileName('···', 'json', at)).toBe('kecs-live-logs-20261126-090503.json');
	});
});
