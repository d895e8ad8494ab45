import { describe, expect, it, vi } from 'vitest';
import { manualFrames } from '$lib/testing/frames';
import { animationFrame, FrameBatcher } from './frame';

describe('FrameBatcher', () => {
	it('runs one flush per frame however often it is asked', () => {
		const frames = manualFrames();
		const flush = vi.fn();
		const batcher = new FrameBatcher(frames.schedule, flush);
		for (let i = 0; i < 1000; i++) batcher.request();
		expect(frames.scheduled).toBe(1);
		expect(flush).not.toHaveBeenCalled();
		frames.flush();
		expect(flush).toHaveBeenCalledTimes(1);
		batcher.request();
		frames.flush();
		expect(flush).toHaveBeenCalledTimes(2);
		expect(batcher.flushes).toBe(2);
	});

	it('flushNow publishes at once and drops the scheduled frame', () => {
		const frames = manualFrames();
		const flush = vi.fn();
		const batcher = new FrameBatcher(frames.schedule, flush);
		batcher.request();
		batcher.flushNow();
		expect(flush).toHaveBeenCalledTimes(1);
		expect(frames.pending).toBe(0);
		frames.flush();
		expect(flush).toHaveBeenCalledTimes(1);
	});

	it('copes with a scheduler that runs the callback synchronously', () => {
		const flush = vi.fn();
		const batcher = new FrameBatcher((cb) => (cb(), () => {}), flush);
		batcher.request();
		batcher.request();
		expect(flush).toHaveBeenCalledTimes(2);
		expect(batcher.pending).toBe(false);
	});

	it('cancel drops a pending flush', () => {
		const frames = manualFrames();
		const flush = vi.fn();
		const batcher = new FrameBatcher(frames.schedule, flush);
		batcher.request();
		batcher.cancel();
		frames.flush();
		expect(flush).not.toHaveBeenCalled();
	});
});

describe('animationFrame', () => {
	it('falls back to a timeout where there is no requestAnimationFrame', () => {
		vi.useFakeTimers();
		try {
			const cb = vi.fn();
			animationFrame(cb);
			vi.advanceTimersByTime(16);
			expect(cb).toHaveBeenCalledTimes(1);
			const cancelled = vi.fn();
			animationFrame(cancelled)();
			vi.advanceTimersByTime(50);
			expect(cancelled).not.toHaveBeenCalled();
		} finally {
			vi.useRealTimers();
		}
	});
});
