import { describe, expect, it, vi } from 'vitest';
import { createHarness } from '$lib/testing/connection-harness';
import {
	attachStatelyInspector,
	createInspectionHub,
	createTransitionLog,
	describeState,
	wantsInspector
} from './inspect';

describe('transition log', () => {
	it('records state changes with time, from, to and event, offline', () => {
		let t = 0;
		const log = createTransitionLog({ now: () => t });
		const h = createHarness({ inspect: log.inspect });
		t = 5;
		h.send({ type: 'connection.connect' });
		t = 7;
		h.ws().open();
		h.ws().drop();
		const entries = log.entries();
		expect(entries.map((e) => [e.at, e.from.split('(')[0], e.to.split('(')[0], e.event])).toEqual([
			[5, 'idle', 'link.connecting', 'connection.connect'],
			[7, 'link.connecting', 'link.open', 'socket.opened'],
			[7, 'link.open', 'backoff', 'socket.closed']
		]);
		expect(entries[1]?.to).toBe('link.open(heartbeat.probing,stability.settling)');
	});

	it('keeps only the last `limit` entries and feeds subscribers', () => {
		const log = createTransitionLog({ limit: 3 });
		const h = createHarness({ inspect: log.inspect });
		const seen: number[] = [];
		const off = log.subscribe((entries) => seen.push(entries.length));
		for (let i = 0; i < 5; i++) {
			h.send({ type: 'connection.connect' });
			h.send({ type: 'connection.disconnect' });
		}
		expect(log.entries()).toHaveLength(3);
		expect(log.entries().at(-1)?.to).toBe('closed');
		off();
		expect(seen[0]).toBe(0);
		expect(seen.at(-1)).toBe(3);
		log.clear();
		expect(log.entries()).toEqual([]);
	});

	it('describes nested and parallel values on one line', () => {
		expect(describeState('idle')).toBe('idle');
		expect(describeState({ link: 'connecting' })).toBe('link.connecting');
		expect(describeState({ link: { authenticating: 'fetchingToken' } })).toBe(
			'link.authenticating.fetchingToken'
		);
	});
});

describe('Stately inspector', () => {
	it('is wanted with ?inspect or the env flag', () => {
		expect(wantsInspector('http://x/?inspect')).toBe(true);
		expect(wantsInspector('http://x/websocket-demo?inspect=1')).toBe(true);
		expect(wantsInspector('http://x/')).toBe(false);
		expect(wantsInspector(undefined, 'true')).toBe(true);
		expect(wantsInspector(undefined, 'false')).toBe(false);
		expect(wantsInspector('::not a url')).toBe(false);
	});

	it('fails quietly, logging once, when it cannot load', async () => {
		const h = createHarness();
		const hub = createInspectionHub();
		const log = vi.fn();
		const load = () => Promise.reject(new Error('offline'));
		expect(await attachStatelyInspector(h.actor, hub, { load, log })).toBe(false);
		expect(await attachStatelyInspector(h.actor, hub, { load, log })).toBe(false);
		expect(log).toHaveBeenCalledTimes(1);
	});

	it('attaches a loaded inspector and streams events to it', async () => {
		const hub = createInspectionHub();
		const h = createHarness({ inspect: hub.inspect });
		const received: string[] = [];
		const fake = {
			createBrowserInspector: () => ({
				actor: (_a: unknown, snapshot: { value?: unknown }) =>
					received.push(`actor:${String(snapshot.value)}`),
				inspect: { next: (e: { type: string }) => received.push(e.type) }
			})
		};
		const ok = await attachStatelyInspector(h.actor, hub, { load: async () => fake as never });
		expect(ok).toBe(true);
		h.send({ type: 'connection.connect' });
		expect(received[0]).toBe('actor:idle');
		expect(received).toContain('@xstate.snapshot');
	});

	it('a throwing observer never breaks the actor', () => {
		const hub = createInspectionHub();
		hub.add(() => {
			throw new Error('inspector bug');
		});
		const h = createHarness({ inspect: hub.inspect });
		h.send({ type: 'connection.connect' });
		expect(h.state).toBe('connecting');
	});
});
