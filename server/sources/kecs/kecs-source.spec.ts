/**
 * The KECS source end to end: the fake KECS (real HTTP servers on loopback) read through the
 * real AWS SDK client and real WebSockets, published by the real gateway to a protocol client
 * that validates every frame the way the browser does.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry, Notification, Task, TaskUpdate } from '../../../src/lib/protocol/index';
import { startFakeKecs, type FakeKecs, type FakeKecsOptions } from '../../fake-kecs/index';
import { startGateway, type Gateway } from '../../gateway';
import { TestClient } from '../../testing/ws-client';
import { createKecsSource, type KecsSource, type KecsSourceOptions } from './index';

interface Setup {
	fake: FakeKecs;
	source: KecsSource;
	gateway: Gateway;
	client: TestClient;
	health(): Promise<{ ok: boolean; source: Record<string, unknown> }>;
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(
	fakeOptions: FakeKecsOptions = {},
	sourceOptions: Partial<KecsSourceOptions> = {}
): Promise<Setup> {
	const fake = await startFakeKecs({
		ecsPort: 0,
		adminPort: 0,
		logRate: 0,
		stopStepMs: 60,
		...fakeOptions
	});
	cleanups.push(() => fake.close());
	const source = createKecsSource({
		endpoint: fake.ecsUrl,
		adminEndpoint: fake.adminUrl,
		pollIntervalMs: 100,
		maxBackoffMs: 300,
		logRetryBaseMs: 50,
		logRetryCapMs: 200,
		logDrainMs: 300,
		random: () => 0.5,
		...sourceOptions
	});
	const gateway = await startGateway({
		port: 0,
		host: '127.0.0.1',
		source,
		batchIntervalMs: 10,
		onError: (error, context) => {
			throw new Error(`hub error in ${context}: ${String(error)}`);
		}
	});
	cleanups.push(() => gateway.close());
	const client = await TestClient.connect(gateway.wsUrl);
	cleanups.push(() => client.ws.terminate());
	await client.next('welcome');
	return {
		fake,
		source,
		gateway,
		client,
		async health() {
			const res = await fetch(`${gateway.url}/_health`);
			return (await res.json()) as { ok: boolean; source: Record<string, unknown> };
		}
	};
}

async function until<T>(
	fn: () => T | undefined | false | Promise<T | undefined | false>,
	ms = 5000,
	what = 'condition'
): Promise<T> {
	const deadline = Date.now() + ms;
	for (;;) {
		const v = await fn();
		if (v !== undefined && v !== false) return v;
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await new Promise((r) => setTimeout(r, 20));
	}
}

function updates(client: TestClient): TaskUpdate[] {
	return client.items('tasks') as unknown as TaskUpdate[];
}

function logs(client: TestClient): LogEntry[] {
	return client.items('logs') as unknown as LogEntry[];
}

function notifications(client: TestClient): Notification[] {
	return client.items('notifications') as unknown as Notification[];
}

/** The latest state of every task, as the client was told. */
function latest(client: TestClient): Map<string, Task> {
	const tasks = new Map<string, Task>();
	for (const u of updates(client)) {
		if (u.updateType === 'deleted') tasks.delete(u.taskId);
		else if (u.task) tasks.set(u.taskId, u.task);
	}
	return tasks;
}

/** A running service task and one of its containers. */
function pick(fake: FakeKecs): { task: Task; container: string } {
	const task = fake.runningTasks().find((t) => t.group?.startsWith('service:'));
	const container = task?.containers[0]?.name;
	if (!task || !container) throw new Error('no running service task');
	return { task, container };
}

async function subscribe(client: TestClient, stream: string, resourceId?: string): Promise<void> {
	const reply = await client.reply(
		client.request('subscribe', resourceId === undefined ? { stream } : { stream, resourceId })
	);
	expect(reply.type).toBe('subscribed');
}

function messages(client: TestClient, taskArn: string, pattern: RegExp): string[] {
	return logs(client)
		.filter((l) => l.taskId === taskArn && pattern.test(l.message))
		.map((l) => l.message);
}

