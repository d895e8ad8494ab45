/**
 * Issue 7, case 5: gateway fan-out against the limit of this server stack.
 *
 * The same clients (lib/node-client.ts, `ws`, subscribed to every log, counting entries from the
 * raw frames) are served by (g) the gateway in its own process (lib/child-roles.ts, the real hub
 * with a paced source) and by (w) a bare `ws` broadcast loop in its own process that sends the
 * same pre-built batch frames to every client at the same rate on the same 50 ms tick, with the
 * same 1 MiB high-water mark. Both are offered rates that climb until the bare loop stops
 * keeping up; the bar compares what each delivered at the same offered rate.
 */
import WebSocket from 'ws';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { RoleProcess, TICK_MS, type RoleName } from '../lib/child-roles';
import { cpuSeconds } from '../lib/gateway-child';
import { CountingClient } from '../lib/node-client';
import { sleep, summarize } from '../lib/stats';

const CONNECT_CONCURRENCY = 50;
/** Delivered below this share of what was offered: the server (or the clients) saturated. */
const SATURATED = 0.9;
const SERVERS: readonly RoleName[] = ['gateway', 'broadcast'];
const LABEL: Record<RoleName, string> = {
	gateway: 'gateway',
	broadcast: 'bare `ws` loop'
};

interface Step {
	server: RoleName;
	clients: number;
	/** Entries per second offered to every client. */
	rate: number;
	/** Entries published per second times the clients (what was actually offered). */
	offered: number;
	/** Entries received per second, all clients together (see {@link serve}). */
	delivered: number;
	/** Share of the entries published (times the clients) that arrived. */
	received: number;
	/** First publish → last arrival, s. */
	seconds: number;
	/** Frames sent per second, all clients together. */
	frames: number;
	/** Server process CPU per 1,000 frames sent, ms. */
	cpuMsPerKFrames: number;
	/** Server process CPU, in cores. */
	cores: number;
}

interface ServerRun {
	server: RoleName;
	clients: number;
	steps: Step[];
	/** Heap per idle (connected, not subscribed) connection, KiB. */
	idleHeapKiB?: number;
}

async function openCounting(
	url: string,
	n: number,
	onLogFrame: (client: CountingClient, at: number) => void
): Promise<CountingClient[]> {
	const clients: CountingClient[] = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			clients.push(
				await CountingClient.open(url, {
					deflate: false,
					read: 'scan',
					timeoutMs: 30_000,
					onLogFrame
				})
			);
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, CONNECT_CONCURRENCY) }, worker));
	return clients;
}

async function openIdle(url: string, n: number): Promise<WebSocket[]> {
	const sockets: WebSocket[] = [];
	let next = 0;
	const worker = async () => {
		while (next < n) {
			next++;
			const ws = new WebSocket(url, { perMessageDeflate: false });
			await new Promise<void>((resolve, reject) => {
				ws.once('open', () => resolve());
				ws.once('error', reject);
			});
			sockets.push(ws);
		}
	};
	await Promise.all(Array.from({ length: Math.min(n, CONNECT_CONCURRENCY) }, worker));
	return sockets;
}

/** How {@link serve} paces a server's run. */
interface ServeOptions {
	/** Publishing time per rate. */
	activeMs: number;
	/** Longest wait for the clients to take what is in flight. */
	maxDrainMs: number;
	/** Publishing before the first rate, not counted. */
	warmupMs: number;
	/** Also weigh the heap of idle connections. */
	weighIdle: boolean;
	log: (m: string) => void;
}

