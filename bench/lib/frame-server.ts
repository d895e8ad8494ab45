/**
 * The bench server for the browser cases: serves the bench page and answers WebSockets with
 * pre-built log frames, the same bytes for every client mode, so that what differs between the
 * modes is only the browser side.
 *
 * It speaks just enough of PROTOCOL.md for our client: `welcome` first, `subscribed` for a
 * `subscribe`, an empty `history` for a `request_history`, `pong` for `ping`. Streaming starts on
 * the `subscribe` (`?wait=subscribe`, the bare and guide pages send one by hand) or on the
 * `request_history` (`?wait=history`: our log store asks for history right after subscribing and
 * holds live items back until it arrives, so starting earlier would only measure that hold).
 *
 * Query: `n` entries per frame (default 100); `p` the entry profile (a key of the `profiles`
 * given at start; default the first); `rate` entries per second (default 0: as fast as the
 * page's socket drains: a frame goes out whenever fewer than 1 MiB and fewer than the buffer
 * pool's frames are unflushed); `wait` as above. Path `/ws-deflate` offers
 * permessage-deflate, `/ws` does not. `stamp=1` sets every entry's timestamp to the time its frame
 * is sent (for latency to the screen). The page is served on 127.0.0.1 and on 127.0.0.2, so two
 * pages can run in different sites (and so different renderer processes) at once.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { extname, join, normalize, sep } from 'node:path';
import { WebSocket, WebSocketServer } from 'ws';
import type { SourceLogEntry } from '../../server/sources/source';
import { FIRST_SEQ, FrameFactory } from './entries';

const EPOCH = 'bench';
const MAX_UNFLUSHED_BYTES = 1024 * 1024;
/** Interval of the paced mode's timer (the hub's default delivery tick). */
const PACE_MS = 50;

const TYPES: Record<string, string> = {
	'.html': 'text/html; charset=utf-8',
	'.js': 'text/javascript; charset=utf-8',
	'.map': 'application/json',
	'.css': 'text/css'
};

/** Counters over every connection since the server started. */
export interface FrameServerStats {
	connections: number;
	framesSent: number;
	entriesSent: number;
	bytesSent: number;
}

/** A running bench server. */
export interface FrameServer {
	/** `http://127.0.0.1:PORT` to `http://127.0.0.4:PORT4`: the same server on four sites. */
	readonly origins: readonly [string, string, string, string];
	/** `ws://` URL of `origin` for `path` with `query`. */
	wsUrl(origin: string, query: Record<string, string | number>, deflate?: boolean): string;
	readonly stats: FrameServerStats;
	close(): Promise<void>;
}

function json(message: object): string {
	return JSON.stringify(message);
}

