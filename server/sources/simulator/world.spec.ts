import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../src/lib/protocol/types';
import * as schemas from '../../../src/lib/protocol/schemas';
import type { SourceTaskUpdate } from '../source';
import { isLegalTransition, lifecycleIndex, TASK_LIFECYCLE } from './lifecycle';
import { createCountingSink, createRecordingSink, type RecordingSink } from './recording-sink';
import { createWorld, DEFAULT_START_TIME, QUANTUM_MS, type WorldOptions } from './world';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

function run(options: WorldOptions, ms: number, step = ms): RecordingSink {
	const world = createWorld(options);
	const sink = createRecordingSink();
	for (let done = 0; done < ms; done += step) world.advance(Math.min(step, ms - done), sink);
	return sink;
}

/** Follow every task through its updates and report what a client would have seen. */
function followTasks(updates: readonly SourceTaskUpdate[]) {
	const status = new Map<string, TaskStatus>();
	const deleted = new Set<string>();
	const transitions: string[] = [];
	const seen = new Set<TaskStatus>();
	for (const u of updates) {
		expect(deleted.has(u.taskId), `update after delete for ${u.taskId}`).toBe(false);
		expect(u.task?.taskArn).toBe(u.taskId);
		if (u.updateType === 'created') {
			expect(status.has(u.taskId)).toBe(false);
			status.set(u.taskId, u.task?.lastStatus as TaskStatus);
		} else if (u.updateType === 'status_changed') {
			const from = status.get(u.taskId);
			const to = u.changes?.lastStatus;
			expect(from, 'status change for an unknown task').toBeDefined();
			expect(u.previousStatus).toBe(from);
			expect(to).toBe(u.task?.lastStatus);
			transitions.push(`${from}->${to}`);
			status.set(u.taskId, to as TaskStatus);
		} else if (u.updateType === 'deleted') {
			expect(status.get(u.taskId)).toBe('STOPPED');
			deleted.add(u.taskId);
		} else {
			// `updated` never changes lastStatus behind the client's back.
			expect(u.task?.lastStatus).toBe(status.get(u.taskId));
		}
		seen.add(status.get(u.taskId) as TaskStatus);
	}
	return { status, transitions, seen, deleted };
}

describe('determinism', () => {
	const options = { seed: 42, startTime: DEFAULT_START_TIME };

	it('gives the same first events for the same seed, of every kind', () => {
		const a = run(options, 10 * MINUTE);
		const b = run(options, 10 * MINUTE);
		expect(a.events.length).toBeGreaterThan(2_000);
		expect(b.events.slice(0, 2_000)).toEqual(a.events.slice(0, 2_000));
		// And the whole run, kind by kind (notifications come rarely, so look at all of them).
		expect(b.logs).toEqual(a.logs);
		expect(b.metricUpdates).toEqual(a.metricUpdates);
		expect(b.taskUpdates).toEqual(a.taskUpdates);
		expect(b.notifications).toEqual(a.notifications);
		for (const kind of ['log', 'metrics', 'task', 'notification'] as const) {
			expect(
				a.events.some((e) => e.kind === kind),
				kind
			).toBe(true);
		}
	});

	it('does not depend on how the caller slices time', () => {
		const whole = run(options, 5 * MINUTE);
		const ticks = run(options, 5 * MINUTE, 50);
		const ragged = run(options, 5 * MINUTE, 37.3);
		expect(JSON.stringify(ticks.events)).toBe(JSON.stringify(whole.events));
		expect(JSON.stringify(ragged.events)).toBe(JSON.stringify(whole.events));
	});

	it('gives a different world for a different seed', () => {
		const a = run({ seed: 1 }, MINUTE);
		const b = run({ seed: 2 }, MINUTE);
		expect(b.taskUpdates[0]?.taskId).not.toBe(a.taskUpdates[0]?.taskId);
		expect(b.logs.slice(0, 50).map((l) => l.message)).not.toEqual(
			a.logs.slice(0, 50).map((l) => l.message)
		);
	});

	it('keeps the lifecycle independent of the log rate', () => {
		const quiet = run({ seed: 5, logRate: 1 }, 15 * MINUTE);
		const loud = run({ seed: 5, logRate: 150 }, 15 * MINUTE);
		expect(loud.taskUpdates).toEqual(quiet.taskUpdates);
		expect(loud.notifications).toEqual(quiet.notifications);
	});
});

