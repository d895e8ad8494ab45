/**
 * Issue 7, case 4: reconnect.
 *
 * (i) Our real client (ConnectionClient with a log store, `ws` as its WebSocket) against the
 * gateway in its own process (lib/child-roles.ts), restarted with the hub's restart, which is
 * what `POST /_faults/restart` does: a new epoch, history lost, every connection closed 1012 with
 * `retryAfterMs: 0`. Per restart: the time from the restart (the child's clock) to `open` and to
 * the first item of the new epoch reaching the client's log subscription.
 *
 * (ii) The herd (lib/herd.ts): many lightweight `ws` clients on one gateway, each reconnecting
 * after the restart's close with the delays of one policy (ours, no jitter, socket.io-client's
 * defaults); the gateway records when it accepts each upgrade, counted per 100 ms. The gateway
 * is restarted with the same hub restart (no downtime) and, in the full run, as a process
 * restart with an outage (a new process on the same port a few seconds later).
 */
import { WebSocket } from 'ws';
import { ConnectionClient } from '../../src/lib/connection/client';
import type { WebSocketConstructor } from '../../src/lib/connection/socket';
import { createLogStream } from '../../src/lib/streams/logs';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { RoleProcess, wallNow } from '../lib/child-roles';
import { buckets, Herd, POLICIES } from '../lib/herd';
import { renderPlot, writePlot } from '../lib/plot';
import { percentile, sleep, summarize } from '../lib/stats';

const BUCKET_MS = 100;
/** How long the gateway is away in the outage variant (plus the new process's start-up). */
const OUTAGE_MS = 3_000;
/** Log entries per second the gateway publishes during the restarts. */
const RESTART_RATE = 100;
/**
 * The client's `stableAfter` here (default 5,000 ms): the attempt counter resets once a link has
 * been up this long, so restarts 1.5 s apart all find a stable link, as a restart a minute
 * after the last one would with the default.
 */
const STABLE_AFTER = 1_000;
const COLORS: Record<string, string> = {
	ours: '#1f77b4',
	no_jitter: '#d62728',
	socketio: '#2ca02c'
};

interface RestartSample {
	/** Restart → `open`, ms. */
	open: number;
	/** Restart → first item of the new epoch at the log subscription, ms. */
	item: number;
	/** The backoff delay the client drew, ms. */
	delay: number;
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!check()) {
		if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
		await sleep(5);
	}
}

async function restarts(runnerPath: string, count: number): Promise<RestartSample[]> {
	const gw = await RoleProcess.start(runnerPath, 'gateway', { rate: RESTART_RATE });
	const client = new ConnectionClient(
		{ url: gw.wsUrl, stableAfter: STABLE_AFTER },
		{ WebSocketImpl: WebSocket as unknown as WebSocketConstructor }
	);
	const logs = createLogStream(client);
	const offStore = logs.logs.subscribe(() => {});
	const firstItemAt = new Map<string, number>();
	const offProbe = client.subscribe('logs', {
		resourceId: '*',
		onItems: (items, meta) => {
			const epoch = meta.recovery.epoch;
			if (items.length > 0 && epoch !== undefined && !firstItemAt.has(epoch))
				firstItemAt.set(epoch, wallNow());
		}
	});
	const opens: number[] = [];
	const delays: number[] = [];
	let was = client.state;
	const offChange = client.onChange((c) => {
		if (c.state !== was) {
			if (c.state === 'open') opens.push(wallNow());
			if (c.state === 'backoff') {
				const s = c.stats;
				if (s.nextRetryAt !== null) delays.push(s.nextRetryAt - s.enteredAt);
			}
			was = c.state;
		}
	});
	const samples: RestartSample[] = [];
	try {
		client.connect();
		await waitFor(() => client.state === 'open' && firstItemAt.size > 0, 10_000, 'first open');
		for (let i = 0; i < count; i++) {
			// A stable link (attempts reset) before each restart.
			await sleep(STABLE_AFTER + 300);
			const opensBefore = opens.length;
			const delaysBefore = delays.length;
			const r = await gw.restart();
			await waitFor(
				() => opens.length > opensBefore && firstItemAt.has(r.epoch),
				15_000,
				`reconnect after restart ${i + 1}`
			);
			samples.push({
				open: opens[opensBefore]! - r.at,
				item: firstItemAt.get(r.epoch)! - r.at,
				delay: delays[delaysBefore] ?? NaN
			});
		}
	} finally {
		offChange();
		offProbe();
		offStore();
		client.dispose();
		await gw.stop();
	}
	return samples;
}

