import { describe, expect, it } from 'vitest';
import {
	describeConnection,
	failureText,
	formatCountdown,
	lostReason,
	type StatusInput
} from './connection-status';

function input(
	overrides: Omit<Partial<StatusInput>, 'stats'> & { stats?: Partial<StatusInput['stats']> } = {}
) {
	const { stats, ...rest } = overrides;
	return {
		state: 'open',
		nextRetryAt: null,
		error: null,
		...rest,
		stats: {
			attempts: 0,
			retrying: false,
			lastClose: null,
			lastError: null,
			failure: null,
			...stats
		}
	} as StatusInput;
}

const close = (code: number, reason = '') => ({ code, reason, wasClean: false, at: 0 });

describe('describeConnection', () => {
	it('names every state in words and a tone', () => {
		expect(describeConnection(input({ state: 'open' }), 0)).toEqual({
			tone: 'ok',
			title: 'Connected',
			detail: null
		});
		expect(describeConnection(input({ state: 'connecting' }), 0).title).toBe('Connecting…');
		expect(describeConnection(input({ state: 'authenticating' }), 0).title).toBe('Authenticating…');
		expect(describeConnection(input({ state: 'idle' }), 0).title).toBe('Not connected');
		expect(describeConnection(input({ state: 'offline' }), 0)).toMatchObject({
			tone: 'warn',
			title: 'Offline'
		});
		expect(describeConnection(input({ state: 'closed' }), 0)).toMatchObject({
			tone: 'muted',
			title: 'Disconnected'
		});
		expect(describeConnection(input({ state: 'heartbeatTimeout' }), 0)).toMatchObject({
			tone: 'error',
			title: 'Connection lost: heartbeat timeout'
		});
	});

	it('counts down to the next retry with the attempt number, and says why the link was lost', () => {
		const status = describeConnection(
			input({
				state: 'backoff',
				nextRetryAt: 10_000,
				stats: { attempts: 4, lastClose: close(1006, 'heartbeat timeout: no reply within 1000 ms') }
			}),
			7_400
		);
		expect(status).toEqual({
			tone: 'warn',
			title: 'Reconnecting in 3 s (attempt 4)',
			detail: 'Connection lost: heartbeat timeout'
		});
		expect(
			describeConnection(
				input({ state: 'backoff', nextRetryAt: 1000, stats: { attempts: 1 } }),
				600
			).title
		).toBe('Reconnecting in 0.4 s (attempt 1)');
	});

	it('shows a retrying connect as reconnecting, with the reason', () => {
		const status = describeConnection(
			input({
				state: 'connecting',
				stats: { retrying: true, attempts: 2, lastClose: close(1012, '{"reconnect":true}') }
			}),
			0
		);
		expect(status).toEqual({
			tone: 'progress',
			title: 'Reconnecting… (attempt 2)',
			detail: 'Server restarting'
		});
	});

	it('says why the connection failed, short', () => {
		const failed = (failure: string, attempts = 0) =>
			describeConnection(input({ state: 'failed', stats: { failure, attempts } }), 0).title;
		expect(failed('closed by the server (1008: origin not allowed)')).toBe(
			'Failed: origin not allowed'
		);
		expect(failed('closed by the server (4403)')).toBe('Failed: not allowed by the server');
		expect(failed('gave up after maxReconnectAttempts', 5)).toBe(
			'Failed: gave up after 5 attempts'
		);
		expect(failed('the server requires authentication and no getToken is set')).toBe(
			'Failed: authentication required'
		);
	});
});

describe('pieces', () => {
	it('formats countdowns without ever saying 0 s', () => {
		expect(formatCountdown(2_100)).toBe('3 s');
		expect(formatCountdown(1_000)).toBe('1 s');
		expect(formatCountdown(999)).toBe('1.0 s');
		expect(formatCountdown(0)).toBe('0.1 s');
		expect(formatCountdown(-50)).toBe('0.1 s');
	});

	it('reads close codes and plain reasons, ignoring JSON advice', () => {
		const reason = (code: number, text = '') =>
			lostReason({
				attempts: 0,
				retrying: true,
				lastClose: close(code, text),
				lastError: null,
				failure: null
			});
		expect(reason(1000)).toBeNull();
		expect(reason(1013, '{"reconnect":true,"retryAfterMs":5000}')).toBe(
			'Server busy: not accepting connections'
		);
		expect(reason(4000, 'maintenance')).toBe('Connection closed: maintenance');
		expect(reason(4000)).toBe('Connection closed (4000)');
		expect(
			lostReason({
				attempts: 1,
				retrying: true,
				lastClose: null,
				lastError: 'no connection within 5000 ms',
				failure: null
			})
		).toBe('Connection attempt timed out');
	});

	it('falls back to the error when the failure is unknown', () => {
		expect(failureText(input({ state: 'failed', error: 'cannot create a socket' }))).toBe(
			'cannot create a socket'
		);
		expect(failureText(input({ state: 'failed' }))).toBe('unknown error');
	});
});
