/**
 * The gateway: one HTTP server on one port serving the SvelteKit app (adapter-node's handler),
 * the WebSocket hub at `/ws` and its aliases, `/_health` and, when enabled, the fault controls.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createControlRoutes } from './faults';
import { Hub, type HubOptions } from './hub/hub';

/** A connect/polka-style handler, such as adapter-node's `handler` from `build/handler.js`. */
export type RequestHandler = (
	req: IncomingMessage,
	res: ServerResponse,
	next: (error?: unknown) => void
) => void;

/** Options of {@link startGateway}: the hub's (see {@link HubOptions}) plus the server's. */
export interface GatewayOptions extends HubOptions {
	/** Interface to listen on. Default `127.0.0.1`. */
	host?: string;
	/** Port to listen on; 0 picks a free one. Default 3000. */
	port?: number;
	/** The app's request handler; without it, every path that is not the gateway's is a 404. */
	handler?: RequestHandler;
	/** Enable the fault-control routes (`POST /_faults/*`). Default false. */
	faults?: boolean;
}

/** A running gateway. */
export interface Gateway {
	/** `http://HOST:PORT`, with the actual port. */
	readonly url: string;
	/** `ws://HOST:PORT/ws`. */
	readonly wsUrl: string;
	/** The port listened on. */
	readonly port: number;
	/** The host listened on. */
	readonly host: string;
	/** The hub, for fault controls and stats. */
	readonly hub: Hub;
	/** The HTTP server. */
	readonly server: Server;
	/** Close every client with 1001, stop the source, close the server. Idempotent. */
	close(): Promise<void>;
}

function notFound(res: ServerResponse): void {
	if (res.headersSent) return void res.end();
	res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
	res.end('Not found');
}

function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

/** Start a gateway; resolves once it listens. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
	const host = options.host ?? '127.0.0.1';
	const hub = new Hub(options);
	const controls = createControlRoutes(hub, {
		faults: options.faults ?? false,
		allowedOrigins: options.allowedOrigins ?? []
	});
	const handler = options.handler;
	const server = createServer((req, res) => {
		try {
			if (controls(req, res)) return;
		} catch (error) {
			console.error('[gateway] control route failed:', error);
			if (!res.headersSent) res.writeHead(500);
			res.end();
			return;
		}
		if (handler === undefined) return notFound(res);
		handler(req, res, (error) => {
			if (error === undefined || error === null) return notFound(res);
			console.error('[gateway] request failed:', error);
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	server.on('upgrade', (req, socket, head) => {
		if (hub.handleUpgrade(req, socket, head)) return;
		// Nobody else listens for upgrades on this server: refuse rather than leave it hanging.
		socket.on('error', () => {});
		socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
	});
	try {
		await new Promise<void>((resolve, reject) => {
			server.once('error', reject);
			server.listen(options.port ?? 3000, host, () => {
				server.off('error', reject);
				resolve();
			});
		});
	} catch (error) {
		await hub.close();
		throw error;
	}
	hub.start();
	const port = (server.address() as AddressInfo).port;
	const url = `http://${urlHost(host)}:${port}`;
	let closing: Promise<void> | undefined;
	return {
		url,
		wsUrl: `ws://${urlHost(host)}:${port}/ws`,
		port,
		host,
		hub,
		server,
		close() {
			closing ??= (async () => {
				await hub.close();
				await new Promise<void>((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				});
			})();
			return closing;
		}
	};
}
