/**
 * A real KECS as a gateway `Source`. KECS no longer has a WebSocket hub of its own; it serves the
 * ECS API (port 5373) and, on its admin port (5374), per-container logs over a WebSocket, SSE
 * and REST. This source:
 * - polls the ECS API through the AWS SDK (ListClusters, ListServices, DescribeServices,
 *   ListTasks for RUNNING and STOPPED, DescribeTasks) and turns the differences into task
 *   updates with the simulator's semantics (diff.ts);
 * - follows the logs of running containers whose task a client subscribed to, and only those
 *   (log-streams.ts), without losing or repeating lines across breaks (watermark.ts);
 * - derives notifications from what changed (notifications.ts), and says so when KECS goes away
 *   and when it is back;
 * - produces no metrics: KECS has no CPU/memory feed (`providesMetrics: false`).
 * When KECS is down the gateway stays up: the source keeps its last view, reports `down` with
 * the reason, and retries with backoff.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { backoffCeiling, type Random } from '../../../src/lib/connection/backoff';
import type { Task } from '../../../src/lib/protocol/index';
import type { Source, SourceHealth, SourceNotification, SourceSink } from '../source';
import { diffTasks } from './diff';
import { createEcsClient, fetchSnapshot, type EcsSnapshot } from './ecs-api';
import { LogStreamManager } from './log-streams';
import { runtimeIds, toTask } from './mapping';
import { ChangeNotifier, NOTIFICATION_SOURCE } from './notifications';

export { selects } from './log-streams';
export type { LogStreamStats, Transport } from './log-stream';

/** Default KECS ports: the ECS API and the admin server. */
export const KECS_ECS_PORT = 5373;
export const KECS_ADMIN_PORT = 5374;
/** Default polling interval of the ECS API, ms. */
export const DEFAULT_POLL_INTERVAL_MS = 2_000;
/** Default region. */
export const DEFAULT_REGION = 'us-east-1';

/** Options of {@link createKecsSource}. */
export interface KecsSourceOptions {
	/** The ECS API, e.g. `http://localhost:5373`. Required. */
	endpoint: string;
	/** The admin server (logs). Default: the endpoint's host on port 5374. */
	adminEndpoint?: string;
	/** The AWS region KECS answers for. Default `us-east-1`. */
	region?: string;
	/** Time between two looks at the ECS API while KECS answers, ms. Default 2,000. */
	pollIntervalMs?: number;
	/** Longest wait between two attempts while KECS is down, ms. Default 30,000. */
	maxBackoffMs?: number;
	/** Timeout of one ECS API request, ms. Default 10,000. */
	requestTimeoutMs?: number;
	/** Lines of a container's log asked for when a client starts following it. Default 100. */
	logTail?: number;
	/** REST log polling interval (when KECS serves neither WebSocket nor SSE), ms. Default: `pollIntervalMs`. */
	logPollIntervalMs?: number;
	/** First and largest retry ceiling of a broken log stream, ms. Defaults 500 and 15,000. */
	logRetryBaseMs?: number;
	logRetryCapMs?: number;
	/** How long the stream of a container that stopped keeps reading, ms. Default 5,000. */
	logDrainMs?: number;
	/** Randomness for backoff jitter. Default `Math.random`. */
	random?: Random;
}

/** Counters of a KECS source, for tests and `/_health` details. */
export interface KecsSourceStats {
	polls: number;
	pollFailures: number;
	/** Consecutive failed polls now (0 while KECS answers). */
	consecutiveFailures: number;
	tasks: number;
	/** Task statuses KECS reported that ECS does not have (mapped to a known one). */
	unknownStatuses: number;
	logs: LogStreamManager['stats'];
	streams: ReturnType<LogStreamManager['summary']>;
	/** Container streams open now, `<task ARN>|<container>`. */
	streamKeys: string[];
	transports: LogStreamManager['support'];
}

