/**
 * Case 2 (issue 2 bar): 1,000 concurrent clients, each subscribed to every log at 20 entries/s,
 * served with no drops; the gateway's CPU and its memory per connection.
 *
 * The gateway runs in a child process with a paced source (20 entries/s, so every client, being
 * subscribed to `*`, gets 20/s); the 1,000 `ws` clients run in the runner process. Each client
 * checks its seqs (a hole is a loss) and counts `dropped` frames. CPU is the child's
 * process.cpuUsage() per second of the window; memory per connection is the child's heap and RSS
 * after a forced GC with the clients connected and subscribed, minus the same before they came,
 * divided by the number of clients.
 */
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { cpuSeconds, GatewayProcess, type GatewaySample } from '../lib/gateway-child';
import { CountingClient } from '../lib/node-client';
import { sleep, summarize } from '../lib/stats';

const CLIENTS = 1_000;
const RATE = 20;
/** Clients connecting at once while the herd is built. */
const CONNECT_CONCURRENCY = 50;

interface Cycle {
	connectSeconds: number;
	/** Gateway CPU per second of the window, as fractions of one core. */
	cpuPerSecond: number[];
	/** Gateway CPU per 1,000 frames delivered, in ms. */
	cpuMsPerKFrames: number;
	heapPerConnKiB: number;
	rssPerConnKiB: number;
	/** Entries each client received in the window, relative to what was published in it. */
	deliveredRatioMin: number;
	deliveredRatioMax: number;
	entriesPerClientPerSecond: number;
	holes: number;
	missing: number;
	droppedFrames: number;
	droppedEntries: number;
	hubDropped: number;
	framesPerSecond: number;
	seconds: number;
}

async function openAll(url: string, n: number): Promise<CountingClient[]> {
	const clients: CountingClient[] = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			clients.push(await CountingClient.open(url, { deflate: false, timeoutMs: 30_000 }));
		}
	};
	await Promise.all(Array.from({ length: CONNECT_CONCURRENCY }, worker));
	return clients;
}

async function cycle(
	gp: GatewayProcess,
	seconds: number,
	last: boolean,
	log: (m: string) => void
): Promise<Cycle> {
	const before = await gp.gc();
	const t = performance.now();
	const clients = await openAll(gp.wsUrl, CLIENTS);
	const connectSeconds = (performance.now() - t) / 1000;
	// Let every client's first batch through, then weigh the gateway with them attached.
	await sleep(1_000);
	const attached = await gp.gc();
	if (attached.clients !== CLIENTS)
		throw new Error(`${attached.clients} clients connected, expected ${CLIENTS}`);
	log(`  ${CLIENTS} clients subscribed in ${connectSeconds.toFixed(1)} s; measuring ${seconds} s`);

	const snap = () => clients.map((c) => c.counters.entries);
	const start = await gp.sample();
	const entries0 = snap();
	const t0 = performance.now();
	const cpuPerSecond: number[] = [];
	let prev: GatewaySample = start;
	let prevAt = t0;
	for (let s = 0; s < seconds; s++) {
		await sleep(1_000);
		const now = await gp.sample();
		const at = performance.now();
		cpuPerSecond.push(cpuSeconds(prev, now) / ((at - prevAt) / 1000));
		prev = now;
		prevAt = at;
	}
	const end = prev;
	const entries1 = snap();
	const elapsed = (prevAt - t0) / 1000;
	const published = end.lastLogSeq - start.lastLogSeq;
	const ratios = clients.map((_, i) => (entries1[i]! - entries0[i]!) / Math.max(1, published));
	const sum = (f: (c: CountingClient) => number) => clients.reduce((s, c) => s + f(c), 0);
	const result: Cycle = {
		connectSeconds,
		cpuPerSecond,
		cpuMsPerKFrames:
			(cpuSeconds(start, end) * 1e3 * 1e3) / Math.max(1, end.framesOut - start.framesOut),
		heapPerConnKiB: (attached.memory.heapUsed - before.memory.heapUsed) / CLIENTS / 1024,
		rssPerConnKiB: (attached.memory.rss - before.memory.rss) / CLIENTS / 1024,
		deliveredRatioMin: Math.min(...ratios),
		deliveredRatioMax: Math.max(...ratios),
		entriesPerClientPerSecond:
			clients.reduce((s, c, i) => s + entries1[i]! - entries0[i]!, 0) / clients.length / elapsed,
		holes: sum((c) => c.counters.holes),
		missing: sum((c) => c.counters.missing),
		droppedFrames: sum((c) => c.counters.droppedFrames),
		droppedEntries: sum((c) => c.counters.droppedEntries),
		hubDropped: end.droppedLogs - before.droppedLogs,
		framesPerSecond: (end.framesOut - start.framesOut) / elapsed,
		seconds: elapsed
	};
	// Abrupt closes: the closing handshake of 1,000 sockets is not what is measured here.
	for (const c of clients) c.ws.terminate();
	// Let the gateway notice every close before the next cycle weighs it again.
	if (!last) for (let i = 0; i < 50 && (await gp.sample()).clients > 0; i++) await sleep(100);
	return result;
}

