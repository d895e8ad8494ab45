import { describe, expect, it } from 'vitest';
import { parseColor, withAlpha } from './color';
import {
	cpuUnitsToPercent,
	formatMiB,
	formatPercent,
	formatTimeTicks,
	lastValue,
	maxValue,
	niceCeil,
	pressure
} from './metrics-format';

describe('colours', () => {
	it('parses hex and rgb forms', () => {
		expect(parseColor('#0f766e')).toEqual({ r: 15, g: 118, b: 110, a: 1 });
		expect(parseColor('#fff')).toEqual({ r: 255, g: 255, b: 255, a: 1 });
		expect(parseColor('rgb(1, 2, 3)')).toEqual({ r: 1, g: 2, b: 3, a: 1 });
		expect(parseColor('rgba(1, 2, 3, 0.5)')).toEqual({ r: 1, g: 2, b: 3, a: 0.5 });
		expect(parseColor('rgb(1 2 3 / 50%)')).toEqual({ r: 1, g: 2, b: 3, a: 0.5 });
		expect(parseColor('oklch(0.5 0.1 200)')).toBeNull();
	});
	it('adds transparency', () => {
		expect(withAlpha('#000000', 0.25)).toBe('rgba(0, 0, 0, 0.25)');
		expect(withAlpha('rgba(10, 20, 30, 0.5)', 0.5)).toBe('rgba(10, 20, 30, 0.25)');
		expect(withAlpha('oklch(0.5 0.1 200)', 0.5)).toBe('oklch(0.5 0.1 200)');
	});
});

describe('metrics formats', () => {
	it('converts CPU units to percent of one vCPU', () => {
		expect(cpuUnitsToPercent(1024)).toBe(100);
		expect(cpuUnitsToPercent(256)).toBe(25);
	});
	it('finds the last and largest finite values', () => {
		expect(lastValue([1, 2, null, NaN])).toBe(2);
		expect(lastValue([])).toBeNull();
		expect(maxValue(new Float64Array([3, 9, 4]))).toBe(9);
		expect(maxValue([null, -1])).toBe(0);
	});
	it('formats values', () => {
		expect(formatPercent(37.24)).toBe('37.2');
		expect(formatPercent(312.4)).toBe('312');
		expect(formatMiB(412.4)).toBe('412');
		expect(formatMiB(2048)).toBe('2,048');
		expect(formatMiB(12.34)).toBe('12.3');
	});
	it('rounds axis bounds up', () => {
		expect(niceCeil(0)).toBe(1);
		expect(niceCeil(7)).toBe(10);
		expect(niceCeil(120)).toBe(200);
		expect(niceCeil(230)).toBe(250);
		expect(niceCeil(0.3)).toBeCloseTo(0.5);
	});
	it('grades pressure against a reservation', () => {
		expect(pressure(400, 512)).toBe('ok');
		expect(pressure(450, 512)).toBe('high');
		expect(pressure(600, 512)).toBe('over');
		expect(pressure(600, null)).toBe('ok');
		expect(pressure(600, 512, true)).toBe('high');
	});
	it('labels time ticks', () => {
		const t = new Date(2026, 10, 26, 10, 25, 0).getTime() / 1000;
		expect(formatTimeTicks([t, t + 60])).toEqual(['10:25', '10:26']);
		expect(formatTimeTicks([t, t + 30])).toEqual(['10:25:00', '10:25:30']);
	});
});
