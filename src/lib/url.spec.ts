import { describe, expect, it } from 'vitest';
import { linkKeepingOptions, withParams } from './url';

describe('links', () => {
	it('changes parameters and keeps the others', () => {
		const url = new URL('http://x/?heartbeatInterval=2000&task=a');
		expect(withParams(url, { task: 'b' })).toBe('/?heartbeatInterval=2000&task=b');
		expect(withParams(url, { task: null, service: 'api' })).toBe(
			'/?heartbeatInterval=2000&service=api'
		);
		expect(withParams(new URL('http://x/websocket-demo?task=a'), { task: '' })).toBe(
			'/websocket-demo'
		);
	});

	it('keeps only the named options on links to other pages', () => {
		const url = new URL('http://x/?heartbeatInterval=2000&task=a&pongTimeout=1000');
		expect(linkKeepingOptions(url, '/websocket-demo', ['heartbeatInterval', 'pongTimeout'])).toBe(
			'/websocket-demo?heartbeatInterval=2000&pongTimeout=1000'
		);
		expect(linkKeepingOptions(new URL('http://x/?task=a'), '/', ['pongTimeout'])).toBe('/');
	});
});
