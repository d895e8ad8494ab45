/**
 * Case 3 (issues 4 and 7 bar): log entries per second into a Chromium tab, side by side:
 * (a) a bare WebSocket that only JSON-parses (the limit), (b) our whole client path into the log
 * store, (c) the KECS guide's approach, (d) partysocket's and reconnecting-websocket's
 * reconnecting sockets with hand-written glue feeding the same store, on the same frames from the
 * same bench server. (b) runs with the client's default transport (frames decoded on the main
 * thread), which the figures and bars without a suffix are; `client_worker` is (b) with
 * `transport: 'worker'`, for comparison.
 *
 * Why the bench server and not the gateway: the gateway sends at most one frame per client per
 * delivery tick and shapes its batches by time, so the frames a tab gets would depend on the
 * tab's own speed; the bench server sends identical pre-built frames (100 entries, or 1) as fast
 * as each tab drains them, which is what "the same frames" needs. It answers the handshake our
 * client performs (welcome, subscribed, history) as the gateway does (bench/lib/frame-server.ts).
 */
import type { Browser, Page } from '../cdp';
import type { IngestMode, IngestOptions, IngestResult } from '../page/api';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { compactEntries, meanEntryBytes, minimalEntries, simulatorEntries } from '../lib/entries';
import { startFrameServer, type FrameServer } from '../lib/frame-server';
import { summarize } from '../lib/stats';

const MAX_BUFFER = 10_000;
const MODES: readonly IngestMode[] = [
	'bare',
	'client',
	'client_worker',
	'guide',
	'partysocket',
	'reconnecting_websocket'
];
const MODE_LABEL: Record<IngestMode, string> = {
	bare: '(a) bare WebSocket + JSON.parse',
	client: '(b) ours: ConnectionClient → log store (main-thread transport, the default)',
	client_worker: '(b worker) ours, transport: worker (decoded in a Web Worker)',
	guide: '(c) KECS guide: [...logs, e].slice(-10000)',
	partysocket: '(d1) partysocket 1.3.0 + JSON.parse glue → the same log store',
	reconnecting_websocket: '(d2) reconnecting-websocket 4.4.0 + JSON.parse glue → the same log store'
};
/** The modes the bars are about; the others are measured in full runs. */
const BAR_MODES: readonly IngestMode[] = ['bare', 'client', 'guide'];
const isClient = (mode: IngestMode) => mode === 'client' || mode === 'client_worker';

type Profile = 'simulator' | 'compact' | 'minimal';

interface Variant {
	key: string;
	label: string;
	perFrame: number;
	profile: Profile;
	deflate: boolean;
	quick: boolean;
}

const VARIANTS: Variant[] = [
	{
		key: 'batched',
		label: 'batched (100/frame)',
		perFrame: 100,
		profile: 'simulator',
		deflate: false,
		quick: true
	},
	{
		key: 'single',
		label: 'single-entry frames',
		perFrame: 1,
		profile: 'simulator',
		deflate: false,
		quick: true
	},
	{
		key: 'batched_compact',
		label: 'batched (100/frame), compact entries',
		perFrame: 100,
		profile: 'compact',
		deflate: false,
		quick: true
	},
	{
		key: 'single_compact',
		label: 'single-entry frames, compact entries',
		perFrame: 1,
		profile: 'compact',
		deflate: false,
		quick: false
	},
	{
		key: 'batched_minimal',
		label: 'batched (100/frame), minimal entries',
		perFrame: 100,
		profile: 'minimal',
		deflate: false,
		quick: false
	},
	{
		key: 'batched_deflate',
		label: 'batched (100/frame), permessage-deflate',
		perFrame: 100,
		profile: 'simulator',
		deflate: true,
		quick: false
	}
];

async function openPage(browser: Browser, origin: string): Promise<Page> {
	const page = await browser.newPage('about:blank', { isolated: true });
	await page.goto(`${origin}/`, 'window.kecsBench && window.kecsBench.ready');
	return page;
}

