/**
 * The gateway hub inside `vite dev` and `vite preview`: the same hub as production, with the
 * built-in simulator (or a real KECS, with `KECS_ENDPOINT` set) and the fault controls on (set `KECS_LIVE_FAULTS=0` to turn them off),
 * attached to Vite's own HTTP server. It takes only the hub's WebSocket paths and leaves every
 * other upgrade untouched, so Vite's HMR socket keeps working.
 */
import type { Server } from 'node:http';
import type { Connect, Plugin } from 'vite';
import { loadConfig } from './config';
import { createControlRoutes } from './faults';
import { Hub } from './hub/hub';
import { createConfiguredSource } from './sources/from-config';

/**
 * Attach the hub and the control routes to a dev or preview server. vite.config.ts calls this
 * through Vite's module runner (so loading the config never loads the server code).
 */
export async function attachDevGateway(
	httpServer: Server | null,
	middlewares: Pick<Connect.Server, 'use'>
): Promise<void> {
	// Middleware mode (and Vitest) has no HTTP server: there is nothing to attach to.
	if (httpServer === null) return;
	const config = loadConfig(process.env);
	const faults = process.env.KECS_LIVE_FAULTS === undefined ? true : config.faults;
	const hub = new Hub({
		source: createConfiguredSource(config),
		token: config.token,
		allowedOrigins: config.allowedOrigins
	});
	hub.start();
	const controls = createControlRoutes(hub, { faults, allowedOrigins: config.allowedOrigins });
	middlewares.use((req, res, next) => {
		if (!controls(req, res)) next();
	});
	httpServer.on('upgrade', (req, socket, head) => {
		// Not ours (HMR, say): return without touching the socket.
		hub.handleUpgrade(req, socket, head);
	});
	httpServer.once('close', () => void hub.close());
}

/** Vite plugin attaching the gateway hub to the dev and preview servers. */
export function gatewayDevPlugin(): Plugin {
	return {
		name: 'kecs-live-gateway',
		async configureServer(server) {
			await attachDevGateway(server.httpServer as Server | null, server.middlewares);
		},
		async configurePreviewServer(server) {
			await attachDevGateway(server.httpServer as Server | null, server.middlewares);
		}
	};
}