async function serve(
	runnerPath: string,
	server: RoleName,
	clients: number,
	rates: readonly number[],
	{ activeMs, maxDrainMs, warmupMs, weighIdle, log }: ServeOptions
): Promise<ServerRun> {
	const t = performance.now();
	const phase = (what: string) =>
		log(
			`  ${LABEL[server]}, ${clients} clients: ${what} at ${((performance.now() - t) / 1000).toFixed(1)} s`
		);
	const child = await RoleProcess.start(runnerPath, server, { rate: 0 });
	phase('started');
	const run: ServerRun = { server, clients, steps: [] };
	let counting: CountingClient[] = [];
	try {
		if (weighIdle) {
			const before = await child.gc();
			const idle = await openIdle(child.wsUrl, clients);
			await sleep(500);
			const after = await child.gc();
			run.idleHeapKiB = (after.memory.heapUsed - before.memory.heapUsed) / clients / 1024;
			for (const ws of idle) ws.terminate();
			for (let i = 0; i < 100 && (await child.sample()).clients > 0; i++) await sleep(50);
			phase('weighed idle connections');
		}
		const arrivals = { last: 0 };
		counting = await openCounting(child.wsUrl, clients, (_c, at) => (arrivals.last = at));
		/** Wait until no frame has arrived for 300 ms, or `maxMs` passed. */
		const quiet = async (maxMs: number) => {
			const deadline = performance.now() + maxMs;
			while (performance.now() - arrivals.last < 300 && performance.now() < deadline) {
				await sleep(50);
			}
		};
		// Warm-up, not counted: a fresh process compiles its hot paths on the first frames.
		await child.setRate(rates[0]!);
		await sleep(warmupMs);
		await child.setRate(0);
		phase('subscribed');
		const received = () => counting.reduce((s, c) => s + c.counters.entries, 0);
		for (const rate of rates) {
			// One workload: `rate` entries/s for `activeMs`, then nothing until every client has
			// taken what reached it. Throughput = entries received ÷ (first publish → last
			// arrival), so what sat in socket buffers at either end is neither lost nor counted
			// twice, and a server that falls behind is charged the time it needs to catch up.
			// What the previous step left in flight is not this step's.
			await quiet(maxDrainMs);
			const e0 = received();
			const a = await child.sample();
			await child.setRate(rate);
			const t0 = performance.now();
			await sleep(activeMs);
			await child.setRate(0);
			const b = await child.sample();
			await quiet(maxDrainMs);
			// Count now: past the deadline, what still trickles in is left out, and so is its time.
			const e1 = received();
			const seconds = Math.max(activeMs, arrivals.last - t0) / 1000;
			const c = await child.sample();
			const frames = c.framesOut - a.framesOut;
			const cpu = cpuSeconds(a, c);
			const publishedPerClient = b.published - a.published;
			const step: Step = {
				server,
				clients,
				rate,
				offered: ((publishedPerClient * clients) / (b.at - a.at)) * 1000,
				delivered: (e1 - e0) / seconds,
				received: (e1 - e0) / Math.max(1, publishedPerClient * clients),
				seconds,
				frames: frames / seconds,
				cpuMsPerKFrames: frames > 0 ? (cpu * 1e6) / frames : NaN,
				cores: cpu / ((c.at - a.at) / 1000)
			};
			run.steps.push(step);
			log(
				`  ${LABEL[server]}, ${clients} clients at ${rate}/s each: ${Math.round(step.delivered).toLocaleString('en-US')} entries/s delivered ` +
					`(${((step.delivered / step.offered) * 100).toFixed(0)}% of ${Math.round(step.offered).toLocaleString('en-US')} offered; ` +
					`${(step.received * 100).toFixed(0)}% of the entries arrived, the last ${(seconds - activeMs / 1000).toFixed(1)} s after publishing stopped), ${step.cores.toFixed(2)} cores`
			);
		}
	} finally {
		for (const c of counting) c.ws.terminate();
		await child.stop();
		phase('stopped');
	}
	return run;
}

