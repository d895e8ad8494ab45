/**
 * One look at KECS through its ECS API, with the real AWS SDK: every cluster, the services in it
 * (deployments and events included) and its tasks, running and stopped. A snapshot is all or
 * nothing: if KECS cannot be reached halfway, the caller keeps its previous view rather than
 * diffing against half a world (which would "delete" every task it did not get to).
 */
import {
	DescribeServicesCommand,
	DescribeTasksCommand,
	ECSClient,
	paginateListClusters,
	paginateListServices,
	paginateListTasks,
	type Service,
	type Task as AwsTask
} from '@aws-sdk/client-ecs';
import { Readable } from 'node:stream';

/** A service as the source needs it. */
export interface ServiceView {
	arn: string;
	name: string;
	clusterArn: string;
	deployments: NonNullable<Service['deployments']>;
	events: NonNullable<Service['events']>;
}

/** One task as listed in one cluster. */
export interface ListedTask {
	clusterArn: string;
	task: AwsTask;
}

/** What KECS runs, at one moment. */
export interface EcsSnapshot {
	clusterArns: string[];
	services: ServiceView[];
	tasks: ListedTask[];
}

/** Options of {@link createEcsClient}. */
export interface EcsClientOptions {
	/** The ECS API endpoint, e.g. `http://localhost:5373`. */
	endpoint: string;
	/** The AWS region KECS answers for. */
	region: string;
	/** Per-request timeout in ms. */
	requestTimeoutMs: number;
}

/** ECS caps DescribeTasks at 100 tasks and DescribeServices at 10 services per call. */
const DESCRIBE_TASKS_MAX = 100;
const DESCRIBE_SERVICES_MAX = 10;

/** Keys of ECS timestamps in responses: `createdAt`, `startedAt`, `updatedAt`, `registeredAt`… */
const TIMESTAMP_KEY = /At$/;
const RFC3339_LIKE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})$/;

/**
 * Turn RFC 3339 strings under `…At` keys into epoch seconds, in place. AWS JSON 1.1 sends ECS
 * timestamps as epoch seconds and the SDK refuses anything else, but a Go server that marshals
 * `time.Time` with `encoding/json` (as KECS's hand-written handlers may) sends RFC 3339 strings.
 * Returns whether anything changed.
 */
export function epochTimestamps(value: unknown): boolean {
	let changed = false;
	const visit = (node: unknown): void => {
		if (Array.isArray(node)) {
			for (const item of node) visit(item);
			return;
		}
		if (typeof node !== 'object' || node === null) return;
		const record = node as Record<string, unknown>;
		for (const [key, v] of Object.entries(record)) {
			if (typeof v === 'string' && TIMESTAMP_KEY.test(key) && RFC3339_LIKE.test(v)) {
				const ms = Date.parse(v);
				if (!Number.isNaN(ms)) {
					record[key] = ms / 1000;
					changed = true;
				}
			} else if (typeof v === 'object' && v !== null) {
				visit(v);
			}
		}
	};
	visit(value);
	return changed;
}

async function readAll(body: unknown): Promise<Buffer | undefined> {
	if (!(body instanceof Readable)) return undefined;
	const chunks: Buffer[] = [];
	for await (const chunk of body) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
	return Buffer.concat(chunks);
}

/**
 * An ECS client for KECS: dummy credentials (KECS checks none), no SDK retries (the source has
 * its own backoff and must notice an outage at once), and tolerance for RFC 3339 timestamps.
 */
