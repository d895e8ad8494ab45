/**
 * Case 3 of issue 7 (and the issue 4 bar): memory under a steady 5,000 entries/s, in two phases
 * of the same length, one after the other.
 *
 * 1. Without a view (as before, so the figures and the bar stay comparable): (b) our client path
 *    and (c) the guide's approach each run in a tab of their own, at the same time, on different
 *    sites (127.0.0.1 and 127.0.0.2, separate browser contexts), so each has its own renderer
 *    process and JS heap. The heap is read after a forced GC (HeapProfiler.collectGarbage, twice)
 *    at 10 s and at the end; the bar is the difference for (b).
 * 2. With the view each would show (bench/page/views.ts), in a 1280 × 800 viewport: (b view) the
 *    dashboard's LogViewer mounted on our log stream, following the newest line; (c view) the
 *    guide's list, every buffered entry a row (GuideLogList.svelte). At each sample: the heap after
 *    GC as above, then the renderer's DOM counters (Memory.getDOMCounters: live DOM nodes, whether
 *    in the document or not, so after the GC a leak of detached nodes would show), and the
 *    elements in the document (`document.getElementsByTagName('*')`).
 */
import type { Page } from '../cdp';
import type { IngestMode, RunOptions, RunStatus } from '../page/api';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { simulatorEntries } from '../lib/entries';
import { startFrameServer, type FrameServer } from '../lib/frame-server';
import { renderPlot, writePlot, type PlotSeries } from '../lib/plot';
import { sleep, summarize } from '../lib/stats';

const RATE = 5_000;
const PER_FRAME = 250; // one frame per 50 ms, as the hub batches
const MAX_BUFFER = 10_000;
const MB = 1e6;
const VIEWPORT = { width: 1280, height: 800 };

type TrackKey = 'client' | 'guide' | 'client_view' | 'guide_view';

interface TrackSpec {
	key: TrackKey;
	mode: IngestMode;
	view: boolean;
	label: string;
	plotLabel: string;
	color: string;
}

const PHASES: readonly (readonly TrackSpec[])[] = [
	[
		{
			key: 'client',
			mode: 'client',
			view: false,
			label: '(b) ours',
			plotLabel: '(b) ours: ConnectionClient → log store, no view',
			color: '#1f6feb'
		},
		{
			key: 'guide',
			mode: 'guide',
			view: false,
			label: '(c) guide',
			plotLabel: '(c) KECS guide: [...logs, e].slice(-max), no view',
			color: '#d1242f'
		}
	],
	[
		{
			key: 'client_view',
			mode: 'client',
			view: true,
			label: '(b view) ours + LogViewer',
			plotLabel: '(b view) ours + the LogViewer (windowed list)',
			color: '#0a3069'
		},
		{
			key: 'guide_view',
			mode: 'guide',
			view: true,
			label: '(c view) guide + its list',
			plotLabel: '(c view) KECS guide + its list (every entry a row)',
			color: '#f0883e'
		}
	]
];

/** `Memory.getDOMCounters`. */
interface DomCounters {
	documents: number;
	nodes: number;
	jsEventListeners: number;
}

interface Sample {
	/** The mark: seconds since the streams started. */
	s: number;
	/** When the status was read, in seconds since the streams started. */
	at: number;
	/** JS heap used after GC, bytes. */
	heap: number;
	status: RunStatus;
	/** View tracks only. */
	dom?: DomCounters;
	/** View tracks only: elements in the document. */
	elements?: number;
}

interface Track extends TrackSpec {
	page: Page;
	handle: number;
	samples: Sample[];
	baseline: { heap: number; dom?: DomCounters; elements?: number };
}

const ELEMENTS = "document.getElementsByTagName('*').length";

