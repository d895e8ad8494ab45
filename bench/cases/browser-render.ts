/**
 * Case 2 of issue 7 (and issue 5's bar): the dashboard's LogViewer under load. One Chromium tab
 * mounts the real LogViewer on our real client path (bench/page/render.ts) while the bench server
 * streams stamped entries at a set rate, batched as the gateway batches them (one frame per 50 ms,
 * so rate / 20 entries per frame). Per rate: frames per second, the 95th percentile frame
 * interval, long tasks, and latency from the server's send time to the row on screen.
 */
import type { Page } from '../cdp';
import type { RenderOptions, RenderResult } from '../page/api';

/** One way of putting the stream on screen, measured at every rate. */
interface Setup {
	/** Appended to the figure keys: '' for the LogViewer on the default transport. */
	suffix: string;
	transport?: NonNullable<RenderOptions['transport']>;
	view?: NonNullable<RenderOptions['view']>;
}
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { simulatorEntries } from '../lib/entries';
import { startFrameServer, type FrameServer } from '../lib/frame-server';
import { summarize } from '../lib/stats';

const MAX_BUFFER = 10_000;
const RATES = [1_000, 10_000, 50_000, 100_000, 200_000];
const QUICK_RATES = [100_000];
/** The gateway's delivery interval: one frame per 50 ms per client. */
const FRAMES_PER_SECOND = 20;

