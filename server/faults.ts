/**
 * The gateway's control routes: `GET /_health`, and the fault controls of the demo page and the
 * tests (`POST /_faults/<name>`), which exist only when faults are enabled (404 otherwise, so a
 * production gateway does not even reveal them). Shared by the production server and the Vite
 * plugin, as a plain `(req, res) => handled` function.
 *
 * | route                                | effect (see the Hub methods)                         |
 * |--------------------------------------|------------------------------------------------------|
 * | `POST /_faults/drop`                 | every connection dropped without a close frame       |
 * | `POST /_faults/restart`              | new epoch, history lost, connections closed 1012     |
 * | `POST /_faults/stall-pongs`          | current connections go silent, TCP stays open        |
 * | `POST /_faults/refuse?seconds=N`     | new connections closed 1013 for N s (default 10)     |
 * | `POST /_faults/malformed`            | one non-JSON frame to every client                   |
 * | `POST /_faults/log?message=…&level=…`| one log line published on the logs stream (a `system`  |
 * |                                      | source), e.g. hostile text to show it renders as text |
 * | `POST /_faults/notification?title=…` | one notification published (`type`, `priority`,       |
 * |   `&type=…&priority=…&message=…`     | `message`, `resourceId` optional), so a demo or a     |
 * |                                      | test need not wait minutes for the simulator's next   |
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
	LOG_LEVELS,
	NOTIFICATION_PRIORITIES,
	NOTIFICATION_TYPES,
	type LogLevel,
	type NotificationPriority,
	type NotificationType
} from '../src/lib/protocol/index';
import type { Hub } from './hub/hub';
import { isOriginAllowed, normalizeOrigin } from './hub/origin';

/** Options of {@link createControlRoutes}. */
export interface ControlRouteOptions {
	/** Whether the fault routes exist. Default false. */
	faults?: boolean;
	/** Origins allowed besides same-origin to POST faults (a foreign page must not). Default none. */
	allowedOrigins?: readonly string[];
}

/** Handles a request if it is a control route; returns whether it did. */
export type ControlRoutes = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Longest refusal the refuse fault accepts, in seconds. */
export const MAX_REFUSE_SECONDS = 3600;

/** Longest message the log fault accepts, in characters. */
export const MAX_INJECTED_MESSAGE = 4000;

function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {}
): void {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'cache-control': 'no-store',
		'content-length': Buffer.byteLength(text),
		...headers
	});
	res.end(text);
}

/** Create the control routes for `hub`. */
export function createControlRoutes(hub: Hub, options: ControlRouteOptions = {}): ControlRoutes {
	const faults = options.faults ?? false;
	const allowed = (options.allowedOrigins ?? []).map(normalizeOrigin);
	const startedAt = Date.now();
	let injected = 0;

	return (req, res) => {
		const url = new URL(req.url ?? '/', 'http://localhost');
		const method = req.method ?? 'GET';
		if (url.pathname === '/_health') {
			if (method !== 'GET' && method !== 'HEAD') {
				sendJson(res, 405, { ok: false, error: 'use GET' }, { allow: 'GET, HEAD' });
				return true;
			}
			sendJson(res, 200, {
				ok: true,
				epoch: hub.epoch,
				clients: hub.clientCount,
				uptimeMs: Date.now() - startedAt,
				faults,
				source: hub.sourceHealth() ?? null
			});
			return true;
		}
		if (!url.pathname.startsWith('/_faults/')) return false;
		if (!faults) {
			sendJson(res, 404, { ok: false, error: 'fault controls are disabled (KECS_LIVE_FAULTS=1)' });
			return true;
		}
		if (method !== 'POST') {
			sendJson(res, 405, { ok: false, error: 'use POST' }, { allow: 'POST' });
			return true;
		}
		// A fault POST needs no preflight, so without this any web page could drop the user's
		// connections; browsers send Origin on cross-site POSTs.
		if (!isOriginAllowed(req.headers.origin, req.headers.host, allowed)) {
			sendJson(res, 403, { ok: false, error: 'origin not allowed' });
			return true;
		}
		const name = url.pathname.slice('/_faults/'.length);
		switch (name) {
			case 'drop':
				sendJson(res, 200, { ok: true, fault: 'drop', dropped: hub.dropAll() });
				return true;
			case 'restart':
				sendJson(res, 200, { ok: true, fault: 'restart', ...hub.restart() });
				return true;
			case 'stall-pongs':
				sendJson(res, 200, { ok: true, fault: 'stall-pongs', stalled: hub.stallAll() });
				return true;
			case 'refuse': {
				const raw = url.searchParams.get('seconds');
				const seconds = raw === null || raw === '' ? 10 : Number(raw);
				if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_REFUSE_SECONDS) {
					sendJson(res, 400, {
						ok: false,
						error: `seconds must be a number in (0, ${MAX_REFUSE_SECONDS}], got "${raw}"`
					});
					return true;
				}
				const until = hub.refuse(seconds * 1000);
				sendJson(res, 200, { ok: true, fault: 'refuse', seconds, until: until.toISOString() });
				return true;
			}
			case 'malformed':
				sendJson(res, 200, { ok: true, fault: 'malformed', sent: hub.sendMalformed() });
				return true;
			case 'log': {
				// Goes through the hub like a source's line (seq stamped, history kept), so the
				// demo and the tests can show what a hostile line looks like end to end.
				const message = url.searchParams.get('message') ?? '';
				const level = (url.searchParams.get('level') ?? 'info') as LogLevel;
				if (message === '' || message.length > MAX_INJECTED_MESSAGE) {
					sendJson(res, 400, {
						ok: false,
						error: `message must have 1 to ${MAX_INJECTED_MESSAGE} characters`
					});
					return true;
				}
				if (!LOG_LEVELS.includes(level)) {
					sendJson(res, 400, { ok: false, error: `unknown level "${level}"` });
					return true;
				}
				const id = `fault-log-${startedAt.toString(36)}-${++injected}`;
				hub.sink.log({
					id,
					timestamp: new Date(),
					level,
					source: { type: 'system', name: 'fault-control', identifier: 'gateway' },
					message
				});
				sendJson(res, 200, { ok: true, fault: 'log', id });
				return true;
			}
			case 'notification': {
				const q = url.searchParams;
				const title = q.get('title') ?? '';
				const message = q.get('message') ?? '';
				const type = (q.get('type') ?? 'info') as NotificationType;
				const priority = (q.get('priority') ?? 'normal') as NotificationPriority;
				const resourceId = q.get('resourceId') ?? undefined;
				if (title === '' || title.length > 200 || message.length > MAX_INJECTED_MESSAGE) {
					sendJson(res, 400, {
						ok: false,
						error: `title must have 1 to 200 characters, message at most ${MAX_INJECTED_MESSAGE}`
					});
					return true;
				}
				if (!NOTIFICATION_TYPES.includes(type) || !NOTIFICATION_PRIORITIES.includes(priority)) {
					sendJson(res, 400, {
						ok: false,
						error: `unknown type "${type}" or priority "${priority}"`
					});
					return true;
				}
				const id = `fault-notification-${startedAt.toString(36)}-${++injected}`;
				hub.sink.notification({
					id,
					type,
					priority,
					title,
					message,
					timestamp: new Date(),
					source: 'fault-control',
					...(resourceId ? { resourceId } : {}),
					read: false
				});
				sendJson(res, 200, { ok: true, fault: 'notification', id });
				return true;
			}
			default:
				sendJson(res, 404, { ok: false, error: `unknown fault "${name}"` });
				return true;
		}
	};
}