/** A KECS source: a `Source` plus its counters. */
export interface KecsSource extends Source {
	readonly endpoint: string;
	readonly adminEndpoint: string;
	stats(): KecsSourceStats;
}

/** The admin endpoint KECS uses by default: the ECS endpoint's host on port 5374. */
export function defaultAdminEndpoint(endpoint: string): string {
	const url = new URL(endpoint);
	// `hostname` keeps an IPv6 address's brackets.
	return `${url.protocol}//${url.hostname}:${KECS_ADMIN_PORT}`;
}

function describe(error: unknown): string {
	if (error instanceof Error) {
		const withCode = error as Error & { code?: unknown; cause?: { code?: unknown } };
		const code = withCode.code ?? withCode.cause?.code;
		const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
		const message = error.message || String(code ?? 'unknown error');
		return code !== undefined && !message.includes(String(code))
			? `${name}${message} (${String(code)})`
			: `${name}${message}`;
	}
	return String(error);
}

function positive(name: string, value: number): number {
	if (!Number.isFinite(value) || value <= 0) {
		throw new RangeError(`KECS source option ${name} must be a positive number, got ${value}`);
	}
	return value;
}

/** A source reading a running KECS. Nothing happens until `start`. */
export function createKecsSource(options: KecsSourceOptions): KecsSource {
	return new KecsSourceImpl(options);
}

class KecsSourceImpl implements KecsSource {
	readonly name = 'kecs';
	readonly providesMetrics = false;
	readonly endpoint: string;
	readonly adminEndpoint: string;
	readonly #region: string;
	readonly #pollIntervalMs: number;
	readonly #maxBackoffMs: number;
	readonly #random: Random;
	readonly #client: ECSClient;
	readonly #logs: LogStreamManager;
	readonly #notifier = new ChangeNotifier();
	/** Keeps notification ids unique across gateway restarts within one epoch's reach. */
	readonly #instance = Date.now().toString(36);
	#sink: SourceSink | undefined;
	#tasks = new Map<string, Task>();
	#timer: NodeJS.Timeout | undefined;
	#abort: AbortController | undefined;
	#stopped = false;
	#polledOnce = false;
	#ecsError: string | undefined;
	#retryAt = 0;
	#outages = 0;
	#downSince = 0;
	#logOutageNotified = false;
	#health: SourceHealth = { status: 'starting', since: new Date() };
	#counters = { polls: 0, pollFailures: 0, consecutiveFailures: 0, unknownStatuses: 0 };

