/**
 * A connection machine wired to a `FakeWebSocket` and a `TestClock`, for unit and model tests.
 * Nothing here reaches the network or real time.
 */
import { createActor, type Actor, type InspectionEvent } from 'xstate';
import type { WebSocketConfig } from '$lib/connection/config';
import {
	connectionMachine,
	stateOf,
	type ConnectionInput,
	type ConnectionState
} from '$lib/connection/machine';
import { SubscriptionRegistry } from '$lib/connection/subscriptions';
import { TestClock } from './clock';
import { FakeWebSocket } from './fake-socket';

export interface HarnessOptions {
	/** Overrides of the connection options (`url` defaults to `ws://test.invalid/ws`). */
	config?: Partial<WebSocketConfig>;
	/** Backoff randomness. Default `() => 0.5`. */
	random?: () => number;
	/** Initial `navigator.onLine`. Default true. */
	online?: boolean;
	/** Extra input fields. */
	input?: Partial<ConnectionInput>;
	/** Inspection observer (transition logs, model coverage). */
	inspect?: (event: InspectionEvent) => void;
}

/** Server-side `welcome`, as the gateway sends it first on every connection. */
export function welcomeFrame(overrides: Record<string, unknown> = {}) {
	return {
		type: 'welcome',
		payload: {
			protocol: 1,
			epoch: 'e1',
			heartbeatInterval: 15_000,
			authRequired: false,
			serverTime: new Date(0).toISOString(),
			...overrides
		}
	};
}

export function createHarness(options: HarnessOptions = {}) {
	FakeWebSocket.reset();
	const clock = new TestClock();
	let n = 0;
	// Wall-clock time that passed without any timer firing (a throttled or sleeping tab).
	let skew = 0;
	const nextId = () => `t${++n}`;
	const registry = new SubscriptionRegistry(nextId);
	const input: ConnectionInput = {
		config: { url: 'ws://test.invalid/ws', ...options.config },
		WebSocketImpl: FakeWebSocket,
		now: () => clock.now() + skew,
		random: options.random ?? (() => 0.5),
		nextId,
		registry,
		online: options.online ?? true,
		...options.input
	};
	const actor: Actor<typeof connectionMachine> = createActor(connectionMachine, {
		clock,
		input,
		...(options.inspect ? { inspect: options.inspect } : {})
	});
	actor.start();
	return {
		actor,
		clock,
		registry,
		nextId,
		/** The flat state name. */
		get state(): ConnectionState {
			return stateOf(actor.getSnapshot().value);
		},
		get context() {
			return actor.getSnapshot().context;
		},
		/** The newest fake socket. */
		ws: () => FakeWebSocket.last(),
		sockets: () => FakeWebSocket.instances,
		send: (event: Parameters<typeof actor.send>[0]) => actor.send(event),
		/** Let `ms` of wall-clock time pass while no timer fires (throttling, sleep). */
		sleep(ms: number) {
			skew += ms;
		},
		/** Current machine time (clock plus slept time). */
		now: () => clock.now() + skew,
		/**
		 * `connect`, open the fake socket, send `welcome` and answer the ping the link opens with
		 * (at once, as a server on loopback would): the usual way to reach `open`. The next ping
		 * is then one `heartbeatInterval` away. `answerPing: false` leaves the opening ping
		 * unanswered. The ping stays in `sentTypes()`, after the session's restore burst.
		 */
		openLink(welcome: Record<string, unknown> = {}, { answerPing = true } = {}) {
			if (stateOf(actor.getSnapshot().value) !== 'connecting') {
				actor.send({ type: 'connection.connect' });
			}
			const ws = FakeWebSocket.last();
			ws.open();
			ws.message(welcomeFrame(welcome));
			const ping = ws.sentMessages().findLast((m) => m.type === 'ping');
			if (answerPing && ping?.id !== undefined) ws.message({ type: 'pong', id: ping.id });
			return ws;
		}
	};
}

export type Harness = ReturnType<typeof createHarness>;
