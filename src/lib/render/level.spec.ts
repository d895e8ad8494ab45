import { describe, expect, it } from 'vitest';
import type { LogLevel } from '$lib/protocol';
import { detectLevel } from './level';

const cases: [string, LogLevel | undefined][] = [
	// JSON fields, any case of value, pino/bunyan and syslog numbers
	['{"level":"error","msg":"boom"}', 'error'],
	['{"msg":"x","severity":"WARNING"}', 'warn'],
	['{"lvl":"dbg","msg":"x"}', 'debug'],
	['{"Level": "Critical"}', 'fatal'],
	['{"level":30,"msg":"pino info"}', 'info'],
	['{"level":50}', 'error'],
	['{"level":60}', 'fatal'],
	['{"level":10}', 'trace'],
	['{"severity":3}', 'error'],
	['{"log.level":"notice"}', 'info'],
	['  {"level":"trace"}', 'trace'],
	// logfmt
	['time=2026-11-26T10:00:00Z level=warn msg="slow"', 'warn'],
	['ts=1 lvl="error" msg=x', 'error'],
	['severity=INFO x=1', 'info'],
	// klog / glog
	['E1126 10:00:00.000000       1 reflector.go:138] failed', 'error'],
	['W1126 10:00:00.000000 warn', 'warn'],
	['I1126 10:00:00.000000 ok', 'info'],
	['F1126 10:00:00.000000 dead', 'fatal'],
	// prefixes
	['ERROR something failed', 'error'],
	['WARN: disk at 91%', 'warn'],
	['warning: deprecated flag', 'warn'],
	['[W] retrying', 'warn'],
	['[E] failed', 'error'],
	['[info] listening on :8080', 'info'],
	['(debug) cache miss', 'debug'],
	['<crit> disk gone', 'fatal'],
	['PANIC: runtime error', 'fatal'],
	['panic: runtime error: index out of range', 'fatal'],
	['WRN slow query', 'warn'],
	['ERR connection refused', 'error'],
	['DBG cache', 'debug'],
	['TRC enter', 'trace'],
	['NOTICE: ready', 'info'],
	['CRITICAL: overheating', 'fatal'],
	['WARNING:root:this is python', 'warn'],
	['DEBUG1: postgres verbose', 'debug'],
	['W/ActivityManager( 123): slow', 'warn'],
	['npm ERR! code ELIFECYCLE', 'error'],
	['2026-11-26 10:00:00.123  INFO 1234 --- [main] c.e.App : Started', 'info'],
	['2026-11-26T10:00:00Z ERROR app: boom', 'error'],
	['10:00:00.123 [main] WARN com.example.Foo - careful', 'warn'],
	['[2026-11-26T10:00:00Z ERROR my_app] boom', 'error'],
	['2026/11/26 10:00:00 [error] 12#0: *1 connect() failed', 'error'],
	['2026-11-26 10:00:00.123 UTC [42] LOG:  statement: SELECT 1', 'info'],
	['2026-11-26 10:00:00.123 UTC [42] FATAL:  password authentication failed', 'fatal'],
	// no level: prose that merely contains a level word
	['error handling enabled', undefined],
	['Error connecting to database', undefined],
	['Connected to server; no error', undefined],
	['Server started, ERROR count 0', undefined],
	['I am a line', undefined],
	['Information is power', undefined],
	['GET /healthz 200 1ms', undefined],
	['{"msg":"no level here"}', undefined],
	['{"level":"loud"}', undefined],
	['', undefined],
	['   ', undefined],
	['[]', undefined],
	['x'.repeat(10_000), undefined]
];

describe('detectLevel', () => {
	it.each(cases)('%s → %s', (line, level) => {
		expect(detectLevel(line)).toBe(level);
	});

	it('returns the fallback when nothing matches', () => {
		expect(detectLevel('plain words', 'info')).toBe('info');
		expect(detectLevel('ERROR x', 'info')).toBe('error');
	});

	it('is cheap enough to run per line (loose bound, not a benchmark)', () => {
		const lines = cases.map(([l]) => l);
		const t0 = performance.now();
		let n = 0;
		for (let i = 0; i < 200_000; i++) if (detectLevel(lines[i % lines.length]!)) n++;
		const ms = performance.now() - t0;
		expect(n).toBeGreaterThan(0);
		// ~200k lines should take well under a second on any machine; 5 s catches a pathological regression.
		expect(ms).toBeLessThan(5000);
	});

	it('only looks at the head of a huge line', () => {
		const t0 = performance.now();
		const huge = 'INFO ' + 'a'.repeat(5_000_000) + ' level=error';
		for (let i = 0; i < 100; i++) expect(detectLevel(huge)).toBe('info');
		expect(performance.now() - t0).toBeLessThan(2000);
	});
});
