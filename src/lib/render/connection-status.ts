/**
 * The connection's state in words for people: what `ConnectionStatus` shows in the header and the
 * demo page. Pure (the clock is passed in) so every wording is tested without a machine.
 *
 * The statechart's `heartbeatTimeout` state lasts a single tick (TOOLCHAIN §8), so a screen
 * refreshed once per frame rarely catches it; the reason a link was lost therefore comes from
 * `lastClose` and is shown for as long as the connection is getting back (backoff, retrying).
 */
import type { ConnectionStats } from '$lib/connection/client';
import type { ConnectionState } from '$lib/connection/machine';

/** Colour family of a status: green, blue (working on it), amber, red, grey. */
export type StatusTone = 'ok' | 'progress' | 'warn' | 'error' | 'muted';

/** What the status shows. */
export interface StatusText {
	tone: StatusTone;
	/** One short line: "Connected", "Reconnecting in 3 s (attempt 4)". */
	title: string;
	/** Why, when there is something to add: "Connection lost: heartbeat timeout". */
	detail: string | null;
}

/** The part of a `ConnectionView` the wording depends on. */
export interface StatusInput {
	state: ConnectionState;
	stats: Pick<ConnectionStats, 'attempts' | 'retrying' | 'lastClose' | 'lastError' | 'failure'>;
	nextRetryAt: number | null;
	error: string | null;
}

/** "3 s" (whole seconds, rounded up) or "0.4 s" under a second; never "0 s". */
export function formatCountdown(ms: number): string {
	if (ms >= 1000) return `${Math.ceil(ms / 1000)} s`;
	return `${Math.max(0.1, Math.ceil(ms / 100) / 10).toFixed(1)} s`;
}

/** The plain-text part of a close reason (JSON advice such as `{"reconnect":true}` says nothing to a person). */
function plainReason(reason: string | undefined): string {
	if (!reason || reason.startsWith('{')) return '';
	return reason;
}

/** Why the last link ended, in words, or null when it is unknown or was asked for. */
export function lostReason(stats: StatusInput['stats']): string | null {
	const close = stats.lastClose;
	if (close) {
		const reason = plainReason(close.reason);
		if (reason.startsWith('heartbeat timeout')) return 'Connection lost: heartbeat timeout';
		switch (close.code) {
			case 1000:
				return null;
			case 1001:
				return 'Server going away';
			case 1012:
				return 'Server restarting';
			case 1013:
				return 'Server busy: not accepting connections';
			case 4429:
				return 'Rate limited by the server';
			case 4408:
				return 'Authentication timed out';
			case 1006:
				return 'Connection lost';
			default:
				return reason ? `Connection closed: ${reason}` : `Connection closed (${close.code})`;
		}
	}
	if (stats.lastError?.startsWith('no connection within')) return 'Connection attempt timed out';
	return stats.lastError ? `Connection error: ${stats.lastError}` : null;
}

/** Why the connection is `failed`, short: "origin not allowed", "gave up after 5 attempts". */
export function failureText(input: StatusInput): string {
	const failure = input.stats.failure ?? input.error ?? '';
	const fromClose = /^closed by the server \((\d+)(?::\s*(.*))?\)$/.exec(failure);
	if (fromClose) {
		const reason = plainReason(fromClose[2]);
		if (reason) return reason;
		const code = Number(fromClose[1]);
		if (code === 1008 || code === 4403) return 'not allowed by the server';
		if (code === 4401) return 'not authorised';
		if (code === 4400) return 'protocol violation';
		return `closed by the server (${code})`;
	}
	if (failure.startsWith('gave up after')) {
		return input.stats.attempts > 0
			? `gave up after ${input.stats.attempts} ${input.stats.attempts === 1 ? 'attempt' : 'attempts'}`
			: 'gave up reconnecting';
	}
	if (failure.includes('requires authentication')) return 'authentication required';
	return failure || 'unknown error';
}

/** The status of a connection at time `now` (same clock as `nextRetryAt`). */
export function describeConnection(input: StatusInput, now: number): StatusText {
	const { state, stats } = input;
	switch (state) {
		case 'open':
			return { tone: 'ok', title: 'Connected', detail: null };
		case 'idle':
			return { tone: 'muted', title: 'Not connected', detail: null };
		case 'connecting':
			return stats.retrying
				? {
						tone: 'progress',
						title:
							stats.attempts > 0 ? `Reconnecting… (attempt ${stats.attempts})` : 'Reconnecting…',
						detail: lostReason(stats)
					}
				: { tone: 'progress', title: 'Connecting…', detail: null };
		case 'authenticating':
			return { tone: 'progress', title: 'Authenticating…', detail: null };
		case 'heartbeatTimeout':
			return { tone: 'error', title: 'Connection lost: heartbeat timeout', detail: null };
		case 'backoff': {
			const attempt = stats.attempts > 0 ? ` (attempt ${stats.attempts})` : '';
			const title =
				input.nextRetryAt === null
					? `Reconnecting${attempt}`
					: `Reconnecting in ${formatCountdown(input.nextRetryAt - now)}${attempt}`;
			return { tone: 'warn', title, detail: lostReason(stats) };
		}
		case 'offline':
			return { tone: 'warn', title: 'Offline', detail: 'Waiting for the network to come back' };
		case 'failed':
			return { tone: 'error', title: `Failed: ${failureText(input)}`, detail: null };
		case 'closed':
			return { tone: 'muted', title: 'Disconnected', detail: null };
	}
}
