/**
 * Hub conformance, part 3: origin allow-list, token authentication, rate limiting, frame size
 * and the bad-frame limit.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';

let t: TestGateway | undefined;
afterEach(async () => {
	await t?.stop();
	t = undefined;
});

describe('origin', () => {
	it('closes a foreign origin with 1008 and sends it nothing else', async () => {
		t = await startTestGateway();
		const c = await t.connect('/ws', { origin: 'http://evil.example' });
		expect((await c.closed).code).toBe(1008);
		expect(c.messages).toEqual([]);
	});

	it('allows same-origin, configured origins, and clients without an Origin', async () => {
		t = await startTestGateway({ allowedOrigins: ['https://ops.example.com'] });
		const same = await t.connectReady('/ws', { origin: t.gateway.url });
		const configured = await t.connectReady('/ws', { origin: 'https://ops.example.com' });
		const none = await t.connectReady();
		for (const c of [same, configured, none]) expect(c.ws.readyState).toBe(c.ws.OPEN);
		const other = await t.connect('/ws', { origin: 'https://ops.example.com:8443' });
		expect((await other.closed).code).toBe(1008);
	});
});

describe('token authentication', () => {
	it('announces authRequired and closes with 4408 without authenticate in time', async () => {
		t = await startTestGateway({ token: 's3cret', authTimeoutMs: 150 });
		const c = await t.connect();
		expect((await c.next('welcome')).payload.authRequired).toBe(true);
		const started = Date.now();
		expect((await c.closed).code).toBe(4408);
		expect(Date.now() - started).toBeLessThan(3000);
	});

	it('answers a wrong token with authentication_failed, then closes with 4401', async () => {
		t = await startTestGateway({ token: 's3cret' });
		const c = await t.connectReady();
		const id = c.request('authenticate', { token: 'guess' });
		expect(await c.reply(id)).toMatchObject({
			type: 'error',
			payload: { error: 'authentication_failed', ref: id }
		});
		expect((await c.closed).code).toBe(4401);
	});

	it('refuses requests before authenticate (ping allowed), then serves them', async () => {
		t = await startTestGateway({ token: 's3cret', authTimeoutMs: 800 });
		const c = await t.connectReady();
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
		const early = c.request('subscribe', { stream: 'logs' });
		expect(await c.reply(early)).toMatchObject({
			type: 'error',
			payload: { error: 'unauthorized', ref: early }
		});
		const auth = c.request('authenticate', { token: 's3cret' });
		expect(await c.reply(auth)).toMatchObject({
			type: 'authenticated',
			payload: { username: 'operator', roles: ['operator'] }
		});
		const sub = c.request('subscribe', { stream: 'logs' });
		expect((await c.reply(sub)).type).toBe('subscribed');
		t.source.log();
		await c.waitItems('logs', 1);
		// Past the auth timeout, the authenticated connection is still open.
		await new Promise((r) => setTimeout(r, 900));
		expect(c.ws.readyState).toBe(c.ws.OPEN);
	});
});

describe('rate limit', () => {
	it('answers a flood with rate_limit_exceeded, then closes with 4429 and a retry hint', async () => {
		t = await startTestGateway();
		const c = await t.connectReady();
		for (let i = 0; i < 300; i++) c.send({ type: 'ping', id: `p${i}` });
		const closed = await c.closed;
		expect(closed.code).toBe(4429);
		expect(JSON.parse(closed.reason)).toMatchObject({ reconnect: true });
		const pongs = c.messages.filter((m) => m.type === 'pong');
		const limited = c.messages.filter(
			(m) => m.type === 'error' && m.payload.error === 'rate_limit_exceeded'
		);
		// The burst (100) and whatever refilled meanwhile pass; 50 refusals in the window close it.
		expect(pongs.length).toBeGreaterThanOrEqual(100);
		expect(pongs.length + limited.length).toBeLessThanOrEqual(300);
		expect(limited).toHaveLength(50);
		const first = limited[0];
		expect(first?.type === 'error' && first.payload.ref).toBe(first?.id);
		expect(Number(first?.id?.slice(1))).toBeGreaterThanOrEqual(100);
	});

	it('lets a short burst through with errors only', async () => {
		// A negligible refill rate, so a slow machine cannot earn extra tokens mid-burst.
		t = await startTestGateway({ rateLimitBurst: 10, rateLimitPerSecond: 0.01 });
		const c = await t.connectReady();
		for (let i = 0; i < 15; i++) c.send({ type: 'ping', id: `p${i}` });
		await c.until(() => c.messages.filter((m) => m.type !== 'welcome').length === 15);
		expect(c.messages.filter((m) => m.type === 'pong')).toHaveLength(10);
		expect(c.ws.readyState).toBe(c.ws.OPEN);
	});
});

describe('frame size', () => {
	it('closes with 1009 on a frame over the limit, and accepts one under it', async () => {
		t = await startTestGateway({ maxFrameBytes: 64 * 1024 });
		const ok = await t.connectReady();
		const id = ok.request('message', 'x'.repeat(60 * 1024));
		expect((await ok.reply(id)).type).toBe('message');
		const big = await t.connectReady();
		big.send({ type: 'message', payload: 'x'.repeat(64 * 1024) });
		expect((await big.closed).code).toBe(1009);
	});

	it('has a 1 MiB default', async () => {
		t = await startTestGateway();
		const c = await t.connectReady();
		c.send({ type: 'message', payload: 'x'.repeat(1024 * 1024) });
		expect((await c.closed).code).toBe(1009);
	});
});

describe('bad frames', () => {
	it('closes with 4400 after 20 bad frames in a row, but a good frame resets the count', async () => {
		t = await startTestGateway();
		const c = await t.connectReady();
		for (let i = 0; i < 19; i++) c.send('nope');
		expect((await c.reply(c.request('ping'))).type).toBe('pong');
		for (let i = 0; i < 19; i++) c.send('nope');
		await c.until(() => c.messages.filter((m) => m.type === 'error').length === 38);
		expect(c.ws.readyState).toBe(c.ws.OPEN);
		c.send('nope');
		expect((await c.closed).code).toBe(4400);
	});
});

describe('connections per address', () => {
	it('refuses one past the limit with 1013 and a retry hint, and accepts again once one closes', async () => {
		t = await startTestGateway({ maxConnectionsPerAddress: 3 });
		const open = await Promise.all([t.connectReady(), t.connectReady(), t.connectReady()]);
		const extra = await t.connect();
		const closed = await extra.closed;
		expect(closed.code).toBe(1013);
		expect(JSON.parse(closed.reason)).toMatchObject({ reconnect: true, retryAfterMs: 5000 });
		open[0]!.ws.close();
		await open[0]!.closed;
		const again = await t.connectReady();
		expect(again.ws.readyState).toBe(again.ws.OPEN);
	});
});