/** How the gateway is restarted in a herd run. */
type RestartMode = 'hub' | 'outage';

interface HerdRun {
	policy: string;
	mode: RestartMode;
	/** Accepted upgrades per 100 ms from the restart. */
	histogram: number[];
	peak: number;
	/** Reconnection attempts per 100 ms as the clients scheduled them (see Herd.scheduled). */
	scheduledHistogram: number[];
	scheduledPeak: number;
	accepted: number;
	/** ms from the restart to the last accepted reconnection. */
	span: number;
	/** ms from the restart until 95% of the herd was accepted again. */
	p95Back: number;
	/** ms from the restart until the new process listened (outage), else 0. */
	upAfter: number;
	allBack: boolean;
}

/** The gateway process of the herd runs; an outage replaces it. */
interface Holder {
	gw: RoleProcess;
}

async function herdRun(
	holder: Holder,
	runnerPath: string,
	policyKey: string,
	size: number,
	mode: RestartMode,
	log: (m: string) => void
): Promise<HerdRun> {
	const policy = POLICIES.find((p) => p.key === policyKey)!;
	const herd = new Herd(holder.gw.wsUrl, policy, size);
	try {
		await herd.connectAll();
		await sleep(300);
		await holder.gw.accepts();
		herd.scheduled = [];
		let t0: number;
		let upAfter = 0;
		let allBack: boolean;
		if (mode === 'hub') {
			t0 = (await holder.gw.restart()).at;
			// socket.io-client's first delay is at most 1,500 ms; ours 500 ms. A loaded machine may
			// take a few seconds more to finish the handshakes.
			allBack = await herd.waitOpens(2, 20_000);
		} else {
			// A process restart: stop listening and close everyone (1012), end the process, and
			// start a new one on the same port once the outage has lasted OUTAGE_MS.
			const port = holder.gw.port;
			t0 = (await holder.gw.shutdown()).at;
			await holder.gw.stop();
			await sleep(Math.max(0, t0 + OUTAGE_MS - wallNow()));
			holder.gw = await RoleProcess.start(runnerPath, 'gateway', { rate: 0, port });
			upAfter = wallNow() - t0;
			allBack = await herd.waitOpens(2, 45_000);
		}
		await sleep(300);
		const times = await holder.gw.accepts();
		const histogram = buckets(times, t0, BUCKET_MS);
		const scheduledHistogram = buckets(herd.scheduled, t0, BUCKET_MS);
		const result: HerdRun = {
			policy: policyKey,
			mode,
			histogram,
			peak: Math.max(0, ...histogram),
			scheduledHistogram,
			scheduledPeak: Math.max(0, ...scheduledHistogram),
			accepted: times.length,
			span: times.length ? Math.max(...times) - t0 : NaN,
			p95Back: times.length >= size ? percentile(times, 95) - t0 : NaN,
			upAfter,
			allBack
		};
		log(
			`  herd ${mode} ${policyKey}: ${result.accepted} accepted, peak ${result.peak}/100 ms ` +
				`(scheduled attempts: ${herd.scheduled.length}, peak ${result.scheduledPeak}/100 ms), last at ${result.span.toFixed(0)} ms` +
				(mode === 'outage' ? ` (listening again at ${upAfter.toFixed(0)} ms)` : '')
		);
		return result;
	} finally {
		herd.dispose();
		// Let the gateway see every close before the next policy's herd arrives.
		for (let i = 0; i < 100 && (await holder.gw.sample()).clients > 0; i++) await sleep(50);
	}
}