describe('the ECS world', () => {
	it('starts with two clusters and about a dozen running tasks of realistic shape', () => {
		const world = createWorld({ seed: 1 });
		const tasks = world.tasks();
		expect(tasks.length).toBeGreaterThanOrEqual(10);
		expect(tasks.length).toBeLessThanOrEqual(14);
		const clusters = new Set(tasks.map((t) => t.clusterArn));
		expect([...clusters].sort()).toEqual([
			'arn:aws:ecs:us-east-1:000000000000:cluster/production',
			'arn:aws:ecs:us-east-1:000000000000:cluster/staging'
		]);
		const services = new Set(tasks.map((t) => t.group));
		expect(services.size).toBeGreaterThanOrEqual(6);
		for (const t of tasks) {
			expect(t.taskArn).toMatch(
				/^arn:aws:ecs:us-east-1:000000000000:task\/(production|staging)\/[0-9a-f]{32}$/
			);
			expect(t.taskArn.split('/')[1]).toBe(t.clusterArn.split('/')[1]);
			expect(t.taskDefinitionArn).toMatch(
				/^arn:aws:ecs:us-east-1:000000000000:task-definition\/[a-z-]+:\d+$/
			);
			expect(t.group).toMatch(/^service:[a-z-]+$/);
			expect(['FARGATE', 'EC2']).toContain(t.launchType);
			expect(['256', '512', '1024', '2048', '4096']).toContain(t.cpu);
			expect(t.lastStatus).toBe('RUNNING');
			expect(t.containers.length).toBeGreaterThan(0);
			expect(t.startedAt?.getTime()).toBeLessThanOrEqual(DEFAULT_START_TIME);
			v.parse(schemas.task, t);
		}
	});

	it('announces the initial tasks as created on the first advance, even of 0 ms', () => {
		const world = createWorld({ seed: 1 });
		const sink = createRecordingSink();
		world.advance(0, sink);
		expect(sink.taskUpdates.map((u) => u.updateType)).toEqual(world.tasks().map(() => 'created'));
		expect(world.now).toBe(DEFAULT_START_TIME);
	});

	it('only ever moves tasks forward through legal ECS transitions (2 virtual hours, 3 seeds)', () => {
		for (const seed of [1, 2, 3]) {
			const sink = run({ seed, logRate: 1 }, 2 * HOUR);
			const { transitions, seen, deleted } = followTasks(sink.taskUpdates);
			for (const t of transitions) {
				const [from, to] = t.split('->') as [TaskStatus, TaskStatus];
				expect(isLegalTransition(from, to), t).toBe(true);
				expect(lifecycleIndex(to)).toBeGreaterThan(lifecycleIndex(from));
			}
			// The run really exercised the lifecycle: every status, and tasks forgotten after stopping.
			for (const status of TASK_LIFECYCLE.filter((s) => s !== 'DELETED')) {
				expect(seen.has(status), `seed ${seed} never showed ${status}`).toBe(true);
			}
			expect(transitions).toContain('ACTIVATING->RUNNING');
			expect(transitions).toContain('RUNNING->DEACTIVATING');
			expect(transitions).toContain('RUNNING->STOPPING');
			expect(deleted.size).toBeGreaterThan(5);
			// Time never runs backwards on the task stream.
			const times = sink.taskUpdates.map((u) => u.timestamp.getTime());
			expect(times).toEqual([...times].sort((a, b) => a - b));
		}
	});

	it('kills the leaky worker for memory within 15 virtual minutes, with exit code 137', () => {
		for (const seed of [1, 2, 3, 4, 5, 6]) {
			const world = createWorld({ seed, logRate: 1 });
			const sink = createRecordingSink();
			let oom: SourceTaskUpdate | undefined;
			while (oom === undefined && world.now < DEFAULT_START_TIME + 15 * MINUTE) {
				world.advance(1000, sink);
				oom = sink.taskUpdates.find(
					(u) => u.task?.stoppedReason === 'OutOfMemoryError: Container killed due to memory usage'
				);
			}
			expect(oom, `seed ${seed}: no OOM within 15 minutes`).toBeDefined();
			if (oom === undefined) return;
			expect(oom.task?.stopCode).toBe('EssentialContainerExited');
			expect(oom.task?.containers.some((c) => c.exitCode === 137)).toBe(true);
			const critical = sink.notifications.find(
				(n) => n.resourceId === oom.taskId && n.priority === 'critical'
			);
			expect(critical?.type).toBe('error');
			expect(critical?.read).toBe(false);
			// Its memory climbed to the reservation before the kill.
			const memory = sink.metricUpdates
				.filter((m) => m.resourceId === oom.taskId)
				.map((m) => m.metrics.memory.points[0]?.value ?? 0);
			expect(Math.max(...memory)).toBeGreaterThanOrEqual(0.97 * Number(oom.task?.memory));
			expect(memory.at(-1)).toBeGreaterThan(memory[0] ?? Infinity);
			// The task then walks down to STOPPED and the service starts a replacement.
			world.advance(30_000, sink);
			const after = sink.taskUpdates
				.filter((u) => u.taskId === oom.taskId)
				.map((u) => u.task?.lastStatus);
			expect(after).toContain('STOPPED');
			const replacement = sink.taskUpdates.find(
				(u) =>
					u.updateType === 'created' &&
					u.timestamp > oom.timestamp &&
					u.task?.group === 'service:order-worker'
			);
			expect(replacement).toBeDefined();
		}
	});

	it('rolls out deployments: new revision first, then old tasks stop for the deployment', () => {
		const sink = run({ seed: 4, logRate: 1 }, HOUR);
		const started = sink.notifications.filter((n) => n.title.startsWith('Deployment started'));
		const completed = sink.notifications.filter((n) => n.title.startsWith('Deployment completed'));
		expect(started.length).toBeGreaterThanOrEqual(8);
		expect(completed.length).toBeGreaterThanOrEqual(5);
		for (const n of [...started, ...completed]) {
			expect(n.resourceId).toMatch(/^service:[a-z-]+$/);
			expect(n.message).toMatch(/ecs-svc\/\d{19}/);
		}
		expect(started.every((n) => n.type === 'info')).toBe(true);
		expect(completed.every((n) => n.type === 'success')).toBe(true);
		const scaled = sink.taskUpdates.filter((u) =>
			/^Scaling activity initiated by \(deployment ecs-svc\/\d{19}\)$/.test(
				u.changes?.stoppedReason ?? ''
			)
		);
		expect(scaled.length).toBeGreaterThan(5);
		expect(
			scaled.every((u) => u.updateType === 'updated' && u.changes?.desiredStatus === 'STOPPED')
		).toBe(true);
		// Revisions only go up.
		const revisions = new Map<string, number>();
		for (const u of sink.taskUpdates.filter((x) => x.updateType === 'created')) {
			const [family, rev] = (u.task?.taskDefinitionArn.split('/')[1] ?? '').split(':');
			const r = Number(rev);
			expect(r).toBeGreaterThanOrEqual(revisions.get(family ?? '') ?? 0);
			revisions.set(family ?? '', Math.max(r, revisions.get(family ?? '') ?? 0));
		}
	});

	it('has crashes with stack traces, failing health checks and the notifications for them', () => {
		const sink = run({ seed: 2, logRate: 5 }, 2 * HOUR);
		const crashes = sink.logs.filter((l) => l.level === 'fatal');
		expect(crashes.length).toBeGreaterThan(0);
		expect(crashes.every((l) => (l.stackTrace ?? '').split('\n').length > 2)).toBe(true);
		const titles = new Set(sink.notifications.map((n) => n.title.split(':')[0]));
		for (const title of [
			'Task stopped unexpectedly',
			'Out of memory',
			'Deployment started',
			'Deployment completed',
			'Deployment failed',
			'Health check failing'
		]) {
			expect(titles.has(title), title).toBe(true);
		}
		const health = sink.notifications.filter((n) => n.title.startsWith('Health check failing'));
		expect(health.every((n) => n.type === 'warning' && n.resourceId?.includes(':task/'))).toBe(
			true
		);
		const stopped = sink.notifications.filter((n) => n.title.startsWith('Task stopped'));
		expect(stopped.every((n) => n.type === 'error' && n.source === 'ecs')).toBe(true);
		const ids = sink.notifications.map((n) => n.id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('keeps the log rate within 15% of the configured rate over a long window', () => {
		for (const [logRate, ms] of [
			[20, HOUR],
			[2_000, 5 * MINUTE]
		] as const) {
			const world = createWorld({ seed: 9, logRate });
			const sink = createCountingSink();
			world.advance(ms, sink);
			const perSecond = sink.counts.log / (ms / 1000);
			expect(perSecond, `logRate ${logRate}`).toBeGreaterThan(logRate * 0.85);
			expect(perSecond, `logRate ${logRate}`).toBeLessThan(logRate * 1.15);
		}
	});

	it('follows setLogRate from then on', () => {
		const world = createWorld({ seed: 9, logRate: 10 });
		const sink = createCountingSink();
		world.advance(MINUTE, sink);
		const before = sink.counts.log;
		world.setLogRate(1_000);
		world.advance(MINUTE, sink);
		expect((sink.counts.log - before) / 60).toBeGreaterThan(850);
		expect(() => world.setLogRate(-1)).toThrow(RangeError);
	});

	it('reports metrics once per second per running task, and only for running tasks', () => {
		const sink = run({ seed: 6, logRate: 1 }, 20 * MINUTE);
		const end = DEFAULT_START_TIME + 20 * MINUTE;
		const status = new Map<string, TaskStatus>();
		const runningSince = new Map<string, number>();
		const runningFor = new Map<string, number>();
		const samples = new Map<string, number[]>();
		for (const e of sink.events) {
			if (e.kind === 'task') {
				const u = e.item;
				const next = u.task?.lastStatus as TaskStatus;
				if (u.updateType === 'created' || u.updateType === 'status_changed') {
					if (next === 'RUNNING')
						runningSince.set(
							u.taskId,
							u.updateType === 'created' ? DEFAULT_START_TIME : u.timestamp.getTime()
						);
					if (status.get(u.taskId) === 'RUNNING' && next !== 'RUNNING') {
						runningFor.set(u.taskId, u.timestamp.getTime() - (runningSince.get(u.taskId) ?? 0));
					}
					status.set(u.taskId, next);
				}
			} else if (e.kind === 'metrics') {
				const m = e.item;
				expect(status.get(m.resourceId), 'metrics for a task that is not RUNNING').toBe('RUNNING');
				expect(m.metrics.resourceId).toBe(m.resourceId);
				expect(m.metrics.taskId).toBe(m.resourceId);
				expect(m.metrics.cpu).toMatchObject({ name: 'cpu', unit: 'percent' });
				expect(m.metrics.memory).toMatchObject({ name: 'memory', unit: 'MiB' });
				expect(m.metrics.cpu.points).toHaveLength(1);
				expect(m.metrics.memory.points).toHaveLength(1);
				const cpu = m.metrics.cpu.points[0]?.value ?? -1;
				expect(cpu).toBeGreaterThanOrEqual(0);
				expect(cpu).toBeLessThanOrEqual(100);
				const t = m.metrics.cpu.points[0]?.timestamp.getTime() ?? 0;
				expect(t % 1000).toBe(0);
				const list = samples.get(m.resourceId) ?? [];
				list.push(t);
				samples.set(m.resourceId, list);
			}
		}
		for (const [taskId, since] of runningSince) {
			if (!runningFor.has(taskId) && status.get(taskId) === 'RUNNING')
				runningFor.set(taskId, end - since);
		}
		expect(samples.size).toBeGreaterThan(15);
		for (const [taskId, times] of samples) {
			for (let i = 1; i < times.length; i++)
				expect((times[i] ?? 0) - (times[i - 1] ?? 0)).toBe(1000);
			const seconds = (runningFor.get(taskId) ?? 0) / 1000;
			// A container that died stops reporting up to about three seconds before the task leaves RUNNING.
			expect(times.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
			expect(times.length).toBeGreaterThanOrEqual(Math.floor(seconds) - 3);
		}
	});

	it('moves quietly when asked: task changes still come, routine logs and metrics do not', () => {
		const world = createWorld({ seed: 3 });
		const sink = createRecordingSink();
		world.advance(0, sink);
		const before = sink.taskUpdates.length;
		world.advance(10 * MINUTE, sink, { quiet: true });
		expect(sink.metricUpdates).toHaveLength(0);
		expect(sink.taskUpdates.length).toBeGreaterThan(before);
		expect(sink.logs.length).toBeLessThan(200);
		world.advance(10_000, sink);
		expect(sink.metricUpdates.length).toBeGreaterThan(0);
	});

	it('emits items the protocol schemas accept (with the seq the hub adds)', () => {
		const sink = run({ seed: 8 }, 15 * MINUTE);
		for (const item of sink.logs) v.parse(schemas.logEntry, { ...item, seq: 1 });
		for (const item of sink.metricUpdates) v.parse(schemas.metricUpdate, { ...item, seq: 1 });
		for (const item of sink.notifications) v.parse(schemas.notification, { ...item, seq: 1 });
		for (const item of sink.taskUpdates) v.parse(schemas.taskUpdate, { ...item, seq: 1 });
		const ids = sink.logs.map((l) => l.id);
		expect(new Set(ids).size).toBe(ids.length);
	});

	it('hands out snapshots that later changes do not touch', () => {
		const world = createWorld({ seed: 1 });
		const sink = createRecordingSink();
		world.advance(0, sink);
		const first = structuredClone(sink.taskUpdates[0]);
		const listed = structuredClone(world.tasks());
		world.advance(30 * MINUTE, sink);
		expect(sink.taskUpdates[0]).toEqual(first);
		expect(listed).not.toEqual(world.tasks());
	});

	it('rejects nonsense time steps', () => {
		const world = createWorld();
		const sink = createRecordingSink();
		expect(() => world.advance(-1, sink)).toThrow(RangeError);
		expect(() => world.advance(Number.NaN, sink)).toThrow(RangeError);
		world.advance(QUANTUM_MS / 2, sink);
		expect(world.now).toBe(DEFAULT_START_TIME);
		world.advance(QUANTUM_MS / 2, sink);
		expect(world.now).toBe(DEFAULT_START_TIME + QUANTUM_MS);
	});

	it('generates 100,000 log lines at a benchmark rate (throughput sanity, not timed)', () => {
		const world = createWorld({ seed: 1, logRate: 50_000 });
		const sink = createCountingSink();
		const started = performance.now();
		world.advance(2_000, sink);
		const elapsed = performance.now() - started;
		expect(sink.counts.log).toBeGreaterThan(85_000);
		expect(sink.counts.log).toBeLessThan(115_000);
		console.info(
			`simulator: ${sink.counts.log} log lines in ${elapsed.toFixed(0)} ms ` +
				`(${Math.round((sink.counts.log / elapsed) * 1000).toLocaleString('en')} lines/s)`
		);
	});
});
