/**
 * Hub conformance, part 4: a client that does not read. The server must keep what it holds for
 * that client bounded, report what the client missed with `dropped`, and never lose count.
 */
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../testing/harness';
import type { TestClient } from '../testing/ws-client';

let t: TestGateway | undefined;
afterEach(async () => {
	await t?.stop();
	t = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The client's TCP socket: pausing it makes the client stop reading, as a stuck tab would. */
function socketOf(c: TestClient): Socket {
	return (c.ws as unknown as { _socket: Socket })._socket;
}

/** A real `gc()`, so heap figures measure what is retained rather than garbage not yet collected. */
function collector(): () => void {
	setFlagsFromString('--expose-gc');
	return runInNewContext('gc') as () => void;
}

/** Heap plus memory outside it (socket buffers are Buffers, which live outside the JS heap). */
function retained(): number {
	const m = process.memoryUsage();
	return m.heapUsed + m.external;
}

describe('slow consumer', () => {
	it('keeps the server side bounded, then reports exactly what was dropped', async () => {
		const highWater = 64 * 1024;
		const maxBatch = 256 * 1024;
		t = await startTestGateway({
			history: { logs: 2000 },
			sendHighWaterBytes: highWater,
			maxBatchBytes: maxBatch
		});
		const c = await t.connectReady();
		await c.reply(c.request('subscribe', { stream: 'logs' }));
		socketOf(c).pause();

		const gc = collector();
		gc();
		const heapBefore = retained();
		const filler = 'x'.repeat(1000);
		const total = 60_000; // about 70 MB of log entries
		let maxBuffered = 0;
		let maxPending = 0;
		for (let published = 0; published < total; published += 1000) {
			t.source.logs(1000, (i) => ({ message: `${filler} ${published + i}` }));
			await sleep(4);
			const session = t.gateway.hub.stats().sessions[0];
			maxBuffered = Math.max(maxBuffered, session?.bufferedBytes ?? 0);
			maxPending = Math.max(maxPending, session?.subscriptions[0]?.pendingDrop ?? 0);
		}
		gc();
		const heapGrowth = retained() - heapBefore;

		// What one connection can hold: the high-water mark plus one batch (plus one entry).
		expect(maxBuffered).toBeGreaterThan(0);
		expect(maxBuffered).toBeLessThanOrEqual(highWater + maxBatch + 2048);
		// History (2,000 entries) is what is retained, not the 70 MB that went through.
		expect(heapGrowth).toBeLessThan(24 * 1024 * 1024);
		// Most of it was dropped rather than sent. Not all: loopback TCP buffers (sized by the kernel,
		// several MB when it autotunes) take some before the socket stops draining, and how much
		// depends on the machine's load (39,802 of 60,000 in one CI run on a busy machine).
		expect(maxPending).toBeGreaterThan(total / 2);

		socketOf(c).resume();
		const notice = await c.next('dropped', {}, 10_000);
		expect(notice.payload).toMatchObject({ stream: 'logs', reason: 'slow_consumer' });
		await c.until(
			() => c.items('logs').at(-1)?.seq === total || undefined,
			10_000,
			'the last entry'
		);

		const seqs = c.items('logs').map((i) => i.seq);
		for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] ?? 0);
		const dropped = c.messages
			.filter((m) => m.type === 'dropped')
			.reduce((sum, m) => sum + (m.type === 'dropped' ? m.payload.count : 0), 0);
		// Nothing vanished silently: every seq was either received or counted as dropped.
		expect(seqs.length + dropped).toBe(total);
		expect(t.gateway.hub.stats().sessions[0]?.dropped.logs).toBe(dropped);
		// The notice sits exactly at the gap: the entry after it continues past the missed ones.
		const noticeIndex = c.raw.findIndex((r) => r.startsWith('{"type":"dropped"'));
		const before = c.raw.slice(0, noticeIndex).filter((r) => r.startsWith('{"type":"log_')).length;
		expect(before).toBeGreaterThan(0);
		expect(c.invalid).toEqual([]);
	}, 30_000);

	it('terminates a client that keeps asking but never reads, past sendMaxBytes', async () => {
		t = await startTestGateway({ history: { logs: 1000 }, sendMaxBytes: 256 * 1024 });
		const filler = 'y'.repeat(1000);
		t.source.logs(1000, () => ({ message: filler }));
		const c = await t.connectReady();
		socketOf(c).pause();
		for (let i = 0; i < 40; i++) c.request('request_history', { stream: 'logs', limit: 1000 });
		const hub = t.gateway.hub;
		const deadline = Date.now() + 5000;
		while (hub.clientCount > 0 && Date.now() < deadline) await sleep(20);
		expect(hub.clientCount).toBe(0);
		expect(hub.stats().totals.overflowTerminated).toBe(1);
	});
});