export const gatewayClients: BenchCase = {
	id: 'gateway-clients',
	title: `Gateway with ${CLIENTS.toLocaleString('en-US')} clients at ${RATE} entries/s each`,
	browser: false,
	async run(ctx) {
		const cycles = ctx.repeats ?? (ctx.quick ? 1 : 3);
		const seconds = ctx.quick ? 4 : 20;
		const gp = await GatewayProcess.start(ctx.runnerPath, {
			deflate: false,
			source: { kind: 'paced', rate: RATE }
		});
		const results: Cycle[] = [];
		try {
			for (let i = 0; i < cycles; i++) {
				const c = await cycle(gp, seconds, i === cycles - 1, ctx.log);
				results.push(c);
				ctx.log(
					`  cycle ${i + 1}: gateway ${(summarize(c.cpuPerSecond).median * 100).toFixed(1)}% CPU, ` +
						`${c.heapPerConnKiB.toFixed(1)} KiB heap/conn, holes ${c.holes}, dropped ${c.droppedFrames}`
				);
			}
		} finally {
			await gp.stop();
		}
		const all = (f: (c: Cycle) => number) => summarize(results.map(f));
		const totalDrops = results.reduce((s, c) => s + c.droppedFrames + c.hubDropped, 0);
		const totalHoles = results.reduce((s, c) => s + c.holes, 0);
		const figures: Figure[] = [
			{
				key: 'gateway_cpu_percent',
				label: 'gateway CPU (per-second samples)',
				unit: '% of a core',
				summary: summarize(results.flatMap((c) => c.cpuPerSecond.map((v) => v * 100))),
				digits: 1
			},
			{
				key: 'gateway_cpu_ms_per_1000_frames',
				label: 'gateway CPU per 1,000 frames sent',
				unit: 'ms',
				summary: all((c) => c.cpuMsPerKFrames),
				digits: 2
			},
			{
				key: 'frames_per_s',
				label: 'frames sent per second (all clients)',
				unit: '/s',
				summary: all((c) => c.framesPerSecond)
			},
			{
				key: 'entries_per_client_per_s',
				label: 'entries per client per second',
				unit: '/s',
				summary: all((c) => c.entriesPerClientPerSecond),
				digits: 2
			},
			{
				key: 'heap_per_connection_kib',
				label: 'gateway heap per connection',
				unit: 'KiB',
				summary: all((c) => c.heapPerConnKiB),
				digits: 1
			},
			{
				// Only the first cycle: later ones reuse the pages the first one made the process grow by.
				key: 'rss_per_connection_kib',
				label: 'gateway RSS per connection (first cycle, fresh process)',
				unit: 'KiB',
				summary: summarize(results.slice(0, 1).map((c) => c.rssPerConnKiB)),
				digits: 1
			},
			{
				key: 'connect_seconds',
				label: `time to connect and subscribe ${CLIENTS} clients`,
				unit: 's',
				summary: all((c) => c.connectSeconds),
				digits: 1
			},
			{
				key: 'drops',
				label: '`dropped` frames + entries the hub dropped',
				unit: '',
				summary: summarize(results.map((c) => c.droppedFrames + c.hubDropped))
			},
			{
				key: 'seq_holes',
				label: 'seq holes seen by clients',
				unit: '',
				summary: summarize(results.map((c) => c.holes))
			}
		];
		const bars: BarCheck[] = [
			{
				label: `${CLIENTS} clients at ${RATE} entries/s each: no drops, no seq holes`,
				value: `${totalDrops} dropped, ${totalHoles} holes`,
				met: totalDrops === 0 && totalHoles === 0,
				source: 'issue 2'
			}
		];
		const lo = Math.min(...results.map((c) => c.deliveredRatioMin));
		const hi = Math.max(...results.map((c) => c.deliveredRatioMax));
		return {
			method:
				`The gateway runs in a child process with a source publishing ${RATE} pre-built simulator ` +
				`entries per second (hub defaults: 50 ms tick, deflate off). ${CLIENTS} \`ws\` clients in ` +
				`the runner process connect (${CONNECT_CONCURRENCY} at a time), each subscribes to \`logs\` \`*\` ` +
				'and checks every seq. Per cycle: GC and weigh the gateway, connect everyone, wait 1 s, GC ' +
				`and weigh again (memory per connection = difference ÷ ${CLIENTS}), then ${seconds} s of ` +
				'steady state with the gateway CPU sampled every second; then everyone disconnects.',
			params: {
				clients: CLIENTS,
				rate: RATE,
				cycles,
				seconds,
				connectConcurrency: CONNECT_CONCURRENCY
			},
			figures,
			bars,
			notes: [
				`Gateway RSS growth per connection by cycle: ${results.map((c) => c.rssPerConnKiB.toFixed(1)).join(', ')} KiB ` +
					'(a process keeps the memory it grew by; later cycles reuse it).',
				`Each client received ${(lo * 100).toFixed(1)}–${(hi * 100).toFixed(1)}% of the entries published ` +
					'during the window (the edges cut a 50 ms batch or two).'
			],
			raw: results
		};
	}
};
