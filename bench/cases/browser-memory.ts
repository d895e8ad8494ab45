/**
 * Case 4 (issue 4 bar): memory under a steady 5,000 entries/s. (b) our client path and (c) the
 * guide's approach each run in a tab of their own, at the same time, on different sites
 * (127.0.0.1 and 127.0.0.2, separate browser contexts), so each has its own renderer process and
 * JS heap. The heap is read after a forced GC (HeapProfiler.collectGarbage, twice) at 10 s and at
 * the end; the bar is the difference for (b).
 */
import type { Page } from '../cdp';
import type { IngestMode, RunOptions, RunStatus } from '../page/api';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { simulatorEntries } from '../lib/entries';
import { startFrameServer, type FrameServer } from '../lib/frame-server';
import { renderPlot, writePlot } from '../lib/plot';
import { sleep, summarize } from '../lib/stats';

const RATE = 5_000;
const PER_FRAME = 250; // one frame per 50 ms, as the hub batches
const MAX_BUFFER = 10_000;
const MB = 1e6;

interface Track {
	mode: IngestMode;
	page: Page;
	handle: number;
	/** [seconds since start, heap used bytes after GC, entries]. */
	samples: [number, number, number][];
	baseline: number;
}

export const browserMemory: BenchCase = {
	id: 'browser-memory',
	title: `Browser memory: ${RATE.toLocaleString('en-US')} entries/s, maxBufferSize ${MAX_BUFFER.toLocaleString('en-US')}`,
	browser: true,
	async run(ctx) {
		const seconds = ctx.quick ? 20 : 60;
		const every = 5;
		const browser = await ctx.browser();
		let server: FrameServer | undefined;
		const tracks: Track[] = [];
		try {
			server = await startFrameServer(ctx.pageDir, { simulator: simulatorEntries(2_000) });
			const modes: IngestMode[] = ['client', 'guide'];
			for (const [i, mode] of modes.entries()) {
				const origin = server.origins[i]!;
				const page = await browser.newPage('about:blank', { isolated: true });
				await page.goto(`${origin}/`, 'window.kecsBench && window.kecsBench.ready');
				const baseline = (await page.heapAfterGc()).usedSize;
				tracks.push({ mode, page, handle: 0, samples: [], baseline });
			}
			const t0 = performance.now();
			for (const t of tracks) {
				const url = server.wsUrl(server.origins[tracks.indexOf(t)]!, {
					n: PER_FRAME,
					rate: RATE,
					wait: t.mode === 'client' ? 'history' : 'subscribe'
				});
				const options: RunOptions = { mode: t.mode, url, maxBufferSize: MAX_BUFFER };
				t.handle = await t.page.evaluate<number>(
					`window.kecsBench.start(${JSON.stringify(options)})`
				);
			}
			// 5 s for context, then 10 s (the reference), then every `every` s to the end.
			const marks = [5];
			for (let s = 10; s <= seconds; s += every) marks.push(s);
			if (marks.at(-1) !== seconds) marks.push(seconds);
			for (const mark of marks) {
				const wait = t0 + mark * 1000 - performance.now();
				if (wait > 0) await sleep(wait);
				for (const t of tracks) {
					const heap = (await t.page.heapAfterGc()).usedSize;
					const status = await t.page.evaluate<RunStatus>(`window.kecsBench.status(${t.handle})`);
					t.samples.push([mark, heap, status.entries]);
				}
				ctx.log(
					`  ${mark} s: ` +
						tracks.map((t) => `${t.mode} ${(t.samples.at(-1)![1] / MB).toFixed(1)} MB`).join(', ')
				);
			}
			for (const t of tracks) await t.page.evaluate(`window.kecsBench.stop(${t.handle})`);
		} finally {
			for (const t of tracks) await t.page.close().catch(() => {});
			await server?.close();
		}

		const figures: Figure[] = [];
		const bars: BarCheck[] = [];
		const notes: string[] = [];
		for (const t of tracks) {
			const at10 = t.samples.find(([s]) => s === 10)!;
			const end = t.samples.at(-1)!;
			const label = t.mode === 'client' ? '(b) ours' : '(c) guide';
			figures.push(
				{
					key: `heap_baseline_mb.${t.mode}`,
					label: `${label}: heap before connecting`,
					unit: 'MB',
					summary: summarize([t.baseline / MB]),
					digits: 1
				},
				{
					key: `heap_10s_mb.${t.mode}`,
					label: `${label}: heap after 10 s`,
					unit: 'MB',
					summary: summarize([at10[1] / MB]),
					digits: 1
				},
				{
					key: `heap_end_mb.${t.mode}`,
					label: `${label}: heap after ${end[0]} s`,
					unit: 'MB',
					summary: summarize([end[1] / MB]),
					digits: 1
				},
				{
					key: `heap_growth_mb.${t.mode}`,
					label: `${label}: growth from 10 s to the end`,
					unit: 'MB',
					summary: summarize([(end[1] - at10[1]) / MB]),
					digits: 2
				},
				{
					key: `heap_samples_mb.${t.mode}`,
					label: `${label}: heap at each sample from 10 s on`,
					unit: 'MB',
					summary: summarize(t.samples.filter(([s]) => s >= 10).map(([, h]) => h / MB)),
					digits: 1
				},
				{
					key: `entries_per_s.${t.mode}`,
					label: `${label}: entries/s taken (check)`,
					unit: '/s',
					summary: summarize([(end[2] - at10[2]) / (end[0] - 10)])
				}
			);
			notes.push(
				`${label}: heap after GC (MB) at ` +
					t.samples.map(([s, h]) => `${s} s ${(h / MB).toFixed(1)}`).join(', ') +
					'.'
			);
			if (t.mode === 'client') {
				const growth = (end[1] - at10[1]) / MB;
				bars.push({
					label: `(b) heap at ${end[0]} s within 10 MB of the heap at 10 s`,
					value: `${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MB`,
					met: Math.abs(growth) <= 10,
					source: 'issues 4, 7'
				});
			}
		}
		try {
			// The samples are 5 s apart from 5 s on; the heap before connecting stands at 0 s.
			const png = await renderPlot(browser, [
				{
					title: `JS heap after GC at ${RATE.toLocaleString('en-US')} entries/s, maxBufferSize ${MAX_BUFFER.toLocaleString('en-US')}`,
					xLabel: 'seconds since the stream started',
					yLabel: 'MB',
					xStep: 5,
					steps: false,
					series: tracks.map((t) => ({
						label:
							t.mode === 'client'
								? '(b) ours: ConnectionClient → log store'
								: '(c) KECS guide: [...logs, e].slice(-max)',
						color: t.mode === 'client' ? '#1f6feb' : '#d1242f',
						values: [t.baseline / MB, ...t.samples.map(([, h]) => h / MB)]
					}))
				}
			]);
			const written = writePlot(png, ctx.runnerPath, 'bench-memory.png');
			ctx.log(`  wrote ${written.join(', ')}`);
			notes.push(
				'![JS heap after GC over the run, (b) ours and (c) the guide](bench-memory.png) (docs/bench-memory.png)'
			);
		} catch (error) {
			notes.push(`The memory plot could not be drawn: ${String(error)}`);
		}
		try {
			const renderers = (await browser.processes()).filter((p) => p.type === 'renderer').length;
			notes.push(`Renderer processes while measuring: ${renderers} (one per site).`);
		} catch {
			// SystemInfo is not available in every build; the note is optional.
		}
		return {
			method:
				`The bench server sends ${PER_FRAME}-entry frames every 50 ms (${RATE.toLocaleString('en-US')} entries/s) ` +
				`to two tabs at once: (b) our client path with maxBufferSize ${MAX_BUFFER.toLocaleString('en-US')} and its ` +
				"`logs` store subscribed, and (c) the guide's approach with the same cap, each in its own " +
				'browser context and site, hence its own renderer process and heap. JS heap = ' +
				'Runtime.getHeapUsage().usedSize after two HeapProfiler.collectGarbage, read over CDP every ' +
				`${every} s to ${seconds} s. One run (n = 1 per figure; the per-sample series is in the notes and the plot).`,
			params: {
				rate: RATE,
				perFrame: PER_FRAME,
				maxBufferSize: MAX_BUFFER,
				seconds,
				sampleEverySeconds: every
			},
			figures,
			bars,
			notes,
			raw: tracks.map((t) => ({ mode: t.mode, baseline: t.baseline, samples: t.samples }))
		};
	}
};
