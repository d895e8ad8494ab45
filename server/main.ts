/**
 * The production entry, bundled to `build-gateway/main.js` (vite.gateway.config.ts) and run by
 * `npm start`. Reads the configuration from the environment, loads the built SvelteKit handler,
 * starts the gateway with the built-in simulator (or, with `KECS_ENDPOINT` set, with a real KECS
 * as its source), and prints exactly one line to stdout:
 * `listening on http://HOST:PORT` (tests parse it to find the port when `PORT=0`).
 *
 * The handler is `build/handler.js` beside `build-gateway/` (resolved from this bundle's own
 * location, so the working directory does not matter), or the path given as the first
 * argument, relative to the working directory. Without a build the hub still runs, and the
 * app's pages are 404s (a warning says so on stderr).
 *
 * SIGTERM and SIGINT close every client with 1001 (going away: clients retry), then exit 0.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from './config';
import { startGateway, type Gateway, type RequestHandler } from './gateway';
import { createConfiguredSource } from './sources/from-config';

/** Where the built app's handler is, relative to this bundle (`build-gateway/main.js`). */
const HANDLER_FROM_BUNDLE = '../build/handler.js';

async function loadHandler(path: string | undefined): Promise<RequestHandler | undefined> {
	// A variable, not a literal, so the bundler neither inlines the app nor rewrites the URL.
	const url =
		path === undefined
			? new URL(HANDLER_FROM_BUNDLE, import.meta.url)
			: pathToFileURL(resolve(process.cwd(), path));
	try {
		const mod = (await import(/* @vite-ignore */ url.href)) as { handler?: RequestHandler };
		if (typeof mod.handler !== 'function') throw new Error(`${url.pathname} exports no handler`);
		return mod.handler;
	} catch (error) {
		const code = (error as { code?: unknown }).code;
		if (code === 'ERR_MODULE_NOT_FOUND' && String(error).includes(url.pathname)) {
			console.error(
				`warning: ${url.pathname} not found (run \`npm run build\`); serving the hub only`
			);
			return undefined;
		}
		throw error;
	}
}

async function main(): Promise<void> {
	let config;
	try {
		config = loadConfig(process.env);
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(2);
		}
		throw error;
	}
	// Signals are handled from the start: a test that kills the server the moment it prints its
	// line must still see a clean exit.
	const running: { gateway?: Gateway } = {};
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		(running.gateway?.close() ?? Promise.resolve()).then(
			() => process.exit(0),
			(error: unknown) => {
				console.error('shutdown failed:', error);
				process.exit(1);
			}
		);
	};
	process.on('SIGTERM', stop);
	process.on('SIGINT', stop);

	const handler = await loadHandler(process.argv[2]);
	const source = createConfiguredSource(config);
	const gateway = await startGateway({
		host: config.host,
		port: config.port,
		token: config.token,
		allowedOrigins: config.allowedOrigins,
		faults: config.faults,
		source,
		handler
	});
	running.gateway = gateway;
	if (stopping) return void (await gateway.close());
	console.log(`listening on ${gateway.url}`);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
