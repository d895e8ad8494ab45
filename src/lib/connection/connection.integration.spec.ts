/**
 * The connection against the real gateway (server/gateway.ts) on a loopback port, with `ws` as the
 * WebSocket implementation and real time. Faults are injected through the gateway's own fault
 * routes (`POST /_faults/...`), as the demo page does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { StreamItem } from '$lib/protocol';
import { startTestGateway, type TestGateway } from '../../../server/testing/harness';
import { ConnectionClient, type ClientOptions } from './client';
import type { WebSocketConfig } from './config';
import type { WebSocketConstructor } from './socket';
import type { Recovery, SubscriptionStatus } from './subscriptions';

const WS = WebSocket as unknown as WebSocketConstructor;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(
	condition: () => boolean,
	timeout = 5_000,
	what = 'condition'
): Promise<void> {
	const until = Date.now() + timeout;
	while (!condition()) {
		if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

const gateways: TestGateway[] = [];
const clients: ConnectionClient[] = [];

async function gateway(options: Parameters<typeof startTestGateway>[0] = {}): Promise<TestGateway> {
	const gw = await startTestGateway({ faults: true, ...options });
	gateways.push(gw);
	return gw;
}

function client(
	gw: TestGateway,
	config: Partial<WebSocketConfig> = {},
	options: ClientOptions = {}
) {
	const c = new ConnectionClient(
		{ url: gw.gateway.wsUrl, reconnectInterval: 50, maxReconnectDelay: 500, ...config },
		{ WebSocketImpl: WS, ...options }
	);
	clients.push(c);
	return c;
}

async function fault(gw: TestGateway, name: string): Promise<unknown> {
	const res = await fetch(`${gw.gateway.url}/_faults/${name}`, { method: 'POST' });
	expect(res.status).toBe(200);
	return res.json();
}

afterEach(async () => {
	for (const c of clients.splice(0)) c.dispose();
	for (const gw of gateways.splice(0)) await gw.stop();
});

/** A subscriber recording every seq and every recovery state. */
function recorder() {
	const seqs: number[] = [];
	const statuses: SubscriptionStatus[] = [];
	return {
		seqs,
		statuses,
		recoveries: () => statuses.map((s) => s.recovery) as Recovery[],
		onItems: (items: readonly StreamItem[]) => {
			for (const item of items) seqs.push(item.seq);
		},
		onStatus: (status: SubscriptionStatus) => statuses.push(status)
	};
}

