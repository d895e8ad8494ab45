/**
 * The hub tells a source which log resources clients are subscribed to (`Source.setLogInterest`),
 * so a source that opens a connection per task (KECS) opens only what is watched and closes it
 * when the last watcher leaves.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../../src/lib/protocol/index';
import { startGateway, type Gateway } from '../gateway';
import type { Source, SourceHealth } from '../sources/source';
import { TestClient } from '../testing/ws-client';

class InterestedSource implements Source {
	readonly name = 'interested';
	readonly providesMetrics = false;
	readonly calls: string[][] = [];
	start(): void {}
	stop(): void {}
	tasks(): Task[] {
		return [];
	}
	health(): SourceHealth {
		return { status: 'healthy', since: new Date(0) };
	}
	setLogInterest(ids: ReadonlySet<string>): void {
		this.calls.push([...ids].sort());
	}
	get last(): string[] | undefined {
		return this.calls.at(-1);
	}
}

const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
	for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(): Promise<{
	gateway: Gateway;
	source: InterestedSource;
	connect: () => Promise<TestClient>;
}> {
	const source = new InterestedSource();
	const gateway = await startGateway({ port: 0, host: '127.0.0.1', source, batchIntervalMs: 10 });
	cleanups.push(() => gateway.close());
	return {
		gateway,
		source,
		async connect() {
			const client = await TestClient.connect(gateway.wsUrl);
			cleanups.push(() => client.ws.terminate());
			await client.next('welcome');
			return client;
		}
	};
}

async function until(fn: () => boolean): Promise<void> {
	const deadline = Date.now() + 3000;
	while (!fn()) {
		if (Date.now() > deadline) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 10));
	}
}

describe('hub → source log interest', () => {
	it('reports the union of log subscriptions, only when it changes', async () => {
		const { source, connect } = await setup();
		const a = await connect();
		const b = await connect();
		await a.reply(a.request('subscribe', { stream: 'tasks' }));
		expect(source.calls).toEqual([]);

		await a.reply(a.request('subscribe', { stream: 'logs', resourceId: 'arn:task/1' }));
		expect(source.last).toEqual(['arn:task/1']);
		await b.reply(b.request('subscribe', { stream: 'logs', resourceId: 'service:api' }));
		expect(source.last).toEqual(['arn:task/1', 'service:api']);
		const calls = source.calls.length;
		// The same resource again: nothing changes, nothing is reported.
		await b.reply(b.request('subscribe', { stream: 'logs', resourceId: 'arn:task/1' }));
		await b.reply(b.request('unsubscribe', { stream: 'logs', resourceId: 'arn:task/1' }));
		expect(source.calls.length).toBe(calls);

		await a.reply(a.request('unsubscribe', { stream: 'logs', resourceId: 'arn:task/1' }));
		expect(source.last).toEqual(['service:api']);
	});

	it('forgets a client that disconnects', async () => {
		const { source, connect } = await setup();
		const a = await connect();
		await a.reply(a.request('subscribe', { stream: 'logs' }));
		expect(source.last).toEqual(['*']);
		a.ws.terminate();
		await until(() => source.last?.length === 0);
	});

	it('works on the /ws/logs alias, where subscribe names no stream', async () => {
		const { source, gateway } = await setup();
		const client = await TestClient.connect(gateway.wsUrl.replace(/\/ws$/, '/ws/logs'));
		cleanups.push(() => client.ws.terminate());
		await client.next('welcome');
		await client.reply(client.request('subscribe', { resourceId: 'cluster:production' }));
		expect(source.last).toEqual(['cluster:production']);
	});
});
