import { get, type Readable } from 'svelte/store';
import { afterEach, describe, expect, it } from 'vitest';
import type { LogEntry } from '$lib/protocol';
import { isLogGap, type LogGap } from '$lib/render/log-gap';
import { FakeConnection } from '$lib/testing/fake-connection';
import { logBatch, logEntry, TASK_A, TASK_B } from '$lib/testing/fixtures';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import { createLogStream, type LogItem, type LogStream, type LogStreamOptions } from './logs';

let h: StreamHarness;
afterEach(() => h?.dispose());

/** Subscribe to a store, recording every value it publishes. */
function record<T>(store: Readable<T>) {
	const values: T[] = [];
	const off = store.subscribe((v) => values.push(v));
	return { values, off, last: () => values[values.length - 1] as T };
}

const seqsOf = (entries: LogEntry[]) => entries.map((e) => e.seq);

function viewItems(stream: LogStream): LogItem[] {
	const view = get(stream.view);
	return Array.from({ length: view.size }, (_, i) => view.get(i));
}
const describeView = (stream: LogStream) =>
	viewItems(stream).map((i) => (isLogGap(i) ? `gap:${i.missing}` : i.seq));

/** An open connection with a log stream whose subscription is confirmed and history answered. */
function setup(options: LogStreamOptions = {}, historyItems: unknown[] = []) {
	h = streamHarness();
	const stream = createLogStream(h.client, { schedule: h.frames.schedule, ...options });
	const logs = record(stream.logs);
	h.open();
	h.confirm('logs', { resourceId: options.taskId ?? '*' });
	if ((options.history ?? 1) > 0 && options.follow !== false) h.history('logs', historyItems);
	h.flush();
	return { stream, logs };
}