/** A histogram as text: from its first non-empty bucket, at most 40 buckets, then a summary. */
function histogramText(h: readonly number[], max = 40): string {
	const first = h.findIndex((v) => v > 0);
	if (first < 0) return 'empty';
	const shown = h.slice(first, first + max);
	const rest = h.slice(first + max);
	const restCount = rest.reduce((a, b) => a + b, 0);
	return (
		`from ${(first * BUCKET_MS).toLocaleString('en-US')} ms: ${shown.join(', ')}` +
		(rest.length
			? `, … then ${restCount} more over ${(rest.length * BUCKET_MS).toLocaleString('en-US')} ms`
			: '')
	);
}

export const reconnect: BenchCase = {
	id: 'reconnect',
	title: 'Reconnect: time to open after a gateway restart, and the herd of reconnecting clients',
	browser: true,
	async run(ctx) {
		const restartCount = ctx.quick ? 3 : 20;
		const herdSize = ctx.quick ? 300 : 1_000;
		const repeats = ctx.repeats ?? (ctx.quick ? 1 : 3);

		ctx.log(`  ${restartCount} restarts with our client`);
		const rs = await restarts(ctx.runnerPath, restartCount);

		const modes: RestartMode[] = ctx.quick ? ['hub'] : ['hub', 'outage'];
		ctx.log(
			`  herd of ${herdSize}: ${modes.join(' and ')} restarts, ${repeats} repeats × ${POLICIES.length} policies`
		);
		const holder: Holder = { gw: await RoleProcess.start(ctx.runnerPath, 'gateway', { rate: 0 }) };
		const runs: Record<RestartMode, HerdRun[][]> = { hub: [], outage: [] };
		try {
			for (const mode of modes) {
				for (let r = 0; r < repeats; r++) {
					const order = POLICIES.map((p) => p.key);
					// Rotate the order between repeats, so no policy always runs first.
					for (let k = 0; k < r % order.length; k++) order.push(order.shift()!);
					const repeat: HerdRun[] = [];
					for (const key of order) {
						repeat.push(await herdRun(holder, ctx.runnerPath, key, herdSize, mode, ctx.log));
					}
					runs[mode].push(repeat);
				}
			}
		} finally {
			await holder.gw.stop();
		}

		const of = (mode: RestartMode, key: string) =>
			runs[mode].map((rep) => rep.find((x) => x.policy === key)!);
		const ratioOf = (mode: RestartMode, key: string, field: 'peak' | 'scheduledPeak' = 'peak') =>
			summarize(
				runs[mode].map((rep) => {
					const a = rep.find((x) => x.policy === key)![field];
					const b = rep.find((x) => x.policy === 'no_jitter')![field];
					return a / b;
				})
			);
		const modeLabel: Record<RestartMode, string> = {
			hub: 'hub restart (1012, no downtime)',
			outage: `process restart, ${OUTAGE_MS / 1000} s outage`
		};
		const figures: Figure[] = [
			{
				key: 'restart_to_open_ms',
				label: `restart → open (${rs.length} restarts)`,
				unit: 'ms',
				summary: summarize(rs.map((s) => s.open))
			},
			{
				key: 'restart_to_open_p95_ms',
				label: 'restart → open, p95',
				unit: 'ms',
				summary: summarize([
					percentile(
						rs.map((s) => s.open),
						95
					)
				])
			},
			{
				key: 'restart_to_first_item_ms',
				label: 'restart → first item of the new epoch',
				unit: 'ms',
				summary: summarize(rs.map((s) => s.item))
			},
			{
				key: 'restart_to_first_item_p95_ms',
				label: 'restart → first item, p95',
				unit: 'ms',
				summary: summarize([
					percentile(
						rs.map((s) => s.item),
						95
					)
				])
			},
			{
				key: 'backoff_delay_ms',
				label: '↳ of which the backoff delay the client drew',
				unit: 'ms',
				summary: summarize(rs.map((s) => s.delay))
			},
			{
				key: 'open_minus_delay_ms',
				label: '↳ restart → open minus that delay (close, handshake, welcome)',
				unit: 'ms',
				summary: summarize(rs.map((s) => s.open - s.delay)),
				digits: 1
			}
		];
		const bars: BarCheck[] = [];
		for (const mode of modes) {
			for (const p of POLICIES) {
				figures.push(
					{
						key: `herd_peak_per_100ms.${mode}.${p.key}`,
						label: `herd of ${herdSize}, ${modeLabel[mode]}: peak accepted per 100 ms, ${p.label}`,
						unit: '',
						summary: summarize(of(mode, p.key).map((x) => x.peak))
					},
					{
						key: `herd_scheduled_peak_per_100ms.${mode}.${p.key}`,
						label: '↳ peak reconnection attempts per 100 ms as the clients scheduled them',
						unit: '',
						summary: summarize(of(mode, p.key).map((x) => x.scheduledPeak))
					},
					{
						key: `herd_p95_back_ms.${mode}.${p.key}`,
						label: '↳ restart → 95% of the herd accepted again',
						unit: 'ms',
						summary: summarize(of(mode, p.key).map((x) => x.p95Back))
					},
					{
						key: `herd_span_ms.${mode}.${p.key}`,
						label: '↳ restart → last reconnection accepted',
						unit: 'ms',
						summary: summarize(of(mode, p.key).map((x) => x.span))
					}
				);
			}
			if (mode === 'outage') {
				figures.push({
					key: 'herd_outage_listening_again_ms',
					label: '↳ restart → the new process listening',
					unit: 'ms',
					summary: summarize(runs.outage.flat().map((x) => x.upAfter))
				});
			}
			const ours = ratioOf(mode, 'ours');
			figures.push(
				{
					key: `herd_peak_ratio.${mode}.ours_over_no_jitter`,
					label: `${modeLabel[mode]}: peak ours / peak no jitter (same repeat)`,
					unit: 'x',
					summary: ours,
					digits: 2
				},
				{
					key: `herd_peak_ratio.${mode}.socketio_over_no_jitter`,
					label: `${modeLabel[mode]}: peak socket.io-client / peak no jitter (same repeat)`,
					unit: 'x',
					summary: ratioOf(mode, 'socketio'),
					digits: 2
				}
			);
			const oursScheduled = ratioOf(mode, 'ours', 'scheduledPeak');
			figures.push({
				key: `herd_scheduled_peak_ratio.${mode}.ours_over_no_jitter`,
				label: `${modeLabel[mode]}: scheduled-attempt peak ours / no jitter (same repeat)`,
				unit: 'x',
				summary: oursScheduled,
				digits: 2
			});
			const peak = (key: string, field: 'peak' | 'scheduledPeak' = 'peak') =>
				summarize(of(mode, key).map((x) => x[field])).median;
			bars.push(
				{
					label: `herd of ${herdSize}, ${modeLabel[mode]}: our backoff's peak of accepted connections per 100 ms ≤ 1/5 of the no-jitter peak`,
					value: `${ours.median.toFixed(2)}x (${peak('ours')} vs ${peak('no_jitter')})`,
					met: ours.median <= 0.2,
					source: 'issue 7'
				},
				{
					label: `the same, counting reconnection attempts as the clients scheduled them (what separate machines would send)`,
					value: `${oursScheduled.median.toFixed(2)}x (${peak('ours', 'scheduledPeak')} vs ${peak('no_jitter', 'scheduledPeak')})`,
					met: oursScheduled.median <= 0.2,
					source: 'issue 7'
				}
			);
		}

		// The plot: the last repeat's histograms, one panel per restart mode.
		const notes: string[] = [];
		try {
			const png = await renderPlot(
				await ctx.browser(),
				modes.map((mode) => ({
					title: `${herdSize} clients reconnecting after a ${modeLabel[mode]}: connections accepted per ${BUCKET_MS} ms`,
					xLabel: 'ms since the restart',
					yLabel: `accepted per ${BUCKET_MS} ms`,
					xStep: BUCKET_MS,
					series: POLICIES.map((p) => ({
						label: p.label,
						color: COLORS[p.key] ?? '#000',
						values: runs[mode].at(-1)!.find((x) => x.policy === p.key)!.histogram
					}))
				}))
			);
			const written = writePlot(png, ctx.runnerPath, 'bench-herd.png');
			ctx.log(`  wrote ${written.join(', ')}`);
			notes.push(
				'![Connections accepted per 100 ms after the restart, by reconnect policy](bench-herd.png) ' +
					'(docs/bench-herd.png, the last repeat of each restart mode)'
			);
		} catch (error) {
			notes.push(`The herd plot could not be drawn: ${String(error)}`);
		}
		for (const mode of modes) {
			for (const p of POLICIES) {
				const h = runs[mode].at(-1)!.find((x) => x.policy === p.key)!;
				notes.push(
					`Histogram, ${modeLabel[mode]}, ${p.label} (accepted per 100 ms, last repeat): ` +
						histogramText(h.histogram) +
						(h.allBack ? '' : ' (not every client was back in time)')
				);
			}
		}
		const delays = summarize(rs.map((s) => s.delay));
		notes.push(
			`A lone client draws its first delay after the restart's 1012 uniformly in [0, 500] ms (the hub asks one client to spread its return over 2 ms, less than its own backoff's window; median drawn here ${delays.median.toFixed(0)} ms), so restart → open is that draw plus the close, the handshake and the welcome.`,
			`The herd: the hub closes all ${herdSize} clients at once and asks them, in the close reason, to spread their return over ${herdSize} / 500 per second = ${(herdSize / 500).toFixed(1)} s (\`spreadMs\`, hub option \`reconnectRatePerSecond\`). ` +
				'Our client draws its first attempt uniformly over that window; the no-jitter policy follows the same advice without randomness, so its whole herd arrives at the end of the window. ' +
				'Before the server sized the window (commit 5e71f04), our first attempt was uniform in [0, 500] ms whatever the herd, i.e. a fifth of it per 100 ms, and this bar was missed at 0.40x.'
		);
		return {
			method:
				`(i) Our real client (src/lib/connection ConnectionClient with a log store from src/lib/streams subscribed, ` +
				`in Node with \`ws\` as its WebSocket, every option at its default except \`stableAfter\` ${STABLE_AFTER} ms) ` +
				`against the gateway in its own process (bench/lib/child-roles.ts; a paced source publishes ${RESTART_RATE} log entries/s). ` +
				`The gateway is restarted ${restartCount} times with the hub's restart, as \`POST /_faults/restart\` does ` +
				'(new epoch, history lost, every connection closed 1012 with `retryAfterMs: 0` and a `spreadMs` sized from how many it closed; the process keeps running), ' +
				`each time once the link has been up ${STABLE_AFTER + 300} ms (stable, so the attempt counter is back to 0). ` +
				"Times run from the restart (the gateway's clock; both processes read the same wall clock) to the client's " +
				'`open` and to the first item of the new epoch at its log subscription (the history the store asks for on ' +
				`resubscribing). (ii) The herd: ${herdSize} lightweight \`ws\` clients in the runner process connect to one gateway ` +
				'process (50 handshakes at a time); the gateway is restarted, either with the same hub restart (no downtime) ' +
				(modes.includes('outage')
					? `or as a process restart (the gateway stops listening, closes everyone with 1012 and exits; a new process ` +
						`starts on the same port ${OUTAGE_MS / 1000} s later, so the attempts in between are refused); `
					: '(the full run adds a process restart with an outage); ') +
				'each client reconnects after its ' +
				"policy's delay (bench/lib/herd.ts: ours is the real client's `classifyClose` of the close and `retryDelay` with its defaults, the same without jitter, and " +
				"socket.io-client 4.8.4's Backoff with its Manager's defaults, reproduced from its source) and again with the next " +
				"attempt's delay if that fails. The gateway timestamps every upgrade it accepts; the counts per 100 ms from the " +
				'restart give the peak and the histogram. Beside them, the attempts as the clients scheduled them (the close as ' +
				"the runner saw it plus the policy's delay): what a fleet of separate machines would send, before one server's " +
				`accept rate and one client process's queueing flatten it. ${repeats} repeats, the policies in rotated order; ratios are taken within a repeat.`,
			params: {
				restarts: restartCount,
				restartRate: RESTART_RATE,
				stableAfter: STABLE_AFTER,
				herdSize,
				repeats,
				bucketMs: BUCKET_MS,
				modes,
				outageMs: OUTAGE_MS
			},
			figures,
			bars,
			notes,
			raw: { restarts: rs, herd: runs }
		};
	}
};
