/**
 * The connection under faults, in the browser: stalled pongs end in a heartbeat timeout and a
 * reconnect within the configured times (short times from the query string).
 */
import { expect, test } from '@playwright/test';
import { startGateway, type RunningGateway } from './gateway';
import { collectErrors, fixRandom, recordTexts, recorded, transitions } from './page-hooks';

let gateway: RunningGateway;

test.beforeAll(async () => {
	gateway = await startGateway({ SIM_LOG_RATE: '20' });
});
test.afterAll(async () => {
	await gateway?.stop();
});

const HEARTBEAT = 1000;
const PONG_TIMEOUT = 1000;
const RECONNECT = 200;
/** Timers in a loaded browser and test runner are late; this is the margin allowed. */
const SLACK = 700;

test('stalled pongs end in a heartbeat timeout and a reconnect within the configured times', async ({
	page
}) => {
	const errors = collectErrors(page);
	await fixRandom(page);
	await page.goto(
		`${gateway.url}/?heartbeatInterval=${HEARTBEAT}&pongTimeout=${PONG_TIMEOUT}&reconnectInterval=${RECONNECT}`
	);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	// One heartbeat answered first, so the link is known good before it is stalled.
	await expect(page.getByTestId('connection-rtt')).toHaveText(/\d+ ms/, { timeout: 5000 });
	await recordTexts(page, '[data-testid="connection-status"]');

	const stalledAt = await page.evaluate(() => Date.now());
	expect(await gateway.fault('stall-pongs')).toMatchObject({ ok: true, stalled: 1 });

	let timeoutAt = 0;
	let reopenedAt = 0;
	await expect
		.poll(
			async () => {
				const log = await transitions(page);
				const timeout = log.find((t) => t.at >= stalledAt && t.to === 'heartbeatTimeout');
				const reopened =
					timeout && log.find((t) => t.at >= timeout.at && t.to.startsWith('link.open'));
				timeoutAt = timeout?.at ?? 0;
				reopenedAt = reopened?.at ?? 0;
				return reopenedAt > 0;
			},
			{ timeout: 10_000 }
		)
		.toBe(true);
	// Dead within one heartbeat period plus the pong timeout of the stall.
	expect(timeoutAt - stalledAt).toBeLessThanOrEqual(HEARTBEAT + PONG_TIMEOUT + SLACK);
	// Back within the backoff (half its ceiling, see fixRandom) plus a handshake.
	expect(reopenedAt - timeoutAt).toBeLessThanOrEqual(RECONNECT + SLACK);

	const path = (await transitions(page)).filter((t) => t.at >= timeoutAt).map((t) => t.to);
	expect(path.slice(0, 3)).toEqual(['heartbeatTimeout', 'backoff', 'link.connecting']);
	await expect(page.getByTestId('connection-status')).toHaveAttribute('data-state', 'open');
	// The user was told why.
	expect((await recorded(page)).some((t) => t.includes('Connection lost: heartbeat timeout'))).toBe(
		true
	);
	expect(errors, errors.join('\n')).toEqual([]);
});
