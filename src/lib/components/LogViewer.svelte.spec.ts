import { cleanup, fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { get } from 'svelte/store';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLogStream, type LogStream } from '$lib/streams';
import { logBatch } from '$lib/testing/fixtures';
import { streamHarness, type StreamHarness } from '$lib/testing/stream-harness';
import { installScrollModel } from './fixtures/scroll-model';
import LogViewer from './LogViewer.svelte';

const VIEWPORT = 200;
const ROW = 20;

let restore: () => void;
beforeAll(() => (restore = installScrollModel(VIEWPORT)));
afterAll(() => restore());

let h: StreamHarness;
afterEach(() => {
	// Unmount first: the viewer unsubscribes through the client it was given.
	cleanup();
	h?.dispose();
	vi.useRealTimers();
});

const range = (from: number, to: number) =>
	Array.from({ length: to - from + 1 }, (_, i) => from + i);

async function frame() {
	h.flush();
	flushSync();
	await tick();
}

/** A viewer over a real client on a fake socket, with `history` seqs already loaded. */
async function setup(history: number[] = range(1, 30), props: Record<string, unknown> = {}) {
	h = streamHarness();
	const stream: LogStream = createLogStream(h.client, { schedule: h.frames.schedule });
	const result = render(LogViewer, {
		props: { stream, viewportHeight: VIEWPORT, rowHeight: ROW, showSource: true, ...props }
	});
	h.open();
	h.confirm('logs');
	h.history('logs', logBatch(history).payload);
	await frame();
	return { stream, ...result };
}

function seqs(): number[] {
	return screen.getAllByTestId('log-row').map((r) => Number(r.dataset.seq));
}

function viewport(): HTMLElement {
	return document.querySelector<HTMLElement>('.vl-viewport')!;
}

async function live(list: number[], overrides: Record<string, unknown> = {}) {
	h.ws().message(logBatch(list, overrides));
	await frame();
}

async function scrollUp() {
	await fireEvent.wheel(viewport(), { deltaY: -100 });
	viewport().scrollTop = 0;
	await fireEvent.scroll(viewport());
	await frame();
}