describe('KECS source: tasks', () => {
	it('publishes every task KECS lists, with its status, and says it has no metrics', async () => {
		const { fake, client, health } = await setup();
		await subscribe(client, 'tasks');
		await until(
			() => {
				const seen = latest(client);
				const now = fake.tasks();
				return now.length > 0 && now.every((t) => seen.get(t.taskArn)?.lastStatus === t.lastStatus);
			},
			5000,
			'the client to know every task'
		);
		const known = latest(client);
		for (const t of fake.tasks()) {
			expect(known.get(t.taskArn)).toMatchObject({
				clusterArn: t.clusterArn,
				taskDefinitionArn: t.taskDefinitionArn,
				group: t.group,
				desiredStatus: t.desiredStatus,
				containers: t.containers
			});
		}
		expect(updates(client).every((u) => u.updateType === 'created')).toBe(true);
		expect(client.invalid).toEqual([]);
		const h = await health();
		expect(h.source).toMatchObject({ name: 'kecs', providesMetrics: false, status: 'healthy' });
	});

	it('a task that stops produces status changes down to STOPPED and a notification', async () => {
		const { fake, client } = await setup();
		await subscribe(client, 'tasks');
		await subscribe(client, 'notifications');
		const { task } = pick(fake);
		await until(() => latest(client).get(task.taskArn)?.lastStatus === 'RUNNING');
		fake.crashTask(task.taskArn, { exitCode: 3 });
		const stopped = await until(
			() =>
				updates(client).find(
					(u) =>
						u.taskId === task.taskArn &&
						u.updateType === 'status_changed' &&
						u.task?.lastStatus === 'STOPPED'
				),
			5000,
			'STOPPED'
		);
		expect(stopped.previousStatus).not.toBe('STOPPED');
		expect(stopped.changes?.lastStatus).toBe('STOPPED');
		expect(stopped.task?.stopCode).toBe('EssentialContainerExited');
		expect(stopped.task?.containers[0]?.exitCode).toBe(3);
		const service = task.group?.slice('service:'.length);
		const n = await until(
			() => notifications(client).find((x) => x.resourceId === task.taskArn),
			3000,
			'notification'
		);
		expect(n).toMatchObject({
			type: 'error',
			title: `Task stopped unexpectedly: ${service}`,
			source: 'kecs'
		});
		expect(n.message).toMatch(/exit code 3/);
		// Every step was a status change from the previous status.
		const steps = updates(client).filter(
			(u) => u.taskId === task.taskArn && u.updateType === 'status_changed'
		);
		for (let i = 1; i < steps.length; i++) {
			expect(steps[i]?.previousStatus).toBe(steps[i - 1]?.task?.lastStatus);
		}
		expect(client.invalid).toEqual([]);
	});

	it('reads a KECS that writes RFC 3339 timestamps (Go encoding/json)', async () => {
		const { fake, client } = await setup({ timestamps: 'rfc3339' });
		await subscribe(client, 'tasks');
		await until(() => latest(client).size === fake.tasks().length && latest(client).size > 0);
		const task = [...latest(client).values()][0];
		expect(task?.createdAt).toBeDefined();
		expect(Number.isNaN(new Date(task?.createdAt ?? '').getTime())).toBe(false);
	});
});

