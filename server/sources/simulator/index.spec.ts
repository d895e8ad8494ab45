import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Source } from '../source';
import { createSimulator } from './index';
import { createRecordingSink } from './recording-sink';

function sleep(ms: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('createSimulator', () => {
	let source: Source | undefined;
	afterEach(async () => {
		await source?.stop();
		source = undefined;
		vi.restoreAllMocks();
	});

	it('is the built-in source with metrics, healthy, with tasks before it starts', () => {
		source = createSimulator({ seed: 1 });
		expect(source.name).toBe('simulator');
		expect(source.providesMetrics).toBe(true);
		expect(source.health().status).toBe('healthy');
		expect(source.tasks().length).toBeGreaterThanOrEqual(10);
	});

	it('announces its tasks on start and then streams in real time', async () => {
		const startTime = Date.now();
		source = createSimulator({ seed: 1, logRate: 400, tickMs: 10, startTime });
		const sink = createRecordingSink();
		source.start(sink);
		expect(sink.taskUpdates.length).toBe(source.tasks().length);
		expect(sink.taskUpdates.every((u) => u.updateType === 'created')).toBe(true);
		await sleep(1_300);
		// About 400 lines a second and one metric sample per task per second; generous bounds
		// because a loaded CI machine runs timers late.
		expect(sink.logs.length).toBeGreaterThan(150);
		expect(sink.metricUpdates.length).toBeGreaterThanOrEqual(10);
		const last = sink.logs.at(-1)?.timestamp.getTime() ?? 0;
		expect(last).toBeGreaterThanOrEqual(startTime);
		expect(last).toBeLessThanOrEqual(Date.now() + 50);
	});

	it('stops producing after stop()', async () => {
		source = createSimulator({ seed: 1, logRate: 1_000, tickMs: 10 });
		const sink = createRecordingSink();
		source.start(sink);
		await sleep(100);
		await source.stop();
		const count = sink.events.length;
		await sleep(100);
		expect(sink.events.length).toBe(count);
	});

	it('never keeps the process alive: its timer is unref-ed', () => {
		const spy = vi.spyOn(globalThis, 'setInterval');
		source = createSimulator({ seed: 1 });
		source.start(createRecordingSink());
		const timer = spy.mock.results[0]?.value as NodeJS.Timeout | undefined;
		expect(timer?.hasRef()).toBe(false);
	});

	it('survives a throwing sink and reports itself degraded', async () => {
		source = createSimulator({ seed: 1, logRate: 200, tickMs: 10 });
		const sink = createRecordingSink();
		source.start({
			...sink,
			log() {
				throw new Error('hub exploded');
			}
		});
		// Polled, not a fixed sleep: on a loaded machine the first lines can take longer than 150 ms.
		await vi.waitFor(
			() => expect(source?.health()).toMatchObject({ status: 'degraded', detail: 'hub exploded' }),
			{ timeout: 10_000, interval: 20 }
		);
	});

	it('refuses a second start and a nonsense tick', () => {
		source = createSimulator({ seed: 1 });
		source.start(createRecordingSink());
		expect(() => source?.start(createRecordingSink())).toThrow();
		expect(() => createSimulator({ tickMs: 0 })).toThrow(RangeError);
	});
});
