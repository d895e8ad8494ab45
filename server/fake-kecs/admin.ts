/**
 * The fake's admin server: what KECS serves on port 5374.
 * - `GET /health` `{"status":"ok"}`, `GET /live` `{"status":"alive"}`, `GET /ready` `{"status":"ready"}`.
 * - `GET /api/tasks/{taskId}/containers/{containerName}/logs?cluster=&region=&from=&to=&level=&search=&limit=&offset=`
 *   → `{logs, totalCount, limit, offset}`, oldest first, `limit` 100 by default, `from`/`to`
 *   inclusive RFC 3339 bounds, `level` exact (upper case), `search` a substring.
 * - `…/logs/stream` (SSE): `event: log` with a `TaskLog` as JSON data, `event: close` (data
 *   `stream ended`) when the container's log ends, `event: error` (plain-text data); `tail=N`
 *   for the last N lines first (the whole log otherwise), `follow=true` to keep following.
 * - `…/logs/ws` (WebSocket): the same lines as bare JSON frames, no envelope, always following,
 *   `tail=N`; the stream ends with `{"event":"close"}`, or `{"event":"error","error":…}`.
 * `cluster` and `region` are required (400 otherwise). Like the KECS checked, the streams take
 * no `from` (Kubernetes' log follow has no such option there): a client resuming after a break
 * gets the log again from the start, or its last `tail` lines.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
	parseNs,
	type ContainerLog,
	type FakeState,
	type LogListener,
	type StoredLine
} from './state';

/** Which log transports the fake serves (an older or proxied KECS may lack some). */
export interface AdminTransports {
	/** `…/logs/ws`. Default true. */
	ws?: boolean;
	/** `…/logs/stream`. Default true. */
	sse?: boolean;
}

const LOGS_PATH = /^\/api\/tasks\/([^/]+)\/containers\/([^/]+)\/logs(\/stream|\/ws)?$/;

interface Target {
	taskArn: string;
	log: ContainerLog;
}

function json(res: ServerResponse, status: number, body: unknown): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json',
		'content-length': Buffer.byteLength(text)
	});
	res.end(text);
}

function text(res: ServerResponse, status: number, body: string): void {
	res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
	res.end(`${body}\n`);
}

/** The last `tail` lines (all of them without a positive `tail`). */
function tailOf(lines: readonly StoredLine[], tail: string | null): readonly StoredLine[] {
	const n = tail === null ? NaN : Number(tail);
	return Number.isInteger(n) && n > 0 ? lines.slice(-n) : lines;
}

