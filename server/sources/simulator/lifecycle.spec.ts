import { describe, expect, it } from 'vitest';
import type { TaskStatus } from '../../../src/lib/protocol/types';
import { TASK_STATUSES } from '../../../src/lib/protocol/schemas';
import { isLegalTransition, LEGAL_TRANSITIONS, lifecycleIndex, TASK_LIFECYCLE } from './lifecycle';

describe('ECS task lifecycle', () => {
	it('covers exactly the protocol statuses, in lifecycle order', () => {
		expect([...TASK_LIFECYCLE]).toEqual([...TASK_STATUSES]);
		expect(Object.keys(LEGAL_TRANSITIONS).sort()).toEqual([...TASK_STATUSES].sort());
	});

	it('never allows a backward or same-status move', () => {
		for (const from of TASK_STATUSES) {
			for (const to of LEGAL_TRANSITIONS[from]) {
				expect(lifecycleIndex(to), `${from} -> ${to}`).toBeGreaterThan(lifecycleIndex(from));
			}
		}
		for (const from of TASK_STATUSES) {
			for (const to of TASK_STATUSES) {
				if (lifecycleIndex(to) <= lifecycleIndex(from)) {
					expect(isLegalTransition(from, to), `${from} -> ${to}`).toBe(false);
				}
			}
		}
	});

	it('allows the full happy path one step at a time', () => {
		const path: TaskStatus[] = [...TASK_LIFECYCLE];
		for (let i = 1; i < path.length; i++) {
			expect(isLegalTransition(path[i - 1] as TaskStatus, path[i] as TaskStatus)).toBe(true);
		}
	});

	it('allows the forward skips ECS makes on failure', () => {
		expect(isLegalTransition('PENDING', 'STOPPED')).toBe(true);
		expect(isLegalTransition('PENDING', 'DEPROVISIONING')).toBe(true);
		expect(isLegalTransition('RUNNING', 'STOPPING')).toBe(true);
		expect(isLegalTransition('PROVISIONING', 'DEPROVISIONING')).toBe(true);
	});

	it('refuses moves ECS never makes', () => {
		expect(isLegalTransition('RUNNING', 'PENDING')).toBe(false);
		expect(isLegalTransition('STOPPED', 'RUNNING')).toBe(false);
		expect(isLegalTransition('PROVISIONING', 'RUNNING')).toBe(false);
		expect(isLegalTransition('RUNNING', 'RUNNING')).toBe(false);
		expect(LEGAL_TRANSITIONS.DELETED).toEqual([]);
	});
});
