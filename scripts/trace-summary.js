#!/usr/bin/env node
/**
 * `node scripts/trace-summary.js file.trace.json [top] [file.js.map ...]`: what a trace written by
 * `BENCH_RENDER_TRACE=dir npm run bench -- --cases=browser-render` says about each renderer
 * thread: how long it was busy (top-level tasks) and, from the V8 CPU samples, self time by
 * function for every isolate (the page's main thread and its decoding worker, which a page's
 * `Profiler` session does not reach). Source maps (bench/out/page/assets/*.js.map) turn minified
 * names into `function file:line`, when `source-map-js` can be loaded.
 */
import { readFileSync } from 'node:fs';

const [file, topArg, ...maps] = process.argv.slice(2);
if (!file) {
	process.stderr.write('usage: node scripts/trace-summary.js file.trace.json [top] [map ...]\n');
	process.exit(2);
}
const top = Number(topArg) || 15;

/** @type {Map<string, { originalPositionFor(p: { line: number; column: number }): { name: string | null; source: string | null; line: number | null } }>} */
const consumers = new Map();
if (maps.length > 0) {
	try {
		const { SourceMapConsumer } = await import('source-map-js');
		for (const map of maps) {
			const name =
				map
					.split('/')
					.pop()
					?.replace(/\.map$/, '') ?? map;
			consumers.set(name, new SourceMapConsumer(JSON.parse(readFileSync(map, 'utf8'))));
		}
	} catch {
		process.stderr.write('source-map-js not available: names stay minified\n');
	}
}

/** @type {{ traceEvents: Array<Record<string, any>> }} */
const trace = JSON.parse(readFileSync(file, 'utf8'));
const events = trace.traceEvents;

/** @type {Map<string, string>} */
const threadNames = new Map();
for (const e of events) {
	if (e.ph === 'M' && e.name === 'thread_name') threadNames.set(`${e.pid}:${e.tid}`, e.args.name);
}
const nameOf = (/** @type {string} */ key) => threadNames.get(key) ?? key;

// Busy time per thread: the union of its top-level tasks.
/** @type {Map<string, Array<[number, number]>>} */
const spans = new Map();
let from = Infinity;
let to = 0;
for (const e of events) {
	if (e.ph !== 'X' || !String(e.cat).includes('toplevel')) continue;
	const key = `${e.pid}:${e.tid}`;
	const list = spans.get(key) ?? [];
	spans.set(key, list);
	list.push([e.ts, e.ts + (e.dur ?? 0)]);
	from = Math.min(from, e.ts);
	to = Math.max(to, e.ts + (e.dur ?? 0));
}
process.stdout.write(`window ${((to - from) / 1000).toFixed(0)} ms\n`);
/** @type {Array<[string, number]>} */
const busy = [];
for (const [key, list] of spans) {
	list.sort((a, b) => a[0] - b[0]);
	let sum = 0;
	let start = -1;
	let end = -1;
	for (const [a, b] of list) {
		if (a > end) {
			if (end > start) sum += end - start;
			start = a;
			end = b;
		} else end = Math.max(end, b);
	}
	if (end > start) sum += end - start;
	busy.push([nameOf(key), sum / 1000]);
}
busy.sort((a, b) => b[1] - a[1]);
for (const [name, ms] of busy.slice(0, 12)) {
	process.stdout.write(`  busy ${ms.toFixed(0).padStart(6)} ms  ${name}\n`);
}

// CPU samples: one profile per isolate, in chunks (written by the profiler's own thread; the
// `Profile` event that opens each profile is on the isolate's thread).
/** @type {Map<string, string>} */
const isolateThread = new Map();
for (const e of events) {
	if (e.name === 'Profile') isolateThread.set(`${e.pid}:${e.id}`, `${e.pid}:${e.tid}`);
}
/** @type {Map<string, { thread: string; nodes: Map<number, any>; samples: number[]; deltas: number[] }>} */
const profiles = new Map();
for (const e of events) {
	if (e.name !== 'ProfileChunk') continue;
	const key = `${e.pid}:${e.id}`;
	const profile = profiles.get(key) ?? {
		thread: isolateThread.get(key) ?? `${e.pid}:${e.tid}`,
		nodes: new Map(),
		samples: [],
		deltas: []
	};
	profiles.set(key, profile);
	const data = e.args.data;
	for (const node of data.cpuProfile?.nodes ?? []) profile.nodes.set(node.id, node);
	profile.samples.push(...(data.cpuProfile?.samples ?? []));
	profile.deltas.push(...(data.timeDeltas ?? []));
}
for (const profile of profiles.values()) {
	/** @type {Map<string, number>} */
	const self = new Map();
	let total = 0;
	for (let i = 0; i < profile.samples.length; i++) {
		const frame = profile.nodes.get(profile.samples[i])?.callFrame ?? {};
		const dt = profile.deltas[i + 1] ?? 0;
		let key = frame.functionName || '(anonymous)';
		const script = String(frame.url ?? '')
			.split('/')
			.pop();
		const consumer = script ? consumers.get(script) : undefined;
		if (consumer) {
			const o = consumer.originalPositionFor({
				line: (frame.lineNumber ?? 0) + 1,
				column: frame.columnNumber ?? 0
			});
			key = `${o.name ?? key} ${(o.source ?? '').split('/').slice(-2).join('/')}:${o.line}`;
		} else if (script) key += ` ${script}`;
		self.set(key, (self.get(key) ?? 0) + dt);
		total += dt;
	}
	process.stdout.write(`\n${nameOf(profile.thread)}: ${(total / 1000).toFixed(0)} ms sampled\n`);
	for (const [key, t] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
		const share = `${((t / total) * 100).toFixed(1)}%`.padStart(6);
		process.stdout.write(`${share} ${(t / 1000).toFixed(1).padStart(8)} ms  ${key}\n`);
	}
}
