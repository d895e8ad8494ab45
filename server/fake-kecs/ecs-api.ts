/**
 * The fake's ECS API: AWS JSON 1.1 as KECS serves it on port 5373. `POST /` with
 * `X-Amz-Target: AmazonEC2ContainerServiceV20141113.<Action>`, or `POST /v1/<Action>`; JSON in,
 * `application/x-amz-json-1.1` out, errors as `{"__type", "message"}` with status 400. The
 * actions kecs-live uses (ListClusters, DescribeClusters, ListServices, DescribeServices,
 * ListTasks, DescribeTasks) and StopTask, with ECS's page sizes and batch limits, so a client
 * that forgets to paginate or to batch fails here as it would against ECS. Timestamps are epoch
 * seconds (what the SDK expects) or, with `timestamps: 'rfc3339'`, RFC 3339 strings (what a Go
 * server marshalling `time.Time` with encoding/json sends).
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Task } from '../../src/lib/protocol/index';
import { ACCOUNT_ID, SERVICES } from '../sources/simulator/topology';
import { lastSegment, type FakeService, type FakeState } from './state';

/** The JSON 1.1 target prefix of ECS. */
export const ECS_TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

/** How timestamps are written. */
export type TimestampFormat = 'epoch' | 'rfc3339';

class EcsError extends Error {
	constructor(
		readonly type: string,
		message: string,
		readonly status = 400
	) {
		super(message);
	}
}

type Json = Record<string, unknown>;

const MAX_BODY = 1024 * 1024;

function str(body: Json, key: string): string | undefined {
	const v = body[key];
	if (v === undefined || v === null) return undefined;
	if (typeof v !== 'string')
		throw new EcsError('InvalidParameterException', `${key} must be a string`);
	return v;
}

function strList(body: Json, key: string): string[] {
	const v = body[key];
	if (v === undefined || v === null) return [];
	if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
		throw new EcsError('InvalidParameterException', `${key} must be a list of strings`);
	}
	return v as string[];
}

function pageSize(body: Json, fallback: number, max: number): number {
	const v = body.maxResults;
	if (v === undefined || v === null) return fallback;
	if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) {
		throw new EcsError(
			'InvalidParameterException',
			`maxResults must be an integer from 1 to ${max}`
		);
	}
	return v;
}

function page<T>(
	items: readonly T[],
	body: Json,
	size: number
): { items: T[]; nextToken?: string } {
	let offset = 0;
	const token = str(body, 'nextToken');
	if (token !== undefined) {
		const parsed = Number(Buffer.from(token, 'base64').toString('utf8'));
		if (!Number.isInteger(parsed) || parsed < 0) {
			throw new EcsError('InvalidParameterException', 'Invalid nextToken');
		}
		offset = parsed;
	}
	const slice = items.slice(offset, offset + size);
	const next = offset + size;
	return next < items.length
		? { items: slice, nextToken: Buffer.from(String(next)).toString('base64') }
		: { items: slice };
}

