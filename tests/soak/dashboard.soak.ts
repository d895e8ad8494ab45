/**
 * The soak: the dashboard (`/`) in headless Chromium for SOAK_MINUTES (default 10) against a
 * real gateway at 200 log lines/s with metrics each second, a fault every 30 s (drop, restart,
 * stall-pongs, refuse), heap (after a forced GC) and DOM nodes sampled every 10 s through CDP,
 * and the page's log buffer checked every 10 s for holes it did not announce. Writes
 * test-results/soak/soak.json; scripts/soak.js turns it into docs.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { WebSocket } from 'ws';
import { account } from '../faults/lib/accounting';
import { lastSeq, openDashboard, seqs, transitions } from '../faults/lib/browser';
import { GatewayProcess } from '../faults/lib/gateway';

const MINUTES = Number(process.env.SOAK_MINUTES ?? '10');
const RATE = 200;
const TASKS = 30;
const SAMPLE_MS = 10_000;
const FAULT_MS = 30_000;
const FAULTS = ['drop', 'restart', 'stall-pongs', 'refuse?seconds=5'] as const;
const OUT = process.env.SOAK_OUT ?? resolve(import.meta.dirname, '../../test-results/soak');

interface Sample {
	/** Minutes since the start. */
	t: number;
	heapBytes: number;
	nodes: number;
	lastSeq: number;
	state: string;
}

test('soak: heap and DOM flat, no unannounced hole in the log seq', async ({ page, context }) => {
	const gw = await GatewayProcess.start({ SIM_LOG_RATE: String(RATE), SIM_TASKS: String(TASKS) });
	try {
		const errors = await openDashboard(page, gw);
		const cdp = await context.newCDPSession(page);
		await cdp.send('Performance.enable');
		const samples: Sample[] = [];
		const faults: { t: number; fault: string }[] = [];
		const holes = new Map<string, number>();
		let repeats = 0;
		let announcedGaps = 0;
		let linesChecked = 0;
		const start = performance.now();
		const minutes = () => (performance.now() - start) / 60_000;
		let nextFault = FAULT_MS;
		let nextSample = 0;
		let faultIndex = 0;
		while (performance.now() - start < MINUTES * 60_000) {
			const elapsed = performance.now() - start;
			if (elapsed >= nextSample) {
				nextSample += SAMPLE_MS;
				await cdp.send('HeapProfiler.collectGarbage');
				const { metrics } = await cdp.send('Performance.getMetrics');
				const metric = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
				const items = await seqs(page);
				const a = account(items);
				for (const h of a.holes) holes.set(`${h.from}`, h.missing);
				for (const r of a.repeats) {
					const at = items.findIndex((i, k) => k > 0 && i.seq === r && items[k - 1]!.seq >= r);
					console.log(`repeat of ${r}:`, JSON.stringify(items.slice(Math.max(0, at - 4), at + 4)));
				}
				repeats = Math.max(repeats, a.duplicated);
				announcedGaps = Math.max(announcedGaps, a.announcedGaps);
				linesChecked += a.lines;
				samples.push({
					t: minutes(),
					heapBytes: metric('JSHeapUsedSize'),
					nodes: metric('Nodes'),
					lastSeq: await lastSeq(page),
					state: String(await page.evaluate(() => window.__kecsLive?.connectionState?.()))
				});
				const s = samples.at(-1)!;
				console.log(
					`${s.t.toFixed(2)} min heap ${(s.heapBytes / 1e6).toFixed(2)} MB nodes ${s.nodes} seq ${s.lastSeq} ${s.state} holes ${holes.size}`
				);
			}
			if (elapsed >= nextFault) {
				nextFault += FAULT_MS;
				const fault = FAULTS[faultIndex++ % FAULTS.length]!;
				await gw.fault(fault);
				if (fault.startsWith('refuse')) await gw.fault('drop');
				faults.push({ t: minutes(), fault });
			}
			await page.waitForTimeout(250);
		}
		const log = await transitions(page);
		const runningTasks = await runningTaskCount(gw.wsUrl);
		const slope = (from: number) => {
			const pts = samples.filter((s) => s.t >= from);
			const n = pts.length;
			const mx = pts.reduce((a, p) => a + p.t, 0) / n;
			const my = pts.reduce((a, p) => a + p.heapBytes, 0) / n;
			const num = pts.reduce((a, p) => a + (p.t - mx) * (p.heapBytes - my), 0);
			const den = pts.reduce((a, p) => a + (p.t - mx) ** 2, 0);
			return num / den / 1024; // KB per minute
		};
		const nodesSlope = (() => {
			const pts = samples.filter((s) => s.t >= 1);
			const n = pts.length;
			const mx = pts.reduce((a, p) => a + p.t, 0) / n;
			const my = pts.reduce((a, p) => a + p.nodes, 0) / n;
			return (
				pts.reduce((a, p) => a + (p.t - mx) * (p.nodes - my), 0) /
				pts.reduce((a, p) => a + (p.t - mx) ** 2, 0)
			);
		})();
		const result = {
			date: new Date().toISOString(),
			minutes: MINUTES,
			rate: RATE,
			tasks: TASKS,
			runningTasks,
			faults,
			samples,
			heapSlopeKBPerMin: slope(0),
			heapSlopeAfterWarmupKBPerMin: slope(Math.min(1, MINUTES / 5)),
			nodesSlopePerMin: nodesSlope,
			silentHoles: [...holes].map(([from, missing]) => ({ from: Number(from), missing })),
			repeats,
			announcedGapsMax: announcedGaps,
			linesCheckedSum: linesChecked,
			reconnects: log.filter((t) => t.to === 'link.connecting').length - 1,
			pageErrors: errors
		};
		mkdirSync(OUT, { recursive: true });
		writeFileSync(resolve(OUT, 'soak.json'), JSON.stringify(result, null, 2));
		await plot(page, result);
		expect(result.silentHoles).toEqual([]);
		expect(result.repeats).toBe(0);
		expect(errors.filter((e) => !/ERR_CONNECTION_REFUSED/.test(e))).toEqual([]);
	} finally {
		await gw.kill();
	}
});

