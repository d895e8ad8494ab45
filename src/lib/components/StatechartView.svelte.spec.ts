import { render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine } from 'xstate';
import { createActor } from 'xstate';
import { stateValueToPaths } from '$lib/render/statechart-layout';
import { sampleConnectionMachine } from './fixtures/sample-connection-machine';
import StatechartView from './StatechartView.svelte';

const STATES = [
	'idle',
	'connecting',
	'open',
	'open.heartbeat',
	'open.heartbeat.waiting',
	'open.heartbeat.awaitingPong',
	'heartbeatTimeout',
	'backoff',
	'failed',
	'closed'
];

function stateEls(container: HTMLElement): Map<string, Element> {
	return new Map(
		[...container.querySelectorAll('[data-state]')].map((el) => [
			el.getAttribute('data-state')!,
			el
		])
	);
}

describe('StatechartView', () => {
	it('draws every state of the machine, with its name', () => {
		const { container } = render(StatechartView, { machine: sampleConnectionMachine });
		const els = stateEls(container);
		expect([...els.keys()].sort()).toEqual([...STATES].sort());
		for (const id of STATES) expect(els.get(id)!.textContent).toContain(id.split('.').at(-1)!);
		expect(container.querySelectorAll('path.edge[data-edge]').length).toBeGreaterThan(8);
		expect(container.textContent).toContain('after connectTimeout');
		expect(container.textContent).toContain('after pongTimeout');
	});

	it('highlights the active state and its ancestors', async () => {
		const { container, rerender } = render(StatechartView, {
			machine: sampleConnectionMachine,
			active: ['open.heartbeat.waiting']
		});
		const active = () =>
			[...container.querySelectorAll('[data-active="true"]')]
				.map((el) => el.getAttribute('data-state'))
				.sort();
		expect(active()).toEqual(['open', 'open.heartbeat', 'open.heartbeat.waiting']);
		await rerender({ active: ['backoff'] });
		expect(active()).toEqual(['backoff']);
		expect(screen.getByRole('img')).toHaveAttribute(
			'aria-label',
			expect.stringContaining('active: backoff')
		);
	});

	it('lists the last transitions newest first and marks the edge just taken', () => {
		const at = new Date(2026, 10, 26, 10, 0, 0).getTime();
		const { container } = render(StatechartView, {
			machine: sampleConnectionMachine,
			active: ['backoff'],
			maxTransitions: 2,
			transitions: [
				{ at, from: 'idle', to: 'connecting', event: 'connection.connect' },
				{ at: at + 1000, from: 'connecting', to: 'open.heartbeat.waiting', event: 'socket.opened' },
				{
					at: at + 31_000,
					from: 'open.heartbeat.awaitingPong',
					to: 'heartbeatTimeout',
					event: 'xstate.after.pongTimeout.connection.open.heartbeat.awaitingPong'
				}
			]
		});
		const items = screen.getAllByTestId('statechart-transition');
		expect(items).toHaveLength(2);
		expect(items[0]).toHaveTextContent('10:00:31.000');
		expect(items[0]).toHaveTextContent('open.heartbeat.awaitingPong → heartbeatTimeout');
		expect(items[0]).toHaveTextContent('after pongTimeout');
		expect(items[1]).toHaveTextContent('socket.opened');
		const hot = container.querySelector('path.edge.hot');
		expect(hot?.getAttribute('data-edge')).toBe('open->heartbeatTimeout');
	});

	it('follows a running actor', () => {
		const actor = createActor(sampleConnectionMachine).start();
		actor.send({ type: 'connection.connect' });
		actor.send({ type: 'socket.opened' });
		const { container } = render(StatechartView, {
			machine: sampleConnectionMachine,
			active: stateValueToPaths(actor.getSnapshot().value)
		});
		expect(container.querySelector('[data-state="open.heartbeat.waiting"]')).toHaveAttribute(
			'data-active',
			'true'
		);
		actor.stop();
	});

	// The real connection machine is written in parallel; draw it too once it exists.
	const real = import.meta.glob('../connection/machine.ts');
	it.runIf(Object.keys(real).length > 0)('draws the real connection machine', async () => {
		const mod = (await Object.values(real)[0]!()) as Record<string, unknown>;
		const machine = Object.values(mod).find(
			(v): v is AnyStateMachine =>
				typeof v === 'object' && v !== null && 'root' in v && 'config' in v
		);
		expect(machine).toBeDefined();
		const { container } = render(StatechartView, { machine: machine! });
		const count = (function walk(n: AnyStateMachine['root']): number {
			return Object.values(n.states).reduce((s, c) => s + walk(c), 1);
		})(machine!.root);
		expect(stateEls(container).size).toBe(count - 1);
	});
});
