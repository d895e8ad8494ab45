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
 * defaults); the gateway records when it accepts each upgrade, counted per 100 ms.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WebSocket } from 'ws';
import { ConnectionClient } from '../../src/lib/connection/client';
import type { WebSocketConstructor } from '../../src/lib/connection/socket';
import { createLogStream } from '../../src/lib/streams/logs';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { RoleProcess, wallNow } from '../lib/child-roles';
import { buckets, Herd, POLICIES } from '../lib/herd';
import { renderPlot } from '../lib/plot';
import { percentile, sleep, summarize } from '../lib/stats';

const BUCKET_MS = 100;
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

interface HerdRun {
	policy: string;
	/** Accepted upgrades per 100 ms from the restart. */
	histogram: number[];
	peak: number;
	accepted: number;
	/** ms from the restart to the last accepted reconnection. */
	span: number;
	allBack: boolean;
}

async function herdRun(
	gw: RoleProcess,
	policyKey: string,
	size: number,
	log: (m: string) => void
): Promise<HerdRun> {
	const policy = POLICIES.find((p) => p.key === policyKey)!;
	const herd = new Herd(gw.wsUrl, policy, size);
	try {
		await herd.connectAll();
		await sleep(300);
		await gw.accepts();
		const r = await gw.restart();
		// socket.io-client's first delay is at most 1,500 ms; ours 500 ms. A loaded machine may
		// take a few seconds more to finish the handshakes.
		const allBack = await herd.waitOpens(2, 20_000);
		await sleep(300);
		const times = await gw.accepts();
		const histogram = buckets(times, r.at, BUCKET_MS);
		const result: HerdRun = {
			policy: policyKey,
			histogram,
			peak: Math.max(0, ...histogram),
			accepted: times.length,
			span: times.length ? Math.max(...times) - r.at : NaN,
			allBack
		};
		log(
			`  herd ${policyKey}: ${result.accepted} accepted, peak ${result.peak}/100 ms, last at ${result.span.toFixed(0)} ms`
		);
		return result;
	} finally {
		herd.dispose();
		// Let the gateway see every close before the next policy's herd arrives.
		for (let i = 0; i < 100 && (await gw.sample()).clients > 0; i++) await sleep(50);
	}
}

/** Write the PNG where the docs want it (unless `--no-write`) and always under bench/out/. */
function writePlot(png: Buffer, runnerPath: string): string[] {
	const root = resolve(dirname(runnerPath), '../..');
	const out = join(root, 'bench/out/bench-herd.png');
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, png);
	const written = [out];
	if (!process.argv.includes('--no-write')) {
		const docs = join(root, 'docs/bench-herd.png');
		writeFileSync(docs, png);
		written.push(docs);
	}
	return written;
}

