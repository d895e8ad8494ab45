import { fireEvent, render, screen } from '@testing-library/svelte';
import { flushSync, tick } from 'svelte';
import { SvelteSet } from 'svelte/reactivity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Harness from './fixtures/VirtualListHarness.svelte';
import { TestRing } from './fixtures/ring.svelte';

interface Item {
	seq: number;
	text: string;
}

const VIEWPORT = 200;
const ROW = 20;

// jsdom has no layout. Give the list's viewport a scroll model: clientHeight is the viewport
// height, scrollHeight the spacer's height, and scrollTop is clamped like a browser's.
const scrollTops = new WeakMap<Element, number>();
const saved: Record<string, PropertyDescriptor | undefined> = {};
function isViewport(el: Element): el is HTMLElement {
	return el.classList.contains('vl-viewport');
}
function scrollHeightOf(el: HTMLElement): number {
	return parseFloat((el.firstElementChild as HTMLElement | null)?.style.height ?? '0') || 0;
}
beforeAll(() => {
	for (const p of ['scrollTop', 'scrollHeight', 'clientHeight']) {
		saved[p] = Object.getOwnPropertyDescriptor(Element.prototype, p);
	}
	Object.defineProperty(Element.prototype, 'clientHeight', {
		configurable: true,
		get(this: Element) {
			return isViewport(this) ? VIEWPORT : 0;
		}
	});
	Object.defineProperty(Element.prototype, 'scrollHeight', {
		configurable: true,
		get(this: Element) {
			return isViewport(this) ? scrollHeightOf(this) : 0;
		}
	});
	Object.defineProperty(Element.prototype, 'scrollTop', {
		configurable: true,
		get(this: Element) {
			return scrollTops.get(this) ?? 0;
		},
		set(this: Element, v: number) {
			const max = isViewport(this) ? Math.max(0, scrollHeightOf(this) - VIEWPORT) : 0;
			scrollTops.set(this, Math.min(Math.max(0, v), max));
		}
	});
});
afterAll(() => {
	for (const [p, d] of Object.entries(saved)) if (d) Object.defineProperty(Element.prototype, p, d);
});

function ring(n: number, capacity = Math.max(n, 1)): TestRing<Item> {
	const r = new TestRing<Item>(capacity);
	for (let i = 0; i < n; i++) r.push({ seq: i, text: `line ${i}` });
	return r;
}

function add(r: TestRing<Item>, from: number, count: number) {
	for (let i = from; i < from + count; i++) r.push({ seq: i, text: `line ${i}` });
	r.publish();
	flushSync();
}

function viewport(): HTMLElement {
	return screen.getByTestId('list');
}
function rows(): HTMLElement[] {
	return [...viewport().querySelectorAll<HTMLElement>('.r')];
}
function seqs(): number[] {
	return rows().map((r) => Number(r.dataset.seq));
}
/** The seq of the first row whose top is at or below scrollTop (what the user sees first). */
function firstVisibleSeq(): number {
	const top = viewport().scrollTop;
	const index = Math.floor(top / ROW);
	return Number(rows().find((r) => Number(r.dataset.index) === index)?.dataset.seq);
}
/** A user scroll: a wheel turn, then the browser moves scrollTop and fires `scroll`. */
async function userScroll(top: number) {
	await fireEvent.wheel(viewport(), { deltaY: top < viewport().scrollTop ? -100 : 100 });
	viewport().scrollTop = top;
	await fireEvent.scroll(viewport());
	flushSync();
}
function following(): string {
	return screen.getByTestId('following').textContent ?? '';
}
function pending(): number {
	return Number(screen.getByTestId('pending').textContent);
}

