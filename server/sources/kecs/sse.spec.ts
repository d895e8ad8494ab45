import { describe, expect, it } from 'vitest';
import { SseParser } from './sse';

describe('SseParser', () => {
	it('parses events split anywhere, with CRLF, comments and multi-line data', () => {
		const p = new SseParser();
		const text =
			': hello\r\nevent: log\r\ndata: {"a":1}\r\n\r\nevent: close\ndata: stream\ndata: ended\n\ndata: plain\n\n';
		const events = [];
		for (const ch of text) events.push(...p.push(ch));
		expect(events).toEqual([
			{ event: 'log', data: '{"a":1}' },
			{ event: 'close', data: 'stream\nended' },
			{ event: 'message', data: 'plain' }
		]);
	});

	it('does not dispatch an event without data, nor a half-received one', () => {
		const p = new SseParser();
		expect(p.push('event: ping\n\nevent: log\ndata: x')).toEqual([]);
		expect(p.push('\n\n')).toEqual([{ event: 'log', data: 'x' }]);
	});
});
