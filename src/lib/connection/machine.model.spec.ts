/**
 * Model-based coverage (DESIGN.md 10): paths generated from the machine with `xstate/graph`
 * `getShortestPaths`, each replayed against the fake socket and the simulated clock. The test
 * fails unless every state node and every event type was reached by some replay.
 *
 * Graph traversal knows no time; it gets a `now` that grows by 1 ms per call, so `pongOverdue`
 * answers as in a replay where only `after` events move the clock: a wake without elapsed time is
 * never overdue. Overdue wakes and sends are covered by the unit tests.
 */
import { describe, expect, it } from 'vitest';
import { getNextSnapshot, type AnyStateMachine, type InspectionEvent } from 'xstate';
import { getShortestPaths } from 'xstate/graph';
import { decodeServerFrame, type ServerMessage } from '$lib/protocol';
import { createHarness, welcomeFrame, type Harness } from '$lib/testing/connection-harness';
import { logBatch } from '$lib/testing/fixtures';
import { connectionMachine, stateOf, type ConnectionEvent } from './machine';

/** Distinct delays so a replay can pick the right pending timer by its duration. */
const CONFIG = {
	connectTimeout: 5_000,
	stableAfter: 7_000,
	heartbeatInterval: 15_000,
	pongTimeout: 10_000,
	messageTimeout: 11_000
};

function decoded(wire: unknown): ServerMessage {
	const r = decodeServerFrame(JSON.stringify(wire));
	if (!r.ok) throw new Error(r.error.message);
	return r.message;
}

const WELCOME = welcomeFrame({ heartbeatInterval: CONFIG.heartbeatInterval });
const BATCH = logBatch([1, 2]);

/** Sample events; `replay` performs the same thing against the harness. */
interface Sample {
	event: ConnectionEvent;
	replay: (h: Harness, token: TokenControl) => void | Promise<void>;
}

interface TokenControl {
	resolve(): Promise<void>;
	reject(): Promise<void>;
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));
const noop = () => {};

function message(wire: { type: string; id?: string; payload?: unknown }): Sample {
	return {
		event: { type: 'socket.message', message: decoded(wire), bytes: 10 },
		replay: (h) => void h.ws().message(wire)
	};
}

function close(code: number): Sample {
	return {
		event: { type: 'socket.closed', code, reason: '', wasClean: code !== 1006 },
		replay: (h) => void h.ws().serverClose(code, '')
	};
}

function direct(event: ConnectionEvent): Sample {
	return { event, replay: (h) => h.send(event) };
}

const SAMPLES: Sample[] = [
	direct({ type: 'connection.connect' }),
	direct({ type: 'connection.disconnect' }),
	direct({ type: 'connection.retry' }),
	direct({
		type: 'connection.send',
		id: 'model-send',
		message: { type: 'message', payload: 'x' },
		class: 'durable'
	}),
	direct({
		type: 'connection.request',
		id: 'model-req',
		message: { type: 'mark_all_as_read', id: 'model-req' },
		timeout: CONFIG.messageTimeout,
		resolve: noop,
		reject: noop
	}),
	direct({
		type: 'connection.subscribe',
		stream: 'logs',
		options: { onItems: noop },
		handle: {}
	}),
	direct({ type: 'connection.unsubscribe', handle: {} }),
	{ event: { type: 'socket.opened' }, replay: (h) => void h.ws().open() },
	message(WELCOME),
	message(welcomeFrame({ authRequired: true })),
	message(BATCH),
	{
		event: {
			type: 'socket.message',
			message: decoded({ type: 'authenticated', payload: { username: 'u', roles: [] } }),
			bytes: 10
		},
		replay: (h) => {
			const auth = h
				.ws()
				.sentMessages()
				.find((m) => m.type === 'authenticate');
			h.ws().message({
				type: 'authenticated',
				id: auth?.id,
				payload: { username: 'u', roles: [] }
			});
		}
	},
	{
		event: { type: 'socket.invalid', error: { code: 'invalid_json', message: 'x' }, bytes: 3 },
		replay: (h) => void h.ws().message('{oops')
	},
	{
		event: { type: 'socket.error', message: 'socket error', fatal: false },
		replay: (h) => void h.ws().error()
	},
	direct({ type: 'socket.error', message: 'cannot construct', fatal: true }),
	close(1000),
	close(1006),
	close(1008),
	close(4401),
	close(4429),
	direct({ type: 'browser.online' }),
	direct({ type: 'browser.offline' }),
	direct({ type: 'browser.visible' }),
	direct({ type: 'browser.focus' }),
	direct({ type: 'browser.pageshow' }),
	// Internal events: replayed the way they arise (a pong to the ping, a welcome, a deadline).
	{
		event: { type: 'heartbeat.pong' },
		replay: (h) => {
			const id = h.context.link.pingId;
			if (id && stateOf(h.actor.getSnapshot().value) === 'open')
				h.ws().message({ type: 'pong', id });
			else h.send({ type: 'heartbeat.pong' });
		}
	},
	direct({ type: 'heartbeat.configured' }),
	direct({ type: 'timer.deadline', id: 'model-req' })
];

