import { describe, expect, it } from 'vitest';
import { DAY_MS, dayWave, TaskMetricsModel, type MetricProfile } from './metrics';
import { createRng } from './prng';

const calm = { wave: 1, spike: 0, stress: 0 };

function series(profile: MetricProfile, seconds: number, load = calm, seed = 1) {
	const model = new TaskMetricsModel(createRng(seed), profile);
	return Array.from({ length: seconds }, (_, i) => model.sample(i * 1000, load));
}

const web: MetricProfile = {
	cpuPercent: 20,
	memoryMiB: 300,
	memoryLimitMiB: 1024,
	leakMiBPerMinute: 0
};

describe('TaskMetricsModel', () => {
	it('stays around its baseline once warm, within physical bounds', () => {
		const samples = series(web, 600).slice(120);
		const cpu = samples.reduce((s, x) => s + x.cpu, 0) / samples.length;
		const memory = samples.reduce((s, x) => s + x.memory, 0) / samples.length;
		expect(cpu).toBeGreaterThan(15);
		expect(cpu).toBeLessThan(25);
		expect(memory).toBeGreaterThan(270);
		expect(memory).toBeLessThan(330);
		for (const s of samples) {
			expect(s.cpu).toBeGreaterThanOrEqual(0);
			expect(s.cpu).toBeLessThanOrEqual(100);
			expect(s.memory).toBeLessThanOrEqual(web.memoryLimitMiB);
		}
	});

	it('is noisy but not white noise: neighbouring samples are close', () => {
		const samples = series(web, 300).slice(60);
		let jumps = 0;
		for (let i = 1; i < samples.length; i++) {
			jumps += Math.abs((samples[i]?.cpu ?? 0) - (samples[i - 1]?.cpu ?? 0));
		}
		const distinct = new Set(samples.map((s) => s.cpu)).size;
		expect(distinct).toBeGreaterThan(20);
		expect(jumps / samples.length).toBeLessThan(4);
	});

	it('burns more CPU in a load spike and under stress', () => {
		const avg = (load: typeof calm) =>
			series(web, 300, load)
				.slice(60)
				.reduce((s, x) => s + x.cpu, 0) / 240;
		expect(avg({ wave: 1, spike: 1, stress: 0 })).toBeGreaterThan(avg(calm) * 2);
		expect(avg({ wave: 1, spike: 0, stress: 1 })).toBeGreaterThan(avg(calm) + 10);
	});

	it('leaks towards the reservation and never past it', () => {
		const leaky: MetricProfile = { ...web, leakMiBPerMinute: 60 };
		const samples = series(leaky, 20 * 60);
		const minute = (m: number) => samples[m * 60]?.memory ?? 0;
		expect(minute(5)).toBeGreaterThan(minute(2) + 120);
		expect(minute(10)).toBeGreaterThan(minute(5) + 200);
		expect(Math.max(...samples.map((s) => s.memory))).toBe(leaky.memoryLimitMiB);
	});

	it('follows a compressed day with mean one', () => {
		let sum = 0;
		const n = 1_000;
		for (let i = 0; i < n; i++) sum += dayWave((i / n) * DAY_MS * 10, 0.7);
		expect(sum / n).toBeGreaterThan(0.97);
		expect(sum / n).toBeLessThan(1.03);
		expect(dayWave(DAY_MS / 4, 0)).toBeGreaterThan(1.2);
	});
});
