/**
 * The worker transport (src/lib/connection/worker-socket.ts) in Chromium: the dashboard decodes on
 * the main thread by default; with `?transport=worker` it decodes frames in a dedicated Worker and
 * live data flows through it from the real gateway; a worker that fails to load falls back to the main thread and
 * says so; and a `__proto__` key in a log line's metadata crosses the worker (structured clone)
 * as the main-thread decoder leaves it: an own key of a null-prototype object, nothing polluted.
 */
import { expect, test, type Page } from '@playwright/test';
import { WebSocketServer, type WebSocket } from 'ws';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors, logSeqs, seqProblems } from './page-hooks';

const socketWorkers = (page: Page) =>
	page.workers().filter((w) => w.url().includes('socket.worker'));

/** Lines arrive, newer ones keep coming, none missing or repeated. */
async function expectLiveLogs(page: Page): Promise<void> {
	await expect
		.poll(async () => (await logSeqs(page)).length, { timeout: 15_000 })
		.toBeGreaterThan(3);
	const first = (await logSeqs(page)).at(-1)!.seq;
	await expect
		.poll(async () => (await logSeqs(page)).at(-1)!.seq, { timeout: 10_000 })
		.toBeGreaterThan(first);
	expect(seqProblems(await logSeqs(page))).toEqual({ holes: [], repeats: [], gaps: 0 });
	await expect(page.getByTestId('log-row').first()).toBeVisible();
}

