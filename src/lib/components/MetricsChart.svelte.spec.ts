import { render, screen } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MetricsChart from './MetricsChart.svelte';

// jsdom has no canvas; without this stub it prints "Not implemented" for getContext. The chart
// then renders its text parts only, which is what these tests check.
beforeEach(() => {
	vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => {
	vi.restoreAllMocks();
});

const now = 1_795_000_000;
function series(cpu: number[], mem: number[]) {
	return { t: Float64Array.from(cpu.map((_, i) => now + i)), cpu, mem };
}

describe('MetricsChart', () => {
	it('shows the unavailable message instead of numbers', () => {
		render(MetricsChart, {
			data: series([10], [100]),
			unavailable: 'Metrics not available from KECS'
		});
		expect(screen.getByTestId('metrics-unavailable')).toHaveTextContent(
			'Metrics not available from KECS'
		);
		expect(screen.queryByTestId('metrics-cpu')).toBeNull();
		expect(screen.getByTestId('metrics-chart')).not.toHaveTextContent(/\d+(\.\d)? %/);
	});

	it('shows the latest values with the reservations', () => {
		render(MetricsChart, {
			data: series([12, 20, 37.24], [300, 350, 412.3]),
			cpuReservation: 512,
			memoryReservation: 512
		});
		expect(screen.getByTestId('metrics-cpu')).toHaveTextContent('CPU 37.2 % / 50.0 %');
		expect(screen.getByTestId('metrics-mem')).toHaveTextContent('Mem 412 MiB / 512');
	});

	it('marks memory under pressure', () => {
		render(MetricsChart, { data: series([1], [490]), memoryReservation: 512 });
		expect(screen.getByTestId('metrics-mem')).toHaveAttribute('data-pressure', 'high');
	});

	it('waits for samples instead of showing zeros', () => {
		render(MetricsChart, { data: { t: [], cpu: [], mem: [] } });
		expect(screen.getByTestId('metrics-chart')).toHaveTextContent('Waiting for samples…');
		expect(screen.getByTestId('metrics-cpu')).toHaveTextContent('CPU –');
	});

	it('updates the numbers when new samples are published, at most a few times a second', async () => {
		const data = series([5], [100]);
		const { rerender } = render(MetricsChart, { data, version: 0, minRedrawMs: 50 });
		expect(screen.getByTestId('metrics-cpu')).toHaveTextContent('CPU 5.0 %');
		data.cpu.push(64.5);
		data.mem.push(222);
		data.t = Float64Array.from([now, now + 1]);
		await rerender({ data, version: 1 });
		await vi.waitFor(() =>
			expect(screen.getByTestId('metrics-cpu')).toHaveTextContent('CPU 64.5 %')
		);
		expect(screen.getByTestId('metrics-mem')).toHaveTextContent('Mem 222 MiB');
	});
});
