/**
 * Watching the statechart: a bounded transition log that works offline (the demo page shows it),
 * and an opt-in, lazily loaded Stately inspector (which needs stately.ai, so it must fail quietly
 * without internet). Both hang off one inspection hub given to the actor at creation, because
 * XState only accepts an `inspect` observer then.
 */
import type { AnyActorRef, InspectionEvent } from 'xstate';

/** One recorded state change. */
export interface TransitionEntry {
	/** Timestamp (ms) from the log's clock. */
	at: number;
	/** Full state before, e.g. `link.open(heartbeat.waiting,stability.settling)`. */
	from: string;
	to: string;
	/** Type of the event that caused it (`xstate.after.…` for delays). */
	event: string;
}

/** Describe a state value as one line. */
export function describeState(value: unknown): string {
	if (typeof value === 'string') return value;
	if (!value || typeof value !== 'object') return String(value);
	const parts = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
		const inner = describeState(v);
		return v && typeof v === 'object' && Object.keys(v).length > 1
			? `${k}(${inner})`
			: `${k}.${inner}`;
	});
	return parts.join(',');
}

/** A ring of the last `limit` transitions, readable as a Svelte store. */
export interface TransitionLog {
	/** Pass to the actor's `inspect` option (or to an `InspectionHub`). */
	readonly inspect: (event: InspectionEvent) => void;
	/** Oldest first. */
	entries(): TransitionEntry[];
	/** Svelte store contract: called now and after every new entry. */
	subscribe(run: (entries: TransitionEntry[]) => void): () => void;
	clear(): void;
}

/** Options of `createTransitionLog`. */
export interface TransitionLogOptions {
	/** Entries kept. Default 200. */
	limit?: number;
	/** Clock for `at`. Default `Date.now`. */
	now?: () => number;
}

/**
 * Record the root actor's state changes (snapshots whose described state differs from the
 * previous one) into a ring buffer: O(1) per transition, bounded memory.
 */
export function createTransitionLog(options: TransitionLogOptions = {}): TransitionLog {
	const limit = Math.max(1, options.limit ?? 200);
	const now = options.now ?? Date.now;
	const ring: Array<TransitionEntry | undefined> = new Array(limit);
	let head = 0;
	let count = 0;
	let previous: string | undefined;
	const runs = new Set<(entries: TransitionEntry[]) => void>();

	const entries = (): TransitionEntry[] => {
		const out: TransitionEntry[] = [];
		for (let i = 0; i < count; i++) {
			const e = ring[(head - count + i + limit) % limit];
			if (e) out.push(e);
		}
		return out;
	};

	const inspect = (event: InspectionEvent) => {
		if (event.type !== '@xstate.snapshot') return;
		// Only the connection actor itself, not its socket or token children.
		if (event.actorRef.sessionId !== event.rootId) return;
		const value = (event.snapshot as { value?: unknown }).value;
		if (value === undefined) return;
		const to = describeState(value);
		const from = previous;
		previous = to;
		if (from === undefined || from === to) return;
		ring[head] = { at: now(), from, to, event: event.event.type };
		head = (head + 1) % limit;
		count = Math.min(count + 1, limit);
		if (runs.size) {
			const list = entries();
			for (const run of runs) run(list);
		}
	};

	return {
		inspect,
		entries,
		subscribe(run) {
			runs.add(run);
			run(entries());
			return () => runs.delete(run);
		},
		clear() {
			ring.fill(undefined);
			head = 0;
			count = 0;
			for (const run of runs) run([]);
		}
	};
}

/** Fans one actor's inspection events out to observers added at any time. */
export interface InspectionHub {
	/** Pass to the actor's `inspect` option. */
	readonly inspect: (event: InspectionEvent) => void;
	/** Add an observer; returns the remover. */
	add(observer: (event: InspectionEvent) => void): () => void;
}

export function createInspectionHub(): InspectionHub {
	const observers = new Set<(event: InspectionEvent) => void>();
	return {
		inspect(event) {
			for (const observer of observers) {
				try {
					observer(event);
				} catch {
					// An inspector must never break the connection it watches.
				}
			}
		},
		add(observer) {
			observers.add(observer);
			return () => observers.delete(observer);
		}
	};
}

/**
 * Whether the Stately inspector was asked for: `?inspect` in the page URL, or the public env flag
 * (`PUBLIC_XSTATE_INSPECT=true`, which the layout passes in).
 */
export function wantsInspector(url: URL | string | undefined, flag?: string | boolean): boolean {
	if (flag === true || flag === 'true' || flag === '1') return true;
	if (!url) return false;
	try {
		return new URL(String(url), 'http://localhost').searchParams.has('inspect');
	} catch {
		return false;
	}
}

type InspectModule = typeof import('@statelyai/inspect');

let warned = false;

/**
 * Load `@statelyai/inspect` on demand and attach its browser inspector to `actor` through `hub`.
 * Resolves true when attached; false (after one `console.debug`) when it cannot be loaded or
 * started, e.g. offline. Never rejects.
 */
export async function attachStatelyInspector(
	actor: AnyActorRef,
	hub: InspectionHub,
	options: {
		load?: () => Promise<InspectModule>;
		log?: (message: string, error: unknown) => void;
	} = {}
): Promise<boolean> {
	const load = options.load ?? (() => import('@statelyai/inspect'));
	const log = options.log ?? ((message, error) => console.debug(message, error));
	try {
		const { createBrowserInspector } = await load();
		const inspector = createBrowserInspector();
		// The actor started before the module arrived: register it by hand, then stream events.
		const logic = (actor as { logic?: { config?: unknown } }).logic;
		inspector.actor(actor, actor.getSnapshot() as { value?: unknown; context?: unknown }, {
			definition: JSON.stringify(logic?.config ?? null)
		});
		hub.add((event) => inspector.inspect.next?.(event));
		return true;
	} catch (error) {
		if (!warned) {
			warned = true;
			log('[kecs-live] Stately inspector unavailable (offline?); continuing without it', error);
		}
		return false;
	}
}
