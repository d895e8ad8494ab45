/**
 * Helpers shared by the end-to-end tests: console-error collection, the page's read-only test
 * hooks (`window.__kecsLive`, see src/lib/test-hooks.ts) and a recorder of what a status text
 * showed over time (a state may last a few frames; polling could miss it, a MutationObserver
 * does not).
 */
import type { Page } from '@playwright/test';

/** Collect console errors and uncaught exceptions of `page`. */
export function collectErrors(page: Page): string[] {
	const errors: string[] = [];
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	page.on('pageerror', (e) => errors.push(e.message));
	return errors;
}

/** One entry of the all-tasks log buffer: a line's seq, or a gap marker (`gap` = lines missing). */
export interface SeqItem {
	seq: number;
	gap?: number | null;
}

/** The all-tasks log buffer's seqs, oldest first (dashboard with nothing selected). */
export function logSeqs(page: Page): Promise<SeqItem[]> {
	return page.evaluate(() => (window.__kecsLive?.logSeqs?.() ?? []) as SeqItem[]);
}

/** One transition of the connection statechart. */
export interface Transition {
	at: number;
	from: string;
	to: string;
	event: string;
}

/** The connection's transition log, oldest first. */
export function transitions(page: Page): Promise<Transition[]> {
	return page.evaluate(() => (window.__kecsLive?.transitions?.() ?? []) as Transition[]);
}

/** Start recording every text `selector` shows (deduplicated in a row); read with `recorded`. */
export async function recordTexts(page: Page, selector: string): Promise<void> {
	await page.evaluate((sel) => {
		const seen: string[] = [];
		(window as unknown as { __recorded: string[] }).__recorded = seen;
		const note = () => {
			const text = document.querySelector(sel)?.textContent?.trim() ?? '';
			if (text !== seen.at(-1)) seen.push(text);
		};
		note();
		new MutationObserver(note).observe(document.body, {
			subtree: true,
			childList: true,
			characterData: true
		});
	}, selector);
}

/** The texts recorded since `recordTexts`. */
export function recorded(page: Page): Promise<string[]> {
	return page.evaluate(() => (window as unknown as { __recorded?: string[] }).__recorded ?? []);
}

/** Problems with a run of seqs that should be consecutive: holes and repeats, and gap markers. */
export function seqProblems(items: SeqItem[]): {
	holes: number[];
	repeats: number[];
	gaps: number;
} {
	const holes: number[] = [];
	const repeats: number[] = [];
	let gaps = 0;
	let previous: number | undefined;
	for (const item of items) {
		if (item.gap !== undefined) {
			gaps++;
			previous = undefined;
			continue;
		}
		if (previous !== undefined) {
			if (item.seq <= previous) repeats.push(item.seq);
			else if (item.seq !== previous + 1) holes.push(previous + 1);
		}
		previous = item.seq;
	}
	return { holes, repeats, gaps };
}

/** Make the page's backoff deterministic (full jitter draws from Math.random): like a fake clock. */
export async function fixRandom(page: Page, value = 0.5): Promise<void> {
	await page.addInitScript((v) => {
		Math.random = () => v;
	}, value);
}