/** Every event type the machine declares (ConnectionEvent), which the replays must all reach. */
const EVENT_TYPES = [...new Set(SAMPLES.map((s) => s.event.type)), 'socket.message'].sort();

function delayOf(h: Harness, name: string): number {
	const c = h.context;
	switch (name) {
		case 'connectTimeout':
			return c.rt.config.connectTimeout;
		case 'heartbeatInterval':
			return c.link.heartbeatInterval;
		case 'pongTimeout':
			return c.rt.config.pongTimeout;
		case 'stableAfter':
			return c.rt.config.stableAfter;
		case 'retryDelay':
			return c.retryDelay;
		case 'heartbeatTimeoutLinger':
			return 0;
		default:
			throw new Error(`unknown delay ${name}`);
	}
}

/** Fire the pending timer of `delay` (by duration), advancing the clock to its due time. */
function fireDelay(h: Harness, name: string): void {
	const duration = delayOf(h, name);
	const timeouts = (
		h.clock as unknown as { timeouts: Map<number, { start: number; timeout: number }> }
	).timeouts;
	let due: number | undefined;
	for (const t of timeouts.values()) {
		if (t.timeout !== duration) continue;
		const at = t.start + t.timeout;
		if (due === undefined || at < due) due = at;
	}
	if (due !== undefined) h.clock.advance(Math.max(0, due - h.clock.now()));
}

function nodeIds(machine: AnyStateMachine): string[] {
	const out: string[] = [];
	const walk = (node: { id: string; states: Record<string, unknown> }) => {
		out.push(node.id);
		for (const child of Object.values(node.states)) walk(child as typeof node);
	};
	walk(machine.root as unknown as { id: string; states: Record<string, unknown> });
	return out;
}

function activeIds(snapshot: unknown): string[] {
	return ((snapshot as { _nodes: Array<{ id: string }> })._nodes ?? []).map((n) => n.id);
}

function pathsFor(withToken: boolean) {
	let t = 0;
	const machine = connectionMachine;
	const afterEvents = machine.events
		.filter((type) => type.startsWith('xstate.after'))
		.map((type) => ({ type }) as unknown as ConnectionEvent);
	const actorEvents = machine.events
		.filter((type) => type.startsWith('xstate.done.actor') || type.startsWith('xstate.error.actor'))
		.map((type) =>
			type.startsWith('xstate.done')
				? ({ type, output: 'tok' } as unknown as ConnectionEvent)
				: ({ type, error: new Error('no token') } as unknown as ConnectionEvent)
		);
	const events = [...SAMPLES.map((s) => s.event), ...afterEvents, ...actorEvents];
	const paths = getShortestPaths(machine, {
		input: {
			config: {
				url: 'ws://model.invalid/ws',
				...CONFIG,
				...(withToken ? { getToken: async () => 'tok' } : {})
			},
			now: () => ++t,
			random: () => 0.5
		},
		events,
		serializeState: (snapshot) => {
			const c = snapshot.context;
			return JSON.stringify({
				v: snapshot.value,
				online: c.online,
				fresh: c.freshToken,
				silent: c.link.pingSentAt !== null && !c.link.heardSincePing
			});
		}
	});
	return { paths, events };
}

