import { describe, expect, it } from 'vitest';
import type { TaskUpdate } from '../../src/lib/protocol/index';
import {
	CLUSTER_DEFAULT,
	CLUSTER_PROD,
	sourceTaskUpdate,
	task,
	TASK_WEB,
	TASK_WORKER
} from '../testing/fixtures';
import { DEFAULT_HISTORY_LIMITS, EpochState } from './epoch-state';

function tasksHeld(state: EpochState): TaskUpdate[] {
	const out: TaskUpdate[] = [];
	state.tasks.forEachAfter(0, (r) => void out.push(r.item));
	return out;
}

describe('EpochState', () => {
	it('stamps consecutive seqs per stream and starts a fresh epoch each time', () => {
		const a = new EpochState(DEFAULT_HISTORY_LIMITS);
		const b = new EpochState(DEFAULT_HISTORY_LIMITS);
		expect(a.epoch).not.toBe(b.epoch);
		const web = task(TASK_WEB, 'web', CLUSTER_DEFAULT);
		expect(a.publishTask(sourceTaskUpdate(web, 'created')).seq).toBe(1);
		expect(a.publishTask(sourceTaskUpdate(web)).seq).toBe(2);
		expect(a.logs.lastSeq).toBe(0);
	});

	it('re-publishes a live task whose latest update history evicts, so history still lists it', () => {
		const state = new EpochState({ ...DEFAULT_HISTORY_LIMITS, tasks: 5 });
		const web = task(TASK_WEB, 'web', CLUSTER_DEFAULT);
		state.publishTask(sourceTaskUpdate(web, 'created'));
		state.publishTask({
			taskId: TASK_WEB,
			updateType: 'status_changed',
			changes: { lastStatus: 'STOPPING' },
			timestamp: new Date()
		});
		const worker = task(TASK_WORKER, 'worker', CLUSTER_PROD);
		for (let i = 0; i < 12; i++) state.publishTask(sourceTaskUpdate(worker, 'updated'));
		const held = tasksHeld(state);
		const webUpdates = held.filter((u) => u.taskId === TASK_WEB);
		expect(webUpdates).toHaveLength(1);
		// The re-published state merges the partial change into the full task.
		expect(webUpdates[0]).toMatchObject({
			updateType: 'updated',
			task: { lastStatus: 'STOPPING' }
		});
		// Seqs stay consecutive through re-publication.
		const seqs = held.map((u) => u.seq);
		expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] ?? 0) + i));
	});

	it('does not re-publish deleted tasks', () => {
		const state = new EpochState({ ...DEFAULT_HISTORY_LIMITS, tasks: 3 });
		const web = task(TASK_WEB, 'web', CLUSTER_DEFAULT);
		state.publishTask(sourceTaskUpdate(web, 'created'));
		state.publishTask({ taskId: TASK_WEB, updateType: 'deleted', timestamp: new Date() });
		const worker = task(TASK_WORKER, 'worker', CLUSTER_PROD);
		for (let i = 0; i < 6; i++) state.publishTask(sourceTaskUpdate(worker, 'updated'));
		expect(tasksHeld(state).some((u) => u.taskId === TASK_WEB)).toBe(false);
	});
});
