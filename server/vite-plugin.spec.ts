/**
 * The dev plugin on a bare HTTP server standing in for Vite's: it serves the hub (with the
 * simulator) and the fault routes, and leaves every other upgrade, such as HMR's, alone.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { TestClient } from './testing/ws-client';
import { gatewayDevPlugin } from './vite-plugin';

type Middleware = (req: IncomingMessage, res: ServerResponse, next: () => void) => void;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function devServer() {
	const middlewares: Middleware[] = [];
	const server = createServer((req, res) => {
		const run = (i: number): void => {
			const mw = middlewares[i];
			if (mw) mw(req, res, () => run(i + 1));
			else res.writeHead(404).end();
		};
		run(0);
	});
	// Vite's HMR socket: an upgrade on `/?token=…` that another listener owns.
	const hmr = new WebSocketServer({ noServer: true });
	server.on('upgrade', (req, socket, head) => {
		if (req.url?.startsWith('/?token='))
			hmr.handleUpgrade(req, socket, head, (ws) => ws.send('hmr-connected'));
	});
	const plugin = gatewayDevPlugin();
	const hook = plugin.configureServer as (s: unknown) => Promise<void>;
	await hook({
		httpServer: server,
		middlewares: { use: (mw: Middleware) => middlewares.push(mw) }
	});
	server.listen(0, '127.0.0.1');
	await once(server, 'listening');
	const port = (server.address() as AddressInfo).port;
	cleanups.push(async () => {
		hmr.close();
		server.closeAllConnections();
		await new Promise<void>((r) => server.close(() => r()));
	});
	return { port, url: `http://127.0.0.1:${port}` };
}

describe('gatewayDevPlugin', () => {
	it('does nothing without an HTTP server (middleware mode, Vitest)', async () => {
		const hook = gatewayDevPlugin().configureServer as (s: unknown) => Promise<void>;
		await expect(
			hook({ httpServer: null, middlewares: { use: () => {} } })
		).resolves.toBeUndefined();
	});

	it('serves the hub with the simulator, the fault routes, and leaves HMR alone', async () => {
		const { port, url } = await devServer();
		const c = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
		cleanups.push(() => c.ws.terminate());
		await c.next('welcome');
		await c.reply(c.request('subscribe', { stream: 'tasks' }));
		const history = c.request('request_history', { stream: 'tasks' });
		expect((await c.next('history', { id: history })).payload.items.length).toBeGreaterThan(0);

		const hmr = new WebSocket(`ws://127.0.0.1:${port}/?token=abc`, 'vite-hmr');
		cleanups.push(() => hmr.terminate());
		const [greeting] = (await once(hmr, 'message')) as [Buffer];
		expect(greeting.toString()).toBe('hmr-connected');

		const health = (await (await fetch(`${url}/_health`)).json()) as { source: { name: string } };
		expect(health.source.name).toBe('simulator');
		const drop = await fetch(`${url}/_faults/drop`, { method: 'POST' });
		expect(drop.status).toBe(200);
		expect((await c.closed).code).toBe(1006);
		expect(hmr.readyState).toBe(WebSocket.OPEN);
	});
});
