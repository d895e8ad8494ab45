/**
 * Case 1 (issue 2 bar): how many log entries per second the gateway delivers to one client.
 *
 * The gateway runs in a child process with a firehose source that tops the hub's history up
 * whenever the client's cursor moves (so entries are published as fast as the hub takes them and
 * never evicted before delivery). One `ws` client in the runner process subscribes to every log,
 * parses every frame and checks the seqs. Configurations are measured in turn within each repeat
 * (A B C A B C …), so drift in the machine's load hits them alike.
 */
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import {
	cpuSeconds,
	GatewayProcess,
	type GatewayConfig,
	type GatewaySample
} from '../lib/gateway-child';
import { CountingClient } from '../lib/node-client';
import { sleep, summarize } from '../lib/stats';

interface Variant {
	key: string;
	label: string;
	config: GatewayConfig;
	/** Whether this variant is measured in `--quick`. */
	quick: boolean;
	/**
	 * Only when named in BENCH_GATEWAY_VARIANTS: its source keeps publishing at full rate for the
	 * whole case, which starves the other variants' gateways on a 2-core machine.
	 */
	optIn?: boolean;
}

const VARIANTS: Variant[] = [
	{
		key: 'off_defaults',
		label: 'deflate off, hub defaults (50 ms tick, 10,000-entry history, 4 MiB batches)',
		config: { deflate: false, source: { kind: 'firehose' } },
		quick: true
	},
	{
		key: 'off_defaults_compact',
		label: 'deflate off, hub defaults, compact entries',
		config: { deflate: false, entryProfile: 'compact', source: { kind: 'firehose' } },
		quick: true
	},
	{
		key: 'off_capacity',
		label:
			'deflate off, 16 MiB batches, 50,000-entry history (the hub, not the batch size, is the limit)',
		config: {
			deflate: false,
			maxBatchBytes: 16 * 1024 * 1024,
			historyLogs: 50_000,
			source: { kind: 'firehose' }
		},
		quick: true
	},
	{
		// What the bar asks, within the protocol's one batch per 50 ms: a source offering more
		// than 200,000/s, spread evenly as a real source's lines are (the firehose above publishes
		// in bursts as large as the history, which stalls delivery meanwhile), a history deep
		// enough to hold a few ticks of it, and batches large enough to carry a tick.
		key: 'off_paced_220k',
		label:
			'deflate off, a source offering 220,000/s every 5 ms, 50 ms tick, 16 MiB batches, 48 MiB send queue, 50,000-entry history',
		config: {
			deflate: false,
			maxBatchBytes: 16 * 1024 * 1024,
			sendMaxBytes: 48 * 1024 * 1024,
			historyLogs: 50_000,
			source: { kind: 'paced', rate: 220_000, tickMs: 5 }
		},
		quick: false,
		optIn: true
	},
	{
		key: 'off_tick10',
		label: "deflate off, 10 ms tick (outside the protocol's one batch per 50 ms; for comparison)",
		config: { deflate: false, batchIntervalMs: 10, source: { kind: 'firehose' } },
		quick: false
	},
	{
		key: 'off_tick10_compact',
		label: 'deflate off, 10 ms tick, compact entries (outside the protocol; for comparison)',
		config: {
			deflate: false,
			batchIntervalMs: 10,
			entryProfile: 'compact',
			source: { kind: 'firehose' }
		},
		quick: false
	},
	{
		key: 'on_defaults',
		label: 'deflate on, hub defaults',
		config: { deflate: true, source: { kind: 'firehose' } },
		quick: true
	},
	{
		key: 'on_defaults_compact',
		label: 'deflate on, hub defaults, compact entries',
		config: { deflate: true, entryProfile: 'compact', source: { kind: 'firehose' } },
		quick: false
	}
];

/** One measurement of one variant. */
interface Run {
	entriesPerSecond: number;
	framesPerSecond: number;
	/** Mean entries per frame. */
	entriesPerFrame: number;
	/** Bytes on the wire per entry (after deflate, when on). */
	wireBytesPerEntry: number;
	/** Gateway CPU per entry delivered, in µs. */
	gatewayCpuUsPerEntry: number;
	/** Gateway CPU over the window, as a fraction of one core. */
	gatewayCores: number;
	/** The client's (runner process) CPU over the window, as a fraction of one core. */
	clientCores: number;
	holes: number;
	dropped: number;
	seconds: number;
}

/** Bytes the client's TCP socket has read (compressed bytes when deflate is on). */
function bytesRead(client: CountingClient): number {
	return (client.ws as unknown as { _socket?: { bytesRead: number } })._socket?.bytesRead ?? NaN;
}

