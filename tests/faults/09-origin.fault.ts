/** A page on an origin the gateway does not allow: 1008 at once, and no retry loop. */
import { expect, test } from '@playwright/test';
import { GatewayProcess } from './lib/gateway';
import { Watched, wsWithOrigin } from './lib/node-client';
import { QUICK, sleep, waitFor, writeRow } from './lib/row';

test('origin not allowed (1008): failed at the first attempt, no retry loop', async () => {
	const gw = await GatewayProcess.start();
	const w = new Watched({ url: gw.wsUrl }, { WebSocketImpl: wsWithOrigin('https://evil.example') });
	try {
		const started = performance.now();
		w.client.connect();
		await waitFor(() => w.client.state === 'failed', 10_000, 'failed');
		const failedMs = performance.now() - started;
		await sleep(QUICK ? 5000 : 15_000);
		const { refused } = (await (await fetch(`${gw.url}/_health`)).json()) as { refused?: number };
		writeRow({
			id: '09-origin',
			fault: 'Origin not allowed (`Origin: https://evil.example`)',
			client: 'node',
			expected: 'closed 1008 → `failed` until the user acts; one connection, never retried',
			recovered: false,
			asExpected: w.client.state === 'failed' && w.reconnects === 0,
			recoverMs: Math.round(failedMs),
			lost: 0,
			duplicated: 0,
			announced: 'n/a (never admitted)',
			attempts: w.reconnects,
			checked: 0,
			notes: `closes ${w.closes.join(', ')}; failure: "${w.client.error}"; no attempt in the ${QUICK ? 5 : 15} s after${refused === undefined ? '' : `; gateway refused ${refused}`}`
		});
		expect(w.closes).toEqual([1008]);
		expect(w.client.state).toBe('failed');
		expect(w.reconnects).toBe(0);
	} finally {
		w.dispose();
		await gw.kill();
	}
});
