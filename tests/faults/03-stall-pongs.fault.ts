/** A half-open link: the server goes silent (no pongs, no data) while TCP stays open. */
import { expect, test } from '@playwright/test';
import { nodeRow } from './lib/node-row';

const HEARTBEAT = 3000;
const PONG_TIMEOUT = 2000;

test('half-open link: detected by the heartbeat, resumed without loss', async () => {
	const row = await nodeRow({
		row: {
			id: '03-stall-pongs',
			fault: `Half-open link (\`POST /_faults/stall-pongs\`), heartbeat ${HEARTBEAT} ms, pong timeout ${PONG_TIMEOUT} ms`,
			expected: '`heartbeatTimeout` within heartbeat + pong timeout, reconnect, `recovered`'
		},
		config: { heartbeatInterval: HEARTBEAT, pongTimeout: PONG_TIMEOUT },
		inject: async ({ gw }) => {
			await gw.fault('stall-pongs');
		},
		after: ({ w }) => {
			expect(w.states.some((s) => s.state === 'heartbeatTimeout')).toBe(true);
		}
	});
	// Dead within one period plus the timeout, and back within the first backoff (500 ms).
	expect(row.recoverMs!).toBeLessThan(HEARTBEAT + PONG_TIMEOUT + 1500);
});