export const browserRender: BenchCase = {
	id: 'browser-render',
	title: 'Render: the LogViewer at 1k–200k entries/s (fps, p95 frame, long tasks, latency)',
	browser: true,
	async run(ctx) {
		const repeats = ctx.repeats ?? (ctx.quick ? 1 : 3);
		const warmupMs = ctx.quick ? 500 : 1_000;
		const measureMs = ctx.quick ? 2_000 : 5_000;
		// BENCH_RENDER_RATES=100000,200000: only those rates (for a profile or a trace of one).
		const onlyRates = process.env.BENCH_RENDER_RATES?.split(',')
			.map(Number)
			.filter((r) => r > 0);
		const rates = onlyRates?.length ? onlyRates : ctx.quick ? QUICK_RATES : RATES;
		const entries = simulatorEntries(2_000);
		// Each window runs once per setup: the LogViewer on our client (its default transport, or what
		// BENCH_RENDER_TRANSPORT says: `worker`, or `both` for the default then `worker`), then the
		// bare baseline (a bare socket and a bare windowed list), under the same load.
		const env = process.env.BENCH_RENDER_TRANSPORT;
		const setups: Setup[] = [
			...(env === 'both'
				? [{ suffix: '' }, { suffix: '.worker', transport: 'worker' as const }]
				: [
						env === 'main' || env === 'worker'
							? { suffix: env === 'worker' ? '.worker' : '', transport: env as Setup['transport'] }
							: { suffix: '' }
					]),
			// Also our client path shown by the bare list (full runs, or BENCH_RENDER_SPLIT=1 in
			// --quick): it splits the gap to the bare baseline into the client path's share and the
			// LogViewer's.
			...(!ctx.quick || process.env.BENCH_RENDER_SPLIT
				? [{ suffix: '.clientbare', view: 'client-bare' as const }]
				: []),
			{ suffix: '.bare', view: 'bare' as const }
		];
		const keyOf = (rate: number, setup: Setup) => `${rate}${setup.suffix}`;
		const browser = await ctx.browser();
		let server: FrameServer | undefined;
		let page: Page | undefined;
		const results = new Map<string, RenderResult[]>(
			rates.flatMap((r) => setups.map((t) => [keyOf(r, t), []] as [string, RenderResult[]]))
		);
		try {
			server = await startFrameServer(ctx.pageDir, { simulator: entries });
			page = await browser.newPage('about:blank', { isolated: true });
			await page.send('Emulation.setDeviceMetricsOverride', {
				width: 1280,
				height: 800,
				deviceScaleFactor: 1,
				mobile: false
			});
			await page.goto(`${server.origins[0]}/`, 'window.kecsBench && window.kecsBench.ready');
			const run = (rate: number, warm: number, measure: number, setup = setups[0]!) => {
				const options: RenderOptions = {
					...(setup.transport ? { transport: setup.transport } : {}),
					...(setup.view ? { view: setup.view } : {}),
					url: server!.wsUrl(server!.origins[0], {
						n: Math.max(1, Math.round(rate / FRAMES_PER_SECOND)),
						rate,
						stamp: 1,
						// The bare list subscribes by hand and asks for no history.
						wait: setup.view === 'bare' ? 'subscribe' : 'history'
					}),
					maxBufferSize: MAX_BUFFER,
					warmupMs: warm,
					measureMs: measure
				};
				return page!.evaluate<RenderResult>(`window.kecsBench.render(${JSON.stringify(options)})`);
			};
			// A throwaway run per setup: the first mount pays for compiling the component's code.
			for (const setup of setups) await run(1_000, 200, 500, setup);
			for (let r = 0; r < repeats; r++) {
				for (const rate of rates) {
					for (const setup of setups) {
						const key = keyOf(rate, setup);
						await page.send('HeapProfiler.collectGarbage');
						// BENCH_RENDER_PROFILE=dir: a CPU profile of the page per rate, for finding hot spots.
						const profileDir = process.env.BENCH_RENDER_PROFILE;
						if (profileDir) {
							await page.send('Profiler.enable');
							await page.send('Profiler.start');
						}
						// BENCH_RENDER_TRACE=dir: a trace of every renderer thread (the decoding worker's
						// too, with V8 CPU samples), for `node scripts/trace-summary.js` or Perfetto.
						const traceDir = process.env.BENCH_RENDER_TRACE;
						const stopTrace = traceDir
							? await page.trace([
									'toplevel',
									'v8',
									'devtools.timeline',
									'disabled-by-default-devtools.timeline',
									'disabled-by-default-v8.cpu_profiler'
								])
							: undefined;
						const result = await run(rate, warmupMs, measureMs, setup);
						if (stopTrace) {
							const events = await stopTrace();
							const { writeFile } = await import('node:fs/promises');
							await writeFile(
								`${traceDir}/render-${key}.trace.json`,
								JSON.stringify({ traceEvents: events })
							);
						}
						if (profileDir) {
							const { profile } = await page.send<{ profile: unknown }>('Profiler.stop');
							const { writeFile } = await import('node:fs/promises');
							await writeFile(`${profileDir}/render-${key}.cpuprofile`, JSON.stringify(profile));
						}
						results.get(key)!.push(result);
						ctx.log(
							`  ${rate.toLocaleString('en-US')}/s #${r + 1}: ${result.fps.toFixed(1)} fps, p95 frame ` +
								`${result.p95FrameMs.toFixed(1)} ms, ${result.longTasks} long tasks, latency p50 ` +
								`${Math.round(result.latencyP50Ms)} ms p95 ${Math.round(result.latencyP95Ms)} ms, ` +
								`took ${Math.round(result.entriesPerSecond).toLocaleString('en-US')}/s, ${result.rowsInDom} rows in the DOM, ` +
								(setup.view === 'bare'
									? 'bare list'
									: setup.view === 'client-bare'
										? `our client, bare list, transport ${result.transport}`
										: `transport ${result.transport}`)
						);
					}
				}
			}
		} finally {
			await page?.close().catch(() => {});
			await server?.close();
		}

		const figures: Figure[] = [];
		const bars: BarCheck[] = [];
		const notes: string[] = [];
		for (const rate of rates) {
			for (const setup of setups) {
				const k = keyOf(rate, setup);
				const rs = results.get(k)!;
				const on =
					setup.view === 'bare'
						? ', bare baseline (bare socket + bare windowed list)'
						: setup.view === 'client-bare'
							? ', our client path shown by the bare list'
							: setup.transport === 'worker'
								? ', transport worker'
								: '';
				const at = `at ${rate.toLocaleString('en-US')} entries/s${on}`;
				figures.push(
					{
						key: `fps.${k}`,
						label: `frames per second ${at}`,
						unit: 'fps',
						summary: summarize(rs.map((x) => x.fps)),
						digits: 1
					},
					{
						key: `p95_frame_ms.${k}`,
						label: '↳ p95 frame interval',
						unit: 'ms',
						summary: summarize(rs.map((x) => x.p95FrameMs)),
						digits: 1
					},
					{
						key: `max_frame_ms.${k}`,
						label: '↳ longest frame interval',
						unit: 'ms',
						summary: summarize(rs.map((x) => x.maxFrameMs)),
						digits: 1
					},
					{
						key: `long_tasks.${k}`,
						label: '↳ long tasks (≥ 50 ms) in the window',
						unit: '',
						summary: summarize(rs.map((x) => x.longTasks))
					},
					{
						key: `latency_p50_ms.${k}`,
						label: '↳ server → screen latency, median',
						unit: 'ms',
						summary: summarize(rs.map((x) => x.latencyP50Ms))
					},
					{
						key: `latency_p95_ms.${k}`,
						label: '↳ server → screen latency, p95',
						unit: 'ms',
						summary: summarize(rs.map((x) => x.latencyP95Ms))
					},
					{
						key: `taken_per_s.${k}`,
						label: '↳ entries/s the store took (keeping up means ≈ the rate)',
						unit: 'entries/s',
						summary: summarize(rs.map((x) => x.entriesPerSecond))
					},
					{
						key: `rows_in_dom.${k}`,
						label: '↳ log rows in the DOM (windowed list)',
						unit: '',
						summary: summarize(rs.map((x) => x.rowsInDom))
					}
				);
				if (rate === 100_000 && !on) {
					const fps = summarize(rs.map((x) => x.fps)).median;
					const longTasks = rs.reduce((s, x) => s + x.longTasks, 0);
					const bare = results.get(keyOf(rate, setups.at(-1)!))!;
					const bareFps = summarize(bare.map((x) => x.fps)).median;
					const bareLong = bare.reduce((s, x) => s + x.longTasks, 0);
					bars.push({
						label: 'LogViewer holds 60 fps with no long task at 100,000 entries/s',
						value:
							`${fps.toFixed(1)} fps, ${longTasks} long tasks in ${rs.length} windows ` +
							`(bare baseline: ${bareFps.toFixed(1)} fps, ${bareLong} long tasks)`,
						met: fps >= 57 && longTasks === 0,
						source: 'issues 5, 7'
					});
				}
				if (setup.view === 'client-bare') {
					const fpsOf = (key: string) =>
						summarize(results.get(key)!.map((x) => x.fps)).median.toFixed(1);
					notes.push(
						`${rate.toLocaleString('en-US')}/s, where the frames go: the LogViewer on our client ` +
							`${fpsOf(keyOf(rate, setups[0]!))} fps, our client shown by the bare list ` +
							`${fpsOf(k)} fps, the bare baseline ${fpsOf(keyOf(rate, setups.at(-1)!))} fps.`
					);
				}
				const behind = rs.filter((x) => x.entriesPerSecond < rate * 0.9);
				if (behind.length) {
					notes.push(
						`${rate.toLocaleString('en-US')}/s${on}: in ${behind.length} of ${rs.length} windows the store took less than 90% of the rate (the page fell behind; the server held frames back).`
					);
				}
			}
		}
		return {
			method:
				'One Chromium tab (launched directly, driven over CDP, viewport 1280 × 800) mounts the ' +
				"dashboard's LogViewer (src/lib/components/LogViewer.svelte, built for production) on our " +
				'ConnectionClient (its default transport: frames received and decoded on the main thread) and log ' +
				'store (maxBufferSize 10,000), following the newest line. The bench ' +
				'server sends one frame every 50 ms with rate / 20 entries, as the gateway batches, and ' +
				'stamps every entry with its send time. Frames per second and intervals come from ' +
				'requestAnimationFrame; long tasks from a PerformanceObserver; latency is measured at each ' +
				'frame on the newest row in the DOM (what the previous frame painted), as now − its ' +
				`timestamp, so it includes up to one frame of slack. Warm-up ${warmupMs} ms from the first ` +
				`row, then a ${measureMs} ms window per rate; garbage collected between rates. 57 fps counts ` +
				'as holding 60 (a frame or two of timer jitter per second). Each window is also run with ' +
				'the bare baseline (bench/page/render.ts): a bare WebSocket that JSON-parses each frame into ' +
				'a plain ring of 10,000 entries and a bare windowed list of plain rows (as many divs as fit, ' +
				'their text set once per animation frame), the least any page must do to show these lines; ' +
				'where it cannot hold 60 fps either, the rate is beyond what this machine can show, whatever ' +
				'the component. Full runs add a third setup between the two, our client path (connection, ' +
				'codec, registry, log store) shown by the same bare list, which splits the gap between ' +
				'the client path and the component.',
			params: {
				repeats,
				warmupMs,
				measureMs,
				rates,
				maxBufferSize: MAX_BUFFER,
				setups: setups.map((t) => ({
					key: t.suffix || '(LogViewer, default transport)',
					transport: t.transport ?? 'default',
					view: t.view ?? 'logviewer'
				})),
				browser: browser.version
			},
			figures,
			bars,
			notes,
			raw: Object.fromEntries(results)
		};
	}
};