/** Start the bench server on loopback. */
export async function startFrameServer(
	pageDir: string,
	profiles: Readonly<Record<string, readonly SourceLogEntry[]>>
): Promise<FrameServer> {
	const defaultProfile = Object.keys(profiles)[0];
	if (defaultProfile === undefined) throw new Error('no entry profiles');
	const stats: FrameServerStats = { connections: 0, framesSent: 0, entriesSent: 0, bytesSent: 0 };
	const plain = new WebSocketServer({ noServer: true, perMessageDeflate: false });
	const deflating = new WebSocketServer({
		noServer: true,
		perMessageDeflate: { threshold: 1024 }
	});
	const sockets = new Set<WebSocket>();

	const onConnection = (ws: WebSocket, req: IncomingMessage) => {
		stats.connections++;
		sockets.add(ws);
		const query = new URL(req.url ?? '/', 'http://x').searchParams;
		const perFrame = Math.max(1, Number(query.get('n') ?? 100));
		const rate = Math.max(0, Number(query.get('rate') ?? 0));
		const wait = query.get('wait') === 'history' ? 'history' : 'subscribe';
		const stamp = query.get('stamp') === '1';
		const entries = profiles[query.get('p') ?? defaultProfile] ?? profiles[defaultProfile]!;
		let factory: FrameFactory | undefined;
		let started = false;
		let closed = false;
		let unflushedFrames = 0;
		let unflushedBytes = 0;
		let timer: NodeJS.Timeout | undefined;
		ws.on('error', () => {});
		ws.on('close', () => {
			closed = true;
			clearInterval(timer);
			sockets.delete(ws);
		});

		const sendFrame = (): void => {
			const frame = factory!.next(stamp ? Date.now() : undefined);
			const bytes = frame.length;
			unflushedFrames++;
			unflushedBytes += bytes;
			stats.framesSent++;
			stats.entriesSent += perFrame;
			stats.bytesSent += bytes;
			ws.send(frame, { binary: false }, (error) => {
				unflushedFrames--;
				unflushedBytes -= bytes;
				if (!error && rate === 0) schedulePump();
			});
		};
		// Refill from setImmediate, never from the write callback itself: a write the kernel takes at
		// once completes on nextTick, and a nextTick chain of send → callback → send never lets the
		// event loop read the client's close frame (it would stream on to a tab that left).
		let pumpScheduled = false;
		const schedulePump = (): void => {
			if (pumpScheduled) return;
			pumpScheduled = true;
			setImmediate(() => {
				pumpScheduled = false;
				pump();
			});
		};
		// Buffers are reused once the socket has taken them: never more unflushed than the pool.
		const room = () =>
			unflushedFrames < factory!.poolSize - 2 && unflushedBytes < MAX_UNFLUSHED_BYTES;
		const pump = (): void => {
			while (!closed && ws.readyState === WebSocket.OPEN && room()) sendFrame();
		};

		const start = (): void => {
			if (started) return;
			started = true;
			const probe = new FrameFactory(entries, perFrame, 1);
			const pool = Math.min(
				2048,
				Math.max(16, Math.ceil((2 * MAX_UNFLUSHED_BYTES) / probe.meanBytes))
			);
			factory = new FrameFactory(entries, perFrame, pool);
			if (rate === 0) {
				pump();
				return;
			}
			// Paced: whole frames of `n` entries, as many as are due since the start.
			const t0 = performance.now();
			let sent = 0;
			timer = setInterval(() => {
				const due = Math.floor(((performance.now() - t0) / 1000) * rate);
				while (due - sent >= perFrame && !closed && room()) {
					sendFrame();
					sent += perFrame;
				}
			}, PACE_MS);
		};

		ws.send(
			json({
				type: 'welcome',
				payload: {
					protocol: 1,
					epoch: EPOCH,
					heartbeatInterval: 15_000,
					authRequired: false,
					serverTime: new Date().toISOString()
				}
			})
		);
		ws.on('message', (data: Buffer) => {
			let message: { type?: string; id?: string; payload?: Record<string, unknown> };
			try {
				message = JSON.parse(data.toString('utf8')) as typeof message;
			} catch {
				return;
			}
			const id = message.id === undefined ? {} : { id: message.id };
			const resourceId = (message.payload?.resourceId as string | undefined) ?? '*';
			switch (message.type) {
				case 'ping':
					ws.send(json({ type: 'pong', ...id }));
					break;
				case 'subscribe':
					ws.send(
						json({
							type: 'subscribed',
							...id,
							payload: {
								stream: 'logs',
								resourceId,
								epoch: EPOCH,
								recovered: false,
								lastSeq: FIRST_SEQ - 1
							}
						})
					);
					if (wait === 'subscribe') start();
					break;
				case 'request_history':
					ws.send(
						json({
							type: 'history',
							...id,
							payload: { stream: 'logs', resourceId, epoch: EPOCH, items: [], complete: true }
						})
					);
					if (wait === 'history') start();
					break;
				case 'unsubscribe':
					ws.send(json({ type: 'unsubscribed', ...id, payload: { stream: 'logs', resourceId } }));
					break;
				default:
					break;
			}
		});
	};
	plain.on('connection', onConnection);
	deflating.on('connection', onConnection);

	const serveFile = async (req: IncomingMessage, res: ServerResponse) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const file = normalize(join(pageDir, path === '/' ? 'index.html' : decodeURIComponent(path)));
		if (!file.startsWith(pageDir + sep)) {
			res.writeHead(403).end();
			return;
		}
		try {
			const body = await readFile(file);
			res.writeHead(200, {
				'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
				'cache-control': 'no-store'
			});
			res.end(body);
		} catch {
			res.writeHead(404).end();
		}
	};
	const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = new URL(req.url ?? '/', 'http://x').pathname;
		const wss = path === '/ws' ? plain : path === '/ws-deflate' ? deflating : undefined;
		if (!wss) {
			socket.destroy();
			return;
		}
		wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
	};
	const listen = (host: string) =>
		new Promise<Server>((resolve, reject) => {
			const server = createServer((req, res) => void serveFile(req, res));
			server.on('upgrade', onUpgrade);
			server.once('error', reject);
			server.listen(0, host, () => resolve(server));
		});
	// Four loopback hosts: four sites, so up to four tabs measured at once each get their own
	// renderer process and heap.
	const hosts = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'] as const;
	const servers = await Promise.all(hosts.map(listen));
	const origin = (i: number) => `http://${hosts[i]}:${(servers[i]!.address() as AddressInfo).port}`;
	const origins = [origin(0), origin(1), origin(2), origin(3)] as const;
	return {
		origins,
		stats,
		wsUrl(o, query, deflate = false) {
			const q = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]));
			return `${o.replace(/^http/, 'ws')}/${deflate ? 'ws-deflate' : 'ws'}?${q}`;
		},
		async close() {
			for (const ws of sockets) ws.terminate();
			await Promise.all(
				servers.map(
					(s) =>
						new Promise<void>((resolve) => {
							s.close(() => resolve());
							s.closeAllConnections();
						})
				)
			);
			plain.close();
			deflating.close();
		}
	};
}
