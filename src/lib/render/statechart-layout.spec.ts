import { describe, expect, it } from 'vitest';
import { createMachine, setup } from 'xstate';
import { sampleConnectionMachine } from '$lib/components/fixtures/sample-connection-machine';
import {
	eventLabel,
	isActive,
	layoutMachine,
	stateValueToPaths,
	type ChartNode
} from './statechart-layout';

function overlaps(a: ChartNode, b: ChartNode): boolean {
	return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

describe('layoutMachine', () => {
	const layout = layoutMachine(sampleConnectionMachine);
	const node = (id: string) => layout.nodes.find((n) => n.id === id)!;

	it('draws every state, parents first', () => {
		expect(layout.nodes.map((n) => n.id).sort()).toEqual(
			[
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
			].sort()
		);
		for (const n of layout.nodes) {
			if (n.parent !== null) {
				expect(layout.nodes.findIndex((p) => p.id === n.parent)).toBeLessThan(
					layout.nodes.indexOf(n)
				);
			}
		}
		expect(node('open').type).toBe('compound');
		expect(node('open.heartbeat.waiting')).toMatchObject({
			parent: 'open.heartbeat',
			depth: 2,
			initial: true
		});
	});

	it('puts states in columns by distance from the initial state', () => {
		expect(node('idle').x).toBeLessThan(node('connecting').x);
		expect(node('connecting').x).toBeLessThan(node('open').x);
		expect(node('open').x).toBeLessThan(node('heartbeatTimeout').x);
	});

	it('nests children inside their parents, and siblings do not overlap', () => {
		for (const n of layout.nodes) {
			if (n.parent === null) continue;
			const p = node(n.parent);
			expect(n.x).toBeGreaterThanOrEqual(p.x);
			expect(n.y).toBeGreaterThanOrEqual(p.y);
			expect(n.x + n.width).toBeLessThanOrEqual(p.x + p.width);
			expect(n.y + n.height).toBeLessThanOrEqual(p.y + p.height);
		}
		for (const a of layout.nodes) {
			for (const b of layout.nodes) {
				if (a !== b && a.parent === b.parent)
					expect(overlaps(a, b), `${a.id} / ${b.id}`).toBe(false);
			}
		}
		expect(layout.width).toBeGreaterThanOrEqual(
			Math.max(...layout.nodes.map((n) => n.x + n.width))
		);
		expect(layout.height).toBeGreaterThanOrEqual(
			Math.max(...layout.nodes.map((n) => n.y + n.height))
		);
	});

	it('labels transitions with events, delays and guards, merged per pair of states', () => {
		const edge = (id: string) => layout.edges.find((e) => e.id === id);
		expect(edge('idle->connecting')?.labels).toEqual(['connection.connect']);
		expect(edge('connecting->backoff')?.labels).toEqual([
			'socket.closed [isRetryable]',
			'after connectTimeout'
		]);
		expect(edge('open.heartbeat.waiting->open.heartbeat.awaitingPong')?.labels).toEqual([
			'after heartbeatInterval'
		]);
		// From a nested state: drawn from its container's border, the inner state in the label.
		expect(edge('open->heartbeatTimeout')?.labels).toEqual([
			'heartbeat.awaitingPong: after pongTimeout'
		]);
		// Drawn on two lines: the state, then the event.
		expect(edge('open->heartbeatTimeout')?.lines).toEqual([
			'heartbeat.awaitingPong:',
			'  after pongTimeout'
		]);
		expect(edge('heartbeatTimeout->backoff')?.labels).toEqual(['after 0 ms']);
		expect(edge('backoff->connecting')?.labels).toEqual([
			'connection.retry',
			'after backoffDelay [canRetry]'
		]);
		expect(edge('backoff->connecting')?.kind).toBe('lane-bottom');
		expect(edge('idle->connecting')?.kind).toBe('forward');
		for (const e of layout.edges) expect(e.d).toMatch(/^M[\d.-]+,[\d.-]+ /);
	});

	it('keeps actions-only transitions as handled events, not arrows', () => {
		expect(node('open').handles).toEqual(['socket.message']);
		expect(layout.edges.some((e) => e.events.includes('socket.message'))).toBe(false);
	});

	it('marks initial states', () => {
		expect(layout.initials.map((i) => i.target).sort()).toEqual(
			['idle', 'open.heartbeat', 'open.heartbeat.waiting'].sort()
		);
	});

	it('keeps labels from overlapping each other', () => {
		const labels = layout.edges.map((e) => e.label);
		for (const a of labels) {
			for (const b of labels) {
				if (a === b) continue;
				const hit =
					a.x < b.x + b.width &&
					b.x < a.x + a.width &&
					a.y < b.y + b.height &&
					b.y < a.y + a.height;
				expect(hit).toBe(false);
			}
		}
	});

	it('is deterministic', () => {
		expect(layoutMachine(sampleConnectionMachine)).toEqual(layout);
	});

	it('handles parallel states, self-loops, always, final, history and invoke events', () => {
		const m = setup({ actors: {} }).createMachine({
			id: 'p',
			type: 'parallel',
			states: {
				a: {
					initial: 'x',
					states: {
						x: { on: { go: 'y', again: { target: 'x', reenter: true } } },
						y: { always: { target: 'z' } },
						z: { type: 'final' },
						h: { type: 'history' }
					}
				},
				b: { initial: 'u', states: { u: { after: { 1500: 'v' } }, v: {} } }
			}
		});
		const l = layoutMachine(m);
		expect(l.nodes.map((n) => n.id)).toEqual(['a', 'a.x', 'a.y', 'a.z', 'a.h', 'b', 'b.u', 'b.v']);
		expect(l.edges.find((e) => e.id === 'a.x->a.x')).toMatchObject({
			kind: 'self',
			labels: ['again']
		});
		expect(l.edges.find((e) => e.id === 'a.y->a.z')?.labels).toEqual(['always']);
		expect(l.edges.find((e) => e.id === 'b.u->b.v')?.labels).toEqual(['after 1.5 s']);
		expect(l.nodes.find((n) => n.id === 'a.z')?.type).toBe('final');
		expect(l.nodes.find((n) => n.id === 'a.h')?.type).toBe('history');
	});

	it('caps the label lines of an arrow and keeps every label', () => {
		const m = createMachine({
			id: 'many',
			initial: 'a',
			states: { a: { on: { e1: 'b', e2: 'b', e3: 'b', e4: 'b', e5: 'b', e6: 'b' } }, b: {} }
		});
		const edge = layoutMachine(m).edges[0]!;
		expect(edge.labels).toHaveLength(6);
		expect(edge.lines).toEqual(['e1', 'e2', 'e3', '+3 more']);
		expect(layoutMachine(m, { maxLabelLines: 10 }).edges[0]!.lines).toHaveLength(6);
	});

	it('lays out a flat machine and a single state', () => {
		const flat = layoutMachine(
			createMachine({
				id: 'f',
				initial: 'a',
				states: { a: { on: { t: 'b' } }, b: { on: { t: 'a' } } }
			})
		);
		expect(flat.nodes).toHaveLength(2);
		expect(flat.edges.map((e) => e.kind).sort()).toEqual(['forward', 'lane-bottom']);
		const one = layoutMachine(createMachine({ id: 'o' }));
		expect(one.nodes).toHaveLength(0);
		expect(one.width).toBeGreaterThan(0);
	});
});

describe('state values and event labels', () => {
	it('turns state values into active leaf paths', () => {
		expect(stateValueToPaths('idle')).toEqual(['idle']);
		expect(stateValueToPaths({ open: { heartbeat: 'waiting' } })).toEqual([
			'open.heartbeat.waiting'
		]);
		expect(stateValueToPaths({ a: 'x', b: { c: 'd' } })).toEqual(['a.x', 'b.c.d']);
	});

	it('tells active states and their ancestors', () => {
		const active = ['open.heartbeat.waiting'];
		expect(isActive('open', active)).toBe(true);
		expect(isActive('open.heartbeat.waiting', active)).toBe(true);
		expect(isActive('open.heartbeat.awaitingPong', active)).toBe(false);
		expect(isActive('op', active)).toBe(false);
	});

	it('prettifies XState event types', () => {
		expect(eventLabel('xstate.after.connectTimeout.connection.connecting')).toBe(
			'after connectTimeout'
		);
		expect(eventLabel('xstate.after.2000.connection.backoff')).toBe('after 2 s');
		expect(eventLabel('xstate.done.actor.socket')).toBe('done: socket');
		expect(eventLabel('xstate.error.actor.socket')).toBe('error: socket');
		expect(eventLabel('')).toBe('always');
		expect(eventLabel('socket.opened')).toBe('socket.opened');
	});
});