describe('against the real gateway', () => {
	it('an abrupt drop mid-stream resumes with no missing and no duplicate log seq', async () => {
		const gw = await gateway();
		const c = client(gw);
		const logs = recorder();
		c.subscribe('logs', logs);
		c.connect();
		await waitFor(() => logs.recoveries().includes('live'), 5_000, 'live subscription');

		let published = 0;
		const pump = setInterval(() => {
			gw.source.logs(25);
			published += 25;
		}, 5);
		try {
			await waitFor(() => logs.seqs.length >= 300, 5_000, 'items before the drop');
			const dropped = (await fault(gw, 'drop')) as { dropped: number };
			expect(dropped.dropped).toBe(1);
			await waitFor(() => c.stats.reconnects >= 1 && c.state === 'open', 5_000, 'reconnect');
			await sleep(100);
		} finally {
			clearInterval(pump);
		}
		await waitFor(() => logs.seqs.at(-1) === published, 5_000, 'the last item');

		expect(c.stats.lastClose?.code).toBe(1006);
		expect(logs.recoveries()).toContain('recovered');
		expect(logs.seqs.length).toBe(published);
		expect(new Set(logs.seqs).size).toBe(published);
		expect(logs.seqs).toEqual(Array.from({ length: published }, (_, i) => i + 1));
	});

	it('a restart with a new epoch resyncs, and the client says so', async () => {
		const gw = await gateway();
		const c = client(gw);
		const logs = recorder();
		c.subscribe('logs', logs);
		c.connect();
		await waitFor(() => logs.recoveries().includes('live'));
		gw.source.logs(50);
		await waitFor(() => logs.seqs.length === 50);
		const before = logs.statuses.at(-1)?.epoch;

		const restart = (await fault(gw, 'restart')) as { previousEpoch: string; epoch: string };
		expect(restart.previousEpoch).toBe(before);
		await waitFor(() => logs.recoveries().includes('resynced'), 5_000, 'resynced');
		const resynced = logs.statuses.find((s) => s.recovery === 'resynced')!;
		expect(resynced.epoch).toBe(restart.epoch);
		// Another epoch: nothing tells how much of the old one was missed.
		expect(resynced.gap).toBeNull();
		expect(c.stats.lastClose?.code).toBe(1012);

		gw.source.logs(10);
		await waitFor(() => logs.seqs.length === 60);
		// The new epoch numbers from 1 again; the subscriber got each of its items once.
		expect(logs.seqs.slice(50)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
	});

	it('detects a stalled link within heartbeatInterval + pongTimeout', async () => {
		const gw = await gateway({ heartbeatIntervalMs: 10_000 });
		const heartbeatInterval = 200;
		const pongTimeout = 300;
		const c = client(gw, { heartbeatInterval, pongTimeout });
		c.connect();
		await waitFor(() => c.state === 'open');
		await sleep(50);
		let detectedAt = 0;
		const seen: string[] = [];
		c.onChange((cc) => {
			if (seen.at(-1) !== cc.state) seen.push(cc.state);
			if (!detectedAt && cc.state === 'heartbeatTimeout') detectedAt = performance.now();
		});
		const stalledAt = performance.now();
		await fault(gw, 'stall-pongs');
		await waitFor(() => detectedAt > 0, 3_000, 'heartbeat timeout');
		const took = detectedAt - stalledAt;
		console.info(
			`[integration] stalled link detected after ${took.toFixed(0)} ms (bound ${heartbeatInterval + pongTimeout} ms)`
		);
		// The bound itself plus a little for timers firing late on a loaded machine.
		expect(took).toBeLessThanOrEqual(heartbeatInterval + pongTimeout + 100);
		// The next link is a fresh, healthy one.
		await waitFor(() => c.state === 'open', 3_000, 'reopen');
		const from = seen.indexOf('heartbeatTimeout');
		expect(seen.slice(from, from + 2)).toEqual(['heartbeatTimeout', 'backoff']);
	});

	it('a 1008 close (origin not allowed) ends in failed with no further attempts', async () => {
		const gw = await gateway({ allowedOrigins: ['http://allowed.example'] });
		let attempts = 0;
		class ForeignOrigin extends WebSocket {
			constructor(url: string, protocols?: string | string[]) {
				super(url, protocols, { headers: { Origin: 'http://evil.example' } });
				attempts++;
			}
		}
		const c = client(gw, {}, { WebSocketImpl: ForeignOrigin as unknown as WebSocketConstructor });
		c.connect();
		await waitFor(() => c.state === 'failed', 3_000, 'failed');
		expect(c.stats.lastClose?.code).toBe(1008);
		expect(c.error).toMatch(/1008/);
		await sleep(1_000);
		expect(c.state).toBe('failed');
		expect(attempts).toBe(1);
	});

	it(
		'500 clients reconnecting after a restart spread their attempts',
		{ timeout: 180_000 },
		async () => {
			const N = 500;
			const bucketMs = 100;
			// A base long enough that one Node process (server and 500 clients on 2 cores, about
			// 1.2 ms of CPU per reconnection) can keep up with the jittered rate it is measuring.
			const reconnectInterval = 3_000;

			const peakOf = (times: number[], t0: number) => {
				const buckets = new Map<number, number>();
				for (const at of times) {
					const b = Math.floor((at - t0) / bucketMs);
					buckets.set(b, (buckets.get(b) ?? 0) + 1);
				}
				return Math.max(...buckets.values());
			};

			async function herd(random: (() => number) | undefined, refuseSeconds: number) {
				const gw = await gateway();
				const attempts: number[] = [];
				class Counting extends WebSocket {
					constructor(url: string, protocols?: string | string[]) {
						super(url, protocols);
						attempts.push(performance.now());
					}
				}
				const fleet = Array.from({ length: N }, () =>
					client(
						gw,
						{ reconnectInterval, maxReconnectDelay: 30_000 },
						{
							WebSocketImpl: Counting as unknown as WebSocketConstructor,
							...(random ? { random } : {})
						}
					)
				);
				for (const c of fleet) c.connect();
				await waitFor(() => fleet.every((c) => c.state === 'open'), 30_000, 'all open');
				// When each retry was *scheduled* for: what 500 separate browsers would send at once,
				// free of this single process's own queueing.
				const scheduled: number[] = [];
				for (const c of fleet) {
					let was = c.state;
					c.onChange((cc) => {
						if (cc.state === 'backoff' && was !== 'backoff') {
							scheduled.push(performance.now() + cc.stats.nextRetryAt! - cc.stats.enteredAt);
						}
						was = cc.state;
					});
				}
				attempts.length = 0;
				const t0 = performance.now();
				if (refuseSeconds > 0) await fault(gw, `refuse?seconds=${refuseSeconds}`);
				await fault(gw, 'restart');
				await waitFor(
					() => fleet.every((c) => c.stats.reconnects >= 1 && c.state === 'open'),
					90_000,
					'all reopened'
				);
				const result = {
					attempts: attempts.length,
					peak: peakOf(attempts, t0),
					scheduledPeak: peakOf(scheduled, t0),
					span: Math.round(Math.max(...attempts) - Math.min(...attempts))
				};
				for (const c of fleet) c.dispose();
				clients.length = 0;
				await gw.stop();
				gateways.length = 0;
				return result;
			}

			const runs = {
				'restart, jitter': await herd(undefined, 0),
				'restart, no jitter': await herd(() => 1, 0),
				'restart + refuse 1 s, jitter': await herd(undefined, 1),
				'restart + refuse 1 s, no jitter': await herd(() => 1, 1)
			};
			console.info(
				`[integration] ${N} clients, reconnectInterval ${reconnectInterval} ms; connection attempts per ${bucketMs} ms:\n` +
					Object.entries(runs)
						.map(
							([name, r]) =>
								`  ${name.padEnd(32)} measured peak ${String(r.peak).padStart(3)}, scheduled peak ${String(r.scheduledPeak).padStart(3)}, ${r.attempts} attempts over ${r.span} ms`
						)
						.join('\n')
			);
			const jitter = runs['restart, jitter'];
			const lockstep = runs['restart, no jitter'];
			expect(jitter.attempts).toBeGreaterThanOrEqual(N);
			// Relative bounds: on a loaded machine the closes themselves arrive spread out, which
			// flattens the lockstep peak too; jitter must still beat it by a wide margin.
			expect(lockstep.scheduledPeak).toBeGreaterThanOrEqual(4 * jitter.scheduledPeak);
			expect(jitter.scheduledPeak).toBeLessThan(N / 10);
			expect(jitter.peak).toBeLessThan(lockstep.peak);
			expect(runs['restart + refuse 1 s, jitter'].scheduledPeak).toBeLessThan(
				runs['restart + refuse 1 s, no jitter'].scheduledPeak
			);
		}
	);
});