test.describe('on the real gateway', () => {
	let gateway: RunningGateway;
	test.beforeAll(async () => {
		gateway = await startGateway({ SIM_LOG_RATE: '50' });
	});
	test.afterAll(async () => {
		await gateway?.stop();
	});

	test('?transport=worker decodes in a worker, and data flows', async ({ page }) => {
		const errors = collectErrors(page);
		await page.goto(`${gateway.url}/?transport=worker`);
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
		const transport = page.getByTestId('connection-transport');
		await expect(transport).toHaveAttribute('data-transport', 'worker');
		await expect(transport).toHaveAttribute('title', /Web Worker/);
		expect(socketWorkers(page)).toHaveLength(1);
		await expectLiveLogs(page);
		await expect(page.getByTestId('task-row').first()).toBeVisible();

		// A dropped socket reconnects over the same worker, and nothing is lost.
		expect(await gateway.fault('drop')).toMatchObject({ ok: true });
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
		await expectLiveLogs(page);
		expect(socketWorkers(page)).toHaveLength(1);
		expect(errors, errors.join('\n')).toEqual([]);
	});

	test('the dashboard decodes on the main thread by default (and with ?transport=main)', async ({
		page
	}) => {
		const errors = collectErrors(page);
		await page.goto(gateway.url);
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
		await expect(page.getByTestId('connection-transport')).toHaveAttribute(
			'data-transport',
			'main'
		);
		expect(socketWorkers(page)).toHaveLength(0);
		await page.goto(`${gateway.url}/?transport=main`);
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
		await expect(page.getByTestId('connection-transport')).toHaveAttribute(
			'data-transport',
			'main'
		);
		await expectLiveLogs(page);
		expect(socketWorkers(page)).toHaveLength(0);
		expect(errors, errors.join('\n')).toEqual([]);
	});

	test('a worker that fails to load falls back to the main thread, and says why', async ({
		page
	}) => {
		const errors = collectErrors(page);
		// As a CSP without worker-src would: the worker's script never runs.
		await page.route('**/socket.worker*', (route) => route.fulfill({ status: 404, body: '' }));
		await page.goto(`${gateway.url}/?transport=worker`);
		await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
		const transport = page.getByTestId('connection-transport');
		await expect(transport).toHaveAttribute('data-transport', 'main');
		await expect(transport).toHaveAttribute('title', /main thread \(decoding worker failed/);
		await expectLiveLogs(page);
		// The socket opened while the worker loaded moved over: no reconnect was needed.
		const reconnects = await page.evaluate(() =>
			(window.__kecsLive?.transitions?.() as { to: string }[]).filter((t) => t.to === 'backoff')
		);
		expect(reconnects).toEqual([]);
		// Only the refused script itself may complain.
		expect(errors.filter((e) => !/404|Failed to load|socket\.worker/i.test(e))).toEqual([]);
	});
});

test.describe('a hostile log line through the worker', () => {
	let gateway: RunningGateway;
	let server: WebSocketServer;
	let seq = 0;
	const sockets = new Set<WebSocket>();

	// A stand-in for the gateway's /ws that answers the dashboard's handshake and sends log lines
	// whose metadata has `__proto__` and `constructor` keys (the real gateway cannot be told to).
	test.beforeAll(async () => {
		server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
		await new Promise<void>((resolve) => server.once('listening', () => resolve()));
		const { port } = server.address() as { port: number };
		server.on('connection', (ws) => {
			sockets.add(ws);
			ws.on('close', () => sockets.delete(ws));
			const send = (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
			send({
				type: 'welcome',
				payload: {
					protocol: 1,
					epoch: 'e1',
					heartbeatInterval: 15_000,
					authRequired: false,
					serverTime: new Date().toISOString()
				}
			});
			const hostile = () => {
				seq++;
				const entry = JSON.stringify({
					id: `l-${seq}`,
					seq,
					timestamp: new Date().toISOString(),
					level: 'info',
					source: { type: 'container', name: 'web', identifier: 'c1' },
					message: `hostile ${seq}`
				});
				// Written by hand: JSON.stringify would never put a `__proto__` key on the wire.
				const metadata =
					'{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"ok":true}';
				send(`{"type":"log_entry","payload":${entry.slice(0, -1)},"metadata":${metadata}}}`);
			};
			let timer: ReturnType<typeof setInterval> | undefined;
			ws.on('close', () => clearInterval(timer));
			ws.on('message', (data: Buffer) => {
				const m = JSON.parse(data.toString()) as {
					type: string;
					id?: string;
					payload?: { stream?: string; resourceId?: string; filter?: unknown };
				};
				const id = m.id === undefined ? {} : { id: m.id };
				const stream = m.payload?.stream ?? 'logs';
				const resourceId = m.payload?.resourceId ?? '*';
				if (m.type === 'ping') send({ type: 'pong', ...id });
				else if (m.type === 'subscribe') {
					send({
						type: 'subscribed',
						...id,
						payload: { stream, resourceId, epoch: 'e1', recovered: false, lastSeq: seq }
					});
					if (stream === 'logs') timer ??= setInterval(hostile, 200);
				} else if (m.type === 'request_history') {
					send({
						type: 'history',
						...id,
						payload: { stream, resourceId, epoch: 'e1', items: [], complete: true }
					});
				} else if (m.type === 'update_filter') {
					send({ type: 'filter_applied', ...id, payload: { stream, filter: m.payload?.filter } });
				} else if (m.type === 'unsubscribe') {
					send({ type: 'unsubscribed', ...id, payload: { stream, resourceId } });
				}
			});
		});
		gateway = await startGateway({ PUBLIC_KECS_WS_URL: `ws://127.0.0.1:${port}/ws` });
	});
	test.afterAll(async () => {
		for (const ws of sockets) ws.terminate();
		await new Promise((resolve) => server?.close(resolve));
		await gateway?.stop();
	});

	for (const transport of ['worker', 'main'] as const) {
		test(`metadata keeps __proto__ an own key of a null-prototype object (${transport})`, async ({
			page
		}) => {
			const errors = collectErrors(page);
			await page.goto(`${gateway.url}/?transport=${transport}`);
			await expect(page.getByTestId('connection-transport')).toHaveAttribute(
				'data-transport',
				transport
			);
			await expect
				.poll(async () => (await logSeqs(page)).length, { timeout: 15_000 })
				.toBeGreaterThan(0);
			const seen = await page.evaluate(() => {
				const entry = window.__kecsLive?.lastLog?.() as {
					message: string;
					timestamp: unknown;
					metadata: Record<string, unknown>;
				};
				const meta = entry.metadata;
				return {
					message: entry.message,
					date: entry.timestamp instanceof Date,
					nullPrototype: Object.getPrototypeOf(meta) === null,
					ownProto: Object.hasOwn(meta, '__proto__'),
					keys: Object.keys(meta),
					protoValue: JSON.stringify(Object.getOwnPropertyDescriptor(meta, '__proto__')?.value),
					inheritedToString: 'toString' in meta,
					polluted: ({} as Record<string, unknown>).polluted ?? null,
					constructorPolluted:
						(Object as unknown as { prototype: Record<string, unknown> }).prototype.polluted ?? null
				};
			});
			expect(seen).toEqual({
				message: expect.stringMatching(/^hostile \d+$/),
				date: true,
				nullPrototype: true,
				ownProto: true,
				keys: ['__proto__', 'constructor', 'ok'],
				protoValue: '{"polluted":1}',
				inheritedToString: false,
				polluted: null,
				constructorPolluted: null
			});
			// The row renders the keys as text.
			await expect(page.getByTestId('log-row').first()).toBeVisible();
			expect(errors, errors.join('\n')).toEqual([]);
		});
	}
});
