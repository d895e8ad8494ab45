import { describe, expect, it } from 'vitest';
import { formatClock, nameHue, shortTaskId, sourceLabel } from './log-format';
import { gapText, isLogGap } from './log-gap';

const ARN = 'arn:aws:ecs:us-east-1:000000000000:task/default/0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('log row columns', () => {
	it('formats local clock time with milliseconds', () => {
		expect(formatClock(new Date(2026, 10, 26, 9, 5, 7, 42))).toBe('09:05:07.042');
		expect(formatClock(new Date(NaN))).toBe('--:--:--.---');
	});

	it('shortens task ARNs', () => {
		expect(shortTaskId(ARN)).toBe('0f1e2d3c');
		expect(shortTaskId('abc')).toBe('abc');
	});

	it('labels the source', () => {
		const source = { type: 'container' as const, name: 'web', identifier: 'c1' };
		expect(sourceLabel({ serviceName: 'api', taskId: ARN, source })).toBe('api · 0f1e2d3c');
		expect(sourceLabel({ taskId: ARN, source })).toBe('0f1e2d3c');
		expect(sourceLabel({ source })).toBe('web');
	});

	it('gives each name a stable hue', () => {
		expect(nameHue('api')).toBe(nameHue('api'));
		expect(nameHue('api')).not.toBe(nameHue('worker'));
		expect(nameHue('x')).toBeGreaterThanOrEqual(0);
		expect(nameHue('x')).toBeLessThan(360);
	});
});

describe('log gaps', () => {
	it('tells gaps from entries and words them', () => {
		expect(isLogGap({ kind: 'gap', seq: 1, missing: 3 })).toBe(true);
		expect(isLogGap({ seq: 1, message: 'x' })).toBe(false);
		expect(gapText({ missing: 1 })).toBe('1 line missing');
		expect(gapText({ missing: 1204 })).toBe('1,204 lines missing');
		expect(gapText({ missing: null })).toBe('Some lines missing');
	});
});
