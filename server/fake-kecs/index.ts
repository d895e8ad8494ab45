/**
 * A fake KECS for tests and demos: the simulator's world served through the two interfaces a
 * real KECS has, the ECS API (AWS JSON 1.1, port 5373) and the admin server (health and
 * per-container logs over REST, SSE and WebSocket, port 5374), exactly as KECS serves them, so
 * the kecs source is exercised through the real AWS SDK and a real WebSocket. It also has the
 * controls tests need: break the log streams, send malformed frames, go away entirely and come
 * back, crash or stop a task, write a known log line.
 *
 * `npm run fake-kecs` runs it (main.ts); tests call {@link startFakeKecs}.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Task } from '../../src/lib/protocol/index';
import { DEFAULT_LOG_RATE, DEFAULT_SEED } from '../sources/simulator/world';
import { REGION } from '../sources/simulator/topology';
import { createAdmin, type AdminTransports } from './admin';
import { createEcsApi, type TimestampFormat } from './ecs-api';
import { FakeState, type StopOptions, type StoredLine } from './state';

export type { AdminTransports } from './admin';
export type { TimestampFormat } from './ecs-api';
export type { KecsTaskLog, StopOptions } from './state';

/** Options of {@link startFakeKecs}; every one has a default. */
export interface FakeKecsOptions {
	/** ECS API port; 0 picks a free one. Default 5373 (KECS's). */
	ecsPort?: number;
	/** Admin port; 0 picks a free one. Default 5374 (KECS's). */
	adminPort?: number;
	/** Interface to listen on. Default 127.0.0.1. */
	host?: string;
	/** Seed of the simulated world. Default 1. */
	seed?: number;
	/** Log lines per second over all running containers. Default 20. */
	logRate?: number;
	/** How the ECS API writes timestamps: epoch seconds (AWS) or RFC 3339 (Go's encoding/json). Default epoch. */
	timestamps?: TimestampFormat;
	/** Which log transports the admin server serves. Default all. */
	transports?: AdminTransports;
	/** Whether streamed lines carry their id (stored lines always do; KECS streams them with `""`). Default true. */
	streamIds?: boolean;
	/** Real ms between two steps of a stopping task (StopTask, crashTask). Default 250. */
	stopStepMs?: number;
	/** How long a stopped task stays listed, ms. Default 60,000. */
	retainStoppedMs?: number;
	/** Log lines kept per container. Default 2,000. */
	linesPerContainer?: number;
	/** Real ms between world ticks. Default 50. */
	tickMs?: number;
}

/** A running fake KECS. */
export interface FakeKecs {
	/** `http://HOST:PORT` of the ECS API. */
	readonly ecsUrl: string;
	/** `http://HOST:PORT` of the admin server. */
	readonly adminUrl: string;
	readonly ecsPort: number;
	readonly adminPort: number;
	/** The AWS region it answers for (the simulator's, us-east-1). */
	readonly region: string;
	/** The world and what KECS keeps of it. */
	readonly state: FakeState;
	/** Every task KECS lists now. */
	tasks(): Task[];
	/** Running tasks (with at least one running container). */
	runningTasks(): Task[];
	/** Drop every live log stream abruptly (no close frame, no close event); returns how many. */
	breakLogStreams(): number;
	/** Send frames that are not log lines on every live log stream; returns how many frames. */
	sendMalformed(): number;
	/** End every live log stream with KECS's error event; returns how many. */
	sendLogError(message: string): number;
	/** Stop both servers entirely (connections refused from now on); the world goes on. */
	down(): Promise<void>;
	/** Listen again on the same ports after {@link FakeKecs.down}. */
	up(): Promise<void>;
	/** The task's essential container exits with `exitCode` (default 1): the task stops. */
	crashTask(taskArn: string, options?: StopOptions): Task | undefined;
	/** Stop a task as ECS StopTask does. */
	stopTask(taskArn: string, options?: StopOptions): Task | undefined;
	/** Write one line (or several, split on newlines) to a container's log now. */
	emitLog(taskArn: string, container: string, line: string, level?: string): StoredLine[];
	/** Live log streams (WebSocket and SSE) open now. */
	logStreamCount(): number;
	/** Requests for logs received so far (path and query, REST, SSE and WebSocket), oldest first. */
	logRequests(): string[];
	/** Stop everything. Idempotent. */
	close(): Promise<void>;
}

function urlHost(host: string): string {
	return host.includes(':') ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve((server.address() as AddressInfo).port);
		});
	});
}

function shut(server: Server): Promise<void> {
	return new Promise((resolve) => {
		if (!server.listening) return resolve();
		server.close(() => resolve());
		server.closeAllConnections();
	});
}

/** Start a fake KECS; resolves once both servers listen. */
export async function startFakeKecs(options: FakeKecsOptions = {}): Promise<FakeKecs> {
	const host = options.host ?? '127.0.0.1';
	const state = new FakeState({
		seed: options.seed ?? DEFAULT_SEED,
		logRate: options.logRate ?? DEFAULT_LOG_RATE,
		region: REGION,
		tickMs: options.tickMs ?? 50,
		stopStepMs: options.stopStepMs ?? 250,
		retainStoppedMs: options.retainStoppedMs ?? 60_000,
		linesPerContainer: options.linesPerContainer ?? 2_000
	});
	const ecsApi = createEcsApi(state, options.timestamps ?? 'epoch');
	const admin = createAdmin(state, options.transports ?? {}, options.streamIds ?? true);
	const ecsServer = createServer(ecsApi);
	const adminServer = createServer(admin.handle);
	adminServer.on('upgrade', admin.upgrade);
	for (const s of [ecsServer, adminServer]) s.on('clientError', (_e, socket) => socket.destroy());

	let ecsPort: number;
	let adminPort: number;
	try {
		ecsPort = await listen(ecsServer, options.ecsPort ?? 5373, host);
		adminPort = await listen(adminServer, options.adminPort ?? 5374, host);
	} catch (error) {
		await shut(ecsServer);
		await shut(adminServer);
		throw error;
	}
	state.start();
	let closing: Promise<void> | undefined;

	const fake: FakeKecs = {
		ecsUrl: `http://${urlHost(host)}:${ecsPort}`,
		adminUrl: `http://${urlHost(host)}:${adminPort}`,
		ecsPort,
		adminPort,
		region: REGION,
		state,
		tasks: () => state.tasks(),
		runningTasks: () =>
			state
				.tasks()
				.filter(
					(t) => t.lastStatus === 'RUNNING' && t.containers.some((c) => c.lastStatus === 'RUNNING')
				),
		breakLogStreams: () => admin.breakStreams(),
		sendMalformed: () => admin.sendMalformed(),
		sendLogError: (message) => admin.sendError(message),
		async down() {
			admin.breakStreams();
			await Promise.all([shut(ecsServer), shut(adminServer)]);
		},
		async up() {
			if (!ecsServer.listening) await listen(ecsServer, ecsPort, host);
			if (!adminServer.listening) await listen(adminServer, adminPort, host);
		},
		crashTask: (taskArn, stop = {}) => state.stopTask(taskArn, { exitCode: 1, ...stop }),
		stopTask: (taskArn, stop = {}) => state.stopTask(taskArn, stop),
		emitLog: (taskArn, container, line, level = 'INFO') =>
			state.appendLog(taskArn, container, line, level, new Date()),
		logStreamCount: () => admin.streamCount(),
		logRequests: () => admin.requests(),
		close() {
			closing ??= (async () => {
				state.stop();
				admin.close();
				await Promise.all([shut(ecsServer), shut(adminServer)]);
			})();
			return closing;
		}
	};
	return fake;
}
