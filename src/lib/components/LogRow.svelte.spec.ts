import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { LogEntry } from '$lib/protocol';
import { compileSearch, type Matcher } from '$lib/render/highlight';
import LogRow from './LogRow.svelte';

const TASK = 'arn:aws:ecs:us-east-1:000000000000:task/default/0f1e2d3c4b5a69788796a5b4c3d2e1f0';

function entry(over: Partial<LogEntry> = {}): LogEntry {
	return {
		id: 'e1',
		seq: 42,
		timestamp: new Date(2026, 10, 26, 10, 0, 1, 250),
		level: 'info',
		source: { type: 'container', name: 'web', identifier: 'c-1' },
		message: 'hello',
		...over
	};
}

function matcher(q: string, regex = false): Matcher {
	const c = compileSearch(q, { regex });
	if (!c.ok || !c.matcher) throw new Error('bad query');
	return c.matcher;
}

describe('LogRow', () => {
	it('renders the row with its seq, time and level', () => {
		render(LogRow, { entry: entry() });
		const row = screen.getByTestId('log-row');
		expect(row.dataset.seq).toBe('42');
		expect(row.dataset.level).toBe('info');
		expect(row).toHaveTextContent('10:00:01.250');
		expect(row).toHaveTextContent('INFO');
		expect(row).toHaveTextContent('hello');
	});

	it('renders markup in a message as text, never as HTML', () => {
		const alert = vi.fn();
		vi.stubGlobal('alert', alert);
		const payload = '<img src=x onerror=alert(1)><script>alert(2)</script>';
		const { container } = render(LogRow, {
			entry: entry({ message: payload, stackTrace: '<b>bold</b>' }),
			expanded: true
		});
		expect(container.querySelector('img')).toBeNull();
		expect(container.querySelector('script')).toBeNull();
		expect(container.querySelector('b')).toBeNull();
		expect(screen.getByTestId('log-row')).toHaveTextContent(payload);
		expect(alert).not.toHaveBeenCalled();
		vi.unstubAllGlobals();
	});

	it('renders ANSI colours as styled spans and drops other escapes', () => {
		const { container } = render(LogRow, {
			entry: entry({
				message: '\x1b[31mred\x1b[0m plain \x1b[1;38;5;46mbold\x1b[0m\x1b]0;title\x07 end'
			})
		});
		const spans = [...container.querySelectorAll<HTMLElement>('.msg .seg')];
		expect(spans.map((s) => s.textContent)).toEqual(['red', 'bold']);
		expect(spans[0]!.style.color).toBe('var(--ansi-1)');
		expect(spans[1]!.style.color).toBe('rgb(0, 255, 0)');
		expect(spans[1]!.classList.contains('b')).toBe(true);
		const msg = container.querySelector('.msg')!;
		expect(msg.textContent).toBe('red plain bold end');
		expect(msg.textContent).not.toContain('title');
	});

	it('highlights search matches across ANSI segments', () => {
		const { container } = render(LogRow, {
			entry: entry({ message: 'disk \x1b[33mfull\x1b[0m on disk 2' }),
			matcher: matcher('disk|ful', true)
		});
		const marks = [...container.querySelectorAll('mark')].map((m) => m.textContent);
		expect(marks).toEqual(['disk', 'ful', 'disk']);
	});

	it('shows a gap marker', () => {
		render(LogRow, { entry: { kind: 'gap', seq: 100, missing: 1204, reason: 'slow consumer' } });
		const gap = screen.getByTestId('log-gap');
		expect(gap).toHaveTextContent('1,204 lines missing · slow consumer');
		expect(gap.dataset.missing).toBe('1204');
		expect(screen.queryByTestId('log-row')).toBeNull();
	});

	it('words a gap of unknown size', () => {
		render(LogRow, { entry: { kind: 'gap', seq: 100, missing: null } });
		expect(screen.getByTestId('log-gap')).toHaveTextContent('Some lines missing');
	});

	it('toggles the time and source columns', () => {
		const { container, rerender } = render(LogRow, {
			entry: entry({ serviceName: 'api', taskId: TASK }),
			showTime: false,
			showSource: true
		});
		expect(container.querySelector('time')).toBeNull();
		expect(container.querySelector('.source')).toHaveTextContent('api · 0f1e2d3c');
		expect(container.querySelector('.source')?.getAttribute('title')).toBe(TASK);
		void rerender({ showTime: true, showSource: false });
	});

	it('pretty-prints a JSON message when expanded, keeping big numbers exact', async () => {
		const ontoggle = vi.fn();
		const { container } = render(LogRow, {
			entry: entry({ message: '{"level":"info","id":12345678901234567890,"ok":true}' }),
			ontoggle
		});
		expect(container.querySelector('pre.json')).toBeNull();
		await fireEvent.click(screen.getByRole('button', { name: 'Show details' }));
		expect(ontoggle).toHaveBeenCalledWith(true);
		const pre = container.querySelector('pre.json')!;
		expect(pre.textContent).toBe(
			'{\n  "level": "info",\n  "id": 12345678901234567890,\n  "ok": true\n}'
		);
		expect(pre.querySelector('.j-key')?.textContent).toBe('"level"');
		expect(screen.getByRole('button', { name: 'Hide details' })).toHaveAttribute(
			'aria-expanded',
			'true'
		);
	});

	it('collapses the stack trace until the row is expanded', async () => {
		const { container } = render(LogRow, {
			entry: entry({
				level: 'error',
				message: 'NullPointerException',
				stackTrace: 'at a.b(C.java:1)\nat d.e(F.java:2)'
			})
		});
		expect(container.querySelector('pre.stack')).toBeNull();
		await fireEvent.click(screen.getByRole('button', { name: 'stack trace' }));
		expect(container.querySelector('pre.stack')).toHaveTextContent(
			'at a.b(C.java:1) at d.e(F.java:2)'
		);
		await fireEvent.click(screen.getByRole('button', { name: 'Hide details' }));
		expect(container.querySelector('pre.stack')).toBeNull();
	});

	it('shows the first line of a multi-line message, and all of it when expanded', async () => {
		const { container } = render(LogRow, { entry: entry({ message: 'first\nsecond\nthird' }) });
		const msg = () => container.querySelector('.msg')!.textContent;
		const more = container.querySelector('.more')!;
		expect(msg()).toBe('first');
		expect(more).toHaveTextContent('⏎ 2 more lines');
		expect(more).not.toHaveAttribute('hidden');
		await fireEvent.click(screen.getByRole('button', { name: 'Show details' }));
		expect(msg()).toBe('first\nsecond\nthird');
		expect(more).toHaveAttribute('hidden');
	});

	it('keeps its "more" note and stack-trace button when reused, only hidden for a plain line', async () => {
		const { container, rerender } = render(LogRow, {
			entry: entry({ message: 'first\nsecond', stackTrace: 'at a.b(C.java:1)' })
		});
		const more = container.querySelector('.more')!;
		const hint = container.querySelector('.stack-hint')!;
		expect(more).toHaveTextContent('⏎ 1 more line');
		expect(more).not.toHaveAttribute('hidden');
		expect(screen.getByRole('button', { name: 'stack trace' })).toBe(hint);

		await rerender({ entry: entry({ seq: 43, message: 'plain' }) });
		// The same elements, hidden: out of sight, of the accessibility tree and of the tab order.
		expect(container.querySelector('.more')).toBe(more);
		expect(container.querySelector('.stack-hint')).toBe(hint);
		expect(more).toHaveAttribute('hidden');
		expect(hint).toHaveAttribute('hidden');
		expect(hint).toHaveAttribute('tabindex', '-1');
		expect(screen.queryByRole('button', { name: 'stack trace' })).toBeNull();
		expect(container.querySelector('.msg')).toHaveTextContent(/^plain$/);
	});

	it('has no toggle for a short plain line', () => {
		render(LogRow, { entry: entry() });
		expect(screen.queryByRole('button')).toBeNull();
	});

	it('lists fields and metadata when expanded', () => {
		const { container } = render(LogRow, {
			entry: entry({ taskId: TASK, correlationId: 'req-9', metadata: { attempt: 3, path: '/x' } }),
			expanded: true
		});
		const text = container.querySelector('.fields')!.textContent;
		expect(text).toContain(TASK);
		expect(text).toContain('req-9');
		expect(text).toContain('attempt 3');
		expect(text).toContain('path /x');
	});
});
