import { describe, expect, it } from 'vitest';
import { closeReason, reconnectSpreadMs } from './close';

describe('reconnectSpreadMs', () => {
	it('sizes the window so the closed clients return at about the given rate', () => {
		expect(reconnectSpreadMs(1000, 500)).toBe(2000);
		expect(reconnectSpreadMs(1, 500)).toBe(2);
		expect(reconnectSpreadMs(250, 1000)).toBe(250);
	});

	it('is 0 with nobody to close, and capped for a huge fleet', () => {
		expect(reconnectSpreadMs(0, 500)).toBe(0);
		expect(reconnectSpreadMs(10, 0)).toBe(0);
		expect(reconnectSpreadMs(1e6, 500)).toBe(30_000);
		expect(reconnectSpreadMs(1e6, 500, 5_000)).toBe(5_000);
	});

	it('fits the advice in a close reason (123 bytes at most)', () => {
		const reason = closeReason({ reconnect: true, retryAfterMs: 1000, spreadMs: 30_000 });
		expect(reason.length).toBeLessThanOrEqual(123);
		expect(JSON.parse(reason)).toEqual({ reconnect: true, retryAfterMs: 1000, spreadMs: 30_000 });
	});
});
