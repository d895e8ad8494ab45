import { it } from 'vitest';
import { FakeConnection } from '$lib/testing/fake-connection';
import { streamHarness } from '$lib/testing/stream-harness';
import { logEntry, subscribed } from '$lib/testing/fixtures';
import { createLogStream } from './logs';
import { Ring } from './ring';
import type { LogEntry } from '$lib/protocol';

const BATCH = 100;
const FRAMES = 3000;
function batches() {
	const out: string[] = [];
	let seq = 0;
	for (let f = 0; f < FRAMES; f++) {
		const items = [];
		for (let i = 0; i < BATCH; i++) items.push(logEntry(++seq, { message: `GET /api/items/${seq} 200 ${seq % 97}ms` }));
		out.push(JSON.stringify({ type: 'log_batch', payload: items }));
	}
	return out;
}

it('perf', () => {
	const frames = batches();
	const total = BATCH * FRAMES;
	const rate = (ms: number) => Math.round(total / (ms / 1000)).toLocaleString();
	// bare JSON.parse
	let t = performance.now();
	let sink = 0;
	for (const f of frames) sink += (JSON.parse(f) as { payload: unknown[] }).payload.length;
	const bare = performance.now() - t;
	// parsed once, for store-only comparisons
	const parsed = frames.map((f) => (JSON.parse(f) as { payload: LogEntry[] }).payload);
	t = performance.now();
	const ring = new Ring<LogEntry>(10000);
	for (const p of parsed) for (const e of p) ring.push(e);
	const bareRing = performance.now() - t;
	t = performance.now();
	let logs: LogEntry[] = [];
	for (const p of parsed.slice(0, 300)) for (const e of p) logs = [...logs, e].slice(-10000);
	const guide = ((performance.now() - t) * FRAMES) / 300;
	// store only (fake client), with a frame every 10 batches and logs subscribed
	const fake = new FakeConnection();
	const pending: Array<() => void> = [];
	const store = createLogStream(fake, { schedule: (cb) => (pending.push(cb), () => {}) });
	const off = store.logs.subscribe(() => {});
	t = performance.now();
	let n = 0;
	for (const p of parsed) {
		fake.deliver('logs', p);
		if (++n % 10 === 0) pending.splice(0).forEach((f) => f());
	}
	const storeOnly = performance.now() - t;
	off();
	// whole client path: FakeWebSocket → codec → machine → registry → store
	const h = streamHarness();
	const pend2: Array<() => void> = [];
	const s2 = createLogStream(h.client, { history: 0, schedule: (cb) => (pend2.push(cb), () => {}) });
	const off2 = s2.view.subscribe(() => {});
	const ws = h.open();
	ws.message(subscribed('logs'));
	t = performance.now();
	n = 0;
	for (const f of frames) {
		ws.message(f);
		if (++n % 10 === 0) pend2.splice(0).forEach((cb) => cb());
	}
	const whole = performance.now() - t;
	off2();
	console.log(JSON.stringify({ sink, total, bareJSONparse: rate(bare), bareRing: rate(bareRing), guideCopy: rate(guide), storeOnly: rate(storeOnly), wholeClientPath: rate(whole) }, null, 1));
}, 120_000);
