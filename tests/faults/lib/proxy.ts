/**
 * A TCP proxy in front of the gateway whose behaviour a row switches: `forward` (a plain pipe),
 * `blackhole` (accepts TCP, reads and never answers: an upgrade that hangs), or `down` (not
 * listening: connection refused). Switching away from `forward` destroys the piped connections,
 * as a crashed or rebooted box would.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './gateway';

export type ProxyMode = 'forward' | 'blackhole' | 'down';

export class FaultProxy {
	readonly port: number;
	readonly #target: number;
	#server: Server | undefined;
	#mode: ProxyMode = 'down';
	readonly #sockets = new Set<Socket>();
	/** TCP connections accepted, by mode. */
	readonly accepted: Record<ProxyMode, number> = { forward: 0, blackhole: 0, down: 0 };

	private constructor(port: number, target: number) {
		this.port = port;
		this.#target = target;
	}

	static async start(target: number): Promise<FaultProxy> {
		const proxy = new FaultProxy(await freePort(), target);
		await proxy.setMode('forward');
		return proxy;
	}

	get wsUrl(): string {
		return `ws://127.0.0.1:${this.port}/ws`;
	}

	get mode(): ProxyMode {
		return this.#mode;
	}

	async setMode(mode: ProxyMode): Promise<void> {
		if (mode === this.#mode) return;
		const previous = this.#mode;
		this.#mode = mode;
		for (const s of this.#sockets) s.destroy();
		this.#sockets.clear();
		if (mode === 'down') {
			const server = this.#server;
			this.#server = undefined;
			if (server) await new Promise<void>((ok) => server.close(() => ok()));
		} else if (previous === 'down') {
			const server = createServer((socket) => this.#accept(socket));
			await new Promise<void>((ok, fail) => {
				server.once('error', fail);
				server.listen(this.port, '127.0.0.1', () => ok());
			});
			this.#server = server;
		}
	}

	#accept(socket: Socket): void {
		this.accepted[this.#mode]++;
		this.#sockets.add(socket);
		socket.on('close', () => this.#sockets.delete(socket));
		socket.on('error', () => {});
		if (this.#mode === 'blackhole') {
			socket.resume(); // read the upgrade request, answer nothing
			return;
		}
		const upstream = connect(this.#target, '127.0.0.1');
		this.#sockets.add(upstream);
		upstream.on('close', () => {
			this.#sockets.delete(upstream);
			socket.destroy();
		});
		upstream.on('error', () => {});
		socket.on('close', () => upstream.destroy());
		socket.pipe(upstream);
		upstream.pipe(socket);
	}

	async close(): Promise<void> {
		await this.setMode('down');
	}
}