/** The ECS API handler over `state`. */
export function createEcsApi(state: FakeState, timestamps: TimestampFormat) {
	const ts = (d: Date | undefined): number | string | undefined =>
		d === undefined ? undefined : timestamps === 'epoch' ? d.getTime() / 1000 : d.toISOString();
	const region = state.region;

	const resolveCluster = (body: Json): string => {
		const given = str(body, 'cluster') ?? 'default';
		const arn = state.clusterArns().find((a) => a === given || lastSegment(a) === given);
		if (arn === undefined) throw new EcsError('ClusterNotFoundException', 'Cluster not found.');
		return arn;
	};

	const specOf = (task: Task) => {
		const group = task.group ?? '';
		const name = group.slice(group.indexOf(':') + 1);
		return SERVICES.find((s) => s.name === name || s.family === name);
	};

	const awsTask = (task: Task): Json => {
		const spec = specOf(task);
		const id = lastSegment(task.taskArn);
		const cluster = lastSegment(task.clusterArn);
		const service = task.group?.startsWith('service:')
			? state.services.get(task.group.slice('service:'.length))
			: undefined;
		const deployment = service?.deployments.find(
			(d) => d.taskDefinition === task.taskDefinitionArn
		);
		const healths = task.containers.map((c) => c.healthStatus).filter((h) => h !== undefined);
		return {
			taskArn: task.taskArn,
			clusterArn: task.clusterArn,
			taskDefinitionArn: task.taskDefinitionArn,
			group: task.group,
			lastStatus: task.lastStatus,
			desiredStatus: task.desiredStatus,
			launchType: task.launchType,
			cpu: task.cpu,
			memory: task.memory,
			version: 1,
			availabilityZone: `${region}a`,
			connectivity: 'CONNECTED',
			connectivityAt: ts(task.createdAt),
			healthStatus: healths.includes('UNHEALTHY')
				? 'UNHEALTHY'
				: healths.length > 0 && healths.every((h) => h === 'HEALTHY')
					? 'HEALTHY'
					: 'UNKNOWN',
			startedBy: deployment?.id,
			createdAt: ts(task.createdAt),
			startedAt: ts(task.startedAt),
			stoppedAt: ts(task.stoppedAt),
			stoppedReason: task.stoppedReason,
			stopCode: task.stopCode,
			containers: task.containers.map((c, i) => ({
				containerArn: `arn:aws:ecs:${region}:${ACCOUNT_ID}:container/${cluster}/${id}/${id.slice(0, 8)}-${i}`,
				taskArn: task.taskArn,
				name: c.name,
				image: spec?.containers.find((cs) => cs.name === c.name)?.image,
				lastStatus: c.lastStatus,
				exitCode: c.exitCode,
				healthStatus: c.healthStatus,
				runtimeId: state.runtimeId(task.taskArn, c.name),
				networkBindings: [],
				networkInterfaces: []
			})),
			attachments: [],
			tags: []
		};
	};

	const serviceTasks = (service: FakeService): Task[] =>
		state.tasks().filter((t) => t.group === `service:${service.name}`);

	const awsService = (service: FakeService): Json => {
		const tasks = serviceTasks(service).filter((t) => t.desiredStatus === 'RUNNING');
		const running = (td?: string) =>
			tasks.filter(
				(t) => t.lastStatus === 'RUNNING' && (td === undefined || t.taskDefinitionArn === td)
			).length;
		const pending = (td?: string) =>
			tasks.filter(
				(t) =>
					['PROVISIONING', 'PENDING', 'ACTIVATING'].includes(t.lastStatus) &&
					(td === undefined || t.taskDefinitionArn === td)
			).length;
		const primary = service.deployments.find((d) => d.status === 'PRIMARY');
		return {
			serviceArn: service.arn,
			serviceName: service.name,
			clusterArn: service.clusterArn,
			status: 'ACTIVE',
			desiredCount: service.spec.desiredCount,
			runningCount: running(),
			pendingCount: pending(),
			launchType: service.spec.launchType,
			taskDefinition: primary?.taskDefinition,
			schedulingStrategy: 'REPLICA',
			deploymentController: { type: 'ECS' },
			createdAt: ts(service.createdAt),
			deployments: service.deployments.map((d) => ({
				id: d.id,
				status: d.status,
				taskDefinition: d.taskDefinition,
				desiredCount: d.desiredCount,
				runningCount: running(d.taskDefinition),
				pendingCount: pending(d.taskDefinition),
				failedTasks: 0,
				launchType: service.spec.launchType,
				createdAt: ts(d.createdAt),
				updatedAt: ts(d.updatedAt),
				rolloutState: d.rolloutState,
				rolloutStateReason: d.rolloutStateReason
			})),
			events: service.events.map((e) => ({
				id: e.id,
				createdAt: ts(e.createdAt),
				message: e.message
			}))
		};
	};

	const actions: Record<string, (body: Json) => Json> = {
		ListClusters(body) {
			const p = page(state.clusterArns(), body, pageSize(body, 100, 100));
			return { clusterArns: p.items, nextToken: p.nextToken };
		},
		DescribeClusters(body) {
			const wanted = strList(body, 'clusters');
			const arns = wanted.length === 0 ? [resolveCluster({})] : wanted;
			const clusters: Json[] = [];
			const failures: Json[] = [];
			const tasks = state.tasks();
			for (const w of arns) {
				const arn = state.clusterArns().find((a) => a === w || lastSegment(a) === w);
				if (arn === undefined) {
					failures.push({ arn: w, reason: 'MISSING' });
					continue;
				}
				const inCluster = tasks.filter((t) => t.clusterArn === arn);
				clusters.push({
					clusterArn: arn,
					clusterName: lastSegment(arn),
					status: 'ACTIVE',
					runningTasksCount: inCluster.filter((t) => t.lastStatus === 'RUNNING').length,
					pendingTasksCount: inCluster.filter((t) => t.lastStatus === 'PENDING').length,
					activeServicesCount: [...state.services.values()].filter((s) => s.clusterArn === arn)
						.length,
					registeredContainerInstancesCount: 0
				});
			}
			return { clusters, failures };
		},
		ListServices(body) {
			const cluster = resolveCluster(body);
			const arns = [...state.services.values()]
				.filter((s) => s.clusterArn === cluster)
				.map((s) => s.arn);
			const p = page(arns, body, pageSize(body, 10, 100));
			return { serviceArns: p.items, nextToken: p.nextToken };
		},
		DescribeServices(body) {
			const cluster = resolveCluster(body);
			const wanted = strList(body, 'services');
			if (wanted.length === 0)
				throw new EcsError('InvalidParameterException', 'Services cannot be empty.');
			if (wanted.length > 10) {
				throw new EcsError('InvalidParameterException', 'Services cannot be more than 10.');
			}
			const services: Json[] = [];
			const failures: Json[] = [];
			for (const w of wanted) {
				const s = [...state.services.values()].find(
					(x) => x.clusterArn === cluster && (x.arn === w || x.name === w)
				);
				if (s) services.push(awsService(s));
				else failures.push({ arn: w, reason: 'MISSING' });
			}
			return { services, failures };
		},
		ListTasks(body) {
			const cluster = resolveCluster(body);
			const desired = str(body, 'desiredStatus') ?? 'RUNNING';
			if (!['RUNNING', 'PENDING', 'STOPPED'].includes(desired)) {
				throw new EcsError(
					'InvalidParameterException',
					'desiredStatus must be RUNNING, PENDING or STOPPED'
				);
			}
			const serviceName = str(body, 'serviceName');
			const family = str(body, 'family');
			const launchType = str(body, 'launchType');
			const arns = state
				.tasks()
				.filter(
					(t) =>
						t.clusterArn === cluster &&
						(desired === 'STOPPED'
							? t.desiredStatus === 'STOPPED'
							: t.desiredStatus === 'RUNNING') &&
						(serviceName === undefined || t.group === `service:${lastSegment(serviceName)}`) &&
						(family === undefined || lastSegment(t.taskDefinitionArn).startsWith(`${family}:`)) &&
						(launchType === undefined || t.launchType === launchType)
				)
				.map((t) => t.taskArn);
			const p = page(arns, body, pageSize(body, 100, 100));
			return { taskArns: p.items, nextToken: p.nextToken };
		},
		DescribeTasks(body) {
			const cluster = resolveCluster(body);
			const wanted = strList(body, 'tasks');
			if (wanted.length === 0)
				throw new EcsError('InvalidParameterException', 'Tasks cannot be empty.');
			if (wanted.length > 100) {
				throw new EcsError('InvalidParameterException', 'Tasks cannot be more than 100.');
			}
			const all = state.tasks().filter((t) => t.clusterArn === cluster);
			const tasks: Json[] = [];
			const failures: Json[] = [];
			for (const w of wanted) {
				const t = all.find((x) => x.taskArn === w || lastSegment(x.taskArn) === w);
				if (t) tasks.push(awsTask(t));
				else failures.push({ arn: w, reason: 'MISSING' });
			}
			return { tasks, failures };
		},
		StopTask(body) {
			const cluster = resolveCluster(body);
			const task = str(body, 'task');
			if (task === undefined) throw new EcsError('InvalidParameterException', 'task is required');
			const reason = str(body, 'reason');
			const stopped = state.stopTask(
				task,
				reason === undefined ? {} : { reason },
				lastSegment(cluster)
			);
			if (stopped === undefined)
				throw new EcsError('InvalidParameterException', 'The referenced task was not found.');
			return { task: awsTask(stopped) };
		}
	};

	const send = (res: ServerResponse, status: number, body: Json): void => {
		const text = JSON.stringify(body);
		res.writeHead(status, {
			'content-type': 'application/x-amz-json-1.1',
			'content-length': Buffer.byteLength(text),
			'x-amzn-requestid': randomUUID()
		});
		res.end(text);
	};

	return (req: IncomingMessage, res: ServerResponse): void => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		let action: string | undefined;
		const target = req.headers['x-amz-target'];
		if (typeof target === 'string' && target !== '') {
			if (!target.startsWith(ECS_TARGET_PREFIX)) {
				return send(res, 400, {
					__type: 'UnknownOperationException',
					message: `Unknown target: ${target}`
				});
			}
			action = target.slice(ECS_TARGET_PREFIX.length);
		} else if (url.pathname.startsWith('/v1/')) {
			action = url.pathname.slice('/v1/'.length).split('/')[0];
		}
		if (req.method !== 'POST') {
			res.writeHead(405, { allow: 'POST', 'content-type': 'text/plain' });
			return void res.end('Method not allowed');
		}
		if (action === undefined || action === '') {
			return send(res, 400, {
				__type: 'MissingAction',
				message: 'Could not determine action from request'
			});
		}
		const handler = Object.hasOwn(actions, action) ? actions[action] : undefined;
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY) chunks.push(chunk);
		});
		req.on('end', () => {
			if (size > MAX_BODY) {
				return send(res, 413, { __type: 'SerializationException', message: 'Request too large' });
			}
			if (handler === undefined) {
				return send(res, 400, { __type: 'InvalidAction', message: `Unknown action: ${action}` });
			}
			let body: Json;
			try {
				const text = Buffer.concat(chunks).toString('utf8');
				const parsed: unknown = text.trim() === '' ? {} : JSON.parse(text);
				if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
					throw new Error();
				body = parsed as Json;
			} catch {
				return send(res, 400, { __type: 'SerializationException', message: 'Invalid JSON' });
			}
			try {
				send(res, 200, handler(body));
			} catch (error) {
				if (error instanceof EcsError) {
					return send(res, error.status, { __type: error.type, message: error.message });
				}
				send(res, 500, { __type: 'ServerException', message: String(error) });
			}
		});
	};
}