/** The admin server's request and upgrade handlers, and the controls over its live streams. */
export function createAdmin(state: FakeState, transports: AdminTransports, streamIds: boolean) {
	const sockets = new Set<WebSocket>();
	/** Log requests received (path and query), newest last, for tests. */
	const requests: string[] = [];
	const record = (url: URL): void => {
		requests.push(`${url.pathname}${url.search}`);
		if (requests.length > 1000) requests.splice(0, requests.length - 1000);
	};
	const sseResponses = new Set<ServerResponse>();
	const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false });

	const frame = (line: StoredLine): string =>
		JSON.stringify(streamIds ? line.row : { ...line.row, id: '' });

	/** The container a request names, or why not. */
	const resolve = (
		url: URL,
		taskId: string,
		container: string
	): { ok: true; target: Target | undefined } | { ok: false; status: number; message: string } => {
		const cluster = url.searchParams.get('cluster');
		const region = url.searchParams.get('region');
		if (!cluster || !region) {
			return {
				ok: false,
				status: 400,
				message: 'cluster and region query parameters are required'
			};
		}
		const task = region === state.region ? state.task(taskId, cluster) : undefined;
		if (task === undefined || !task.containers.some((c) => c.name === container)) {
			return { ok: true, target: undefined };
		}
		return {
			ok: true,
			target: { taskArn: task.taskArn, log: state.containerLog(task.taskArn, container) }
		};
	};

	const rest = (res: ServerResponse, url: URL, target: Target | undefined): void => {
		const q = url.searchParams;
		const limitRaw = Number(q.get('limit'));
		const limit = Number.isInteger(limitRaw) && limitRaw > 0 ? limitRaw : 100;
		const offsetRaw = Number(q.get('offset'));
		const offset = Number.isInteger(offsetRaw) && offsetRaw >= 0 ? offsetRaw : 0;
		// Like Go's time.Parse(time.RFC3339, …): an unparsable bound is ignored.
		const from = parseNs(q.get('from'));
		const to = parseNs(q.get('to'));
		const level = q.get('level')?.toUpperCase();
		const search = q.get('search');
		const matching = (target?.log.lines ?? []).filter(
			(l) =>
				(from === undefined || l.ns >= from) &&
				(to === undefined || l.ns <= to) &&
				(!level || l.row.log_level === level) &&
				(!search || l.row.log_line.includes(search))
		);
		json(res, 200, {
			logs: matching.slice(offset, offset + limit).map((l) => l.row),
			totalCount: matching.length,
			limit,
			offset
		});
	};

	const sse = (
		req: IncomingMessage,
		res: ServerResponse,
		url: URL,
		target: Target | undefined
	): void => {
		res.writeHead(200, {
			'content-type': 'text/event-stream',
			'cache-control': 'no-cache',
			connection: 'keep-alive'
		});
		if (target === undefined) {
			res.end(`event: error\ndata: pods "${url.pathname.split('/')[3]}" not found\n\n`);
			return;
		}
		const log = target.log;
		for (const line of tailOf(log.lines, url.searchParams.get('tail'))) {
			res.write(`event: log\ndata: ${frame(line)}\n\n`);
		}
		if (log.ended || url.searchParams.get('follow') !== 'true') {
			res.end('event: close\ndata: stream ended\n\n');
			return;
		}
		sseResponses.add(res);
		const listener: LogListener = {
			line: (line) => void res.write(`event: log\ndata: ${frame(line)}\n\n`),
			end: () => {
				res.end('event: close\ndata: stream ended\n\n');
			}
		};
		log.listeners.add(listener);
		const done = (): void => {
			log.listeners.delete(listener);
			sseResponses.delete(res);
		};
		req.on('close', done);
		res.on('close', done);
	};

	const handle = (req: IncomingMessage, res: ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			return text(res, 405, 'Method not allowed');
		}
		switch (url.pathname) {
			case '/health':
				return json(res, 200, { status: 'ok' });
			case '/live':
				return json(res, 200, { status: 'alive' });
			case '/ready':
				return json(res, 200, { status: 'ready' });
		}
		const m = LOGS_PATH.exec(url.pathname);
		if (m) record(url);
		if (!m || m[3] === '/ws' || (m[3] === '/stream' && transports.sse === false)) {
			return text(res, 404, '404 page not found');
		}
		const resolved = resolve(url, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
		if (!resolved.ok) return text(res, resolved.status, resolved.message);
		if (m[3] === '/stream') return sse(req, res, url, resolved.target);
		return rest(res, url, resolved.target);
	};

	const upgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const m = LOGS_PATH.exec(url.pathname);
		const refuse = (status: number, message: string): void => {
			socket.on('error', () => {});
			socket.end(
				`HTTP/1.1 ${status} ${status === 400 ? 'Bad Request' : 'Not Found'}\r\n` +
					`Content-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n${message}`
			);
		};
		if (m) record(url);
		if (!m || m[3] !== '/ws' || transports.ws === false) return refuse(404, '404 page not found');
		const resolved = resolve(url, decodeURIComponent(m[1] ?? ''), decodeURIComponent(m[2] ?? ''));
		if (!resolved.ok) return refuse(resolved.status, resolved.message);
		wss.handleUpgrade(req, socket, head, (ws) => {
			ws.on('error', () => {});
			sockets.add(ws);
			ws.on('close', () => sockets.delete(ws));
			const target = resolved.target;
			if (target === undefined) {
				ws.send(JSON.stringify({ event: 'error', error: `pods "${m[1]}" not found` }));
				ws.close(1000);
				return;
			}
			const log = target.log;
			for (const line of tailOf(log.lines, url.searchParams.get('tail'))) ws.send(frame(line));
			const finish = (): void => {
				if (ws.readyState !== WebSocket.OPEN) return;
				ws.send(JSON.stringify({ event: 'close' }));
				ws.close(1000);
			};
			if (log.ended) return finish();
			const listener: LogListener = {
				line: (line) => {
					if (ws.readyState === WebSocket.OPEN) ws.send(frame(line));
				},
				end: finish
			};
			log.listeners.add(listener);
			ws.on('close', () => log.listeners.delete(listener));
		});
	};

	return {
		handle,
		upgrade,
		/** Drop every live log stream abruptly (no close frame, no close event). */
		breakStreams(): number {
			const n = sockets.size + sseResponses.size;
			for (const ws of sockets) ws.terminate();
			for (const res of sseResponses) res.destroy();
			sockets.clear();
			sseResponses.clear();
			return n;
		},
		/** Send frames that are not log lines on every live stream; returns how many. */
		sendMalformed(): number {
			let n = 0;
			for (const ws of sockets) {
				if (ws.readyState !== WebSocket.OPEN) continue;
				for (const f of [
					'this is not JSON {',
					'{"log_line": 42}',
					'[1,2,3]',
					'{"id":"x","log_line":"no timestamp"}'
				]) {
					ws.send(f);
					n++;
				}
			}
			for (const res of sseResponses) {
				res.write('event: log\ndata: this is not JSON {\n\n');
				n++;
			}
			return n;
		},
		/** End every live stream with an `error` event. */
		sendError(message: string): number {
			let n = 0;
			for (const ws of sockets) {
				if (ws.readyState !== WebSocket.OPEN) continue;
				ws.send(JSON.stringify({ event: 'error', error: message }));
				ws.close(1000);
				n++;
			}
			for (const res of sseResponses) {
				res.end(`event: error\ndata: ${message}\n\n`);
				n++;
			}
			return n;
		},
		/** Log requests received so far (path and query), oldest first. */
		requests(): string[] {
			return [...requests];
		},
		/** Live streams open now. */
		streamCount(): number {
			return sockets.size + sseResponses.size;
		},
		close(): void {
			for (const ws of sockets) ws.terminate();
			for (const res of sseResponses) res.destroy();
			sockets.clear();
			sseResponses.clear();
			wss.close();
		}
	};
}