describe('VirtualList', () => {
	it('renders only the window, and the spacer holds the full height, for 100,000 items', async () => {
		const r = ring(100_000);
		render(Harness, { source: r, overscan: 5 });
		await tick();
		const visible = VIEWPORT / ROW;
		expect(rows().length).toBeLessThanOrEqual(visible + 2 * 5 + 1);
		expect(rows().length).toBeGreaterThanOrEqual(visible);
		expect(scrollHeightOf(viewport())).toBe(100_000 * ROW);
		// Following: the newest row is rendered and the viewport is at the bottom.
		expect(seqs().at(-1)).toBe(99_999);
		expect(viewport().scrollTop).toBe(100_000 * ROW - VIEWPORT);
		expect(following()).toBe('true');
		expect(viewport().dataset.following).toBe('true');
	});

	it('stays pinned to the bottom while following a growing tail', async () => {
		const r = ring(1000, 5000);
		render(Harness, { source: r });
		await tick();
		for (let k = 0; k < 5; k++) add(r, 1000 + k * 100, 100);
		expect(seqs().at(-1)).toBe(1499);
		expect(viewport().scrollTop).toBe(1500 * ROW - VIEWPORT);
		expect(pending()).toBe(0);
	});

	it('reuses row elements while following instead of recreating them', async () => {
		const r = ring(1000, 1000);
		render(Harness, { source: r });
		await tick();
		const before = [...viewport().querySelectorAll('.vl-row')];
		add(r, 1000, 500); // a whole window of new lines, and eviction
		const after = [...viewport().querySelectorAll('.vl-row')];
		expect(after).toEqual(before);
		expect(seqs().at(-1)).toBe(1499);
		expect(seqs()).toEqual([...seqs()].sort((a, b) => a - b));
	});

	it('pauses when the user scrolls up, keeps the view still and counts new lines', async () => {
		const r = ring(1000, 5000);
		render(Harness, { source: r });
		await tick();
		await userScroll(4000);
		expect(following()).toBe('false');
		expect(firstVisibleSeq()).toBe(200);
		add(r, 1000, 30);
		add(r, 1030, 12);
		expect(pending()).toBe(42);
		expect(viewport().scrollTop).toBe(4000);
		expect(firstVisibleSeq()).toBe(200);
		// The window follows the reader, not the tail.
		expect(seqs()).toContain(200);
		expect(seqs()).not.toContain(1041);
	});

	it('keeps a paused reader on the same line while the full ring buffer evicts', async () => {
		const r = ring(1000, 1000);
		render(Harness, { source: r });
		await tick();
		await userScroll(10_000); // row 500
		expect(firstVisibleSeq()).toBe(500);
		add(r, 1000, 100); // evicts seq 0..99: every index shifts by 100
		expect(viewport().scrollTop).toBe(10_000 - 100 * ROW);
		expect(firstVisibleSeq()).toBe(500);
		expect(pending()).toBe(100);
		// The anchored line itself falls out of the buffer: the view rests at the oldest line.
		add(r, 1100, 600);
		expect(firstVisibleSeq()).toBe(700);
		expect(viewport().scrollTop).toBe(0);
	});

	it('resumes from scrollToBottom() and when the user scrolls back to the bottom', async () => {
		const r = ring(500, 5000);
		const { component } = render(Harness, { source: r });
		await tick();
		await userScroll(0);
		add(r, 500, 20);
		expect(pending()).toBe(20);
		component.resume();
		flushSync();
		expect(following()).toBe('true');
		expect(pending()).toBe(0);
		expect(viewport().scrollTop).toBe(520 * ROW - VIEWPORT);
		expect(seqs().at(-1)).toBe(519);

		await userScroll(100);
		expect(following()).toBe('false');
		add(r, 520, 5);
		await userScroll(525 * ROW - VIEWPORT);
		expect(following()).toBe('true');
		add(r, 525, 5);
		expect(seqs().at(-1)).toBe(529);
	});

	it('ignores its own scroll writes', async () => {
		const r = ring(500, 5000);
		render(Harness, { source: r });
		await tick();
		add(r, 500, 50);
		// The browser echoes our write with a scroll event: still following.
		await fireEvent.scroll(viewport());
		expect(following()).toBe('true');
	});

	it('stays pinned when the position jumps without user input', async () => {
		const r = ring(500, 5000);
		render(Harness, { source: r });
		await tick();
		// e.g. the panel was hidden and shown again, which resets scrollTop to 0.
		viewport().scrollTop = 0;
		await fireEvent.scroll(viewport());
		expect(following()).toBe('true');
		expect(viewport().scrollTop).toBe(500 * ROW - VIEWPORT);
		// The same jump right after a key press is the user's (e.g. Ctrl+Home elsewhere).
		await fireEvent.keyDown(window, { key: 'Home', ctrlKey: true });
		viewport().scrollTop = 0;
		await fireEvent.scroll(viewport());
		expect(following()).toBe('false');
	});

	it('pauses on a press on the scrollbar', async () => {
		const r = ring(500, 5000);
		render(Harness, { source: r });
		await tick();
		// jsdom lays nothing out: clientWidth is 0, so any press on the viewport is "on the scrollbar".
		await fireEvent.pointerDown(viewport());
		expect(following()).toBe('false');
	});

	it('keeps two rows above the viewport while following, the full overscan once a wheel turn up stops it', async () => {
		const r = ring(1000, 1000);
		render(Harness, { source: r, overscan: 10 });
		await tick();
		const visible = VIEWPORT / ROW;
		// At the bottom: the rows in view and two above, nothing rewritten for nobody.
		expect(rows()).toHaveLength(visible + 2);
		expect(seqs()[0]).toBe(1000 - visible - 2);
		// The wheel handler stops following before the browser scrolls: the rows above are there.
		await fireEvent.wheel(viewport(), { deltaY: -100 });
		flushSync();
		expect(following()).toBe('false');
		expect(rows()).toHaveLength(visible + 10);
		expect(seqs()[0]).toBe(1000 - visible - 10);
	});

	it('pauses on wheel up, on keys, and on text selection; End resumes', async () => {
		const r = ring(500, 5000);
		render(Harness, { source: r });
		await tick();
		await fireEvent.wheel(viewport(), { deltaY: 40 });
		expect(following()).toBe('true');
		await fireEvent.wheel(viewport(), { deltaY: -40 });
		expect(following()).toBe('false');

		await fireEvent.keyDown(viewport(), { key: 'End' });
		expect(following()).toBe('true');
		await fireEvent.keyDown(viewport(), { key: 'PageUp' });
		expect(following()).toBe('false');
		await fireEvent.keyDown(viewport(), { key: 'End' });
		expect(following()).toBe('true');

		const selection = document.getSelection()!;
		selection.selectAllChildren(rows()[3]!);
		document.dispatchEvent(new Event('selectionchange'));
		flushSync();
		expect(following()).toBe('false');
		selection.removeAllRanges();
	});

	it('pauses when the parent sets following = false, and counts from there', async () => {
		const r = ring(300, 5000);
		render(Harness, { source: r });
		await tick();
		await fireEvent.click(screen.getByRole('button', { name: 'Pause' }));
		expect(following()).toBe('false');
		add(r, 300, 7);
		expect(pending()).toBe(7);
		// The view stays where it was paused (the newest rows are only in the overscan).
		expect(viewport().scrollTop).toBe(300 * ROW - VIEWPORT);
		expect(firstVisibleSeq()).toBe(290);
	});

	it('counts new lines by size when no keyOf is given', async () => {
		const r = ring(300, 5000);
		render(Harness, { source: r, keyed: false });
		await tick();
		await userScroll(0);
		add(r, 300, 9);
		expect(pending()).toBe(9);
		expect(seqs()[0]).toBe(0);
	});

	it('scrolls to an index', async () => {
		const r = ring(10_000);
		const { component } = render(Harness, { source: r });
		await tick();
		component.show(4321);
		flushSync();
		expect(following()).toBe('false');
		expect(viewport().scrollTop).toBe(4321 * ROW);
		expect(seqs()).toContain(4321);
	});

	it('handles an empty source and a clear', async () => {
		const r = ring(0, 100);
		render(Harness, { source: r });
		await tick();
		expect(rows()).toHaveLength(0);
		add(r, 0, 3);
		expect(seqs()).toEqual([0, 1, 2]);
		r.clear();
		r.publish();
		flushSync();
		expect(rows()).toHaveLength(0);
	});

	describe('expanded rows', () => {
		// jsdom has no ResizeObserver: a fake that reports the sizes the test decides.
		const observers: FakeResizeObserver[] = [];
		class FakeResizeObserver {
			targets = new Set<Element>();
			constructor(readonly callback: ResizeObserverCallback) {
				observers.push(this);
			}
			observe(el: Element) {
				this.targets.add(el);
			}
			unobserve(el: Element) {
				this.targets.delete(el);
			}
			disconnect() {
				this.targets.clear();
			}
			report(el: Element, height: number) {
				const entry = { target: el, borderBoxSize: [{ blockSize: height, inlineSize: 100 }] };
				this.callback([entry as unknown as ResizeObserverEntry], this as unknown as ResizeObserver);
			}
		}
		beforeAll(() => {
			(globalThis as { ResizeObserver?: unknown }).ResizeObserver = FakeResizeObserver;
		});
		afterAll(() => {
			delete (globalThis as { ResizeObserver?: unknown }).ResizeObserver;
		});

		it('gives expanded rows their measured height and shifts the rows below', async () => {
			const r = ring(1000);
			const expanded = new SvelteSet<number>();
			render(Harness, { source: r, expanded, following: false });
			await tick();
			await userScroll(0);
			const row5 = () => rows().find((el) => el.dataset.seq === '5')!.parentElement!;
			expect(row5().style.height).toBe('20px');

			expanded.add(5);
			flushSync();
			expect(row5().style.height).toBe('');
			const observer = observers.find((o) => o.targets.has(row5()))!;
			expect(observer).toBeDefined();
			observer.report(row5(), 120);
			flushSync();
			expect(scrollHeightOf(viewport())).toBe(1000 * ROW + 100);

			// Scrolling past the expanded row accounts for its extra height.
			await userScroll(20 * ROW + 100);
			expect(seqs()).toContain(20);
			const block = viewport().querySelector<HTMLElement>('.vl-rows')!;
			const firstIndex = Number(rows()[0]!.dataset.index);
			expect(block.style.transform).toBe(
				`translateY(${firstIndex * ROW + (firstIndex > 5 ? 100 : 0)}px)`
			);

			expanded.delete(5);
			flushSync();
			expect(scrollHeightOf(viewport())).toBe(1000 * ROW);
		});
	});
});
