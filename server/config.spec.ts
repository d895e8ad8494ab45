import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_CONFIG, loadConfig } from './config';

function problems(env: Record<string, string>): string[] {
	try {
		loadConfig(env);
	} catch (error) {
		if (error instanceof ConfigError) return error.problems;
		throw error;
	}
	return [];
}

describe('loadConfig', () => {
	it('has the documented defaults, and empty variables count as unset', () => {
		expect(loadConfig({})).toEqual({
			port: 3000,
			host: '127.0.0.1',
			token: undefined,
			allowedOrigins: [],
			faults: false,
			simLogRate: 20,
			simSeed: undefined,
			kecs: undefined
		});
		expect(loadConfig({ PORT: '', HOST: ' ', KECS_LIVE_TOKEN: '' })).toEqual(DEFAULT_CONFIG);
	});

	it('reads every variable', () => {
		expect(
			loadConfig({
				PORT: '0',
				HOST: '0.0.0.0',
				KECS_LIVE_TOKEN: 't0ken',
				KECS_LIVE_ALLOWED_ORIGINS: 'https://ops.example.com, http://localhost:5173/ ,',
				KECS_LIVE_FAULTS: '1',
				SIM_LOG_RATE: '50000',
				SIM_SEED: '42'
			})
		).toEqual({
			port: 0,
			host: '0.0.0.0',
			token: 't0ken',
			allowedOrigins: ['https://ops.example.com', 'http://localhost:5173'],
			faults: true,
			simLogRate: 50000,
			simSeed: 42,
			kecs: undefined
		});
		expect(loadConfig({ KECS_LIVE_FAULTS: '0' }).faults).toBe(false);
		expect(loadConfig({ SIM_LOG_RATE: '0.5' }).simLogRate).toBe(0.5);
	});

	it.each([
		['PORT', 'abc', /PORT must be an integer from 0 to 65535, got "abc"/],
		['PORT', '65536', /PORT/],
		['PORT', '-1', /PORT/],
		['PORT', '80.5', /PORT/],
		['HOST', 'a b', /HOST/],
		['KECS_LIVE_ALLOWED_ORIGINS', 'ftp://x', /KECS_LIVE_ALLOWED_ORIGINS .* got "ftp:\/\/x"/],
		['KECS_LIVE_ALLOWED_ORIGINS', 'example.com', /KECS_LIVE_ALLOWED_ORIGINS/],
		['KECS_LIVE_FAULTS', 'maybe', /KECS_LIVE_FAULTS must be 1 \(on\) or 0 \(off\), got "maybe"/],
		['SIM_LOG_RATE', 'fast', /SIM_LOG_RATE/],
		['SIM_LOG_RATE', '-5', /SIM_LOG_RATE/],
		['SIM_SEED', '1.5', /SIM_SEED must be an integer/],
		['KECS_LIVE_TOKEN', 'x'.repeat(5000), /KECS_LIVE_TOKEN must be at most 4096/]
	])('refuses %s=%s with a clear message', (name, value, message) => {
		const found = problems({ [name]: value });
		expect(found).toHaveLength(1);
		expect(found[0]).toMatch(message);
	});

	it('reads a real KECS: KECS_ENDPOINT, with the admin endpoint on the same host at 5374', () => {
		expect(loadConfig({ KECS_ENDPOINT: 'http://localhost:5373/' }).kecs).toEqual({
			endpoint: 'http://localhost:5373',
			adminEndpoint: 'http://localhost:5374',
			region: 'us-east-1',
			pollIntervalMs: 2000
		});
		expect(
			loadConfig({
				KECS_ENDPOINT: 'http://[::1]:15373',
				KECS_ADMIN_ENDPOINT: 'http://10.0.0.2:9000',
				KECS_REGION: 'ap-northeast-1',
				KECS_POLL_INTERVAL: '500'
			}).kecs
		).toEqual({
			endpoint: 'http://[::1]:15373',
			adminEndpoint: 'http://10.0.0.2:9000',
			region: 'ap-northeast-1',
			pollIntervalMs: 500
		});
		expect(loadConfig({ KECS_ENDPOINT: 'https://kecs.internal' }).kecs?.adminEndpoint).toBe(
			'https://kecs.internal:5374'
		);
	});

	it.each([
		[
			{ KECS_ENDPOINT: 'localhost:5373' },
			/KECS_ENDPOINT must be an http\(s\) URL .* got "localhost:5373"/
		],
		[{ KECS_ENDPOINT: 'http://h/path' }, /KECS_ENDPOINT/],
		[{ KECS_ENDPOINT: 'http://h', KECS_ADMIN_ENDPOINT: 'ws://h' }, /KECS_ADMIN_ENDPOINT/],
		[{ KECS_ENDPOINT: 'http://h', KECS_REGION: 'moon' }, /KECS_REGION must be an AWS region/],
		[
			{ KECS_ENDPOINT: 'http://h', KECS_POLL_INTERVAL: '10' },
			/KECS_POLL_INTERVAL must be an integer from 100/
		],
		[{ KECS_ENDPOINT: 'http://h', KECS_POLL_INTERVAL: '1s' }, /KECS_POLL_INTERVAL/],
		[{ KECS_REGION: 'us-east-1' }, /KECS_REGION is set but KECS_ENDPOINT is not/]
	])('refuses KECS settings %j with a clear message', (env, message) => {
		const found = problems(env);
		expect(found).toHaveLength(1);
		expect(found[0]).toMatch(message);
	});

	it('reports every problem at once', () => {
		expect(() => loadConfig({ PORT: 'x', SIM_SEED: 'y' })).toThrow(/PORT[\s\S]*SIM_SEED/);
		expect(problems({ PORT: 'x', SIM_SEED: 'y' })).toHaveLength(2);
	});
});