	constructor(options: KecsSourceOptions) {
		this.endpoint = new URL(options.endpoint).href.replace(/\/$/, '');
		this.adminEndpoint = new URL(
			options.adminEndpoint ?? defaultAdminEndpoint(options.endpoint)
		).href.replace(/\/$/, '');
		this.#region = options.region ?? DEFAULT_REGION;
		this.#pollIntervalMs = positive(
			'pollIntervalMs',
			options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS
		);
		this.#maxBackoffMs = Math.max(
			this.#pollIntervalMs,
			positive('maxBackoffMs', options.maxBackoffMs ?? 30_000)
		);
		this.#random = options.random ?? Math.random;
		this.#client = createEcsClient({
			endpoint: this.endpoint,
			region: this.#region,
			requestTimeoutMs: positive('requestTimeoutMs', options.requestTimeoutMs ?? 10_000)
		});
		this.#logs = new LogStreamManager({
			adminUrl: this.adminEndpoint,
			region: this.#region,
			emit: (entry) => this.#sink?.log(entry),
			onChange: () => this.#onLogChange(),
			tail: Math.floor(positive('logTail', options.logTail ?? 100)),
			pollIntervalMs: positive(
				'logPollIntervalMs',
				options.logPollIntervalMs ?? this.#pollIntervalMs
			),
			retryBaseMs: positive('logRetryBaseMs', options.logRetryBaseMs ?? 500),
			retryCapMs: positive('logRetryCapMs', options.logRetryCapMs ?? 15_000),
			drainMs: positive('logDrainMs', options.logDrainMs ?? 5_000),
			random: this.#random
		});
	}

	start(sink: SourceSink): void {
		if (this.#sink) throw new Error('KECS source already started');
		this.#sink = sink;
		void this.#poll();
	}

	async stop(): Promise<void> {
		this.#stopped = true;
		clearTimeout(this.#timer);
		this.#abort?.abort();
		this.#logs.close();
		this.#client.destroy();
		await Promise.resolve();
	}

	tasks(): Task[] {
		return [...this.#tasks.values()];
	}

	setLogInterest(resourceIds: ReadonlySet<string>): void {
		if (this.#stopped) return;
		this.#logs.setInterest(resourceIds);
	}

	health(): SourceHealth {
		const detail = this.#detail();
		return detail === undefined ? { ...this.#health } : { ...this.#health, detail };
	}

	stats(): KecsSourceStats {
		return {
			...this.#counters,
			tasks: this.#tasks.size,
			logs: { ...this.#logs.stats, opened: { ...this.#logs.stats.opened } },
			streams: this.#logs.summary(),
			streamKeys: this.#logs.keys(),
			transports: { ...this.#logs.support }
		};
	}

	// --- Polling --------------------------------------------------------------------------------

	async #poll(): Promise<void> {
		if (this.#stopped) return;
		const abort = new AbortController();
		this.#abort = abort;
		this.#counters.polls++;
		let snapshot: EcsSnapshot;
		try {
			snapshot = await fetchSnapshot(this.#client, abort.signal);
		} catch (error) {
			if (this.#stopped) return;
			this.#failed(error);
			return;
		}
		if (this.#stopped) return;
		try {
			this.#apply(snapshot);
		} catch (error) {
			// A throwing sink must not stop the polling.
			this.#ecsError = `applying a snapshot failed: ${describe(error)}`;
		}
		this.#schedule(this.#pollIntervalMs);
	}

	#schedule(delay: number): void {
		if (this.#stopped) return;
		this.#retryAt = Date.now() + delay;
		this.#timer = setTimeout(() => void this.#poll(), delay);
		this.#timer.unref();
	}

	#failed(error: unknown): void {
		const c = this.#counters;
		c.pollFailures++;
		c.consecutiveFailures++;
		this.#ecsError = describe(error);
		// Equal jitter: at least half the ceiling, so a dead KECS is not hammered.
		const ceiling = backoffCeiling(
			c.consecutiveFailures - 1,
			this.#pollIntervalMs,
			this.#maxBackoffMs
		);
		const delay = Math.round(ceiling / 2 + (ceiling / 2) * this.#random());
		this.#polledOnce = true;
		if (this.#downSince === 0) {
			this.#downSince = Date.now();
			this.#outages++;
			this.#notify({
				id: `kecs-live:kecs-down:${this.#instance}:${this.#outages}`,
				type: 'error',
				priority: 'high',
				title: 'KECS unreachable',
				message:
					`The ECS API of KECS at ${this.endpoint} does not answer (${this.#ecsError}). ` +
					`kecs-live keeps retrying; the tasks shown are as last seen.`
			});
		}
		this.#setStatus('down');
		this.#schedule(delay);
	}

	#apply(snapshot: EcsSnapshot): void {
		const sink = this.#sink;
		if (sink === undefined) return;
		const now = new Date();
		const c = this.#counters;
		if (this.#downSince !== 0) {
			const seconds = Math.round((Date.now() - this.#downSince) / 1000);
			this.#notify({
				id: `kecs-live:kecs-back:${this.#instance}:${this.#outages}`,
				type: 'success',
				priority: 'normal',
				title: 'KECS reachable again',
				message: `The ECS API of KECS at ${this.endpoint} answers again after ${seconds} s.`
			});
			this.#downSince = 0;
		}
		c.consecutiveFailures = 0;
		this.#ecsError = undefined;
		this.#polledOnce = true;

		const tasks = new Map<string, Task>();
		const ids = new Map<string, Map<string, string>>();
		for (const { clusterArn, task } of snapshot.tasks) {
			const mapped = toTask(task, clusterArn, () => c.unknownStatuses++);
			if (mapped === undefined) continue;
			tasks.set(mapped.taskArn, mapped);
			ids.set(mapped.taskArn, runtimeIds(task));
		}
		const updates = diffTasks(this.#tasks, tasks, now);
		this.#tasks = tasks;
		for (const update of updates) sink.task(update);
		const derived = this.#notifier.observe(updates, snapshot.services, now);
		for (const entry of derived.logs) sink.log(entry);
		for (const n of derived.notifications) sink.notification(n);
		this.#logs.setTasks(tasks.values(), ids);
		this.#refreshStatus();
	}

	#notify(n: Omit<SourceNotification, 'timestamp' | 'read' | 'source'>): void {
		this.#sink?.notification({
			...n,
			timestamp: new Date(),
			read: false,
			source: NOTIFICATION_SOURCE
		});
	}

	// --- Health ---------------------------------------------------------------------------------

	#onLogChange(): void {
		if (this.#stopped) return;
		const summary = this.#logs.summary();
		if (summary.retrying > 0 && summary.open === 0 && this.#downSince === 0 && this.#polledOnce) {
			if (!this.#logOutageNotified) {
				this.#logOutageNotified = true;
				this.#notify({
					id: `kecs-live:kecs-logs-down:${this.#instance}:${Date.now().toString(36)}`,
					type: 'warning',
					priority: 'normal',
					title: 'KECS log API unreachable',
					message:
						`Logs cannot be read from the KECS admin API at ${this.adminEndpoint}` +
						`${summary.lastError ? ` (${summary.lastError})` : ''}. kecs-live keeps retrying.`
				});
			}
		} else if (summary.open > 0) {
			this.#logOutageNotified = false;
		}
		this.#refreshStatus();
	}

	#refreshStatus(): void {
		if (!this.#polledOnce) return;
		if (this.#downSince !== 0) return this.#setStatus('down');
		const summary = this.#logs.summary();
		this.#setStatus(summary.retrying > 0 ? 'degraded' : 'healthy');
	}

	#setStatus(status: SourceHealth['status']): void {
		if (this.#health.status !== status) this.#health = { status, since: new Date() };
	}

	#detail(): string | undefined {
		const parts: string[] = [];
		if (this.#health.status === 'starting')
			parts.push(`connecting to the ECS API at ${this.endpoint}`);
		if (this.#downSince !== 0 && this.#ecsError !== undefined) {
			const wait = Math.max(0, Math.round((this.#retryAt - Date.now()) / 1000));
			parts.push(
				`ECS API at ${this.endpoint} unreachable: ${this.#ecsError}; retrying in ${wait} s`
			);
		} else if (this.#ecsError !== undefined) {
			parts.push(this.#ecsError);
		}
		const summary = this.#logs.summary();
		if (summary.retrying > 0) {
			parts.push(
				`${summary.retrying} log stream${summary.retrying === 1 ? '' : 's'} retrying at ${this.adminEndpoint}` +
					`${summary.lastError ? `: ${summary.lastError}` : ''}`
			);
		}
		const malformed = this.#logs.stats.malformedFrames;
		if (malformed > 0)
			parts.push(`${malformed} malformed frame${malformed === 1 ? '' : 's'} from KECS ignored`);
		if (this.#counters.unknownStatuses > 0) {
			parts.push(`${this.#counters.unknownStatuses} unknown task statuses from KECS`);
		}
		return parts.length > 0 ? parts.join('; ') : undefined;
	}
}