async function measure(
	gp: GatewayProcess,
	deflate: boolean,
	warmupMs: number,
	measureMs: number
): Promise<Run> {
	let phase: 'warmup' | 'measure' | 'done' = 'warmup';
	let firstAt = -1;
	let t0 = 0;
	let t1 = 0;
	let entries0 = 0;
	let entries1 = 0;
	let frames0 = 0;
	let frames1 = 0;
	let holes0 = 0;
	let holes1 = 0;
	let dropped0 = 0;
	let dropped1 = 0;
	let cpu0: NodeJS.CpuUsage | undefined;
	let cpu1: NodeJS.CpuUsage | undefined;
	let wire0 = 0;
	let wire1 = 0;
	let s0: Promise<GatewaySample> | undefined;
	let s1: Promise<GatewaySample> | undefined;
	let finish: () => void = () => {};
	const finished = new Promise<void>((resolve) => (finish = resolve));
	// Windows open and close on frame arrivals, so each counts whole frames only.
	const client = await CountingClient.open(gp.wsUrl, {
		deflate,
		read: 'scan',
		onLogFrame: (c, at) => {
			const k = c.counters;
			if (firstAt < 0) firstAt = at;
			if (phase === 'warmup' && at - firstAt >= warmupMs) {
				phase = 'measure';
				t0 = at;
				entries0 = k.entries;
				frames0 = k.frames;
				holes0 = k.holes;
				dropped0 = k.droppedEntries;
				wire0 = bytesRead(c);
				cpu0 = process.cpuUsage();
				s0 = gp.sample();
			} else if (phase === 'measure' && at - t0 >= measureMs) {
				phase = 'done';
				t1 = at;
				entries1 = k.entries;
				frames1 = k.frames;
				holes1 = k.holes;
				dropped1 = k.droppedEntries;
				wire1 = bytesRead(c);
				cpu1 = process.cpuUsage(cpu0);
				s1 = gp.sample();
				finish();
			}
		}
	});
	const timeout = setTimeout(finish, warmupMs + measureMs + 20_000);
	await finished;
	clearTimeout(timeout);
	await client.close();
	if (!s0 || !s1) throw new Error('the client received no log frames');
	const [a, b] = await Promise.all([s0, s1]);
	const seconds = (t1 - t0) / 1000;
	const entries = entries1 - entries0;
	return {
		entriesPerSecond: entries / seconds,
		framesPerSecond: (frames1 - frames0) / seconds,
		entriesPerFrame: entries / Math.max(1, frames1 - frames0),
		wireBytesPerEntry: (wire1 - wire0) / entries,
		gatewayCpuUsPerEntry: (cpuSeconds(a, b) * 1e6) / entries,
		gatewayCores: cpuSeconds(a, b) / seconds,
		clientCores: cpu1 ? (cpu1.user + cpu1.system) / 1e6 / seconds : NaN,
		holes: holes1 - holes0,
		dropped: dropped1 - dropped0,
		seconds
	};
}