async function replay(
	withToken: boolean,
	steps: Array<{ event: ConnectionEvent; state: { value: unknown } }>,
	reached: { nodes: Set<string>; events: Set<string> }
): Promise<void> {
	let pending: { resolve: (t: string) => void; reject: (e: Error) => void } | undefined;
	const getToken = () =>
		new Promise<string>((resolve, reject) => {
			pending = { resolve, reject };
		});
	const token: TokenControl = {
		async resolve() {
			pending?.resolve('tok');
			await flush();
		},
		async reject() {
			pending?.reject(new Error('no token'));
			await flush();
		}
	};
	let rootId: string | undefined;
	const inspect = (e: InspectionEvent) => {
		rootId ??= e.rootId;
		if (e.actorRef.sessionId !== e.rootId) return;
		if (e.type === '@xstate.event' || e.type === '@xstate.microstep')
			reached.events.add(e.event.type);
	};
	const h = createHarness({
		config: { ...CONFIG, ...(withToken ? { getToken } : {}) },
		inspect
	});
	const visited = new Set<string>();
	h.actor.subscribe((snapshot) => {
		visited.add(stateOf(snapshot.value));
		for (const id of activeIds(snapshot)) reached.nodes.add(id);
	});
	for (const id of activeIds(h.actor.getSnapshot())) reached.nodes.add(id);
	for (const step of steps) {
		visited.clear();
		const type = step.event.type;
		if ((type as string) === 'xstate.init') {
			// The initial state: nothing to do.
		} else if (type.startsWith('xstate.after.')) {
			fireDelay(h, type.split('.')[2]!);
		} else if (type.startsWith('xstate.done.actor')) {
			await token.resolve();
		} else if (type.startsWith('xstate.error.actor')) {
			await token.reject();
		} else {
			const sample = SAMPLES.find((s) => s.event === step.event);
			if (!sample) throw new Error(`no replay for ${type}`);
			await sample.replay(h, token);
		}
		visited.add(h.state);
		// The replay must pass through the state the model predicted (a one-tick state such as
		// heartbeatTimeout may already have moved on by the time control returns).
		expect(visited, `after ${type} in ${steps.map((s) => s.event.type).join(' > ')}`).toContain(
			stateOf(step.state.value)
		);
	}
	h.actor.stop();
}

describe('model-based coverage', () => {
	it('replays every shortest path and reaches every state node and event type', async () => {
		const reached = { nodes: new Set<string>(), events: new Set<string>() };
		const required = [
			...EVENT_TYPES,
			...connectionMachine.events.filter((t) => t.startsWith('xstate.'))
		];
		let total = 0;
		let extended = 0;
		for (const withToken of [false, true]) {
			const { paths, events } = pathsFor(withToken);
			total += paths.length;
			for (const path of paths) {
				await replay(withToken, path.steps as never, reached);
			}
			// Shortest paths end in distinct states, so an event that never changes the modelled
			// state (a send, a second wake) is on none of them: extend one path per such event
			// with one more step into a state that handles it.
			for (const event of events) {
				if (reached.events.has(event.type)) continue;
				const path = paths.find((p) => p.state.can(event));
				if (!path) continue;
				const next = getNextSnapshot(connectionMachine, path.state, event);
				await replay(withToken, [...path.steps, { event, state: next }] as never, reached);
				extended++;
			}
		}
		expect(total).toBeGreaterThan(20);
		expect(extended).toBeGreaterThan(0);

		const missingNodes = nodeIds(connectionMachine).filter((id) => !reached.nodes.has(id));
		expect(missingNodes, 'state nodes never reached').toEqual([]);

		const missingEvents = required.filter((type) => !reached.events.has(type));
		expect(missingEvents, 'event types never reached').toEqual([]);
	});
});