describe('LogViewer', () => {
	it('shows the newest lines, only the rows in view, with the task column', async () => {
		await setup(range(1, 500));
		const shown = seqs();
		expect(shown.at(-1)).toBe(500);
		// A window, not 500 rows: the viewport's 10 rows plus overscan.
		expect(shown.length).toBeLessThan(40);
		expect(screen.getByTestId('log-count').textContent).toContain('500 lines');
		expect(document.querySelector('.log-row .source')?.textContent).toBe('web · aaaa');
		await live([501, 502]);
		expect(seqs().at(-1)).toBe(502);
		expect(screen.getByTestId('log-follow-state').dataset.following).toBe('true');
	});

	it('renders markup in a line as text', async () => {
		await setup([1]);
		await live([2], { message: '<img src=x onerror=alert(1)> <b>bold</b>' });
		const row = screen.getAllByTestId('log-row').find((r) => r.dataset.seq === '2')!;
		expect(row.querySelector('img, b')).toBeNull();
		expect(row.textContent).toContain('<img src=x onerror=alert(1)> <b>bold</b>');
	});

	it('pauses when the reader scrolls up, counts new lines on the pill, and resumes from it', async () => {
		const { stream } = await setup(range(1, 100));
		await scrollUp();
		expect(get(stream.isPaused)).toBe(true);
		expect(screen.getByTestId('log-follow-state').textContent).toContain('Paused');
		const before = seqs();
		await live([101, 102, 103]);
		// Frozen: the reader's rows stay put.
		expect(seqs()).toEqual(before);
		expect(screen.getByTestId('log-pill').textContent).toContain('↓ 3 new lines');
		await fireEvent.click(screen.getByTestId('log-pill'));
		await frame();
		expect(get(stream.isPaused)).toBe(false);
		expect(seqs().at(-1)).toBe(103);
		expect(screen.queryByTestId('log-pill')).toBeNull();
		expect(viewport().scrollTop).toBe(103 * ROW - VIEWPORT);
	});

	it('pauses and resumes from the buttons, and resumes when scrolled back to the bottom', async () => {
		const { stream } = await setup(range(1, 100));
		await fireEvent.click(screen.getByTestId('log-pause'));
		await frame();
		expect(get(stream.isPaused)).toBe(true);
		await live([101]);
		expect(screen.getByTestId('log-pill').textContent).toContain('↓ 1 new line');
		await fireEvent.click(screen.getByTestId('log-resume'));
		await frame();
		expect(get(stream.isPaused)).toBe(false);
		expect(seqs().at(-1)).toBe(101);

		await scrollUp();
		expect(get(stream.isPaused)).toBe(true);
		await fireEvent.wheel(viewport(), { deltaY: 100 });
		viewport().scrollTop = 1e9;
		await fireEvent.scroll(viewport());
		await frame();
		expect(get(stream.isPaused)).toBe(false);
	});

	it('marks a gap in place and keeps the dropped count visible', async () => {
		await setup(range(1, 10));
		expect(screen.queryByTestId('log-dropped')).toBeNull();
		h.ws().message({
			type: 'dropped',
			payload: { stream: 'logs', count: 5, reason: 'slow_consumer' }
		});
		await live([16, 17]);
		expect(screen.getByTestId('log-gap').textContent).toContain('5 lines missing');
		expect(screen.getByTestId('log-dropped').textContent).toContain('5 dropped');
	});

	it('filters by level on the server, keeping at least one level', async () => {
		const { stream } = await setup();
		await fireEvent.click(screen.getByTestId('log-level-debug'));
		await frame();
		const withoutDebug = ['error', 'fatal', 'info', 'trace', 'warn'];
		expect([...(get(stream.filter).levels ?? [])].sort()).toEqual(withoutDebug);
		expect(screen.getByTestId('log-level-debug').getAttribute('aria-pressed')).toBe('false');
		expect(screen.getByTestId('log-level-info').getAttribute('aria-pressed')).toBe('true');
		const sent = h.sent('update_filter').at(-1)?.payload as { filter: { levels: string[] } };
		expect([...sent.filter.levels].sort()).toEqual(withoutDebug);
		// Alt-click: only errors; then every level back.
		await fireEvent.click(screen.getByTestId('log-level-error'), { altKey: true });
		expect(get(stream.filter).levels).toEqual(['error']);
		await fireEvent.click(screen.getByTestId('log-level-error'));
		expect(get(stream.filter).levels).toEqual(['error']);
		await fireEvent.click(screen.getByTestId('log-level-error'), { altKey: true });
		expect(get(stream.filter).levels).toBeUndefined();
	});

	it('highlights search matches, and shows an invalid regex as a message', async () => {
		await setup([1, 2]);
		await live([3], { message: 'payment declined for order 42' });
		await fireEvent.input(screen.getByTestId('log-search'), { target: { value: 'declined' } });
		await frame();
		expect(document.querySelector('mark')?.textContent).toBe('declined');

		await fireEvent.click(screen.getByTestId('log-regex'));
		await fireEvent.input(screen.getByTestId('log-search'), { target: { value: 'order (' } });
		await frame();
		expect(screen.getByTestId('log-search-error').textContent).toMatch(/\S/);
		expect(screen.getByTestId('log-search').getAttribute('aria-invalid')).toBe('true');
		await fireEvent.input(screen.getByTestId('log-search'), { target: { value: 'order \\d+' } });
		await frame();
		expect(screen.queryByTestId('log-search-error')).toBeNull();
		expect(document.querySelector('mark')?.textContent).toBe('order 42');
	});

	it('"only matching" filters on the server after a pause in typing', async () => {
		vi.useFakeTimers();
		const { stream } = await setup([1, 2]);
		await fireEvent.input(screen.getByTestId('log-search'), { target: { value: 'declined' } });
		await fireEvent.click(screen.getByTestId('log-only-matching'));
		expect(get(stream.filter).search).toBeUndefined();
		await vi.advanceTimersByTimeAsync(400);
		expect(get(stream.filter)).toMatchObject({ search: 'declined' });
		await fireEvent.click(screen.getByTestId('log-only-matching'));
		await vi.advanceTimersByTimeAsync(400);
		expect(get(stream.filter).search).toBeUndefined();
	});

	it('toggles time and wrap, and clears', async () => {
		await setup(range(1, 5));
		expect(document.querySelector('.log-row time')).not.toBeNull();
		await fireEvent.click(screen.getByTestId('log-time'));
		expect(document.querySelector('.log-row time')).toBeNull();
		await fireEvent.click(screen.getByTestId('log-wrap'));
		await frame();
		expect(document.querySelector('.log-row.wrap')).not.toBeNull();
		await fireEvent.click(screen.getByTestId('log-clear'));
		await frame();
		expect(screen.queryAllByTestId('log-row')).toHaveLength(0);
		expect(screen.getByText('Waiting for log lines…')).toBeTruthy();
	});

	it('downloads every buffered line as .log and .json', async () => {
		await setup([1, 2, 3]);
		const blobs: Blob[] = [];
		const names: string[] = [];
		const create = vi.fn((blob: Blob) => {
			blobs.push(blob);
			return 'blob:test';
		});
		Object.assign(URL, { createObjectURL: create, revokeObjectURL: vi.fn() });
		const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
			this: HTMLAnchorElement
		) {
			names.push(this.download);
		});
		const all = screen.getAllByRole('button', { name: '.log' })[1]!;
		await fireEvent.click(all);
		// The export code is loaded on first use.
		await vi.waitFor(() => expect(names).toHaveLength(1));
		await fireEvent.click(screen.getAllByRole('button', { name: '.json' })[1]!);
		await vi.waitFor(() => expect(names).toHaveLength(2));
		click.mockRestore();
		expect(names[0]).toMatch(/^kecs-live-all-tasks-\d{8}-\d{6}\.log$/);
		expect(names[1]).toMatch(/\.json$/);
		const text = await blobs[0]!.text();
		expect(text.trim().split('\n')).toHaveLength(3);
		expect(text).toContain('INFO  [web · aaaa] line 2');
		expect(JSON.parse(await blobs[1]!.text())).toHaveLength(3);
	});

	it('expands a row to show its details and stops following', async () => {
		await setup([1]);
		await live([2], { stackTrace: 'Error: boom\n    at x (y.ts:1:1)', level: 'error' });
		await fireEvent.click(screen.getByRole('button', { name: 'stack trace' }));
		await frame();
		expect(screen.getByText('Stack trace')).toBeTruthy();
		expect(screen.getByTestId('log-follow-state').dataset.following).toBe('false');
	});
});