export const browserMemory: BenchCase = {
	id: 'browser-memory',
	title: `Browser memory: ${RATE.toLocaleString('en-US')} entries/s, maxBufferSize ${MAX_BUFFER.toLocaleString('en-US')}, heap and DOM nodes`,
	browser: true,
	async run(ctx) {
		const seconds = ctx.quick ? 8 : 60;
		const every = ctx.quick ? 4 : 5;
		// The reference sample, which later ones are compared with: 10 s, as the bar says (4 s in
		// --quick, a smoke run of 8 s).
		const ref = ctx.quick ? 4 : 10;
		const browser = await ctx.browser();
		let server: FrameServer | undefined;
		const tracks: Track[] = [];
		const renderers: number[] = [];
		// 5 s for context (not in --quick), then the reference, then every `every` s to the end.
		const marks = ctx.quick ? [] : [5];
		for (let s = ref; s <= seconds; s += every) marks.push(s);
		if (marks.at(-1) !== seconds) marks.push(seconds);
		try {
			server = await startFrameServer(ctx.pageDir, { simulator: simulatorEntries(2_000) });
			// --quick runs the four tracks at once (one phase) to stay short; full runs keep the views
			// away from the view-less tracks.
			for (const specs of ctx.quick ? [PHASES.flat()] : PHASES) {
				const phase: Track[] = [];
				try {
					for (const [i, spec] of specs.entries()) {
						const origin = server.origins[i]!;
						const page = await browser.newPage('about:blank', { isolated: true });
						const track: Track = { ...spec, page, handle: 0, samples: [], baseline: { heap: 0 } };
						phase.push(track);
						if (spec.view) {
							await page.send('Emulation.setDeviceMetricsOverride', {
								...VIEWPORT,
								deviceScaleFactor: 1,
								mobile: false
							});
						}
						await page.goto(`${origin}/`, 'window.kecsBench && window.kecsBench.ready');
						track.baseline.heap = (await page.heapAfterGc()).usedSize;
						if (spec.view) {
							track.baseline.dom = await page.send<DomCounters>('Memory.getDOMCounters');
							track.baseline.elements = await page.evaluate<number>(ELEMENTS);
						}
					}
					const t0 = performance.now();
					for (const [i, t] of phase.entries()) {
						const url = server.wsUrl(server.origins[i]!, {
							n: PER_FRAME,
							rate: RATE,
							wait: t.mode === 'client' ? 'history' : 'subscribe'
						});
						const options: RunOptions = {
							mode: t.mode,
							url,
							maxBufferSize: MAX_BUFFER,
							...(t.view ? { view: true } : {})
						};
						t.handle = await t.page.evaluate<number>(
							`window.kecsBench.start(${JSON.stringify(options)})`
						);
					}
					for (const mark of marks) {
						const wait = t0 + mark * 1000 - performance.now();
						if (wait > 0) await sleep(wait);
						for (const t of phase) {
							const heap = (await t.page.heapAfterGc()).usedSize;
							const sample: Sample = { s: mark, at: 0, heap, status: undefined! };
							if (t.view) sample.dom = await t.page.send<DomCounters>('Memory.getDOMCounters');
							const read = await t.page.evaluate<{ status: RunStatus; elements: number }>(
								`({ status: window.kecsBench.status(${t.handle}), elements: ${ELEMENTS} })`
							);
							sample.at = (performance.now() - t0) / 1000;
							sample.status = read.status;
							if (t.view) sample.elements = read.elements;
							t.samples.push(sample);
						}
						ctx.log(
							`  ${mark} s: ` +
								phase
									.map((t) => {
										const last = t.samples.at(-1)!;
										const dom = last.dom ? `, ${last.dom.nodes.toLocaleString('en-US')} nodes` : '';
										return `${t.key} ${(last.heap / MB).toFixed(1)} MB${dom}`;
									})
									.join('; ')
						);
					}
					try {
						renderers.push((await browser.processes()).filter((p) => p.type === 'renderer').length);
					} catch {
						// SystemInfo is not available in every build; the note is optional.
					}
					for (const t of phase) await t.page.evaluate(`window.kecsBench.stop(${t.handle})`);
				} finally {
					for (const t of phase) await t.page.close().catch(() => {});
					tracks.push(...phase);
				}
			}
		} finally {
			await server?.close();
		}

		const figures: Figure[] = [];
		const bars: BarCheck[] = [];
		const notes: string[] = [];
		const mb = (key: string, label: string, values: number[], digits = 1): Figure => ({
			key,
			label,
			unit: 'MB',
			summary: summarize(values.map((v) => v / MB)),
			digits
		});
		const count = (key: string, label: string, value: number, unit = '', digits = 0): Figure => ({
			key,
			label,
			unit,
			summary: summarize([value]),
			digits
		});
		const ends = new Map<TrackKey, { atRef: Sample; end: Sample }>();
		for (const t of tracks) {
			const atRef = t.samples.find(({ s }) => s === ref)!;
			const end = t.samples.at(-1)!;
			ends.set(t.key, { atRef, end });
			const label = t.label;
			const k = t.key;
			/** The heap figures every track reports (`growth` names the growth line, as before). */
			const heapFigures = (growth: string): Figure[] => [
				mb(`heap_baseline_mb.${k}`, `${label}: heap before connecting`, [t.baseline.heap]),
				mb(`heap_10s_mb.${k}`, `${label}: heap after ${ref} s`, [atRef.heap]),
				mb(`heap_end_mb.${k}`, `${label}: heap after ${end.s} s`, [end.heap]),
				mb(
					`heap_growth_mb.${k}`,
					`${label}: ${growth} from ${ref} s to the end`,
					[end.heap - atRef.heap],
					2
				),
				mb(
					`heap_samples_mb.${k}`,
					`${label}: heap at each sample from ${ref} s on`,
					t.samples.filter(({ s }) => s >= ref).map(({ heap }) => heap)
				)
			];
			if (!t.view) {
				// Exactly as before the view phase existed (same keys, same arithmetic).
				figures.push(
					...heapFigures('growth'),
					count(
						`entries_per_s.${k}`,
						`${label}: entries/s taken (check)`,
						(end.status.entries - atRef.status.entries) / (end.s - ref),
						'/s'
					)
				);
				notes.push(
					`${label}: heap after GC (MB) at ` +
						t.samples.map(({ s, heap }) => `${s} s ${(heap / MB).toFixed(1)}`).join(', ') +
						'.'
				);
				if (t.mode === 'client') {
					const growth = (end.heap - atRef.heap) / MB;
					bars.push({
						label: `(b) heap at ${end.s} s within 10 MB of the heap at ${ref} s`,
						value: `${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB`,
						met: Math.abs(growth) <= 10,
						source: 'issues 4, 7'
					});
				}
				continue;
			}
			// With the view: rates over the time between the two status reads (a busy tab answers late).
			const span = end.at - atRef.at;
			const nodes = (x: Sample) => x.dom!.nodes;
			const taken = (end.status.entries - atRef.status.entries) / span;
			const fps = ((end.status.animationFrames ?? 0) - (atRef.status.animationFrames ?? 0)) / span;
			const renders = ((end.status.renders ?? 0) - (atRef.status.renders ?? 0)) / span;
			figures.push(
				count(
					`dom_nodes_baseline.${k}`,
					`${label}: DOM nodes before connecting`,
					t.baseline.dom!.nodes
				),
				count(`dom_nodes_10s.${k}`, `${label}: DOM nodes after ${ref} s`, nodes(atRef)),
				count(`dom_nodes_end.${k}`, `${label}: DOM nodes after ${end.s} s`, nodes(end)),
				count(
					`dom_nodes_growth.${k}`,
					`${label}: DOM nodes, growth from ${ref} s to the end`,
					nodes(end) - nodes(atRef)
				),
				{
					key: `dom_nodes_samples.${k}`,
					label: `${label}: DOM nodes at each sample from ${ref} s on`,
					unit: '',
					summary: summarize(t.samples.filter(({ s }) => s >= ref).map(nodes))
				},
				count(
					`dom_elements_end.${k}`,
					`${label}: elements in the document after ${end.s} s`,
					end.elements!
				),
				count(
					`rows_in_dom_end.${k}`,
					`${label}: log rows in the DOM after ${end.s} s`,
					end.status.rowsInDom ?? NaN
				),
				count(
					`js_listeners_end.${k}`,
					`${label}: JS event listeners after ${end.s} s`,
					end.dom!.jsEventListeners
				),
				...heapFigures('heap growth'),
				count(
					`entries_per_s.${k}`,
					`${label}: entries/s taken from ${ref} s to the end (offered ${RATE.toLocaleString('en-US')})`,
					taken,
					'/s'
				),
				count(
					`fps.${k}`,
					`${label}: animation frames per second from ${ref} s to the end`,
					fps,
					'fps',
					1
				)
			);
			if (t.mode === 'guide') {
				figures.push(
					count(
						`renders_per_s.${k}`,
						`${label}: list renders per second from ${ref} s to the end`,
						renders,
						'/s',
						1
					)
				);
			}
			if (taken < 0.9 * RATE) {
				notes.push(
					`${label} fell behind: from ${ref} s to the end it took ${Math.round(taken).toLocaleString('en-US')} ` +
						`of the ${RATE.toLocaleString('en-US')} entries/s offered, at ${fps.toFixed(1)} animation ` +
						'frames per second' +
						(t.mode === 'guide' ? ` and ${renders.toFixed(1)} list renders per second` : '') +
						'. The frames it did not take waited in its socket and at the server (a paced frame ' +
						'goes out only while less than 1 MiB is unflushed); its buffer held ' +
						`${end.status.held.toLocaleString('en-US')} entries at the end.`
				);
			}
			notes.push(
				`${label}: DOM nodes / heap after GC (MB) at ` +
					[
						`0 s ${t.baseline.dom!.nodes} / ${(t.baseline.heap / MB).toFixed(1)}`,
						...t.samples.map(
							(x) =>
								`${x.s} s ${x.dom!.nodes.toLocaleString('en-US')} / ${(x.heap / MB).toFixed(1)}`
						)
					].join(', ') +
					'.'
			);
		}
		const bv = ends.get('client_view');
		const cv = ends.get('guide_view');
		if (bv && cv) {
			figures.push(
				count(
					'dom_nodes_ratio_end.guide_view_over_client_view',
					`(c view)/(b view): DOM nodes after ${cv.end.s} s`,
					cv.end.dom!.nodes / bv.end.dom!.nodes,
					'x',
					1
				),
				count(
					'heap_ratio_end.guide_view_over_client_view',
					`(c view)/(b view): heap after ${cv.end.s} s`,
					cv.end.heap / bv.end.heap,
					'x',
					2
				)
			);
		}
		try {
			// The value before connecting stands at 0 s, then a sample every 5 s (5 s, 10 s, …).
			const series = (pick: (t: Track) => number[] | undefined): PlotSeries[] =>
				tracks.flatMap((t) => {
					const values = pick(t);
					return values ? [{ label: t.plotLabel, color: t.color, values }] : [];
				});
			const png = await renderPlot(browser, [
				{
					title: `JS heap after GC at ${RATE.toLocaleString('en-US')} entries/s, maxBufferSize ${MAX_BUFFER.toLocaleString('en-US')}`,
					xLabel: 'seconds since the stream started',
					yLabel: 'MB',
					xStep: 5,
					steps: false,
					series: series((t) => [t.baseline.heap / MB, ...t.samples.map((x) => x.heap / MB)])
				},
				{
					title: 'DOM nodes (Memory.getDOMCounters, after GC), with the view mounted',
					xLabel: 'seconds since the stream started',
					yLabel: 'nodes',
					xStep: 5,
					steps: false,
					series: series((t) =>
						t.view ? [t.baseline.dom!.nodes, ...t.samples.map((x) => x.dom!.nodes)] : undefined
					)
				}
			]);
			const written = writePlot(png, ctx.runnerPath, 'bench-memory.png');
			ctx.log(`  wrote ${written.join(', ')}`);
			notes.push(
				'![JS heap after GC and DOM nodes over the run, (b) ours and (c) the guide, without and with the view](bench-memory.png) (docs/bench-memory.png)'
			);
		} catch (error) {
			notes.push(`The memory plot could not be drawn: ${String(error)}`);
		}
		if (renderers.length) {
			notes.push(
				`Renderer processes in the browser while measuring: ${renderers.join(' (phase 1) and ')} ` +
					'(phase 2). Each tab has a browser context of its own, and Chromium never shares a ' +
					'renderer process between contexts.'
			);
		}
		const rate = RATE.toLocaleString('en-US');
		const max = MAX_BUFFER.toLocaleString('en-US');
		return {
			method:
				`The bench server sends ${PER_FRAME}-entry frames every 50 ms (${rate} entries/s; a tab that ` +
				'cannot keep up gets them late, so entries/s taken says whether it did), to two tabs at once, ' +
				'each in its own browser context and site, hence its own renderer process and heap. ' +
				`Phase 1, no view: (b) our client path with maxBufferSize ${max} and its \`logs\` store ` +
				"subscribed, and (c) the guide's approach with the same cap. Phase 2, then, with the view " +
				`each would show, in a ${VIEWPORT.width} × ${VIEWPORT.height} viewport: (b view) the ` +
				"dashboard's LogViewer (src/lib/components/LogViewer.svelte, a windowed list) mounted on " +
				'our log stream and following the newest line; (c view) the guide\'s "Log Streaming" ' +
				'component, `logs.map(log => <div key={log.id}>[{log.timestamp}] {log.level}: ' +
				'{log.message}</div>)` over its whole buffer, as a Svelte 5 keyed `{#each}` ' +
				'(bench/page/GuideLogList.svelte), rendered once per animation frame when `logs` changed, ' +
				"as React 18 batches one message's updates. The two view tabs also run at once, so they " +
				"share the machine's cores: a tab that saturates one slows the other (frames per second " +
				"are given as a check, not as the render case's figure). JS heap = Runtime.getHeapUsage().usedSize " +
				'after two HeapProfiler.collectGarbage; DOM nodes = Memory.getDOMCounters().nodes ' +
				"read right after (every live node of the tab's renderer, in the document or detached); " +
				"elements = document.getElementsByTagName('*').length. Read over CDP every " +
				`${every} s to ${seconds} s. One run (n = 1 per figure; the per-sample series is in the ` +
				'notes and the plot).',
			params: {
				rate: RATE,
				perFrame: PER_FRAME,
				maxBufferSize: MAX_BUFFER,
				seconds,
				sampleEverySeconds: every,
				viewport: VIEWPORT
			},
			figures,
			bars,
			notes,
			raw: tracks.map((t) => ({
				mode: t.key,
				baseline: t.view ? t.baseline : t.baseline.heap,
				samples: t.view
					? t.samples.map((x) => ({
							s: x.s,
							at: x.at,
							heap: x.heap,
							entries: x.status.entries,
							dom: x.dom,
							elements: x.elements,
							rowsInDom: x.status.rowsInDom,
							animationFrames: x.status.animationFrames,
							renders: x.status.renders
						}))
					: t.samples.map((x) => [x.s, x.heap, x.status.entries])
			}))
		};
	}
};
