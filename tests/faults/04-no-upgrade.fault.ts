/** A server that accepts TCP but never answers the WebSocket upgrade (a raw `net` server). */
import { expect, test } from '@playwright/test';
import { nodeRow } from './lib/node-row';
import { FaultProxy } from './lib/proxy';
import { QUICK } from './lib/row';

const HANG_MS = QUICK ? 8000 : 20_000;

test('upgrade never answered: each attempt times out, the client is back when the server answers', async () => {
	let proxy: FaultProxy | undefined;
	try {
		const row = await nodeRow({
			row: {
				id: '04-no-upgrade',
				fault: `TCP accepted, upgrade never answered, for ${HANG_MS / 1000} s (a raw \`net\` server in front)`,
				expected: 'each attempt abandoned after `connectTimeout` (5 s), backoff, back when answered'
			},
			url: async (gw) => {
				proxy = await FaultProxy.start(gw.port);
				return proxy.wsUrl;
			},
			inject: async () => {
				await proxy!.setMode('blackhole');
				await new Promise((ok) => setTimeout(ok, HANG_MS));
				await proxy!.setMode('forward');
				return { notes: `${proxy!.accepted.blackhole} TCP connections accepted and left hanging` };
			},
			after: ({ w }) => {
				expect(w.states.filter((s) => s.state === 'backoff').length).toBeGreaterThanOrEqual(2);
			}
		});
		expect(row.attempts).toBeGreaterThanOrEqual(2);
	} finally {
		await proxy?.close();
	}
});