export const gatewayThroughput: BenchCase = {
	id: 'gateway-throughput',
	title: 'Gateway → one Node client: log entries per second',
	browser: false,
	async run(ctx) {
		const repeats = ctx.repeats ?? (ctx.quick ? 1 : 5);
		const warmupMs = ctx.quick ? 250 : 1_000;
		const measureMs = ctx.quick ? 750 : 4_000;
		// BENCH_GATEWAY_VARIANTS=key,key: only those variants (for working on one).
		const only = process.env.BENCH_GATEWAY_VARIANTS?.split(',');
		const variants = VARIANTS.filter(
			(v) => (!ctx.quick || v.quick) && (only ? only.includes(v.key) : !v.optIn)
		);
		const gateways = new Map<string, GatewayProcess>();
		const runs = new Map<string, Run[]>(variants.map((v) => [v.key, []]));
		try {
			await Promise.all(
				variants.map(async (v) => {
					gateways.set(v.key, await GatewayProcess.start(ctx.runnerPath, v.config));
				})
			);
			for (let r = 0; r < repeats; r++) {
				for (const v of variants) {
					const run = await measure(gateways.get(v.key)!, true, warmupMs, measureMs);
					runs.get(v.key)!.push(run);
					ctx.log(
						`  ${v.key} #${r + 1}: ${Math.round(run.entriesPerSecond).toLocaleString('en-US')} entries/s, ` +
							`${run.entriesPerFrame.toFixed(0)}/frame, gateway ${(run.gatewayCores * 100).toFixed(0)}% CPU, ` +
							`client ${(run.clientCores * 100).toFixed(0)}%`
					);
					await sleep(200);
				}
			}
		} finally {
			await Promise.all([...gateways.values()].map((g) => g.stop()));
		}

		const figures: Figure[] = [];
		const bars: BarCheck[] = [];
		const notes: string[] = [];
		for (const v of variants) {
			const rs = runs.get(v.key)!;
			const rate = summarize(rs.map((x) => x.entriesPerSecond));
			figures.push(
				{
					key: `entries_per_s.${v.key}`,
					label: `entries/s, ${v.label}`,
					unit: 'entries/s',
					summary: rate
				},
				{
					key: `entries_per_frame.${v.key}`,
					label: '↳ entries per frame',
					unit: '',
					summary: summarize(rs.map((x) => x.entriesPerFrame))
				},
				{
					key: `batch_ceiling.${v.key}`,
					label: '↳ ceiling set by the batch interval (entries per frame × batches per second)',
					unit: 'entries/s',
					summary: summarize(
						rs.map((x) => (x.entriesPerFrame * 1000) / (v.config.batchIntervalMs ?? 50))
					)
				},
				{
					key: `wire_bytes_per_entry.${v.key}`,
					label: '↳ bytes on the wire per entry',
					unit: 'B',
					summary: summarize(rs.map((x) => x.wireBytesPerEntry))
				},
				{
					key: `gateway_cpu_us_per_entry.${v.key}`,
					label: '↳ gateway CPU per entry delivered',
					unit: 'µs',
					summary: summarize(rs.map((x) => x.gatewayCpuUsPerEntry)),
					digits: 2
				},
				{
					key: `gateway_cores.${v.key}`,
					label: '↳ gateway process CPU',
					unit: 'cores',
					summary: summarize(rs.map((x) => x.gatewayCores)),
					digits: 2
				},
				{
					key: `client_cores.${v.key}`,
					label: '↳ client process CPU',
					unit: 'cores',
					summary: summarize(rs.map((x) => x.clientCores)),
					digits: 2
				}
			);
			const holes = rs.reduce((s, x) => s + x.holes, 0);
			const dropped = rs.reduce((s, x) => s + x.dropped, 0);
			if (holes > 0 || dropped > 0) {
				notes.push(
					`${v.key}: ${holes} seq holes and ${dropped} entries reported dropped during the windows.`
				);
			}
			const cpu = summarize(rs.map((x) => x.gatewayCpuUsPerEntry)).median;
			const cores = summarize(rs.map((x) => x.gatewayCores)).median;
			notes.push(
				`${v.key}: at ${cpu.toFixed(1)} µs of gateway CPU per entry, one fully busy core would ` +
					`deliver at most ${Math.round(1e6 / cpu).toLocaleString('en-US')} entries/s; the gateway ` +
					`used ${cores.toFixed(2)} cores while the whole machine was busy (see the load above).`
			);
			const perFrame = summarize(rs.map((x) => x.entriesPerFrame)).median;
			const interval = v.config.batchIntervalMs ?? 50;
			notes.push(
				`${v.key}: the protocol allows one log batch per ${interval} ms per client, so with ` +
					`${Math.round(perFrame).toLocaleString('en-US')} entries per batch (the batch's byte cap or ` +
					`the firehose window, whichever is smaller) no hub can deliver more than ` +
					`${Math.round((perFrame * 1000) / interval).toLocaleString('en-US')} entries/s; measured ` +
					`${Math.round((rate.median / ((perFrame * 1000) / interval)) * 100)}% of that.`
			);
			// Only what the protocol allows counts for the bar: one batch per 50 ms per client.
			if (!v.config.deflate && interval >= 50) {
				bars.push({
					label: `≥ 200,000 entries/s, ${v.label}`,
					value: `${Math.round(rate.median).toLocaleString('en-US')}/s`,
					met: rate.median >= 200_000,
					source: 'issue 2'
				});
			}
		}
		notes.push(
			'Why the hub defaults cannot reach 200,000/s for one client: the protocol allows one log batch per ' +
				'50 ms per client (20 a second), and the defaults the issue fixes keep 10,000 log entries of history, ' +
				'so even a client served the whole history every tick gets at most 10,000 × 20 = 200,000/s, and the ' +
				"default 4 MiB batch cap holds about 5,600 of the simulator's 750-byte lines (≈ 112,000/s). A " +
				'deployment that needs more raises `maxBatchBytes`, `sendMaxBytes` and the log history, as the ' +
				'paced variant does; the CPU per entry is what decides how far that goes.'
		);
		return {
			method:
				'The gateway (server/gateway.ts, the real hub, its defaults unless the variant says) runs in a ' +
				'child process with a firehose source that publishes pre-built entries whenever the client is ' +
				'less than 90% of the log history behind, so each delivery tick finds as many entries as the ' +
				'history holds without evicting undelivered ones (bench/lib/sources.ts), or, where the variant ' +
				'says so, a paced source that publishes a fixed rate every few ms, as a real source would. Entries are real ' +
				'simulator lines (about 750 bytes of JSON each) or, where the variant says so, the compact ' +
				'fixture lines of the hub tests (about 340 bytes). One `ws` client in the runner process ' +
				'(offering permessage-deflate, as browsers do) subscribes to `logs` `*` and checks every seq; it ' +
				'finds the seqs in the raw frame rather than JSON-parsing it, so that the client is never the ' +
				`bottleneck (its CPU is shown). Each repeat connects a fresh client, warms up for ${warmupMs} ms, ` +
				`then counts whole frames for ${measureMs} ms; variants alternate within each repeat. Gateway ` +
				'CPU is process.cpuUsage() of the child over the same window (it includes the source, which serialises each entry once, ' +
				"and its 1,000 polls/s of hub.stats()); bytes on the wire are the client socket's bytesRead.",
			params: {
				repeats,
				warmupMs,
				measureMs,
				variants: variants.map((v) => ({ key: v.key, ...v.config }))
			},
			figures,
			bars,
			notes,
			raw: Object.fromEntries(runs)
		};
	}
};
