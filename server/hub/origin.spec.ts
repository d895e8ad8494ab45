import { describe, expect, it } from 'vitest';
import { isOriginAllowed, normalizeOrigin } from './origin';

describe('origin check', () => {
	it('allows no Origin (non-browser clients) and same-origin, default ports included', () => {
		expect(isOriginAllowed(undefined, '127.0.0.1:3000', [])).toBe(true);
		expect(isOriginAllowed('http://127.0.0.1:3000', '127.0.0.1:3000', [])).toBe(true);
		expect(isOriginAllowed('http://Example.com', 'example.com:80', [])).toBe(true);
		expect(isOriginAllowed('https://example.com', 'example.com:443', [])).toBe(true);
	});

	it('refuses other origins unless configured (or *)', () => {
		expect(isOriginAllowed('http://evil.example', '127.0.0.1:3000', [])).toBe(false);
		expect(isOriginAllowed('http://127.0.0.1:3001', '127.0.0.1:3000', [])).toBe(false);
		expect(isOriginAllowed('null', '127.0.0.1:3000', [])).toBe(false);
		expect(isOriginAllowed('not a url', '127.0.0.1:3000', [])).toBe(false);
		const allowed = [normalizeOrigin('https://Ops.Example.com:443/')];
		expect(allowed).toEqual(['https://ops.example.com']);
		expect(isOriginAllowed('https://ops.example.com', 'gw:3000', allowed)).toBe(true);
		expect(isOriginAllowed('http://ops.example.com', 'gw:3000', allowed)).toBe(false);
		expect(isOriginAllowed('http://anything', 'gw:3000', ['*'])).toBe(true);
	});
});
