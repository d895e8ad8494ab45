import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createWorld } from './world';

const sink = { log() {}, metrics() {}, notification() {}, task() {} };

function running(tasks?: number): number {
	const world = createWorld({ seed: 1, ...(tasks === undefined ? {} : { tasks }) });
	world.advance(0, sink);
	return world.tasks().filter((t) => t.lastStatus === 'RUNNING').length;
}

describe('SIM_TASKS (the tasks option)', () => {
	it('scales the services to the number of tasks asked for', () => {
		expect(running(30)).toBe(30);
		expect(running(5)).toBe(5);
	});

	it('leaves the default world as it was', () => {
		expect(running()).toBe(12);
	});

	it('is read from the environment and checked', () => {
		expect(loadConfig({ SIM_TASKS: '30' }).simTasks).toBe(30);
		expect(loadConfig({}).simTasks).toBeUndefined();
		expect(() => loadConfig({ SIM_TASKS: '2.5' })).toThrow(/SIM_TASKS must be an integer/);
		expect(() => loadConfig({ SIM_TASKS: '5000' })).toThrow(/SIM_TASKS/);
	});
});
