/** A gateway that flaps: reachable 1 s, unreachable (connection refused) 1 s, again and again. */
import { test } from '@playwright/test';
import { nodeRow } from './lib/node-row';
import { FaultProxy } from './lib/proxy';
import { QUICK } from './lib/row';

const CYCLES = QUICK ? 5 : 30;

test('flapping gateway: back after the flapping, no silent loss', async () => {
	let proxy: FaultProxy | undefined;
	try {
		await nodeRow({
			row: {
				id: '06-flap',
				fault: `Gateway flaps: up 1 s, down 1 s (refused), ${CYCLES} cycles`,
				expected: 'backoff grows (the attempt counter resets only after 5 s up); back after'
			},
			url: async (gw) => {
				proxy = await FaultProxy.start(gw.port);
				return proxy.wsUrl;
			},
			inject: async () => {
				for (let i = 0; i < CYCLES; i++) {
					await proxy!.setMode('down');
					await new Promise((ok) => setTimeout(ok, 1000));
					await proxy!.setMode('forward');
					await new Promise((ok) => setTimeout(ok, 1000));
				}
				return { notes: `${proxy!.accepted.forward} TCP connections during the flapping` };
			},
			recoverTimeoutMs: 90_000
		});
	} finally {
		await proxy?.close();
	}
});
