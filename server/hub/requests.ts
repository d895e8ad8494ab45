/**
 * The hub's answers to client requests (PROTOCOL.md, "Client to server"). Every reply echoes the
 * request's `id`. A request that cannot be honoured returns a {@link Rejection}; the hub turns
 * it into an `error` reply and counts it towards the bad-frame limit.
 */
import {
	encode,
	LIMITS,
	type ClientMessage,
	type ClientMessageOf,
	type ErrorCode,
	type Stream
} from '../../src/lib/protocol/index';
import { ANONYMOUS, OPERATOR, tokenMatches } from './auth';
import { CloseCode } from './close';
import type { EpochState } from './epoch-state';
import { compileEventFilters } from './event-filter';
import type { HistoryRecord } from './history';
import { parseResourceId } from './resource';
import type { Session } from './session';
import type { FilterCompiler } from './stream-filter';

/** Why a request was refused. */
export interface Rejection {
	code: ErrorCode;
	message: string;
}

/** What request handling needs from the hub. */
export interface RequestContext {
	/** The current epoch's state. */
	readonly state: EpochState;
	/** Shared filter compiler (and cache). */
	readonly compiler: FilterCompiler;
	/** The configured token, if any. */
	readonly token: string | undefined;
	/** Send `session` what it has not had yet on `stream` (the replay after subscribe). */
	deliver(session: Session, stream: Stream): void;
	/** Send a frame to every authenticated, live connection except `except`. */
	broadcast(frame: string, except?: Session): void;
	/** Close a connection with a code and reason. */
	close(session: Session, code: number, reason: string): void;
}

/**
 * Resource ids one connection may subscribe to on one stream. Each subscription makes every
 * later one rebuild the selection (sorted ids, key) and the source's log interest, and every
 * published item is matched against each id: without a cap, one connection subscribing to
 * 5,000 task ARNs stalled the hub for seconds (server/hub/hostile.spec.ts).
 */
export const MAX_RESOURCES_PER_STREAM = LIMITS.listItems;

function reply(session: Session, frame: string): undefined {
	session.outbox.send(frame);
	return undefined;
}

function resolveStream(session: Session, stream: Stream | undefined): Stream | Rejection {
	const resolved = stream ?? session.pathStream;
	if (resolved !== undefined) return resolved;
	return {
		code: 'unknown_stream',
		message: 'no stream given: name one (logs, metrics, notifications, tasks) or use /ws/<stream>'
	};
}

function authenticate(
	ctx: RequestContext,
	session: Session,
	msg: ClientMessageOf<'authenticate'>
): undefined {
	if (ctx.token !== undefined && !tokenMatches(ctx.token, msg.payload.token)) {
		session.outbox.send(
			encode({
				type: 'error',
				payload: { error: 'authentication_failed', message: 'invalid token', ref: msg.id },
				id: msg.id
			})
		);
		ctx.close(session, CloseCode.unauthorized, 'authentication failed');
		return undefined;
	}
	session.authenticated = true;
	clearTimeout(session.authTimer);
	session.authTimer = undefined;
	const identity = ctx.token === undefined ? ANONYMOUS : OPERATOR;
	return reply(session, encode({ type: 'authenticated', payload: identity, id: msg.id }));
}

function subscribe(
	ctx: RequestContext,
	session: Session,
	msg: ClientMessageOf<'subscribe'>
): Rejection | undefined {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== 'string') return stream;
	const resourceId = msg.payload.resourceId ?? '*';
	const existing = session.subscriptions.get(stream)?.resourceIds;
	if (existing && !existing.has(resourceId) && existing.size >= MAX_RESOURCES_PER_STREAM) {
		return {
			code: 'invalid_message',
			message: `too many subscriptions on ${stream}: at most ${MAX_RESOURCES_PER_STREAM} resource ids per connection (subscribe to service:, cluster: or * instead)`
		};
	}
	if (msg.payload.filter !== undefined) {
		const compiled = ctx.compiler.compile(stream, msg.payload.filter);
		if (!compiled.ok)
			return { code: 'invalid_message', message: `invalid filter: ${compiled.message}` };
		session.filters.set(stream, compiled.filter);
	}
	const { state } = ctx;
	const history = state.history(stream);
	const oldestSeq = history.completeFrom(parseResourceId(resourceId));
	const since = msg.payload.since;
	const recovered =
		since !== undefined &&
		since.epoch === state.epoch &&
		since.seq <= history.lastSeq &&
		since.seq >= oldestSeq - 1;
	let sub = session.subscriptions.get(stream);
	if (sub === undefined) {
		sub = {
			resourceIds: new Set([resourceId]),
			cursor: history.lastSeq,
			countedThrough: history.lastSeq,
			pendingDrop: 0,
			selection: session.selectionFor(stream, [resourceId])
		};
		session.subscriptions.set(stream, sub);
		if (recovered) {
			sub.cursor = since.seq;
			sub.countedThrough = Math.max(since.seq, history.evictedThrough);
		}
	} else {
		sub.resourceIds.add(resourceId);
		// Rewinding replays the new resource's missed items; items of the resources already
		// subscribed may come again, which clients drop by seq (PROTOCOL.md).
		if (recovered && since.seq < sub.cursor) {
			sub.cursor = since.seq;
			sub.countedThrough = Math.max(sub.countedThrough, history.evictedThrough);
		}
	}
	session.refresh(stream);
	session.outbox.send(
		encode({
			type: 'subscribed',
			payload: {
				stream,
				resourceId,
				epoch: state.epoch,
				recovered,
				lastSeq: history.lastSeq,
				oldestSeq
			},
			id: msg.id
		})
	);
	ctx.deliver(session, stream);
	return undefined;
}