export const reconnect: BenchCase = {
	id: 'reconnect',
	title: 'Reconnect: time to open after a gateway restart, and the herd of reconnecting clients',
	browser: true,
	async run(ctx) {
		const restartCount = ctx.quick ? 5 : 20;
		const herdSize = ctx.quick ? 300 : 1_000;
		const repeats = ctx.repeats ?? (ctx.quick ? 2 : 3);

		ctx.log(`  ${restartCount} restarts with our client`);
		const rs = await restarts(ctx.runnerPath, restartCount);

		ctx.log(`  herd of ${herdSize}, ${repeats} repeats × ${POLICIES.length} policies`);
		const gw = await RoleProcess.start(ctx.runnerPath, 'gateway', { rate: 0 });
		const runs: HerdRun[][] = [];
		try {
			for (let r = 0; r < repeats; r++) {
				const order = POLICIES.map((p) => p.key);
				// Rotate the order between repeats, so no policy always runs on a warm process.
				for (let k = 0; k < r % order.length; k++) order.push(order.shift()!);
				const repeat: HerdRun[] = [];
				for (const key of order) repeat.push(await herdRun(gw, key, herdSize, ctx.log));
				runs.push(repeat);
			}
		} finally {
			await gw.stop();
		}

		const of = (key: string) => runs.map((rep) => rep.find((x) => x.policy === key)!);
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
				summary: summarize([percentile(rs.map((s) => s.open), 95)])
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
				summary: summarize([percentile(rs.map((s) => s.item), 95)])
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
		for (const p of POLICIES) {
			figures.push({
				key: `herd_peak_per_100ms.${p.key}`,
				label: `herd of ${herdSize}: peak accepted per 100 ms, ${p.label}`,
				unit: '',
				summary: summarize(of(p.key).map((x) => x.peak))
			});
			figures.push({
				key: `herd_span_ms.${p.key}`,
				label: `↳ restart → last reconnection accepted`,
				unit: 'ms',
				summary: summarize(of(p.key).map((x) => x.span))
			});
		}
		const ratioOf = (key: string) =>
			summarize(
				runs.map((rep) => {
					const a = rep.find((x) => x.policy === key)!.peak;
					const b = rep.find((x) => x.policy === 'no_jitter')!.peak;
					return a / b;
				})
			);
		const oursRatio = ratioOf('ours');
		figures.push(
			{
				key: 'herd_peak_ratio.ours_over_no_jitter',
				label: 'peak ours / peak no jitter (same repeat)',
				unit: 'x',
				summary: oursRatio,
				digits: 2
			},
			{
				key: 'herd_peak_ratio.socketio_over_no_jitter',
				label: 'peak socket.io-client / peak no jitter (same repeat)',
				unit: 'x',
				summary: ratioOf('socketio'),
				digits: 2
			}
		);
		const bars: BarCheck[] = [
			{
				label: `herd of ${herdSize}: our backoff's peak per 100 ms ≤ 1/5 of the no-jitter peak`,
				value: `${oursRatio.median.toFixed(2)}x (${summarize(of('ours').map((x) => x.peak)).median} vs ${summarize(of('no_jitter').map((x) => x.peak)).median})`,
				met: oursRatio.median <= 0.2,
				source: 'issue 7'
			}
		];

		// The plot: the last repeat's three histograms.
		const last = runs.at(-1)!;
		const notes: string[] = [];
		try {
			const png = await renderPlot(await ctx.browser(), {
				title: `${herdSize} clients reconnecting after a gateway restart: connections accepted per ${BUCKET_MS} ms`,
				xLabel: 'ms since the restart',
				yLabel: `accepted per ${BUCKET_MS} ms`,
				xStep: BUCKET_MS,
				series: POLICIES.map((p) => ({
					label: p.label,
					color: COLORS[p.key] ?? '#000',
					values: last.find((x) => x.policy === p.key)!.histogram
				}))
			});
			const written = writePlot(png, ctx.runnerPath);
			ctx.log(`  wrote ${written.join(', ')}`);
			notes.push(
				`![Connections accepted per 100 ms after the restart, by reconnect policy](bench-herd.png) (docs/bench-herd.png, the last repeat)`
			);
		} catch (error) {
			notes.push(`The herd plot could not be drawn: ${String(error)}`);
		}
		for (const p of POLICIES) {
			const h = last.find((x) => x.policy === p.key)!;
			notes.push(
				`Histogram, ${p.label} (accepted per 100 ms from the restart, last repeat): ${h.histogram.join(', ')}` +
					(h.allBack ? '' : ' (not every client was back within 20 s)')
			);
		}
		const delays = summarize(rs.map((s) => s.delay));
		notes.push(
			`Our client draws its first delay after the restart's 1012 uniformly in [0, 500] ms (median drawn here ${delays.median.toFixed(0)} ms), so restart → open is that draw plus the close, the handshake and the welcome.`
		);
		return {
			method:
				`(i) Our real client (src/lib/connection ConnectionClient with a log store from src/lib/streams subscribed, ` +
				`in Node with \`ws\` as its WebSocket, every option at its default except \`stableAfter\` ${STABLE_AFTER} ms) ` +
				`against the gateway in its own process (bench/lib/child-roles.ts; a paced source publishes ${RESTART_RATE} log entries/s). ` +
				`The gateway is restarted ${restartCount} times with the hub's restart, as \`POST /_faults/restart\` does ` +
				'(new epoch, history lost, every connection closed 1012 with `retryAfterMs: 0`; the process keeps running), ' +
				`each time once the link has been up ${STABLE_AFTER + 300} ms (stable, so the attempt counter is back to 0). ` +
				"Times run from the restart (the gateway's clock; both processes read the same wall clock) to the client's " +
				'`open` and to the first item of the new epoch at its log subscription (the history the store asks for on ' +
				`resubscribing). (ii) The herd: ${herdSize} lightweight \`ws\` clients in the runner process connect to one gateway ` +
				'process (50 handshakes at a time); the hub is restarted (same restart); each client reconnects after its ' +
				"policy's delay (bench/lib/herd.ts: our `backoffDelay` with the defaults, the same without jitter, and " +
				"socket.io-client 4.8.4's Backoff with its Manager's defaults, reproduced from its source) and again with the next " +
				"attempt's delay if that fails. The gateway timestamps every upgrade it accepts; the counts per 100 ms from the " +
				`restart give the peak and the histogram. ${repeats} repeats, the policies in rotated order; ratios are taken within a repeat.`,
			params: {
				restarts: restartCount,
				restartRate: RESTART_RATE,
				stableAfter: STABLE_AFTER,
				herdSize,
				repeats,
				bucketMs: BUCKET_MS
			},
			figures,
			bars,
			notes,
			raw: { restarts: rs, herd: runs }
		};
	}
};
