/**
 * The dashboard (`/`) in headless Chromium against a real gateway process: its read-only test
 * hooks (`window.__kecsLive`, src/lib/test-hooks.ts) give the log buffer's seqs and the
 * connection's transition log.
 */
import { expect, type Page } from '@playwright/test';
import { account, compareWithServer, type Account, type SeqItem } from './accounting';
import { GatewayProcess } from './gateway';
import { serverHistory } from './node-client';
import { announcedText, sleep, waitFor, writeRow, type FaultRow } from './row';

/** One transition of the connection statechart, as the page logs it. */
export interface Transition {
	at: number;
	from: string;
	to: string;
	event: string;
}

/**
 * The page's log buffer, oldest first. The hook reads the view published at the last frame;
 * once the buffer is full, a read between two frames finds the k oldest positions evicted since
 * and, by design (ring.ts `view`: "never undefined while the ring holds anything"), gets the k
 * oldest held lines in their place: a stale copy of the next k items at the head of the read,
 * which would look like repeats. Reading in an animation frame narrows the window but does not
 * close it (lines can arrive after our callback was registered, and the stream's flush then runs
 * after it), so the stale head is recognised (exactly a copy of the items after it) and cut.
 */
export async function seqs(page: Page): Promise<SeqItem[]> {
	const items = await page.evaluate(
		() =>
			new Promise<SeqItem[]>((ok) =>
				requestAnimationFrame(() => ok((window.__kecsLive?.logSeqs?.() ?? []) as SeqItem[]))
			)
	);
	return withoutStaleHead(items);
}

/** Cut a stale head (see {@link seqs}): the first k items equal to the k after them. */
export function withoutStaleHead(items: SeqItem[]): SeqItem[] {
	const same = (a: SeqItem | undefined, b: SeqItem | undefined) =>
		a !== undefined && b !== undefined && a.seq === b.seq && a.gap === b.gap;
	for (let j = 1; j < items.length; j++) {
		if (items[j]!.seq > items[j - 1]!.seq) continue;
		// The first step back: a stale head if items[0..j) repeat items[j..2j).
		for (let i = 0; i < j; i++) if (!same(items[i], items[j + i])) return items;
		return items.slice(j);
	}
	return items;
}

export function transitions(page: Page): Promise<Transition[]> {
	return page.evaluate(() => (window.__kecsLive?.transitions?.() ?? []) as Transition[]);
}

export function state(page: Page): Promise<string> {
	return page.evaluate(() => String(window.__kecsLive?.connectionState?.() ?? 'none'));
}

/** Newest line seq in the page's buffer (-1 when empty). */
export async function lastSeq(page: Page): Promise<number> {
	const items = await seqs(page);
	for (let i = items.length - 1; i >= 0; i--) if (items[i]!.gap === undefined) return items[i]!.seq;
	return -1;
}

/** Open the dashboard and wait for live lines. `query` sets connection options (`heartbeatInterval=…`). */
export async function openDashboard(page: Page, gw: GatewayProcess, query = ''): Promise<string[]> {
	const errors: string[] = [];
	page.on('pageerror', (e) => errors.push(e.message));
	page.on('console', (m) => {
		if (m.type() === 'error') errors.push(m.text());
	});
	await page.goto(`${gw.url}/${query ? `?${query}` : ''}`);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open', {
		timeout: 20_000
	});
	await waitFor(async () => (await lastSeq(page)) > 0, 20_000, 'first log lines in the page');
	return errors;
}

/** The page's account after it caught up with what the server held a moment ago. */
export async function settlePage(
	page: Page,
	gw: GatewayProcess
): Promise<Account & { vsServer: { compared: number; missing: number; mismatched: number } }> {
	const server = await serverHistory(gw.wsUrl);
	const last = server.items.at(-1)?.seq ?? 0;
	await waitFor(async () => (await lastSeq(page)) >= last, 20_000, `the page to reach seq ${last}`);
	const items = await seqs(page);
	return { ...account(items), vsServer: compareWithServer(items, server.items) };
}

/** Options of {@link browserRow}. */
export interface BrowserRowOptions {
	row: Pick<FaultRow, 'id' | 'fault' | 'expected'>;
	env?: Record<string, string>;
	/** Query string of the page (connection options). */
	query?: string;
	/** Before the page loads (install a fake clock, say). */
	before?: (page: Page) => Promise<void>;
	/** Injects the fault; resolves when it is over. */
	inject: (ctx: { page: Page; gw: GatewayProcess }) => Promise<void | { notes?: string }>;
	/** Whether the fault must break the link (live again then means a new link). */
	reconnects: boolean;
	recoverTimeoutMs?: number;
	/** Console errors expected from the fault (a fetch failing while offline). */
	ignoreErrors?: RegExp;
	after?: (ctx: {
		page: Page;
		gw: GatewayProcess;
		log: Transition[];
	}) => Promise<string | void> | string | void;
}

const connectingCount = async (page: Page) =>
	(await transitions(page)).filter((t) => t.to === 'link.connecting').length;

/** Run one browser row end to end and record it. */
export async function browserRow(page: Page, options: BrowserRowOptions): Promise<FaultRow> {
	const gw = await GatewayProcess.start({ SIM_LOG_RATE: '100', ...options.env });
	try {
		await options.before?.(page);
		const errors = await openDashboard(page, gw, options.query);
		await sleep(1500);
		const attemptsBefore = await connectingCount(page);
		const injected = await options.inject({ page, gw });
		const from = await lastSeq(page);
		const started = performance.now();
		await waitFor(
			async () =>
				(await state(page)) === 'open' &&
				(!options.reconnects || (await connectingCount(page)) > attemptsBefore) &&
				(await lastSeq(page)) !== from,
			options.recoverTimeoutMs ?? 60_000,
			'live lines in the page again'
		);
		const recoverMs = performance.now() - started;
		await sleep(1000);
		const a = await settlePage(page, gw);
		const log = await transitions(page);
		const extra = (await options.after?.({ page, gw, log })) ?? '';
		const lost = a.silentlyLost + a.vsServer.missing + a.unannouncedEpochs;
		const row: FaultRow = {
			...options.row,
			client: 'chromium',
			recovered: true,
			asExpected:
				lost === 0 && a.duplicated === 0 && errors.every((e) => options.ignoreErrors?.test(e)),
			recoverMs: Math.round(recoverMs),
			lost,
			duplicated: a.duplicated,
			announced: announcedText(a),
			attempts: (await connectingCount(page)) - attemptsBefore,
			checked: a.lines,
			notes: [
				injected && injected.notes,
				`${a.vsServer.compared} lines compared with the server's history by seq`,
				extra
			]
				.filter(Boolean)
				.join('; ')
		};
		writeRow(row);
		if (a.repeats.length > 0 || a.holes.length > 0) {
			const items = await seqs(page);
			const at = items.findIndex((i) => i.seq === (a.repeats[0] ?? a.holes[0]!.from));
			console.log('around the problem:', JSON.stringify(items.slice(Math.max(0, at - 5), at + 8)));
		}
		expect(a.holes, 'silent holes').toEqual([]);
		expect(lost, 'silently lost lines').toBe(0);
		expect(a.duplicated, 'duplicated lines').toBe(0);
		const unexpected = errors.filter((e) => !options.ignoreErrors?.test(e));
		expect(unexpected, unexpected.join('\n')).toEqual([]);
		return row;
	} finally {
		await gw.kill();
	}
}