function unsubscribe(session: Session, msg: ClientMessageOf<'unsubscribe'>): Rejection | undefined {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== 'string') return stream;
	const resourceId = msg.payload.resourceId ?? '*';
	const sub = session.subscriptions.get(stream);
	if (sub) {
		sub.resourceIds.delete(resourceId);
		if (sub.resourceIds.size === 0) session.subscriptions.delete(stream);
		else session.refresh(stream);
	}
	return reply(
		session,
		encode({ type: 'unsubscribed', payload: { stream, resourceId }, id: msg.id })
	);
}

function requestHistory(
	ctx: RequestContext,
	session: Session,
	msg: ClientMessageOf<'request_history'>
): Rejection | undefined {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== 'string') return stream;
	const resourceId = msg.payload.resourceId ?? '*';
	const limit = msg.payload.limit ?? 100;
	// History honours the session's filters, so it looks like the live feed it precedes.
	const selection = session.selectionFor(stream, [resourceId]);
	const history = ctx.state.history(stream) as import('./history').StreamHistory<{ seq: number }>;
	const page = history.before(msg.payload.beforeSeq, limit, (r) => selection.matches(r));
	const items = page.records.map((r: HistoryRecord<{ seq: number }>) => r.json()).join(',');
	// Built by hand so each item's cached JSON is reused rather than serialised again.
	const payload =
		`{"stream":"${stream}","resourceId":${JSON.stringify(resourceId)},` +
		`"epoch":${JSON.stringify(ctx.state.epoch)},"items":[${items}],"complete":${page.complete}}`;
	const id = msg.id === undefined ? '' : `,"id":${JSON.stringify(msg.id)}`;
	return reply(session, `{"type":"history","payload":${payload}${id}}`);
}

function updateFilter(
	ctx: RequestContext,
	session: Session,
	msg: ClientMessageOf<'update_filter'>
): Rejection | undefined {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== 'string') return stream;
	const compiled = ctx.compiler.compile(stream, msg.payload.filter);
	if (!compiled.ok)
		return { code: 'invalid_message', message: `invalid filter: ${compiled.message}` };
	session.filters.set(stream, compiled.filter);
	session.refresh(stream);
	const filter = compiled.filter?.spec ?? {};
	return reply(
		session,
		encode({ type: 'filter_applied', payload: { stream, filter }, id: msg.id })
	);
}

function setFilters(session: Session, msg: ClientMessageOf<'setFilters'>): undefined {
	session.eventFilters = compileEventFilters(msg.payload);
	for (const stream of session.subscriptions.keys()) session.refresh(stream);
	return reply(session, encode({ type: 'filtersSet', payload: msg.payload, id: msg.id }));
}

type NotificationChange = { read: true } | { dismissed: true };

function announce(
	ctx: RequestContext,
	session: Session,
	record: HistoryRecord<{ seq: number; id: string }>,
	changes: NotificationChange,
	changed: boolean,
	requestId: string | undefined
): void {
	const id = record.item.id;
	if (changed)
		ctx.broadcast(encode({ type: 'notification_update', payload: { id, changes } }), session);
	session.outbox.send(
		encode({ type: 'notification_update', payload: { id, changes }, id: requestId })
	);
}

function changeNotification(
	ctx: RequestContext,
	session: Session,
	notificationId: string,
	changes: NotificationChange,
	requestId: string | undefined
): Rejection | undefined {
	const record = ctx.state.notificationsById.get(notificationId);
	if (record === undefined) {
		return { code: 'invalid_message', message: `unknown notification "${notificationId}"` };
	}
	const item = record.item;
	let changed = false;
	if ('read' in changes && !item.read) {
		item.read = true;
		changed = true;
	}
	if ('dismissed' in changes && item.dismissed !== true) {
		item.dismissed = true;
		changed = true;
	}
	if (changed) record.invalidate();
	announce(ctx, session, record, changes, changed, requestId);
	return undefined;
}

function markAllAsRead(
	ctx: RequestContext,
	session: Session,
	requestId: string | undefined
): undefined {
	const changed: HistoryRecord<{ seq: number; id: string }>[] = [];
	ctx.state.notifications.forEachAfter(0, (record) => {
		if (!record.item.read) {
			record.item.read = true;
			record.invalidate();
			changed.push(record);
		}
	});
	for (const record of changed) announce(ctx, session, record, { read: true }, true, requestId);
	return undefined;
}

/**
 * Answer one decoded request. Authentication gates everything but `ping` and `authenticate`.
 * Returns a rejection for the hub to report, or undefined when the request was answered.
 */
export function handleRequest(
	ctx: RequestContext,
	session: Session,
	msg: ClientMessage
): Rejection | undefined {
	if (!session.authenticated && msg.type !== 'ping' && msg.type !== 'authenticate') {
		return { code: 'unauthorized', message: 'authenticate first' };
	}
	switch (msg.type) {
		case 'ping':
			return reply(session, encode({ type: 'pong', id: msg.id }));
		case 'authenticate':
			return authenticate(ctx, session, msg);
		case 'subscribe':
			return subscribe(ctx, session, msg);
		case 'unsubscribe':
			return unsubscribe(session, msg);
		case 'request_history':
			return requestHistory(ctx, session, msg);
		case 'update_filter':
			return updateFilter(ctx, session, msg);
		case 'setFilters':
			return setFilters(session, msg);
		case 'mark_as_read':
			return changeNotification(ctx, session, msg.payload.notificationId, { read: true }, msg.id);
		case 'dismiss':
			return changeNotification(
				ctx,
				session,
				msg.payload.notificationId,
				{ dismissed: true },
				msg.id
			);
		case 'mark_all_as_read':
			return markAllAsRead(ctx, session, msg.id);
		case 'message':
			return reply(session, encode({ type: 'message', payload: msg.payload, id: msg.id }));
	}
}