export function createEcsClient(options: EcsClientOptions): ECSClient {
	const client = new ECSClient({
		endpoint: options.endpoint,
		region: options.region,
		credentials: { accessKeyId: 'kecs-live', secretAccessKey: 'kecs-live' },
		maxAttempts: 1,
		requestHandler: {
			connectionTimeout: Math.min(options.requestTimeoutMs, 5_000),
			requestTimeout: options.requestTimeoutMs
		}
	});
	// A deserialize-step middleware placed after (inside) the SDK's deserializer: it sees the
	// raw HTTP response before the SDK parses it.
	type Middleware = Parameters<typeof client.middlewareStack.addRelativeTo>[0];
	type Next = (args: unknown) => Promise<{ response: unknown }>;
	const fixTimestamps = ((next: Next) => async (args: unknown) => {
		const result = await next(args);
		const response = result.response as { body?: unknown };
		const raw = await readAll(response.body);
		if (raw === undefined) return result;
		let body: Buffer = raw;
		try {
			const parsed: unknown = JSON.parse(raw.toString('utf8'));
			if (epochTimestamps(parsed)) body = Buffer.from(JSON.stringify(parsed));
		} catch {
			// Not JSON: leave it to the SDK, which reports it as the error it is.
		}
		response.body = Readable.from([body]);
		return result;
	}) as unknown as Middleware;
	client.middlewareStack.addRelativeTo(fixTimestamps, {
		relation: 'after',
		toMiddleware: 'deserializerMiddleware',
		name: 'kecsLiveTimestampMiddleware',
		override: true
	});
	return client;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
	return out;
}

/** KECS says the cluster (or service) is gone: not an outage, just nothing there any more. */
function isGone(error: unknown): boolean {
	const name = (error as { name?: unknown }).name;
	return name === 'ClusterNotFoundException' || name === 'ServiceNotFoundException';
}

async function clusterView(
	client: ECSClient,
	clusterArn: string,
	abortSignal: AbortSignal
): Promise<{ services: ServiceView[]; tasks: ListedTask[] }> {
	const services: ServiceView[] = [];
	const tasks: ListedTask[] = [];
	const serviceArns: string[] = [];
	for await (const page of paginateListServices(
		{ client },
		{ cluster: clusterArn, maxResults: 100 },
		{ abortSignal }
	)) {
		serviceArns.push(...(page.serviceArns ?? []));
	}
	for (const batch of chunks(serviceArns, DESCRIBE_SERVICES_MAX)) {
		const out = await client.send(
			new DescribeServicesCommand({ cluster: clusterArn, services: batch }),
			{ abortSignal }
		);
		for (const s of out.services ?? []) {
			if (!s.serviceArn || !s.serviceName) continue;
			services.push({
				arn: s.serviceArn,
				name: s.serviceName,
				clusterArn: s.clusterArn ?? clusterArn,
				deployments: s.deployments ?? [],
				events: s.events ?? []
			});
		}
	}
	// ListTasks filters on desiredStatus (RUNNING by default): ask for both to see tasks that
	// are stopping or stopped, which ECS keeps listing for about an hour.
	const taskArns = new Set<string>();
	for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
		for await (const page of paginateListTasks(
			{ client },
			{ cluster: clusterArn, desiredStatus, maxResults: 100 },
			{ abortSignal }
		)) {
			for (const arn of page.taskArns ?? []) taskArns.add(arn);
		}
	}
	for (const batch of chunks([...taskArns], DESCRIBE_TASKS_MAX)) {
		const out = await client.send(new DescribeTasksCommand({ cluster: clusterArn, tasks: batch }), {
			abortSignal
		});
		for (const task of out.tasks ?? []) tasks.push({ clusterArn, task });
	}
	return { services, tasks };
}

/** Take one snapshot. Rejects when KECS cannot be reached (or answers nonsense). */
export async function fetchSnapshot(
	client: ECSClient,
	abortSignal: AbortSignal
): Promise<EcsSnapshot> {
	const clusterArns: string[] = [];
	for await (const page of paginateListClusters({ client }, { maxResults: 100 }, { abortSignal })) {
		clusterArns.push(...(page.clusterArns ?? []));
	}
	const snapshot: EcsSnapshot = { clusterArns, services: [], tasks: [] };
	const views = await Promise.all(
		clusterArns.map(async (arn) => {
			try {
				return await clusterView(client, arn, abortSignal);
			} catch (error) {
				// Deleted between ListClusters and now.
				if (isGone(error)) return { services: [], tasks: [] };
				throw error;
			}
		})
	);
	for (const view of views) {
		snapshot.services.push(...view.services);
		snapshot.tasks.push(...view.tasks);
	}
	return snapshot;
}
