import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { createConfiguredSource } from './from-config';

describe('createConfiguredSource', () => {
	it('is the simulator without KECS_ENDPOINT', async () => {
		const source = createConfiguredSource(loadConfig({}));
		expect(source.name).toBe('simulator');
		expect(source.providesMetrics).toBe(true);
		await source.stop();
	});

	it('is KECS, without metrics, with KECS_ENDPOINT', async () => {
		const source = createConfiguredSource(
			loadConfig({ KECS_ENDPOINT: 'http://127.0.0.1:5373', KECS_POLL_INTERVAL: '500' })
		);
		expect(source).toMatchObject({
			name: 'kecs',
			providesMetrics: false,
			endpoint: 'http://127.0.0.1:5373',
			adminEndpoint: 'http://127.0.0.1:5374'
		});
		expect(source.health().status).toBe('starting');
		await source.stop();
	});
});
