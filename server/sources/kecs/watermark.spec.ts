import { describe, expect, it } from 'vitest';
import type { KecsLogFrame } from './mapping';
import { Watermark } from './watermark';

function line(ns: number, text: string, id = ''): [KecsLogFrame, bigint] {
	return [
		{ id, task_arn: '', container_name: 'c', timestamp: `t${ns}`, log_line: text },
		BigInt(ns)
	];
}

function feed(w: Watermark, lines: [KecsLogFrame, bigint][]): string[] {
	return lines.filter(([f, ns]) => w.accept(f, ns)).map(([f]) => f.log_line);
}

describe('Watermark', () => {
	it('after a reopen, drops everything up to what was delivered and keeps what is new', () => {
		const w = new Watermark();
		const log = [line(1, 'a'), line(2, 'b'), line(3, 'c'), line(4, 'd'), line(5, 'e')];
		expect(feed(w, log.slice(0, 3))).toEqual(['a', 'b', 'c']);
		expect(w.raw).toBe('t3');
		w.newPass();
		// KECS replays the whole log (it ignores `from` on its streams).
		expect(feed(w, log)).toEqual(['d', 'e']);
		w.newPass();
		// Or honours `from` inclusively.
		expect(feed(w, log.slice(4))).toEqual([]);
	});

	it('keeps a line repeated at the same instant, once per occurrence', () => {
		const w = new Watermark();
		const log = [
			line(1, 'x'),
			line(2, '\tat Foo'),
			line(2, '\tat Foo'),
			line(2, '\tat Bar'),
			line(3, 'y')
		];
		expect(feed(w, log.slice(0, 3))).toEqual(['x', '\tat Foo', '\tat Foo']);
		w.newPass();
		expect(feed(w, log)).toEqual(['\tat Bar', 'y']);
	});

	it('drops a line whose KECS id was delivered, whatever its timestamp', () => {
		const w = new Watermark();
		expect(feed(w, [line(5, 'a', 'id-1')])).toEqual(['a']);
		w.newPass();
		expect(feed(w, [line(6, 'a again', 'id-1'), line(7, 'b', 'id-2')])).toEqual(['b']);
	});
});
