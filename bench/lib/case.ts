/**
 * The shape every benchmark case has, and what the runner hands it. A case measures and
 * reports; it never fails the run because a figure missed its bar (the report says MISSED).
 */
import type { Browser } from '../cdp';
import type { LoadWindow } from './machine';
import type { Summary } from './stats';

/** One reported figure: repeated measurements of one quantity. */
export interface Figure {
	/** Stable key for results.json, e.g. `entries_per_s.deflate_off`. */
	key: string;
	/** Human label for the table. */
	label: string;
	/** Unit as printed, e.g. `entries/s`, `µs`, `MB`, `x`. */
	unit: string;
	summary: Summary;
	/** Decimal places when printing. Default 0. */
	digits?: number;
}

/** A bar from the issues, checked against a figure's median. */
export interface BarCheck {
	/** What is checked, e.g. `(b)/(a) batched ≥ 0.5`. */
	label: string;
	/** The measured value as printed. */
	value: string;
	met: boolean;
	/** Where the bar comes from, e.g. `issue 4`. */
	source: string;
}

/** What a case returns. */
export interface CaseResult {
	id: string;
	title: string;
	/** How it was measured (a paragraph for docs/benchmarks.md). */
	method: string;
	/** Parameters as run (durations, repeats, sizes). */
	params: Record<string, unknown>;
	figures: Figure[];
	bars: BarCheck[];
	/** Observations worth reading beside the figures. */
	notes: string[];
	/** Machine load over the case. */
	load: LoadWindow;
	/** Raw per-repeat data, for results.json. */
	raw?: unknown;
}

/** What the runner gives each case. */
export interface CaseContext {
	/** `--quick`: shorter windows and fewer repeats (CI; the whole run under 2 minutes). */
	quick: boolean;
	/** Repeats to take of each measurement (`--repeats`, else the case's own default). */
	repeats: number | undefined;
	/** This runner bundle, to fork children from. */
	runnerPath: string;
	/** Built bench page directory (served to Chromium). */
	pageDir: string;
	/** The shared Chromium, launched on first use. */
	browser(): Promise<Browser>;
	/** Progress line on stderr. */
	log(message: string): void;
}

/** A benchmark case (bench/cases/*.ts). */
export interface BenchCase {
	id: string;
	title: string;
	/** Whether it needs Chromium (so a run without browser cases never launches one). */
	browser: boolean;
	run(ctx: CaseContext): Promise<Omit<CaseResult, 'id' | 'title' | 'load'>>;
}
