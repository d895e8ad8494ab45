/**
 * A real gateway on a free loopback port with a {@link ScriptedSource}, for hub tests, plus
 * helpers to open recording clients against it. Everything opened is closed by `stop`.
 */
import type { ClientOptions } from 'ws';
import { startGateway, type Gateway, type GatewayOptions } from '../gateway';
import { ScriptedSource } from './scripted-source';
import { TestClient } from './ws-client';

/** A running test gateway. */
export interface TestGateway {
	gateway: Gateway;
	source: ScriptedSource;
	/** Open a client on `path` (default `/ws`). Resolves once open (or refused). */
	connect(path?: string, options?: ClientOptions): Promise<TestClient>;
	/** Open a client and wait for its `welcome`. */
	connectReady(path?: string, options?: ClientOptions): Promise<TestClient>;
	/** Close every client and the gateway. */
	stop(): Promise<void>;
}

/** Start a gateway on 127.0.0.1:0 with a scripted source and quick test-friendly timings. */
export async function startTestGateway(options: GatewayOptions = {}): Promise<TestGateway> {
	const source = new ScriptedSource();
	const gateway = await startGateway({
		port: 0,
		host: '127.0.0.1',
		batchIntervalMs: 10,
		onError: (error, context) => {
			throw new Error(`hub error in ${context}: ${String(error)}`);
		},
		...options,
		source
	});
	const clients: TestClient[] = [];
	const base = gateway.url.replace(/^http/, 'ws');
	const connect = async (path = '/ws', clientOptions: ClientOptions = {}): Promise<TestClient> => {
		const client = await TestClient.connect(`${base}${path}`, clientOptions);
		clients.push(client);
		return client;
	};
	return {
		gateway,
		source,
		connect,
		async connectReady(path, clientOptions) {
			const client = await connect(path, clientOptions);
			await client.next('welcome');
			return client;
		},
		async stop() {
			for (const c of clients) c.ws.terminate();
			await gateway.close();
		}
	};
}
