/**
 * PNG line plots for docs/: drawn with the 2D canvas in a headless Chromium page (bench/cdp.ts)
 * and taken with `Page.captureScreenshot`. No plotting library: a few lines, axes and a legend.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { Browser } from '../cdp';

/** One line of a plot. */
export interface PlotSeries {
	label: string;
	color: string;
	/** y value of each x step. */
	values: readonly number[];
}

/** What to draw. */
export interface PlotSpec {
	title: string;
	xLabel: string;
	yLabel: string;
	/** x value of step i is `i · xStep` (ms, say). */
	xStep: number;
	series: readonly PlotSeries[];
	width?: number;
	height?: number;
	/**
	 * Draw steps (a histogram's outline: value i spans `i · xStep` to `(i + 1) · xStep`, from and
	 * back to 0) instead of a line through the points (value i at `i · xStep`). Default true.
	 */
	steps?: boolean;
}

/** The page-side drawing code, as a string evaluated with the spec as its argument. */
const DRAW = String((spec: PlotSpec & { width: number; height: number }) => {
	document.body.style.margin = '0';
	document.body.style.background = '#fff';
	const canvas = document.createElement('canvas');
	canvas.width = spec.width;
	canvas.height = spec.height;
	canvas.style.display = 'block';
	document.body.append(canvas);
	const g = canvas.getContext('2d')!;
	g.fillStyle = '#fff';
	g.fillRect(0, 0, spec.width, spec.height);
	const pad = { left: 70, right: 20, top: 40 + 20 * spec.series.length, bottom: 60 };
	const w = spec.width - pad.left - pad.right;
	const h = spec.height - pad.top - pad.bottom;
	const n = Math.max(1, ...spec.series.map((s) => s.values.length));
	const yMaxRaw = Math.max(1, ...spec.series.flatMap((s) => s.values));
	const mag = 10 ** Math.floor(Math.log10(yMaxRaw));
	const yStep = [1, 2, 5, 10].map((k) => k * mag).find((s) => yMaxRaw / s <= 6)!;
	const yMax = Math.ceil(yMaxRaw / yStep) * yStep;
	const xMax = (spec.steps !== false ? n : Math.max(1, n - 1)) * spec.xStep;
	const X = (x: number) => pad.left + (x / xMax) * w;
	const Y = (y: number) => pad.top + h - (y / yMax) * h;
	g.font = '14px sans-serif';
	g.fillStyle = '#222';
	g.textAlign = 'left';
	g.font = 'bold 16px sans-serif';
	g.fillText(spec.title, pad.left, 24);
	g.font = '13px sans-serif';
	// Grid and y ticks.
	g.strokeStyle = '#e3e3e3';
	g.lineWidth = 1;
	g.textAlign = 'right';
	for (let y = 0; y <= yMax + 1e-9; y += yStep) {
		g.beginPath();
		g.moveTo(pad.left, Y(y) + 0.5);
		g.lineTo(pad.left + w, Y(y) + 0.5);
		g.stroke();
		g.fillText(String(y), pad.left - 8, Y(y) + 4);
	}
	// x ticks.
	const xTickRaw = xMax / 10;
	const xMag = 10 ** Math.floor(Math.log10(xTickRaw));
	const xStepTick = [1, 2, 5, 10].map((k) => k * xMag).find((s) => s >= xTickRaw)!;
	g.textAlign = 'center';
	for (let x = 0; x <= xMax + 1e-9; x += xStepTick) {
		g.beginPath();
		g.moveTo(X(x) + 0.5, pad.top);
		g.lineTo(X(x) + 0.5, pad.top + h);
		g.stroke();
		g.fillText(String(x), X(x), pad.top + h + 18);
	}
	g.strokeStyle = '#888';
	g.strokeRect(pad.left + 0.5, pad.top + 0.5, w, h);
	g.fillText(spec.xLabel, pad.left + w / 2, spec.height - 16);
	g.save();
	g.translate(18, pad.top + h / 2);
	g.rotate(-Math.PI / 2);
	g.fillText(spec.yLabel, 0, 0);
	g.restore();
	// Lines.
	for (const s of spec.series) {
		g.strokeStyle = s.color;
		g.lineWidth = 2;
		g.beginPath();
		if (spec.steps !== false) {
			g.moveTo(X(0), Y(0));
			s.values.forEach((v, i) => {
				g.lineTo(X(i * spec.xStep), Y(v));
				g.lineTo(X((i + 1) * spec.xStep), Y(v));
			});
			g.lineTo(X(s.values.length * spec.xStep), Y(0));
		} else {
			s.values.forEach((v, i) => {
				if (i === 0) g.moveTo(X(0), Y(v));
				else g.lineTo(X(i * spec.xStep), Y(v));
			});
		}
		g.stroke();
	}
	// Legend, between the title and the plot.
	g.textAlign = 'left';
	let ly = 48;
	for (const s of spec.series) {
		g.fillStyle = s.color;
		g.fillRect(pad.left, ly - 6, 18, 4);
		g.fillStyle = '#222';
		g.fillText(s.label, pad.left + 26, ly);
		ly += 20;
	}
});

/** Draw `specs` one below the other in a fresh page of `browser` and return the PNG. */
export async function renderPlot(browser: Browser, specs: readonly PlotSpec[]): Promise<Buffer> {
	const width = Math.max(...specs.map((s) => s.width ?? 900));
	const height = specs.reduce((sum, s) => sum + (s.height ?? 460), 0);
	const page = await browser.newPage('about:blank');
	try {
		await page.send('Emulation.setDeviceMetricsOverride', {
			width,
			height,
			deviceScaleFactor: 1,
			mobile: false
		});
		for (const spec of specs) {
			const full = { ...spec, width, height: spec.height ?? 460, steps: spec.steps ?? true };
			await page.evaluate(`(${DRAW})(${JSON.stringify(full)})`);
		}
		const shot = await page.send<{ data: string }>('Page.captureScreenshot', {
			format: 'png',
			clip: { x: 0, y: 0, width, height, scale: 1 }
		});
		return Buffer.from(shot.data, 'base64');
	} finally {
		await page.close().catch(() => {});
	}
}

/**
 * Write a plot under bench/out/ and, unless the run is `--no-write`, where docs/benchmarks.md
 * links it (docs/`fileName`). Returns the paths written.
 */
export function writePlot(png: Buffer, runnerPath: string, fileName: string): string[] {
	const root = resolve(dirname(runnerPath), '../..');
	const out = join(root, 'bench/out', fileName);
	mkdirSync(dirname(out), { recursive: true });
	writeFileSync(out, png);
	const written = [out];
	if (!process.argv.includes('--no-write')) {
		const docs = join(root, 'docs', fileName);
		writeFileSync(docs, png);
		written.push(docs);
	}
	return written;
}
