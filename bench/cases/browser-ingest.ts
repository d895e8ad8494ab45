/**
 * Case 3 (issues 4 and 7 bar): log entries per second into a Chromium tab, side by side:
 * (a) a bare WebSocket that only JSON-parses (the limit), (b) our whole client path into the log
 * store, (c) the KECS guide's approach, on the same frames from the same bench server.
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
import { meanEntryBytes, simulatorEntries } from '../lib/entries';
import { startFrameServer, type FrameServer } from '../lib/frame-server';
import { summarize } from '../lib/stats';

const MAX_BUFFER = 10_000;
const MODES: readonly IngestMode[] = ['bare', 'client', 'guide'];
const MODE_LABEL: Record<IngestMode, string> = {
	bare: '(a) bare WebSocket + JSON.parse',
	client: '(b) ours: ConnectionClient → log store',
	guide: '(c) KECS guide: [...logs, e].slice(-10000)'
};

interface Variant {
	key: string;
	label: string;
	perFrame: number;
	deflate: boolean;
	quick: boolean;
}

const VARIANTS: Variant[] = [
	{ key: 'batched', label: 'batched frames (100 entries)', perFrame: 100, deflate: false, quick: true },
	{ key: 'single', label: 'single-entry frames', perFrame: 1, deflate: false, quick: true },
	{
		key: 'batched_deflate',
		label: 'batched frames (100 entries), permessage-deflate',
		perFrame: 100,
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
		const repeats = ctx.repeats ?? (ctx.quick ? 3 : 7);
		const warmupMs = ctx.quick ? 300 : 500;
		const measureMs = ctx.quick ? 800 : 2_000;
		const variants = VARIANTS.filter((v) => !ctx.quick || v.quick);
		const entries = simulatorEntries(2_000);
		const browser = await ctx.browser();
		let server: FrameServer | undefined;
		let page: Page | undefined;
		type Runs = Record<IngestMode, IngestResult[]>;
		const results = new Map<string, Runs>(
			variants.map((v) => [v.key, { bare: [], client: [], guide: [] }])
		);
		try {
			server = await startFrameServer(ctx.pageDir, entries);
			page = await openPage(browser, server.origins[0]);
			for (let r = 0; r < repeats; r++) {
				// Rotate the order each repeat so no mode always runs first (or right after the guide's garbage).
				const order = MODES.map((_, i) => MODES[(i + r) % MODES.length]!);
				for (const v of variants) {
					for (const mode of order) {
						const url = server.wsUrl(
							server.origins[0],
							{ n: v.perFrame, wait: mode === 'client' ? 'history' : 'subscribe' },
							v.deflate
						);
						const options: IngestOptions = { mode, url, maxBufferSize: MAX_BUFFER, warmupMs, measureMs };
						const result = await page.evaluate<IngestResult>(
							`window.kecsBench.ingest(${JSON.stringify(options)})`
						);
						results.get(v.key)![mode].push(result);
						// Start each measurement from a collected heap.
						await page.send('HeapProfiler.collectGarbage');
					}
					const runs = results.get(v.key)!;
					ctx.log(
						`  ${v.key} #${r + 1}: ` +
							MODES.map((m) => `${m} ${Math.round(runs[m][r]!.rate).toLocaleString('en-US')}/s`).join(', ')
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
			for (const mode of MODES) {
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
			figures.push(
				{ key: `ratio_b_a.${v.key}`, label: `(b)/(a), ${v.label}`, unit: 'x', summary: ba, digits: 2 },
				{ key: `ratio_b_c.${v.key}`, label: `(b)/(c), ${v.label}`, unit: 'x', summary: bc, digits: 1 }
			);
			if (v.perFrame === 1) {
				figures.push({
					key: `frames_per_s.${v.key}.bare`,
					label: `(a) frames/s, ${v.label}`,
					unit: '/s',
					summary: summarize(runs.bare.map((x) => x.rate))
				});
			}
			if (v.key === 'batched') {
				bars.push(
					{ label: '(b)/(a) ≥ 0.5 on batched frames', value: `${ba.median.toFixed(2)}x`, met: ba.median >= 0.5, source: 'issues 4, 7' },
					{ label: '(b)/(c) ≥ 5 on batched frames, maxBufferSize 10,000', value: `${bc.median.toFixed(1)}x`, met: bc.median >= 5, source: 'issues 4, 7' }
				);
			}
			if (v.key === 'single') {
				bars.push({
					label: '(b) within 10% of (a) on single-entry frames',
					value: `${ba.median.toFixed(2)}x`,
					met: ba.median >= 0.9,
					source: 'issue 7'
				});
			}
			const invalid = runs.client.reduce((s, x) => s + x.invalid, 0);
			const dropped = runs.client.reduce((s, x) => s + x.dropped, 0);
			if (invalid || dropped) notes.push(`${v.key}: our client counted ${invalid} invalid frames and ${dropped} dropped lines.`);
			const held = runs.client.map((x) => x.held);
			if (held.some((h) => h !== MAX_BUFFER)) notes.push(`${v.key}: store held ${Math.min(...held)}–${Math.max(...held)} lines at the end (expected ${MAX_BUFFER}).`);
			const pubs = runs.client.map((x) => x.publications / (x.seconds + warmupMs / 1000));
			notes.push(`${v.key}: the log store published ${Math.round(summarize(pubs).median)} times per second (once per animation frame at most).`);
		}
		return {
			method:
				'One Chromium tab (launched directly, driven over CDP; bench/page/main.ts built with Vite from ' +
				'`$lib`) connects to the bench WebSocket server on loopback, which sends pre-built frames of ' +
				'real simulator entries (mean ' +
				`${Math.round(meanEntryBytes(entries))} bytes of JSON each) with consecutive seqs, as fast as the tab's socket ` +
				'drains. Entries are counted in requestAnimationFrame samples; for (b) the count is what the ' +
				'published `logs` store shows (it is subscribed, so it materialises its array each frame as ' +
				`\`$logs\` does). Each measurement: connect, warm up ${warmupMs} ms from the first entry, count for ` +
				`${measureMs} ms, disconnect, collect garbage. The three modes run one after another in each ` +
				'repeat (order rotated), and the ratios are taken within a repeat.',
			params: { repeats, warmupMs, measureMs, maxBufferSize: MAX_BUFFER, variants, browser: browser.version },
			figures,
			bars,
			notes,
			raw: Object.fromEntries(results)
		};
	}
};