/** Tasks RUNNING in the gateway's task history (its latest update per task). */
async function runningTaskCount(wsUrl: string): Promise<number> {
	const ws = new WebSocket(wsUrl);
	try {
		const reply = await new Promise<{ items: { taskId: string; task?: { lastStatus: string } }[] }>(
			(ok, fail) => {
				ws.on('error', fail);
				ws.on('open', () =>
					ws.send(
						JSON.stringify({
							type: 'request_history',
							id: 't',
							payload: { stream: 'tasks', limit: 1000 }
						})
					)
				);
				ws.on('message', (d: Buffer) => {
					const m = JSON.parse(d.toString()) as { id?: string; payload: never };
					if (m.id === 't') ok(m.payload);
				});
			}
		);
		const latest = new Map<string, string | undefined>();
		for (const u of reply.items) if (u.task) latest.set(u.taskId, u.task.lastStatus);
		return [...latest.values()].filter((s) => s === 'RUNNING').length;
	} finally {
		ws.terminate();
	}
}

/** Draw heap and DOM nodes over time on a canvas and screenshot it. */
async function plot(
	page: import('@playwright/test').Page,
	result: {
		samples: Sample[];
		faults: { t: number; fault: string }[];
		heapSlopeAfterWarmupKBPerMin: number;
		minutes: number;
	}
): Promise<void> {
	await page.goto('about:blank');
	await page.setViewportSize({ width: 900, height: 420 });
	await page.evaluate((r) => {
		document.body.style.margin = '0';
		document.body.style.background = '#fff';
		const c = document.createElement('canvas');
		c.width = 900;
		c.height = 420;
		document.body.appendChild(c);
		const g = c.getContext('2d')!;
		const L = 70;
		const R = 830;
		const T = 40;
		const B = 370;
		const tMax = Math.max(r.minutes, ...r.samples.map((s) => s.t));
		const heap = r.samples.map((s) => s.heapBytes / 1e6);
		const nodes = r.samples.map((s) => s.nodes);
		const hMax = Math.max(...heap) * 1.2;
		const nMax = Math.max(...nodes) * 1.2;
		const x = (t: number) => L + ((R - L) * t) / tMax;
		g.font = '13px sans-serif';
		g.fillStyle = '#222';
		g.fillText(
			`Dashboard soak: JS heap after GC (blue, MB) and DOM nodes (orange); slope ${r.heapSlopeAfterWarmupKBPerMin.toFixed(1)} KB/min`,
			L,
			22
		);
		g.strokeStyle = '#ccc';
		g.strokeRect(L, T, R - L, B - T);
		for (const f of r.faults) {
			g.strokeStyle = '#eee';
			g.beginPath();
			g.moveTo(x(f.t), T);
			g.lineTo(x(f.t), B);
			g.stroke();
		}
		const line = (vals: number[], max: number, color: string) => {
			g.strokeStyle = color;
			g.lineWidth = 2;
			g.beginPath();
			vals.forEach((v, i) => {
				const px = x(r.samples[i]!.t);
				const py = B - ((B - T) * v) / max;
				if (i === 0) g.moveTo(px, py);
				else g.lineTo(px, py);
			});
			g.stroke();
		};
		line(heap, hMax, '#1f77b4');
		line(nodes, nMax, '#ff7f0e');
		g.fillStyle = '#1f77b4';
		for (let i = 0; i <= 4; i++)
			g.fillText(((hMax * i) / 4).toFixed(1), 10, B - ((B - T) * i) / 4 + 4);
		g.fillStyle = '#ff7f0e';
		for (let i = 0; i <= 4; i++)
			g.fillText(String(Math.round((nMax * i) / 4)), R + 6, B - ((B - T) * i) / 4 + 4);
		g.fillStyle = '#222';
		for (let m = 0; m <= tMax; m += Math.max(1, Math.round(tMax / 10)))
			g.fillText(`${m} min`, x(m) - 12, B + 18);
		g.fillStyle = '#888';
		g.fillText('grey lines: a fault (drop, restart, stall-pongs, refuse 5 s, in turn)', L, B + 40);
	}, result);
	mkdirSync(OUT, { recursive: true });
	await page.screenshot({
		path: resolve(OUT, 'soak.png'),
		clip: { x: 0, y: 0, width: 900, height: 420 }
	});
}