describe('KECS source: logs', () => {
	it('streams a running task’s log to its subscriber, and only while subscribed', async () => {
		const { fake, source, client } = await setup();
		const { task, container } = pick(fake);
		await until(() => source.tasks().length > 0);
		expect(fake.logStreamCount()).toBe(0);
		await subscribe(client, 'logs', task.taskArn);
		await until(() => fake.logStreamCount() === task.containers.length, 3000, 'streams to open');
		fake.emitLog(task.taskArn, container, 'hello from KECS', 'WARN');
		fake.emitLog(task.taskArn, container, 'second line');
		await until(
			() => messages(client, task.taskArn, /hello|second/).length === 2,
			3000,
			'two lines'
		);
		const entry = logs(client).find((l) => l.message === 'hello from KECS');
		expect(entry).toMatchObject({
			level: 'warn',
			taskId: task.taskArn,
			clusterArn: task.clusterArn,
			serviceName: task.group?.slice('service:'.length),
			source: { type: 'container', name: container }
		});
		const requested = fake
			.logRequests()
			.find((r) => r.includes(`/containers/${container}/logs/ws`));
		expect(requested).toMatch(/cluster=production&region=us-east-1&tail=100$/);

		await client.reply(client.request('unsubscribe', { stream: 'logs', resourceId: task.taskArn }));
		await until(() => fake.logStreamCount() === 0, 3000, 'streams to close');
		expect(source.stats().streamKeys).toEqual([]);
		expect(client.invalid).toEqual([]);
	});

	it('follows a service subscription to every running container of it', async () => {
		const { fake, client } = await setup();
		const { task } = pick(fake);
		const service = task.group ?? '';
		const containers = fake
			.runningTasks()
			.filter((t) => t.group === service)
			.reduce((n, t) => n + t.containers.length, 0);
		await subscribe(client, 'logs', service);
		await until(() => fake.logStreamCount() === containers, 3000, `${containers} streams`);
	});

	it.each([
		['with ids', true],
		['without ids on streamed lines (as KECS streams them)', false]
	])(
		'a log WebSocket broken mid-stream reconnects with no lost and no duplicated line (%s)',
		async (_, streamIds) => {
			const { fake, source, client } = await setup({ streamIds });
			const { task, container } = pick(fake);
			await until(() => source.tasks().length > 0);
			await subscribe(client, 'logs', task.taskArn);
			await until(() => fake.logStreamCount() === task.containers.length);
			const total = 150;
			let written = 0;
			const writer = setInterval(() => {
				for (let k = 0; k < 2 && written < total; k++)
					fake.emitLog(task.taskArn, container, `line ${++written}`);
			}, 4);
			cleanups.push(() => clearInterval(writer));
			await until(() => written >= 40);
			expect(fake.breakLogStreams()).toBeGreaterThan(0);
			await until(() => written >= 90);
			fake.breakLogStreams();
			await until(() => written >= total);
			clearInterval(writer);
			const got = await until(
				() => {
					const m = messages(client, task.taskArn, /^line \d+$/);
					return m.length >= total ? m : undefined;
				},
				8000,
				`${total} lines`
			);
			await new Promise((r) => setTimeout(r, 200));
			expect(messages(client, task.taskArn, /^line \d+$/)).toEqual(
				Array.from({ length: total }, (_, i) => `line ${i + 1}`)
			);
			expect(got).toHaveLength(total);
			const stats = source.stats().logs;
			expect(stats.reconnects).toBeGreaterThanOrEqual(2);
			// KECS replays the log on reopen (it ignores `from`): the repeats were dropped.
			expect(stats.duplicatesDropped).toBeGreaterThan(0);
			const reopened = fake
				.logRequests()
				.filter((r) => r.includes(`/containers/${container}/logs/ws`));
			expect(reopened.length).toBeGreaterThanOrEqual(3);
			expect(reopened.at(-1)).toMatch(/&from=[^&]+$/);
			expect(client.invalid).toEqual([]);
		}
	);

	it('an error event from KECS reopens the stream', async () => {
		const { fake, source, client } = await setup();
		const { task, container } = pick(fake);
		await until(() => source.tasks().length > 0);
		await subscribe(client, 'logs', task.taskArn);
		await until(() => fake.logStreamCount() === task.containers.length);
		expect(fake.sendLogError('kubelet went away')).toBeGreaterThan(0);
		await until(
			() => fake.logStreamCount() === task.containers.length && source.stats().logs.errorEvents > 0
		);
		fake.emitLog(task.taskArn, container, 'after the error');
		await until(() => messages(client, task.taskArn, /after the error/).length === 1);
	});

	it('malformed frames from KECS are counted, not fatal', async () => {
		const { fake, source, client, health } = await setup();
		const { task, container } = pick(fake);
		await until(() => source.tasks().length > 0);
		await subscribe(client, 'logs', task.taskArn);
		await until(() => fake.logStreamCount() === task.containers.length);
		const sent = fake.sendMalformed();
		expect(sent).toBe(4 * task.containers.length);
		fake.emitLog(task.taskArn, container, 'still alive');
		await until(() => messages(client, task.taskArn, /still alive/).length === 1);
		await until(() => source.stats().logs.malformedFrames === sent);
		expect(source.stats().logs.reconnects).toBe(0);
		const h = await health();
		expect(h.source.status).toBe('healthy');
		expect(h.source.detail).toMatch(new RegExp(`${sent} malformed frames from KECS ignored`));
		expect(client.invalid).toEqual([]);
	});

	it('the stream of a container that stops ends with it', async () => {
		const { fake, source, client } = await setup();
		const { task } = pick(fake);
		await until(() => source.tasks().length > 0);
		await subscribe(client, 'logs', task.taskArn);
		await until(() => source.stats().streamKeys.length === task.containers.length);
		fake.crashTask(task.taskArn);
		await until(() => source.stats().streamKeys.length === 0, 3000, 'streams to end');
		await until(() => fake.logStreamCount() === 0, 3000, 'KECS to see them closed');
		// Ended by KECS's close event, not broken: nothing to reconnect.
		expect(source.stats().logs.reconnects).toBe(0);
	});

	it.each([
		['SSE when KECS serves no log WebSocket', { ws: false }, 'sse'],
		['REST polling when it serves neither', { ws: false, sse: false }, 'rest']
	] as const)('falls back to %s', async (_, transports, used) => {
		const { fake, source, client } = await setup({ transports }, { logPollIntervalMs: 50 });
		const { task, container } = pick(fake);
		fake.emitLog(task.taskArn, container, 'before subscribing');
		await until(() => source.tasks().length > 0);
		await subscribe(client, 'logs', task.taskArn);
		await until(
			() => messages(client, task.taskArn, /before subscribing/).length === 1,
			3000,
			'the tail'
		);
		fake.emitLog(task.taskArn, container, 'one');
		fake.emitLog(task.taskArn, container, 'two');
		await until(
			() => messages(client, task.taskArn, /^(one|two)$/).length === 2,
			3000,
			'live lines'
		);
		fake.breakLogStreams();
		fake.emitLog(task.taskArn, container, 'three');
		await until(
			() => messages(client, task.taskArn, /^(one|two|three)$/).length === 3,
			3000,
			'after a break'
		);
		await new Promise((r) => setTimeout(r, 150));
		expect(messages(client, task.taskArn, /^(before subscribing|one|two|three)$/)).toEqual([
			'before subscribing',
			'one',
			'two',
			'three'
		]);
		const stats = source.stats();
		expect(stats.transports.ws).toBe(false);
		expect(stats.logs.opened[used]).toBeGreaterThan(0);
	});
});