export const browserIngest: BenchCase = {
	id: 'browser-ingest',
	title: 'Browser ingest: entries/s into a Chromium tab, (a) bare vs (b) ours vs (c) guide',
	browser: true,
	async run(ctx) {
		const repeats = ctx.repeats ?? (ctx.quick ? 2 : 7);
		const warmupMs = ctx.quick ? 200 : 500;
		const measureMs = ctx.quick ? 400 : 2_000;
		// BENCH_INGEST_VARIANTS=key,key: only those variants (for a quick look at one of them).
		const only = process.env.BENCH_INGEST_VARIANTS?.split(',').filter(Boolean);
		// --quick (CI's smoke run) takes only the modes the bars compare: (a), (b) and (c).
		const modes = ctx.quick ? MODES.filter((m) => BAR_MODES.includes(m)) : MODES;
		const variants = VARIANTS.filter((v) =>
			only?.length ? only.includes(v.key) : !ctx.quick || v.quick
		);
		const profiles: Record<Profile, ReturnType<typeof simulatorEntries>> = {
			simulator: simulatorEntries(2_000),
			compact: compactEntries(2_000),
			minimal: minimalEntries(2_000)
		};
		const launchedAt = performance.now();
		const browser = await ctx.browser();
		ctx.log(`  chromium ready in ${((performance.now() - launchedAt) / 1000).toFixed(1)} s`);
		let server: FrameServer | undefined;
		let page: Page | undefined;
		type Runs = Record<IngestMode, IngestResult[]>;
		const results = new Map<string, Runs>(
			variants.map((v) => [
				v.key,
				{
					bare: [],
					client: [],
					client_worker: [],
					guide: [],
					partysocket: [],
					reconnecting_websocket: []
				}
			])
		);
		try {
			server = await startFrameServer(ctx.pageDir, profiles);
			page = await openPage(browser, server.origins[0]);
			// One throwaway run per mode: the first run in a fresh tab pays for JIT and the network
			// service's warm-up, which would land on whichever mode happened to go first.
			for (const mode of modes) {
				const url = server.wsUrl(server.origins[0], {
					n: 100,
					wait: isClient(mode) ? 'history' : 'subscribe'
				});
				const options: IngestOptions = {
					mode,
					url,
					maxBufferSize: MAX_BUFFER,
					warmupMs: 200,
					measureMs: 300
				};
				await page.evaluate(`window.kecsBench.ingest(${JSON.stringify(options)})`);
			}
			await page.send('HeapProfiler.collectGarbage');
			for (let r = 0; r < repeats; r++) {
				// Rotate the order each repeat so no mode always runs first (or right after the guide's garbage).
				const order = modes.map((_, i) => modes[(i + r) % modes.length]!);
				for (const v of variants) {
					const variantAt = performance.now();
					for (const mode of order) {
						const url = server.wsUrl(
							server.origins[0],
							{ n: v.perFrame, p: v.profile, wait: isClient(mode) ? 'history' : 'subscribe' },
							v.deflate
						);
						const options: IngestOptions = {
							mode,
							url,
							maxBufferSize: MAX_BUFFER,
							warmupMs,
							measureMs
						};
						// BENCH_INGEST_PROFILE=dir: a CPU profile of the page per variant and mode (first
						// repeat), for finding where a mode spends its time.
						const profileDir = r === 0 ? process.env.BENCH_INGEST_PROFILE : undefined;
						if (profileDir) {
							await page.send('Profiler.enable');
							await page.send('Profiler.start');
						}
						const t = performance.now();
						const result = await page.evaluate<IngestResult>(
							`window.kecsBench.ingest(${JSON.stringify(options)})`
						);
						if (profileDir) {
							const { profile } = await page.send<{ profile: unknown }>('Profiler.stop');
							const { writeFile } = await import('node:fs/promises');
							await writeFile(
								`${profileDir}/ingest-${v.key}-${mode}.cpuprofile`,
								JSON.stringify(profile)
							);
						}
						results.get(v.key)![mode].push(result);
						const t2 = performance.now();
						// Start each measurement from a collected heap.
						await page.send('HeapProfiler.collectGarbage');
						if (process.env.BENCH_DEBUG) {
							ctx.log(
								`    ${mode}: ${((t2 - t) / 1000).toFixed(1)} s, gc ${((performance.now() - t2) / 1000).toFixed(1)} s, ` +
									`startup ${(result.startupMs / 1000).toFixed(2)} s, window ${result.seconds.toFixed(2)} s, ` +
									`total ${(result.totalMs / 1000).toFixed(2)} s, ${result.samples} samples, ${result.publications} publications`
							);
						}
					}
					const runs = results.get(v.key)!;
					ctx.log(
						`  ${v.key} #${r + 1} (${((performance.now() - variantAt) / 1000).toFixed(1)} s): ` +
							modes
								.map((m) => `${m} ${Math.round(runs[m][r]!.rate).toLocaleString('en-US')}/s`)
								.join(', ')
					);
				}
			}
		} finally {
			await page?.close().catch(() => {});
			await server?.close();
		}

		const figures: Figure[] = [];
		const bars: BarCheck[] = [];
		const notes: string[] = [];
		for (const v of variants) {
			const runs = results.get(v.key)!;
			for (const mode of modes) {
				figures.push({
					key: `entries_per_s.${v.key}.${mode}`,
					label: `${MODE_LABEL[mode]}, ${v.label}`,
					unit: 'entries/s',
					summary: summarize(runs[mode].map((x) => x.rate))
				});
			}
			const ratio = (num: IngestMode, den: IngestMode) =>
				summarize(runs[num].map((x, i) => x.rate / runs[den][i]!.rate));
			const ba = ratio('client', 'bare');
			const bc = ratio('client', 'guide');
			const ac = ratio('bare', 'guide');
			figures.push(
				{
					key: `ratio_b_a.${v.key}`,
					label: `(b)/(a), ${v.label}`,
					unit: 'x',
					summary: ba,
					digits: 2
				},
				{
					key: `ratio_b_c.${v.key}`,
					label: `(b)/(c), ${v.label}`,
					unit: 'x',
					summary: bc,
					digits: 2
				},
				{
					key: `ratio_a_c.${v.key}`,
					label: `(a)/(c), the most (b)/(c) can be with the main thread parsing, ${v.label}`,
					unit: 'x',
					summary: ac,
					digits: 2
				}
			);
			const others: [string, string, IngestMode, IngestMode][] = [
				['ratio_b_d1', '(b)/(d1) partysocket', 'client', 'partysocket'],
				['ratio_b_d2', '(b)/(d2) reconnecting-websocket', 'client', 'reconnecting_websocket'],
				['ratio_b_worker_a', '(b worker)/(a): transport worker', 'client_worker', 'bare'],
				[
					'ratio_b_worker_b',
					'(b worker)/(b): worker transport over the default main thread',
					'client_worker',
					'client'
				]
			];
			for (const [key, label, num, den] of others) {
				if (!modes.includes(num) || !modes.includes(den)) continue;
				figures.push({
					key: `${key}.${v.key}`,
					label: `${label}, ${v.label}`,
					unit: 'x',
					summary: ratio(num, den),
					digits: 2
				});
			}
			const what = `${v.label} (entries of ${Math.round(meanEntryBytes(profiles[v.profile]))} bytes)`;
			if (v.perFrame > 1 && !v.deflate) {
				bars.push(
					{
						label: `(b)/(a) ≥ 0.5, ${what}`,
						value: `${ba.median.toFixed(2)}x`,
						met: ba.median >= 0.5,
						source: 'issues 4, 7'
					},
					{
						label: `(b)/(c) ≥ 5, ${what}, maxBufferSize 10,000`,
						value: `${bc.median.toFixed(2)}x (bound (a)/(c) ${ac.median.toFixed(2)}x)`,
						met: bc.median >= 5,
						source: 'issues 4, 7'
					}
				);
			}
			if (v.perFrame === 1) {
				bars.push({
					label: `(b) within 10% of (a), ${what}`,
					value: `${ba.median.toFixed(2)}x`,
					met: ba.median >= 0.9,
					source: 'issue 7'
				});
			}
			const clientRuns = [...runs.client, ...runs.client_worker];
			const invalid = clientRuns.reduce((sum, x) => sum + x.invalid, 0);
			const dropped = clientRuns.reduce((sum, x) => sum + x.dropped, 0);
			const wrongTransport = [
				...runs.client.filter((x) => x.transport !== 'main'),
				...runs.client_worker.filter((x) => x.transport !== 'worker')
			];
			if (wrongTransport.length) {
				notes.push(
					`${v.key}: ${wrongTransport.length} client runs used another transport than asked (the worker failed?).`
				);
			}
			if (invalid || dropped) {
				notes.push(
					`${v.key}: our client counted ${invalid} invalid frames and ${dropped} dropped lines.`
				);
			}
			const short = clientRuns.filter((x) => x.held < Math.min(MAX_BUFFER, x.entries));
			if (short.length)
				notes.push(
					`${v.key}: the store held fewer lines than it received in ${short.length} runs.`
				);
		}
		const profileSizes = (Object.keys(profiles) as Profile[])
			.map((p) => `${p} ${Math.round(meanEntryBytes(profiles[p]))} bytes`)
			.join(', ');
		return {
			method:
				'One Chromium tab (launched directly, driven over CDP; bench/page/main.ts built with Vite from ' +
				'`$lib`, minified as in production) connects to the bench WebSocket server on loopback, which ' +
				"sends pre-built frames with consecutive seqs as fast as the tab's socket drains. Entries: " +
				'real simulator lines, the compact fixture lines the hub tests use, or minimal lines (only ' +
				"the protocol's required fields and a short message; mean JSON size: " +
				`${profileSizes}). Entries are counted in requestAnimationFrame samples; for (b) the count is ` +
				'what the published `logs` store shows (it is subscribed, so it materialises its array each ' +
				`frame as \`$logs\` does). (b) uses the client's default transport: frames received and ` +
				"decoded on the main thread; (b worker) is the same client with `transport: 'worker'` (a " +
				'dedicated Worker receives and decodes, the main thread takes decoded messages by structured ' +
				"clone). (d1) and (d2) are partysocket's and reconnecting-websocket's reconnecting sockets with " +
				'the glue a developer would write around them (subscribe on open, JSON.parse, hand log entries ' +
				'to our log store through its StreamClient interface; no validation, ordering or resume: ' +
				'bench/page/peers.ts). Each measurement: connect, warm up ' +
				`${warmupMs} ms from the first entry, count for ${measureMs} ms, disconnect, collect garbage. ` +
				'The six modes (in `--quick`, only (a), (b) and (c)) run one after another in each repeat (order rotated), and the ratios are ' +
				'taken within a repeat. (a)/(c) bounds (b)/(c), which cannot beat (a); the worker ' +
				'transport takes the parsing off the main thread, so (b worker) could, given a spare core.',
			params: {
				repeats,
				warmupMs,
				measureMs,
				maxBufferSize: MAX_BUFFER,
				variants,
				entryBytes: Object.fromEntries(
					(Object.keys(profiles) as Profile[]).map((p) => [p, meanEntryBytes(profiles[p])])
				),
				browser: browser.version
			},
			figures,
			bars,
			notes,
			raw: Object.fromEntries(results)
		};
	}
};
