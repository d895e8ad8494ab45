import { describe, expect, it } from 'vitest';
import { DEFAULTS, defaultWsUrl, resolveConfig } from './config';

describe('config', () => {
	it('fills the documented defaults', () => {
		expect(resolveConfig({ url: 'ws://a/ws' })).toEqual({
			url: 'ws://a/ws',
			protocols: undefined,
			reconnect: true,
			reconnectInterval: 500,
			maxReconnectAttempts: Infinity,
			heartbeatInterval: 15_000,
			messageTimeout: 10_000,
			connectTimeout: 5_000,
			pongTimeout: 10_000,
			maxReconnectDelay: 30_000,
			stableAfter: 5_000,
			longReconnectInterval: 5_000,
			outbox: { maxMessages: 1000, maxBytes: 1024 * 1024 },
			getToken: undefined
		});
		expect(DEFAULTS.reconnectInterval).toBe(500);
	});

	it('repairs values that would make a delay spin', () => {
		const c = resolveConfig({
			url: 'ws://a/ws',
			heartbeatInterval: 0,
			pongTimeout: -1,
			reconnectInterval: NaN,
			maxReconnectAttempts: -2,
			outbox: { maxMessages: 0 }
		});
		expect(c.heartbeatInterval).toBe(15_000);
		expect(c.pongTimeout).toBe(10_000);
		expect(c.reconnectInterval).toBe(500);
		expect(c.maxReconnectAttempts).toBe(Infinity);
		expect(c.outbox.maxMessages).toBe(1000);
		expect(resolveConfig({ url: 'x', maxReconnectAttempts: 0 }).maxReconnectAttempts).toBe(0);
	});

	it('derives the hub URL from the page, unless a public URL is set', () => {
		expect(defaultWsUrl({ protocol: 'http:', host: 'localhost:5173' })).toBe(
			'ws://localhost:5173/ws'
		);
		expect(defaultWsUrl({ protocol: 'https:', host: 'ops.example' })).toBe('wss://ops.example/ws');
		expect(defaultWsUrl({ protocol: 'https:', host: 'x' }, ' wss://kecs:8080/ws ')).toBe(
			'wss://kecs:8080/ws'
		);
		expect(defaultWsUrl({ protocol: 'http:', host: 'x' }, '')).toBe('ws://x/ws');
	});
});