describe('createLogStream over the real client', () => {
	it('subscribes once with history, an explicit filter and the task as resource', () => {
		h = streamHarness();
		const stream = createLogStream(h.client, {
			taskId: TASK_A,
			maxBufferSize: 500,
			schedule: h.frames.schedule
		});
		const off = stream.logs.subscribe(() => {});
		h.open();
		expect(h.sent('subscribe')).toEqual([
			{ type: 'subscribe', payload: { stream: 'logs', resourceId: TASK_A } }
		]);
		expect(h.sent('update_filter')).toEqual([]);
		expect(h.sent('request_history')[0]?.payload).toEqual({
			stream: 'logs',
			resourceId: TASK_A,
			limit: 500
		});
		off();
		expect(h.sent('unsubscribe')).toEqual([
			{ type: 'unsubscribe', payload: { stream: 'logs', resourceId: TASK_A } }
		]);
	});

	it('applies history then live items in seq order, dropping duplicates', () => {
		const { logs } = setup({}, [logEntry(1), logEntry(2), logEntry(3)]);
		expect(seqsOf(logs.last())).toEqual([1, 2, 3]);
		h.ws().message(logBatch([3, 4, 5]));
		h.ws().message(logBatch([2, 5, 6]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([1, 2, 3, 4, 5, 6]);
	});

	it('holds live lines that arrive before history and merges them in order', () => {
		h = streamHarness();
		const stream = createLogStream(h.client, { schedule: h.frames.schedule });
		const logs = record(stream.logs);
		h.open();
		h.confirm('logs');
		h.ws().message(logBatch([11, 12]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([]);
		h.history('logs', [logEntry(9), logEntry(10), logEntry(11)]);
		h.flush();
		expect(seqsOf(logs.last())).toEqual([9, 10, 11, 12]);
	});

	it('publishes once per frame under a burst, however many frames arrived', () => {
		const { stream, logs } = setup();
		const views = record(stream.view);
		const before = [logs.values.length, views.values.length];
		const scheduled = h.frames.scheduled;
		for (let i = 1; i <= 500; i++) h.ws().message(logBatch([2 * i - 1, 2 * i]));
		expect(h.frames.scheduled - scheduled).toBe(1);
		expect([logs.values.length, views.values.length]).toEqual(before);
		h.flush();
		expect(logs.values.length - before[0]!).toBe(1);
		expect(views.values.length - before[1]!).toBe(1);
		expect(logs.last()).toHaveLength(1000);
		expect(views.last().size).toBe(1000);
	});

	it('keeps at most maxBufferSize lines, the newest', () => {
		const { logs, stream } = setup({ maxBufferSize: 5 });
		h.ws().message(logBatch([1, 2, 3, 4, 5, 6, 7]));
		h.ws().message(logBatch([8, 9]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([5, 6, 7, 8, 9]);
		expect(get(stream.dropped)).toBe(0); // evicting shown lines is not losing them
		const view = get(stream.view);
		expect(view.keyOf(view.get(0), 0)).toBe(4);
	});

	it('builds `logs` only while someone subscribes to it', () => {
		h = streamHarness();
		const stream = createLogStream(h.client, { schedule: h.frames.schedule });
		const views = record(stream.view);
		h.open();
		h.confirm('logs');
		h.history('logs', [logEntry(1)]);
		h.ws().message(logBatch([2, 3]));
		h.flush();
		expect(views.last().size).toBe(3);
		// First subscriber gets the current lines at once.
		const logs = record(stream.logs);
		expect(seqsOf(logs.last())).toEqual([1, 2, 3]);
		logs.off();
		views.off();
	});

	it('pause freezes what is shown, counts what arrives, resume shows it', () => {
		const { stream, logs } = setup({}, [logEntry(1), logEntry(2)]);
		const paused = record(stream.isPaused);
		stream.pause();
		expect(paused.last()).toBe(true);
		h.ws().message(logBatch([3, 4, 5]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([1, 2]);
		expect(get(stream.newWhilePaused)).toBe(3);
		expect(get(stream.dropped)).toBe(0);
		stream.resume();
		expect(paused.last()).toBe(false);
		expect(seqsOf(logs.last())).toEqual([1, 2, 3, 4, 5]);
		expect(get(stream.newWhilePaused)).toBe(0);
	});

	it('counts and marks the lines let go when a pause outlasts the buffer', () => {
		const { stream, logs } = setup({ maxBufferSize: 4 }, [logEntry(1), logEntry(2)]);
		stream.pause();
		h.ws().message(logBatch([3, 4, 5, 6, 7, 8, 9]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([1, 2]);
		expect(get(stream.newWhilePaused)).toBe(7);
		expect(get(stream.dropped)).toBe(3); // 3, 4, 5 no longer fit beside 6..9
		stream.resume();
		// The marker takes a slot of the four: line 6 goes too, and is counted.
		expect(describeView(stream)).toEqual(['gap:4', 7, 8, 9]);
		expect(seqsOf(logs.last())).toEqual([7, 8, 9]);
		expect(get(stream.dropped)).toBe(4);
		expect(get(stream.gaps)).toEqual([
			{
				kind: 'gap',
				seq: 3,
				missing: 4,
				reason: 'paused: more lines arrived than the buffer holds'
			}
		]);
	});

	it('holds the server’s drop notices that come while paused in the pause ring', () => {
		const { stream } = setup({ maxBufferSize: 10 }, [logEntry(1)]);
		stream.pause();
		h.ws().message(logBatch([2]));
		h.ws().message({
			type: 'dropped',
			payload: { stream: 'logs', count: 3, reason: 'slow_consumer' }
		});
		h.ws().message(logBatch([6]));
		h.flush();
		expect(describeView(stream)).toEqual([1]);
		expect(get(stream.dropped)).toBe(3);
		stream.resume();
		expect(describeView(stream)).toEqual([1, 2, 'gap:3', 6]);
	});

	it('adds the server’s dropped notices with a marker where the lines are missing', () => {
		const { stream } = setup({}, [logEntry(1), logEntry(2)]);
		h.ws().message({
			type: 'dropped',
			payload: { stream: 'logs', count: 40, reason: 'slow_consumer' }
		});
		h.ws().message(logBatch([43, 44]));
		h.flush();
		expect(get(stream.dropped)).toBe(40);
		expect(describeView(stream)).toEqual([1, 2, 'gap:40', 43, 44]);
		const [gap] = get(stream.gaps);
		expect(gap).toMatchObject({ kind: 'gap', seq: 3, missing: 40 });
		expect(get(stream.logs).map((e) => e.seq)).toEqual([1, 2, 43, 44]);
	});

	it('resumes after a reconnect with exactly the server’s sequence: no gap, no duplicate', () => {
		const { stream, logs } = setup({}, [logEntry(1), logEntry(2)]);
		h.ws().message(logBatch([3, 4]));
		h.ws().drop();
		h.clock.advance(60_000);
		const ws = h.open();
		const resubscribe = h.sent('subscribe')[0];
		expect(resubscribe?.payload).toMatchObject({ since: { epoch: 'e1', seq: 4 } });
		h.confirm('logs', { recovered: true });
		ws.message(logBatch([3, 4, 5, 6])); // replay overlapping what we had
		ws.message(logBatch([7]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([1, 2, 3, 4, 5, 6, 7]);
		expect(get(stream.dropped)).toBe(0);
		expect(get(stream.recovery)).toMatchObject({ recovery: 'recovered', gap: 0 });
		expect(get(stream.gaps)).toEqual([]);
	});

	it('marks and counts an unrecoverable reconnect gap exactly on an unfiltered stream', () => {
		const { stream } = setup({}, [logEntry(1), logEntry(2)]);
		h.ws().drop();
		h.clock.advance(60_000);
		h.open();
		// The server kept 50.. only; history reaches back to 90 (the page it sends).
		h.confirm('logs', { recovered: false, oldestSeq: 50, lastSeq: 100 });
		expect(get(stream.dropped)).toBe(0); // not published yet
		h.flush();
		expect(get(stream.dropped)).toBe(47);
		expect(get(stream.recovery)).toMatchObject({ recovery: 'resynced', gap: 47 });
		h.history('logs', [logEntry(90), logEntry(91)]);
		h.flush();
		// Lines 3..89 are missing: 87, more than the registry's estimate from `oldestSeq`.
		expect(get(stream.dropped)).toBe(87);
		expect(describeView(stream)).toEqual([1, 2, 'gap:87', 90, 91]);
	});

	it('marks a server restart (new epoch) as an unknown gap', () => {
		const { stream } = setup({}, [logEntry(1), logEntry(2)]);
		h.ws().drop();
		h.clock.advance(60_000);
		h.open({ epoch: 'e2' });
		h.confirm('logs', { epoch: 'e2', recovered: false, oldestSeq: 1, lastSeq: 3 });
		h.history('logs', [logEntry(1), logEntry(2), logEntry(3)], { epoch: 'e2' });
		h.flush();
		const view = viewItems(stream);
		expect(view.map((i) => (isLogGap(i) ? 'gap' : i.seq))).toEqual([1, 2, 'gap', 1, 2, 3]);
		expect((view[2] as LogGap).missing).toBeNull();
	});

	it('setFilter re-subscribes with the filter, reloads history, and filters lines in flight', () => {
		const { stream, logs } = setup({}, [logEntry(1), logEntry(2, { level: 'error' })]);
		const sentBefore = h.ws().sent.length;
		expect(stream.setFilter({ levels: ['error', 'warn'], search: '' })).toBe(true);
		const sent = h.ws().sentMessages().slice(sentBefore);
		// The registry sets the stream's filter before the history request, so history comes filtered.
		expect(sent.map((m) => m.type)).toEqual([
			'unsubscribe',
			'update_filter',
			'subscribe',
			'request_history'
		]);
		expect(sent[1]!.payload).toEqual({ stream: 'logs', filter: { levels: ['error', 'warn'] } });
		expect(logs.last()).toEqual([]);
		expect(get(stream.filter)).toEqual({ levels: ['error', 'warn'] });
		// An info line sent under the old filter arrives after the switch: not shown.
		h.ws().message(logBatch([3]));
		h.confirm('logs');
		h.history('logs', [logEntry(2, { level: 'error' })]);
		h.ws().message(logBatch([4], { level: 'warn' }));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([2, 4]);
		// Clearing the filter clears the server's.
		stream.setFilter(null);
		expect(h.sent('update_filter').at(-1)!.payload).toEqual({ stream: 'logs', filter: {} });
	});

	it('refuses a filter the gateway would refuse, and keeps the previous one', () => {
		const { stream } = setup();
		const errors = record(stream.error);
		const subscribes = h.sent('subscribe').length;
		expect(stream.setFilter({ regex: '(a+)+$' })).toBe(false);
		expect(stream.setFilter({ regex: '(' })).toBe(false);
		h.flush();
		expect(errors.last()?.message).toMatch(/Filter refused/);
		expect(h.sent('subscribe')).toHaveLength(subscribes);
		expect(stream.setFilter({ regex: 'timeout|refused' })).toBe(true);
		h.flush();
		expect(errors.last()).toBeNull();
	});

	it('filters by container in the browser', () => {
		const { logs } = setup({ containerId: 'c2' });
		h.ws().message({
			type: 'log_batch',
			payload: [
				logEntry(1),
				logEntry(2, { containerId: 'c2' }),
				logEntry(3, { source: { type: 'container', name: 'web', identifier: 'c2' } })
			]
		});
		h.flush();
		expect(seqsOf(logs.last())).toEqual([2, 3]);
	});

	it('re-detects `info` lines from their text when asked to', () => {
		const { logs } = setup({ levelDetection: 'info' });
		h.ws().message({
			type: 'log_batch',
			payload: [
				logEntry(1, { message: 'ERROR connection refused' }),
				logEntry(2, { message: '[W] disk almost full' }),
				logEntry(3, { message: 'plain text' }),
				logEntry(4, { level: 'debug', message: 'ERROR but said debug' })
			]
		});
		h.flush();
		expect(logs.last().map((e) => e.level)).toEqual(['error', 'warn', 'info', 'debug']);
	});

	it('highlights without filtering', () => {
		const { stream, logs } = setup({}, [
			logEntry(1, { message: 'GET /a 200' }),
			logEntry(2, { message: 'timeout' })
		]);
		stream.setHighlight(['timeout', 'a.b']);
		const hl = get(stream.highlight);
		expect(hl.terms).toEqual(['timeout', 'a.b']);
		expect(hl.matcher?.test('request TIMEOUT')).toBe(true);
		expect(hl.matcher?.test('axb')).toBe(false); // literal: the dot is a dot
		expect(logs.last()).toHaveLength(2);
		stream.setHighlight('(', { regex: true });
		expect(get(stream.highlight).error).toMatch(/Invalid regular expression/);
		stream.setHighlight('');
		expect(get(stream.highlight).matcher).toBeNull();
	});

	it('clear empties the buffer and resets the counters', () => {
		const { stream, logs } = setup({}, [logEntry(1)]);
		h.ws().message({
			type: 'dropped',
			payload: { stream: 'logs', count: 5, reason: 'slow_consumer' }
		});
		h.ws().message(logBatch([7]));
		h.flush();
		expect(get(stream.dropped)).toBe(5);
		stream.clear();
		expect(logs.last()).toEqual([]);
		expect(get(stream.view).size).toBe(0);
		expect(get(stream.dropped)).toBe(0);
		expect(get(stream.gaps)).toEqual([]);
		h.ws().message(logBatch([8]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([8]);
	});

	it('follow: false loads the recent lines once and lets go', () => {
		h = streamHarness();
		const stream = createLogStream(h.client, { follow: false, schedule: h.frames.schedule });
		const logs = record(stream.logs);
		h.open();
		h.confirm('logs');
		h.history('logs', [logEntry(1), logEntry(2)]);
		expect(h.sent('unsubscribe')).toHaveLength(1);
		h.ws().message(logBatch([3]));
		h.flush();
		expect(seqsOf(logs.last())).toEqual([1, 2]);
	});

	it('shares one server subscription between two stores and lets go after the last', () => {
		h = streamHarness();
		const a = createLogStream(h.client, { schedule: h.frames.schedule });
		const b = createLogStream(h.client, { schedule: h.frames.schedule });
		const la = record(a.logs);
		const lb = record(b.logs);
		h.open();
		expect(h.sent('subscribe')).toHaveLength(1);
		h.confirm('logs');
		for (const r of h.sent('request_history')) {
			h.ws().message({
				type: 'history',
				id: r.id,
				payload: {
					stream: 'logs',
					resourceId: '*',
					epoch: 'e1',
					items: [logEntry(1)],
					complete: true
				}
			});
		}
		h.ws().message(logBatch([2]));
		h.flush();
		expect(seqsOf(la.last())).toEqual([1, 2]);
		expect(seqsOf(lb.last())).toEqual([1, 2]);
		la.off();
		expect(h.sent('unsubscribe')).toHaveLength(0);
		lb.off();
		expect(h.sent('unsubscribe')).toHaveLength(1);
	});

	it('keeps its lines across a stop and restart, joining the new history without duplicates', () => {
		const { stream, logs } = setup({}, [logEntry(1), logEntry(2)]);
		logs.off();
		const again = record(stream.logs);
		h.confirm('logs');
		h.history('logs', [logEntry(1), logEntry(2), logEntry(3)]);
		h.flush();
		expect(seqsOf(again.last())).toEqual([1, 2, 3]);
		expect(get(stream.dropped)).toBe(0);
	});

	it('reports the connection state', () => {
		h = streamHarness();
		const stream = createLogStream(h.client, { schedule: h.frames.schedule });
		const connected = record(stream.isConnected);
		const reconnecting = record(stream.isReconnecting);
		h.open();
		h.flush();
		expect(connected.last()).toBe(true);
		h.ws().drop();
		h.flush();
		expect([connected.last(), reconnecting.last()]).toEqual([false, true]);
	});

	it('is inert without a client (server rendering)', () => {
		const stream = createLogStream(null);
		const logs = record(stream.logs);
		stream.pause();
		stream.resume();
		expect(logs.last()).toEqual([]);
		expect(get(stream.isConnected)).toBe(false);
		logs.off();
	});
});

describe('createLogStream on a fake connection', () => {
	it('detects the level of lines that arrive without a valid one', () => {
		const fake = new FakeConnection();
		const frames: Array<() => void> = [];
		const stream = createLogStream(fake, { schedule: (cb) => (frames.push(cb), () => {}) });
		const logs = record(stream.logs);
		const lines = [
			{ ...logEntry(1, { message: '{"level":"warn","msg":"x"}' }), level: undefined },
			{ ...logEntry(2, { message: 'WRN low disk' }), level: 'warning' },
			{ ...logEntry(3, { message: 'crit: boom' }), level: '' },
			{ ...logEntry(4, { message: 'just text' }), level: undefined }
		] as unknown as LogEntry[];
		fake.deliver('logs', lines);
		frames.splice(0).forEach((f) => f());
		expect(logs.last().map((e) => e.level)).toEqual(['warn', 'warn', 'fatal', 'info']);
	});

	it('does not count the shared subscription’s earlier drops as its own', () => {
		const fake = new FakeConnection();
		const stream = createLogStream(fake, { schedule: () => () => {} });
		const off = stream.dropped.subscribe(() => {});
		const sub = fake.active('logs')[0]!;
		sub.options.onStatus?.({ recovery: 'live', epoch: 'e1', gap: 0, dropped: 500 });
		expect(get(stream.dropped)).toBe(0);
		off();
	});

	it('filters other tasks’ lines when a broader server filter lets them through', () => {
		const fake = new FakeConnection();
		const frames: Array<() => void> = [];
		const stream = createLogStream(fake, {
			filter: { taskIds: [TASK_A] },
			schedule: (cb) => (frames.push(cb), () => {})
		});
		const logs = record(stream.logs);
		fake.deliver('logs', [logEntry(1), logEntry(2, { taskId: TASK_B })] as unknown as LogEntry[]);
		frames.splice(0).forEach((f) => f());
		expect(seqsOf(logs.last())).toEqual([1]);
	});
});