describe('KECS source: KECS down', () => {
	it('keeps the gateway up, reports the source down with a notification, and recovers', async () => {
		const { fake, source, client, health } = await setup();
		await subscribe(client, 'notifications');
		await subscribe(client, 'tasks');
		const { task, container } = pick(fake);
		await subscribe(client, 'logs', task.taskArn);
		await until(
			async () => (await health()).source.status === 'healthy' && fake.logStreamCount() > 0
		);
		const before = source.tasks().length;

		await fake.down();
		const down = await until(async () => {
			const h = await health();
			return h.source.status === 'down' ? h : undefined;
		});
		expect(down.ok).toBe(true);
		expect(down.source.detail).toMatch(
			/ECS API at http:\/\/127\.0\.0\.1:\d+ unreachable: .*retrying in/
		);
		const n = await until(() => notifications(client).find((x) => x.title === 'KECS unreachable'));
		expect(n).toMatchObject({ type: 'error', source: 'kecs' });
		// The last view stays: no task was "deleted" because KECS did not answer.
		expect(source.tasks().length).toBe(before);
		expect(updates(client).some((u) => u.updateType === 'deleted')).toBe(false);
		// The gateway still answers its clients.
		const id = client.request('ping');
		expect((await client.reply(id)).type).toBe('pong');
		await new Promise((r) => setTimeout(r, 400));
		expect(notifications(client).filter((x) => x.title === 'KECS unreachable')).toHaveLength(1);

		await fake.up();
		await until(async () => (await health()).source.status === 'healthy', 5000, 'healthy again');
		await until(() => notifications(client).find((x) => x.title === 'KECS reachable again'));
		await until(() => fake.logStreamCount() === task.containers.length, 5000, 'log streams back');
		fake.emitLog(task.taskArn, container, 'back online');
		await until(() => messages(client, task.taskArn, /back online/).length === 1);
		expect(client.invalid).toEqual([]);
	});

	it('starts with KECS unreachable and says so', async () => {
		const { fake, health } = await setup({}, { pollIntervalMs: 100 });
		await fake.down();
		await until(async () => (await health()).source.status === 'down');
	});
});
