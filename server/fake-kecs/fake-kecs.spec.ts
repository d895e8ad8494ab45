/**
 * The fake KECS against the real AWS SDK and a real WebSocket: it must be a faithful stand-in
 * (paths, headers, field names, page sizes, bare log frames, close and error events), or the
 * kecs source's tests prove nothing.
 */
import {
	DescribeServicesCommand,
	DescribeTasksCommand,
	ECSClient,
	ListClustersCommand,
	ListServicesCommand,
	ListTasksCommand,
	StopTaskCommand
} from '@aws-sdk/client-ecs';
import { once } from 'node:events';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKecs, type FakeKecs, type FakeKecsOptions } from './index';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function fake(options: FakeKecsOptions = {}): Promise<FakeKecs> {
	const f = await startFakeKecs({ ecsPort: 0, adminPort: 0, logRate: 0, ...options });
	cleanups.push(() => f.close());
	return f;
}

function sdk(f: FakeKecs): ECSClient {
	const client = new ECSClient({
		endpoint: f.ecsUrl,
		region: f.region,
		credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
		maxAttempts: 1
	});
	cleanups.push(() => client.destroy());
	return client;
}

/** Collect a WebSocket's frames until it closes. */
function frames(ws: WebSocket): { texts: string[]; closed: Promise<number> } {
	const texts: string[] = [];
	ws.on('message', (d: Buffer) => texts.push(d.toString('utf8')));
	const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
	ws.on('error', () => {});
	return { texts, closed };
}

async function until<T>(fn: () => T | undefined | false, ms = 3000): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = fn();
		if (v !== undefined && v !== false) return v;
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 20));
	}
}

function running(f: FakeKecs) {
	const task = f.runningTasks()[0];
	if (!task) throw new Error('no running task');
	const container = task.containers[0];
	if (!container) throw new Error('no container');
	return {
		task,
		container,
		id: task.taskArn.split('/').at(-1) ?? '',
		cluster: task.clusterArn.split('/').at(-1) ?? ''
	};
}

