import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';
import { connectionMachine } from '$lib/connection/machine';
import { describeState } from '$lib/connection/inspect';
import { layoutMachine, stateValueToPaths } from './statechart-layout';
import { describedToPaths, toChartTransition } from './transition-paths';

describe('describedToPaths', () => {
	it('undoes describeState for flat, nested and parallel states', () => {
		const values = [
			'idle',
			{ link: 'connecting' },
			{ link: { authenticating: 'fetchingToken' } },
			{ link: { open: { heartbeat: 'waiting', stability: 'settling' } } },
			{ a: 'x', b: { c: 'y' } }
		];
		for (const value of values) {
			expect(describedToPaths(describeState(value))).toEqual(stateValueToPaths(value));
		}
	});
});

describe('toChartTransition', () => {
	it('takes the region that changed, so the diagram can light the arrow taken', () => {
		expect(
			toChartTransition({
				at: 5,
				from: 'link.open(heartbeat.waiting,stability.settling)',
				to: 'link.open(heartbeat.probing,stability.settling)',
				event: 'xstate.after.heartbeatInterval'
			})
		).toEqual({
			at: 5,
			from: 'link.open.heartbeat.waiting',
			to: 'link.open.heartbeat.probing',
			event: 'xstate.after.heartbeatInterval'
		});
		expect(
			toChartTransition({
				at: 1,
				from: 'link.open(heartbeat.waiting,stability.stable)',
				to: 'backoff',
				event: 'socket.closed'
			})
		).toMatchObject({ from: 'link.open.heartbeat.waiting', to: 'backoff' });
	});

	it('gives paths that name nodes of the real machine’s diagram', () => {
		const ids = new Set(layoutMachine(connectionMachine).nodes.map((n) => n.id));
		const actor = createActor(connectionMachine, {
			input: {
				config: { url: 'ws://x.invalid/ws' },
				now: () => 0,
				nextId: () => 'id',
				registry: undefined as never,
				online: false
			}
		});
		// Only the inert initial state can be reached without a socket; its path must be a node.
		actor.start();
		for (const path of describedToPaths(describeState(actor.getSnapshot().value))) {
			expect(ids.has(path)).toBe(true);
		}
		for (const path of describedToPaths('link.open(heartbeat.waiting,stability.settling)')) {
			expect(ids.has(path)).toBe(true);
		}
		actor.stop();
	});
});
