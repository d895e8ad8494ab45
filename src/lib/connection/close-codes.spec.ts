import { describe, expect, it } from 'vitest';
import { classifyClose, type CloseAction } from './close-codes';

describe('classifyClose', () => {
	const table: Array<[number, CloseAction]> = [
		[1000, 'closed'],
		[1001, 'retry'],
		[1006, 'retry'],
		[1011, 'retry'],
		[1012, 'retry'],
		[1013, 'long'],
		[4429, 'long'],
		[1008, 'failed'],
		[4403, 'failed'],
		[1009, 'retry'],
		[4400, 'failed'],
		[4401, 'reauth'],
		[4408, 'retry']
	];

	it.each(table)('code %i → %s (PROTOCOL.md table)', (code, action) => {
		expect(classifyClose(code).action).toBe(action);
	});

	it('retries codes it does not know', () => {
		expect(classifyClose(1005).action).toBe('retry');
		expect(classifyClose(4999).action).toBe('retry');
		expect(classifyClose(3000).action).toBe('retry');
	});

	it('lets a JSON reason override the table', () => {
		expect(classifyClose(1006, '{"reconnect":false}')).toEqual({ action: 'failed' });
		expect(classifyClose(1008, '{"reconnect":true}')).toEqual({ action: 'retry' });
		expect(classifyClose(1012, '{"reconnect":true,"retryAfterMs":2500}')).toEqual({
			action: 'retry',
			retryAfterMs: 2500
		});
		expect(classifyClose(1013, '{"reconnect":true,"retryAfterMs":2500}')).toEqual({
			action: 'long',
			retryAfterMs: 2500
		});
		expect(classifyClose(1006, '{"retryAfterMs":10}')).toEqual({
			action: 'retry',
			retryAfterMs: 10
		});
		expect(classifyClose(4429, '{"retryAfterMs":20000}')).toEqual({
			action: 'long',
			retryAfterMs: 20000
		});
	});

	it("carries the server's spreadMs with a retry hint, and drops a bad one", () => {
		expect(classifyClose(1012, '{"reconnect":true,"retryAfterMs":0,"spreadMs":2000}')).toEqual({
			action: 'retry',
			retryAfterMs: 0,
			spreadMs: 2000
		});
		expect(classifyClose(1012, '{"reconnect":true,"retryAfterMs":0,"spreadMs":-1}')).toEqual({
			action: 'retry',
			retryAfterMs: 0
		});
		// A spread without a retryAfterMs has no floor to spread from: the normal backoff applies.
		expect(classifyClose(1012, '{"reconnect":true,"spreadMs":2000}')).toEqual({
			action: 'retry'
		});
		expect(classifyClose(1008, '{"retryAfterMs":0,"spreadMs":2000}')).toEqual({
			action: 'failed'
		});
	});

	it('keeps a terminal code terminal when the reason only carries a hint', () => {
		expect(classifyClose(1008, '{"retryAfterMs":100}')).toEqual({ action: 'failed' });
	});

	it('ignores reasons that are not our JSON', () => {
		expect(classifyClose(1008, 'origin not allowed')).toEqual({ action: 'failed' });
		expect(classifyClose(1006, '{broken')).toEqual({ action: 'retry' });
		expect(classifyClose(1006, '[1,2]')).toEqual({ action: 'retry' });
		expect(classifyClose(1006, '{"reconnect":"yes","retryAfterMs":-5}')).toEqual({
			action: 'retry'
		});
	});
});
