import { describe, expect, it } from 'vitest';
import { connectionOptionsFromUrl } from './url-options';

describe('connectionOptionsFromUrl', () => {
	it('reads the known numeric options', () => {
		const params = new URLSearchParams(
			'heartbeatInterval=2000&pongTimeout=1000&reconnectInterval=200&maxReconnectAttempts=3'
		);
		expect(connectionOptionsFromUrl(params)).toEqual({
			heartbeatInterval: 2000,
			pongTimeout: 1000,
			reconnectInterval: 200,
			maxReconnectAttempts: 3
		});
	});
	it('ignores unknown names and values that are not non-negative numbers', () => {
		const params = new URLSearchParams('url=ws://evil&heartbeatInterval=abc&pongTimeout=-5&x=1');
		expect(connectionOptionsFromUrl(params)).toEqual({});
	});
});
