import { DescribeTasksCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeKecs } from '../../fake-kecs/index';
import { createEcsClient, epochTimestamps, fetchSnapshot } from './ecs-api';

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

describe('epochTimestamps', () => {
	it('turns RFC 3339 strings under …At keys into epoch seconds, and nothing else', () => {
		const body = {
			tasks: [
				{
					createdAt: '2026-11-26T09:00:00.5Z',
					startedAt: 1764147600,
					stoppedReason: '2026-11-26T09:00:00Z',
					containers: [{ name: 'x', lastStatusAt: '2026-11-26T09:00:01+00:00' }]
				}
			]
		};
		expect(epochTimestamps(body)).toBe(true);
		expect(body.tasks[0]).toEqual({
			createdAt: Date.parse('2026-11-26T09:00:00.5Z') / 1000,
			startedAt: 1764147600,
			stoppedReason: '2026-11-26T09:00:00Z',
			containers: [{ name: 'x', lastStatusAt: Date.parse('2026-11-26T09:00:01Z') / 1000 }]
		});
		expect(epochTimestamps({ a: 1 })).toBe(false);
	});
});

describe('createEcsClient', () => {
	it('reads a KECS that sends RFC 3339 timestamps, which the bare SDK refuses', async () => {
		const fake = await startFakeKecs({
			ecsPort: 0,
			adminPort: 0,
			logRate: 0,
			timestamps: 'rfc3339'
		});
		cleanups.push(() => fake.close());
		const task = fake.runningTasks()[0];
		const input = { cluster: 'production', tasks: [task?.taskArn ?? ''] };
		const bare = new ECSClient({
			endpoint: fake.ecsUrl,
			region: 'us-east-1',
			credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
			maxAttempts: 1
		});
		cleanups.push(() => bare.destroy());
		await expect(bare.send(new DescribeTasksCommand(input))).rejects.toThrow();

		const client = createEcsClient({
			endpoint: fake.ecsUrl,
			region: 'us-east-1',
			requestTimeoutMs: 2000
		});
		cleanups.push(() => client.destroy());
		const out = await client.send(new DescribeTasksCommand(input));
		expect(out.tasks?.[0]?.createdAt).toEqual(task?.createdAt);
	});

	it('takes a whole snapshot: every cluster, service and task, paging and batching', async () => {
		const fake = await startFakeKecs({ ecsPort: 0, adminPort: 0, logRate: 0 });
		cleanups.push(() => fake.close());
		const client = createEcsClient({
			endpoint: fake.ecsUrl,
			region: 'us-east-1',
			requestTimeoutMs: 2000
		});
		cleanups.push(() => client.destroy());
		const snapshot = await fetchSnapshot(client, new AbortController().signal);
		expect(snapshot.clusterArns).toHaveLength(2);
		expect(snapshot.services.map((s) => s.name).sort()).toEqual(
			[...fake.state.services.keys()].sort()
		);
		expect(snapshot.tasks.map((t) => t.task.taskArn).sort()).toEqual(
			fake
				.tasks()
				.map((t) => t.taskArn)
				.sort()
		);
	});

	it('rejects when KECS is not there', async () => {
		const client = createEcsClient({
			endpoint: 'http://127.0.0.1:9',
			region: 'us-east-1',
			requestTimeoutMs: 1000
		});
		cleanups.push(() => client.destroy());
		await expect(fetchSnapshot(client, new AbortController().signal)).rejects.toThrow();
	});
});
