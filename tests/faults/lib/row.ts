/**
 * One row of the fault matrix: what each fault module measured. Rows are written as JSON files
 * under test-results/faults/rows/ and assembled into docs/reliability.md by tests/faults/run.js.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Account } from './accounting';

/** The short CI version (`npm run test:faults -- --quick`). */
export const QUICK = process.env.FAULTS_QUICK === '1';

/**
 * Where rows go: the runner's private directory (`FAULTS_ROWS_DIR`): test-results/ is shared
 * with the other Playwright suites, which empty it when they start.
 */
export const ROWS_DIR =
	process.env.FAULTS_ROWS_DIR ?? resolve(import.meta.dirname, '../../../test-results/faults/rows');

/** A measured row. */
export interface FaultRow {
	/** Stable id, also the order key (`01-drop`). */
	id: string;
	/** The fault, in words. */
	fault: string;
	/** `node` (ConnectionClient + log store over `ws`) or `chromium` (the dashboard). */
	client: 'node' | 'chromium';
	/** What the client is expected to do. */
	expected: string;
	/** Whether it ended where expected (live again, or `failed` for terminal faults). */
	recovered: boolean;
	/** Whether the outcome is the designed one (live again, or `failed` for a terminal fault). */
	asExpected: boolean;
	/** ms from the end of the fault to live data again (or to `failed`), null if never. */
	recoverMs: number | null;
	/** Lines lost without an announcement (holes with no gap marker, or missing vs the server). */
	lost: number;
	/** Lines delivered twice. */
	duplicated: number;
	/** Losses the client announced (gap markers): "none", "1,204 lines", "unknown (new epoch)". */
	announced: string;
	/** Connection attempts after the first, during the row. */
	attempts: number;
	/** Lines checked (in the buffer). */
	checked: number;
	/** Anything else measured. */
	notes: string;
}

/** Render an account's announced losses. */
export function announcedText(
	a: Pick<Account, 'announcedGaps' | 'announcedLines' | 'unknownGaps'>
): string {
	if (a.announcedGaps === 0) return 'none';
	const parts: string[] = [];
	if (a.announcedLines > 0) parts.push(`${a.announcedLines.toLocaleString('en-US')} lines`);
	if (a.unknownGaps > 0)
		parts.push(`${a.unknownGaps} gap${a.unknownGaps > 1 ? 's' : ''} of unknown size`);
	if (parts.length === 0) parts.push(`${a.announcedGaps} marker(s), 0 lines`);
	return parts.join(' + ');
}

/** Write a row for the runner. */
export function writeRow(row: FaultRow): void {
	mkdirSync(ROWS_DIR, { recursive: true });
	writeFileSync(resolve(ROWS_DIR, `${row.id}.json`), JSON.stringify(row, null, 2));
}

export const sleep = (ms: number) => new Promise<void>((ok) => setTimeout(ok, ms));

/** Poll `condition` every 10 ms until it holds; resolves with the time it took, throws on timeout. */
export async function waitFor(
	condition: () => boolean | Promise<boolean>,
	timeoutMs: number,
	what: string
): Promise<number> {
	const start = performance.now();
	for (;;) {
		if (await condition()) return performance.now() - start;
		if (performance.now() - start > timeoutMs)
			throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
		await sleep(10);
	}
}