describe('fake KECS: ECS API', () => {
	it('answers the SDK: clusters, paged services, deployments, tasks with dates', async () => {
		const f = await fake();
		const ecs = sdk(f);
		const clusters = await ecs.send(new ListClustersCommand({}));
		expect(clusters.clusterArns).toEqual([
			'arn:aws:ecs:us-east-1:000000000000:cluster/production',
			'arn:aws:ecs:us-east-1:000000000000:cluster/staging'
		]);
		const first = await ecs.send(new ListServicesCommand({ cluster: 'production', maxResults: 2 }));
		expect(first.serviceArns).toHaveLength(2);
		expect(first.nextToken).toBeDefined();
		const rest = await ecs.send(
			new ListServicesCommand({
				cluster: 'production',
				maxResults: 100,
				nextToken: first.nextToken
			})
		);
		const arns = [...(first.serviceArns ?? []), ...(rest.serviceArns ?? [])];
		expect(new Set(arns).size).toBe(arns.length);
		const described = await ecs.send(
			new DescribeServicesCommand({ cluster: 'production', services: arns.slice(0, 10) })
		);
		const web = described.services?.find((s) => s.serviceName === 'web-frontend');
		expect(web?.deployments?.[0]).toMatchObject({ status: 'PRIMARY', rolloutState: 'COMPLETED' });
		expect(web?.deployments?.[0]?.createdAt).toBeInstanceOf(Date);

		const listed = await ecs.send(
			new ListTasksCommand({ cluster: 'production', desiredStatus: 'RUNNING' })
		);
		expect(listed.taskArns?.length).toBeGreaterThan(0);
		const tasks = await ecs.send(
			new DescribeTasksCommand({ cluster: 'production', tasks: listed.taskArns })
		);
		const t = tasks.tasks?.[0];
		expect(t?.lastStatus).toBe('RUNNING');
		expect(t?.createdAt).toBeInstanceOf(Date);
		expect(t?.containers?.[0]?.name).toBeTruthy();
		expect(tasks.failures).toEqual([]);
	});

	it('enforces ECS limits and errors the SDK understands', async () => {
		const f = await fake();
		const ecs = sdk(f);
		await expect(ecs.send(new ListTasksCommand({ cluster: 'nope' }))).rejects.toMatchObject({
			name: 'ClusterNotFoundException'
		});
		const tooMany = Array.from({ length: 101 }, (_, i) => `t${i}`);
		await expect(
			ecs.send(new DescribeTasksCommand({ cluster: 'production', tasks: tooMany }))
		).rejects.toMatchObject({ name: 'InvalidParameterException' });
	});

	it('routes POST /v1/<Action> and answers application/x-amz-json-1.1', async () => {
		const f = await fake();
		const res = await fetch(`${f.ecsUrl}/v1/ListClusters`, { method: 'POST', body: '{}' });
		expect(res.status).toBe(200);
		expect(res.headers.get('content-type')).toBe('application/x-amz-json-1.1');
		expect(((await res.json()) as { clusterArns: string[] }).clusterArns).toHaveLength(2);
		const bad = await fetch(f.ecsUrl, {
			method: 'POST',
			headers: { 'x-amz-target': 'AmazonEC2ContainerServiceV20141113.Nope' },
			body: '{}'
		});
		expect(bad.status).toBe(400);
		expect(((await bad.json()) as { __type: string }).__type).toBe('InvalidAction');
	});

	it('StopTask walks the task down to STOPPED', async () => {
		const f = await fake({ stopStepMs: 20 });
		const { task } = running(f);
		const out = await sdk(f).send(
			new StopTaskCommand({ cluster: task.clusterArn, task: task.taskArn, reason: 'bye' })
		);
		expect(out.task?.desiredStatus).toBe('STOPPED');
		await until(() => f.tasks().find((t) => t.taskArn === task.taskArn)?.lastStatus === 'STOPPED');
		const stopped = f.tasks().find((t) => t.taskArn === task.taskArn);
		expect(stopped).toMatchObject({ stoppedReason: 'bye', stopCode: 'UserInitiated' });
	});

	it('can write timestamps as RFC 3339 strings, as Go encoding/json does', async () => {
		const f = await fake({ timestamps: 'rfc3339' });
		const res = await fetch(f.ecsUrl, {
			method: 'POST',
			headers: {
				'x-amz-target': 'AmazonEC2ContainerServiceV20141113.DescribeTasks',
				'content-type': 'application/x-amz-json-1.1'
			},
			body: JSON.stringify({ cluster: 'production', tasks: [running(f).task.taskArn] })
		});
		const body = (await res.json()) as { tasks: { createdAt: unknown }[] };
		expect(body.tasks[0]?.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
	});
});

describe('fake KECS: admin server', () => {
	it('serves /health, /live and /ready', async () => {
		const f = await fake();
		for (const [path, status] of [
			['/health', 'ok'],
			['/live', 'alive'],
			['/ready', 'ready']
		]) {
			const res = await fetch(`${f.adminUrl}${path}`);
			expect(res.status).toBe(200);
			expect(await res.json()).toEqual({ status });
		}
	});

	it('REST logs: {logs, totalCount, limit, offset} with from, level and search; cluster and region required', async () => {
		const f = await fake();
		const { task, container, id, cluster } = running(f);
		f.emitLog(task.taskArn, container.name, 'alpha');
		const [marker] = f.emitLog(task.taskArn, container.name, 'bravo WARN', 'WARN');
		f.emitLog(task.taskArn, container.name, 'charlie');
		const base = `${f.adminUrl}/api/tasks/${id}/containers/${container.name}/logs`;
		expect((await fetch(base)).status).toBe(400);
		expect((await fetch(`${base}?cluster=${cluster}`)).status).toBe(400);
		const all = (await (await fetch(`${base}?cluster=${cluster}&region=us-east-1`)).json()) as {
			logs: { log_line: string; id: string; task_arn: string; log_level: string }[];
			totalCount: number;
			limit: number;
			offset: number;
		};
		expect(all.limit).toBe(100);
		expect(all.offset).toBe(0);
		expect(all.logs.map((l) => l.log_line)).toEqual(['alpha', 'bravo WARN', 'charlie']);
		expect(all.totalCount).toBe(3);
		expect(Object.keys(all.logs[0] ?? {})).toEqual([
			'id',
			'task_arn',
			'container_name',
			'timestamp',
			'log_line',
			'log_level',
			'created_at'
		]);
		const from = (await (
			await fetch(`${base}?cluster=${cluster}&region=us-east-1&from=${marker?.row.timestamp}`)
		).json()) as { logs: { log_line: string }[] };
		expect(from.logs.map((l) => l.log_line)).toEqual(['bravo WARN', 'charlie']);
		const warn = (await (
			await fetch(`${base}?cluster=${cluster}&region=us-east-1&level=warn&search=bravo`)
		).json()) as { logs: { log_line: string }[] };
		expect(warn.logs.map((l) => l.log_line)).toEqual(['bravo WARN']);
	});

	it('WebSocket: bare frames, tail, then live lines; {"event":"close"} when the container stops', async () => {
		const f = await fake({ stopStepMs: 20 });
		const { task, container, id, cluster } = running(f);
		for (let i = 1; i <= 5; i++) f.emitLog(task.taskArn, container.name, `old ${i}`);
		const ws = new WebSocket(
			`${f.adminUrl.replace('http', 'ws')}/api/tasks/${id}/containers/${container.name}/logs/ws?cluster=${cluster}&region=us-east-1&tail=2`
		);
		const got = frames(ws);
		await once(ws, 'open');
		await until(() => got.texts.length >= 2);
		f.emitLog(task.taskArn, container.name, 'new');
		await until(() => got.texts.length >= 3);
		const lines = got.texts.map((t) => JSON.parse(t) as Record<string, unknown>);
		expect(lines.map((l) => l.log_line)).toEqual(['old 4', 'old 5', 'new']);
		expect(lines[2]).toMatchObject({ container_name: container.name, log_level: 'INFO' });
		expect(lines[2]?.type).toBeUndefined();
		f.crashTask(task.taskArn);
		expect(await got.closed).toBe(1000);
		expect(JSON.parse(got.texts.at(-1) ?? '')).toEqual({ event: 'close' });
	});

	it('WebSocket: an error event for a task it does not know; 404 where WebSocket is not served', async () => {
		const f = await fake();
		const ws = new WebSocket(
			`${f.adminUrl.replace('http', 'ws')}/api/tasks/nope/containers/app/logs/ws?cluster=production&region=us-east-1`
		);
		const got = frames(ws);
		await got.closed;
		expect(JSON.parse(got.texts[0] ?? '')).toMatchObject({ event: 'error' });

		const g = await fake({ transports: { ws: false } });
		const { container, id, cluster } = running(g);
		const refused = new WebSocket(
			`${g.adminUrl.replace('http', 'ws')}/api/tasks/${id}/containers/${container.name}/logs/ws?cluster=${cluster}&region=us-east-1`
		);
		refused.on('error', () => {});
		const [, res] = (await once(refused, 'unexpected-response')) as [
			unknown,
			{ statusCode: number }
		];
		expect(res.statusCode).toBe(404);
	});

	it('SSE: log events, then close when not following', async () => {
		const f = await fake();
		const { task, container, id, cluster } = running(f);
		f.emitLog(task.taskArn, container.name, 'one');
		const res = await fetch(
			`${f.adminUrl}/api/tasks/${id}/containers/${container.name}/logs/stream?cluster=${cluster}&region=us-east-1`
		);
		expect(res.headers.get('content-type')).toBe('text/event-stream');
		const text = await res.text();
		expect(text).toMatch(/^event: log\ndata: \{.*"log_line":"one".*\}\n\n/);
		expect(text.endsWith('event: close\ndata: stream ended\n\n')).toBe(true);
	});

	it('controls: break streams, malformed frames, down and up', async () => {
		const f = await fake();
		const { container, id, cluster } = running(f);
		const url = `${f.adminUrl.replace('http', 'ws')}/api/tasks/${id}/containers/${container.name}/logs/ws?cluster=${cluster}&region=us-east-1`;
		const ws = new WebSocket(url);
		const got = frames(ws);
		await once(ws, 'open');
		expect(f.sendMalformed()).toBe(4);
		await until(() => got.texts.length >= 4);
		expect(got.texts[0]).toBe('this is not JSON {');
		expect(f.breakLogStreams()).toBe(1);
		expect(await got.closed).toBe(1006);

		await f.down();
		await expect(fetch(`${f.adminUrl}/health`)).rejects.toThrow();
		await expect(fetch(`${f.ecsUrl}/v1/ListClusters`, { method: 'POST' })).rejects.toThrow();
		await f.up();
		expect((await fetch(`${f.adminUrl}/health`)).status).toBe(200);
	});
});
