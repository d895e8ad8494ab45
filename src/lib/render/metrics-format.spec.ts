import { describe, expect, it } from 'vitest';
import { niceCeilFine } from './metrics-format';

describe('niceCeilFine', () => {
	it('rounds up to a near round number', () => {
		expect(niceCeilFine(110)).toBe(120);
		expect(niceCeilFine(100)).toBe(100);
		expect(niceCeilFine(2253)).toBe(2500);
		expect(niceCeilFine(7)).toBe(8);
		expect(niceCeilFine(0.13)).toBeCloseTo(0.15);
		expect(niceCeilFine(0)).toBe(1);
		expect(niceCeilFine(NaN)).toBe(1);
	});
});