export const fanout: BenchCase = {
	id: 'fanout',
	title: 'Gateway fan-out against a bare `ws` broadcast loop',
	browser: false,
	async run(ctx) {
		const counts = ctx.quick ? [300] : [1, 100, 1_000];
		const top = counts.at(-1)!;
		// Entries per second offered to each client. The ladder is for the largest count, where
		// the limit is; smaller counts run at its top rate.
		// --quick: one rate (the bare loop's limit is then taken to be it), shorter windows.
		const ladder = ctx.quick ? [6_400] : [400, 1_600, 3_200];
		const activeMs = ctx.quick ? 1_000 : 3_000;
		const maxDrainMs = ctx.quick ? 2_000 : 10_000;
		const warmupMs = ctx.quick ? 500 : 1_000;
		const repeats = ctx.repeats ?? (ctx.quick ? 1 : 3);

		const runs: ServerRun[][] = [];
		for (let r = 0; r < repeats; r++) {
			const repeat: ServerRun[] = [];
			for (const n of counts) {
				const order = r % 2 === 0 ? SERVERS : [...SERVERS].reverse();
				for (const server of order) {
					const rates = n === top ? ladder : [ladder.at(-1)!];
					repeat.push(
						await serve(ctx.runnerPath, server, n, rates, {
							activeMs,
							maxDrainMs,
							warmupMs,
							weighIdle: n === top,
							log: ctx.log
						})
					);
				}
			}
			runs.push(repeat);
		}

		const step = (rep: ServerRun[], server: RoleName, n: number, rate: number) =>
			rep.find((x) => x.server === server && x.clients === n)!.steps.find((s) => s.rate === rate)!;
		// The bare loop's limit at the top count: the first rate it delivered less than 90% of,
		// else the top of the ladder (then the limit lies above what was offered).
		const limitRate = (rep: ServerRun[]) =>
			ladder.find((rate) => {
				const s = step(rep, 'broadcast', top, rate);
				return s.delivered < SATURATED * rate * top;
			}) ?? ladder.at(-1)!;
		const limits = runs.map(limitRate);

		const figures: Figure[] = [];
		for (const n of counts) {
			const rate = n === top ? undefined : ladder.at(-1)!;
			for (const server of SERVERS) {
				const pick = (rep: ServerRun[], i: number) => step(rep, server, n, rate ?? limits[i]!);
				const what = rate
					? `${n} client${n === 1 ? '' : 's'} at ${rate.toLocaleString('en-US')}/s each`
					: `${n} clients at the bare loop's limit`;
				figures.push(
					{
						key: `entries_per_s.${server}.${n}`,
						label: `${LABEL[server]}, ${what}: entries/s delivered in total`,
						unit: 'entries/s',
						summary: summarize(runs.map((rep, i) => pick(rep, i).delivered))
					},
					{
						key: `cpu_ms_per_1000_frames.${server}.${n}`,
						label: '↳ server CPU per 1,000 messages (frames written)',
						unit: 'ms',
						summary: summarize(runs.map((rep, i) => pick(rep, i).cpuMsPerKFrames)),
						digits: 2
					},
					{
						key: `cores.${server}.${n}`,
						label: '↳ server process CPU',
						unit: 'cores',
						summary: summarize(runs.map((rep, i) => pick(rep, i).cores)),
						digits: 2
					},
					{
						key: `arrived_share.${server}.${n}`,
						label: '↳ share of the published entries that reached the clients',
						unit: '%',
						summary: summarize(runs.map((rep, i) => pick(rep, i).received * 100)),
						digits: 1
					}
				);
			}
		}
		for (const server of SERVERS) {
			for (const rate of ladder) {
				figures.push({
					key: `ladder.${server}.${rate}`,
					label: `${LABEL[server]}, ${top} clients offered ${rate.toLocaleString('en-US')}/s each (${(rate * top).toLocaleString('en-US')}/s in total): delivered`,
					unit: 'entries/s',
					summary: summarize(runs.map((rep) => step(rep, server, top, rate).delivered))
				});
			}
		}
		for (const server of SERVERS) {
			figures.push({
				key: `idle_heap_per_connection_kib.${server}`,
				label: `${LABEL[server]}: heap per idle connection (${top} connected, not subscribed)`,
				unit: 'KiB',
				summary: summarize(
					runs.map(
						(rep) => rep.find((x) => x.server === server && x.clients === top)!.idleHeapKiB ?? NaN
					)
				),
				digits: 1
			});
		}
		const ratios = summarize(
			runs.map(
				(rep, i) =>
					step(rep, 'gateway', top, limits[i]!).delivered /
					step(rep, 'broadcast', top, limits[i]!).delivered
			)
		);
		figures.push({
			key: `ratio_gateway_over_bare.${top}`,
			label: `gateway / bare loop, ${top} clients at the bare loop's limit (same repeat)`,
			unit: 'x',
			summary: ratios,
			digits: 2
		});
		const bars: BarCheck[] = [
			{
				label: `the gateway delivers ≥ 50% of the bare \`ws\` broadcast loop's rate at ${top.toLocaleString('en-US')} clients`,
				value: `${ratios.median.toFixed(2)}x`,
				met: ratios.median >= 0.5,
				source: 'issue 7'
			}
		];
		const at = (server: RoleName) =>
			summarize(runs.map((rep, i) => step(rep, server, top, limits[i]!).cores)).median;
		const notes = [
			`At the bare loop's limit with ${top} clients the gateway process used ${at('gateway').toFixed(2)} cores and the bare ` +
				`loop ${at('broadcast').toFixed(2)} (medians); a server well under one core while it falls behind is not limited by ` +
				'its own CPU but by how it schedules writes (or by the clients sharing the machine).',
			`The bare loop's limit at ${top} clients (the first offered rate it delivered less than ${SATURATED * 100}% of; ` +
				`the top of the ladder when it never fell short): ${limits.map((l) => `${l.toLocaleString('en-US')}/s per client`).join(', ')} by repeat.`,
			'Both servers run on the same 2 cores as the clients (one runner process, receiving everything): past the ' +
				"limit, what is delivered is shared between the server's and the clients' CPU, so the ratio is the figure to read.",
			'CPU per 1,000 messages includes everything the server process does in the window: for the gateway that is also ' +
				'taking in and batching the published entries (once for all clients), which dominates with one client and is ' +
				'shared by more clients as their number grows.'
		];
		return {
			method:
				'Both servers run in a process of their own on loopback and serve the same clients: `ws` clients in the runner ' +
				'process, each subscribed to `logs` `*` and counting the seqs in the raw frames (bench/lib/node-client.ts, ' +
				'deflate off). (g) is the gateway (the real hub, defaults: 50 ms tick, 1 MiB high-water mark per client) fed by a ' +
				`paced source of pre-built simulator entries; (w) is a bare \`ws\` server that every ${TICK_MS} ms sends one ` +
				'pre-built `log_batch` frame of the entries due (bench/lib/entries.ts, the same entries, one buffer shared by every ' +
				'client) to each subscribed client whose socket holds less than 1 MiB unsent, and does nothing else: the limit ' +
				`of this server stack. Offered rates climb (${ladder.map((r) => r.toLocaleString('en-US')).join(', ')} entries/s to every client) ` +
				`at ${top} clients; the bare loop's limit is the first rate it delivers less than ${SATURATED * 100}% of, and the gateway is ` +
				'compared with it at that offered rate. Smaller client counts run at the top rate. After 1 s of warm-up at the first rate, each rate is one workload: ' +
				`the source publishes for ${activeMs / 1000} s, then stops, and the run waits until no frame has arrived for 300 ms (at most ${maxDrainMs / 1000} s; ` +
				'what arrives later is counted in no step, and the next step waits for it to end); ' +
				'delivered = entries the clients received ÷ (first publish → last arrival), so data still in socket buffers at the ' +
				'start or end of a window is neither lost nor double-counted, a server that falls behind is charged the time it ' +
				'needs to catch up, and what it skips (the bare loop) or lets fall out of history (the gateway) is not delivered. ' +
				"CPU per 1,000 messages = the server process's CPU time over the frames it wrote; memory per idle connection = heap after GC with every client " +
				'connected but not subscribed, minus before, over the count. Each server gets a fresh process per client count; ' +
				`the order of the two alternates between repeats (${repeats}).`,
			params: { clients: counts, ladder, activeMs, maxDrainMs, repeats, tickMs: TICK_MS },
			figures,
			bars,
			notes,
			raw: runs
		};
	}
};
