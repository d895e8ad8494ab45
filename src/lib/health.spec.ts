import { describe, expect, it } from 'vitest';
import { fetchHealth, providesMetrics } from './health';

const answer = (status: number, body: unknown) =>
	(async () => new Response(JSON.stringify(body), { status })) as unknown as typeof fetch;

describe('fetchHealth', () => {
	it('reads the fields the UI uses', async () => {
		const health = await fetchHealth(
			answer(200, {
				ok: true,
				epoch: 'e1',
				clients: 2,
				faults: true,
				source: { name: 'kecs', status: 'healthy', providesMetrics: false }
			})
		);
		expect(health).toMatchObject({ ok: true, faults: true, source: { name: 'kecs' } });
		expect(providesMetrics(health)).toBe(false);
	});

	it('is null when the gateway cannot say, and metrics are then expected', async () => {
		expect(await fetchHealth(answer(500, {}))).toBeNull();
		expect(await fetchHealth(answer(200, 'nonsense'))).toBeNull();
		const failing = (async () => {
			throw new Error('offline');
		}) as unknown as typeof fetch;
		expect(await fetchHealth(failing)).toBeNull();
		expect(providesMetrics(null)).toBe(true);
		expect(
			providesMetrics({
				ok: true,
				epoch: '',
				clients: 0,
				faults: false,
				source: { name: 's', status: 'healthy' }
			})
		).toBe(true);
	});
});
