/**
 * The gateway's HTTP side: app handler pass-through, `/_health`, the fault routes (on and off),
 * upgrades on foreign paths, and shutdown.
 */
import { once } from 'node:events';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from './testing/harness';

let t: TestGateway | undefined;
afterEach(async () => {
	await t?.stop();
	t = undefined;
});

async function post(path: string, headers: Record<string, string> = {}) {
	if (!t) throw new Error('no gateway');
	const res = await fetch(`${t.gateway.url}${path}`, { method: 'POST', headers });
	return {
		status: res.status,
		allow: res.headers.get('allow'),
		body: (await res.json()) as Record<string, unknown>
	};
}

describe('fault routes off (default)', () => {
	it('answers 404 for every fault and still serves /_health', async () => {
		t = await startTestGateway();
		for (const name of [
			'drop',
			'restart',
			'stall-pongs',
			'refuse?seconds=1',
			'malformed',
			'log?message=x',
			'notification?title=x'
		]) {
			expect((await post(`/_faults/${name}`)).status, name).toBe(404);
		}
		const c = await t.connectReady();
		const health = await fetch(`${t.gateway.url}/_health`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({
			ok: true,
			epoch: t.gateway.hub.epoch,
			clients: 1,
			faults: false,
			source: { name: 'scripted', status: 'healthy', providesMetrics: true }
		});
		expect(c.ws.readyState).toBe(WebSocket.OPEN);
	});
});

describe('fault routes on', () => {
	it('refuses GET with 405, unknown faults with 404, bad seconds with 400, foreign pages with 403', async () => {
		t = await startTestGateway({ faults: true });
		const get = await fetch(`${t.gateway.url}/_faults/drop`);
		expect(get.status).toBe(405);
		expect(get.headers.get('allow')).toBe('POST');
		expect((await post('/_faults/explode')).status).toBe(404);
		expect((await post('/_faults/refuse?seconds=abc')).status).toBe(400);
		expect((await post('/_faults/refuse?seconds=0')).status).toBe(400);
		expect((await post('/_faults/drop', { origin: 'https://evil.example' })).status).toBe(403);
		expect((await post('/_faults/drop', { origin: t.gateway.url })).status).toBe(200);
	});

	it('drop, stall-pongs, malformed, restart and refuse act and describe what they did', async () => {
		t = await startTestGateway({ faults: true });
		const a = await t.connectReady();
		expect(await post('/_faults/drop')).toMatchObject({
			status: 200,
			body: { ok: true, fault: 'drop', dropped: 1 }
		});
		expect((await a.closed).code).toBe(1006);

		const b = await t.connectReady();
		expect((await post('/_faults/malformed')).body).toMatchObject({ fault: 'malformed', sent: 1 });
		await b.until(() => b.invalid.length === 1);
		expect((await post('/_faults/stall-pongs')).body).toMatchObject({
			fault: 'stall-pongs',
			stalled: 1
		});

		const epoch = t.gateway.hub.epoch;
		const restart = await post('/_faults/restart');
		expect(restart.body).toMatchObject({ fault: 'restart', previousEpoch: epoch, closed: 1 });
		expect(restart.body.epoch).not.toBe(epoch);
		expect(t.gateway.hub.epoch).toBe(restart.body.epoch);

		const refuse = await post('/_faults/refuse?seconds=2');
		expect(refuse.body).toMatchObject({ fault: 'refuse', seconds: 2 });
		expect(Date.parse(String(refuse.body.until)) - Date.now()).toBeGreaterThan(1000);
		const refused = await t.connect();
		expect((await refused.closed).code).toBe(1013);
	});
});

describe('log fault', () => {
	it('publishes one line through the hub, text kept exactly as given', async () => {
		t = await startTestGateway({ faults: true });
		const c = await t.connectReady();
		c.request('subscribe', { stream: 'logs' });
		await c.next('subscribed');
		const hostile = '<img src=x onerror=alert(1)> & <script>alert(2)</script>';
		const res = await post(`/_faults/log?level=warn&message=${encodeURIComponent(hostile)}`);
		expect(res).toMatchObject({ status: 200, body: { ok: true, fault: 'log' } });
		const [item] = await c.waitItems('logs', 1);
		expect(item).toMatchObject({
			level: 'warn',
			message: hostile,
			id: res.body.id,
			source: { type: 'system', name: 'fault-control' }
		});
	});

	it('refuses an empty or oversized message and an unknown level', async () => {
		t = await startTestGateway({ faults: true });
		expect((await post('/_faults/log')).status).toBe(400);
		expect((await post(`/_faults/log?message=${'x'.repeat(4001)}`)).status).toBe(400);
		expect((await post('/_faults/log?message=x&level=loud')).status).toBe(400);
	});
});

describe('notification fault', () => {
	it('publishes one notification through the hub, shared state and all', async () => {
		t = await startTestGateway({ faults: true });
		const c = await t.connectReady();
		c.request('subscribe', { stream: 'notifications' });
		await c.next('subscribed');
		const res = await post(
			'/_faults/notification?type=error&priority=critical&title=Disk%20full&message=%3Cb%3Ex%3C%2Fb%3E&resourceId=service%3Aapi'
		);
		expect(res).toMatchObject({ status: 200, body: { ok: true, fault: 'notification' } });
		const [item] = await c.waitItems('notifications', 1);
		expect(item).toMatchObject({
			id: res.body.id,
			type: 'error',
			priority: 'critical',
			title: 'Disk full',
			message: '<b>x</b>',
			resourceId: 'service:api',
			read: false
		});
		// The hub knows it: marking it read works like for any other notification.
		const id = c.request('mark_as_read', { notificationId: res.body.id });
		expect((await c.reply(id)).type).toBe('notification_update');
	});

	it('refuses a missing title and unknown type or priority', async () => {
		t = await startTestGateway({ faults: true });
		expect((await post('/_faults/notification')).status).toBe(400);
		expect((await post('/_faults/notification?title=x&type=loud')).status).toBe(400);
		expect((await post('/_faults/notification?title=x&priority=urgent')).status).toBe(400);
	});
});

describe('HTTP and upgrades', () => {
	it('passes other paths to the app handler, 404 when it calls next()', async () => {
		t = await startTestGateway({
			handler: (req, res, next) => {
				if (req.url === '/') res.end('app');
				else next();
			}
		});
		expect(await (await fetch(`${t.gateway.url}/`)).text()).toBe('app');
		expect((await fetch(`${t.gateway.url}/missing`)).status).toBe(404);
	});

	it('answers 404 without a handler, and to WebSocket upgrades on other paths', async () => {
		t = await startTestGateway();
		expect((await fetch(`${t.gateway.url}/`)).status).toBe(404);
		const ws = new WebSocket(`${t.gateway.url.replace('http', 'ws')}/not-the-hub`);
		ws.on('error', () => {});
		const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
		expect(res.statusCode).toBe(404);
		ws.terminate();
		for (const path of ['/ws/', '/ws/logs', '/ws/metrics', '/ws/tasks?x=1']) {
			const c = await t.connectReady(path);
			expect(c.ws.readyState, path).toBe(WebSocket.OPEN);
		}
	});

	it('reports url, wsUrl and the actual port', async () => {
		t = await startTestGateway();
		const { url, wsUrl, port } = t.gateway;
		expect(port).toBeGreaterThan(0);
		expect(url).toBe(`http://127.0.0.1:${port}`);
		expect(wsUrl).toBe(`ws://127.0.0.1:${port}/ws`);
	});

	it('close() sends 1001 to every client and stops the source', async () => {
		t = await startTestGateway();
		const a = await t.connectReady();
		const b = await t.connectReady('/ws/logs');
		const { gateway, source } = t;
		await gateway.close();
		expect((await a.closed).code).toBe(1001);
		expect((await b.closed).code).toBe(1001);
		expect(source.stopped).toBe(true);
		await expect(fetch(`${gateway.url}/_health`)).rejects.toThrow();
	});
});
