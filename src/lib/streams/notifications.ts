/**
 * The notification center: the KECS guide's `useWebSocketNotifications`, over the tab's one
 * connection.
 *
 * Read and dismissed states live on the server and are shared by every tab and client: a change
 * is shown at once (optimistic), sent, and then confirmed by the server's `notification_update`,
 * which the gateway broadcasts to every connection, so a read in another tab shows here too. An
 * `error` reply (an unknown notification, a refusal) rolls the change back.
 *
 * How the optimism is kept honest: each notification keeps the server's state as last heard
 * ("confirmed") and a count of changes still in flight per field; what is shown is the confirmed
 * state with the in-flight changes laid over it. A confirmation updates the confirmed state; a
 * failure only removes its overlay, so it can never undo a change confirmed meanwhile (by this
 * tab or another).
 */
import type { Readable } from 'svelte/store';
import { DisconnectedError, RequestTimeoutError } from '$lib/connection/errors';
import type { ItemsMeta, SubscriptionStatus } from '$lib/connection/subscriptions';
import type {
	ClientMessageType,
	ClientPayloads,
	Notification,
	NotificationPriority,
	NotificationType,
	ServerMessage
} from '$lib/protocol';
import { animationFrame, FrameBatcher, type FrameScheduler } from './frame';
import { Lease, leasedCell, type LeasedCell } from './lease';
import { LinkStores } from './link';
import { contextClient, type ContextOptions, type StreamClient } from './stream-client';

/** A client-side notification filter (the protocol has no server-side one for notifications). */
export interface NotificationFilter {
	/** Only these types. Default every type. */
	types?: readonly NotificationType[];
	/** Only these priorities (a notification without one counts as `normal`). Default every priority. */
	priorities?: readonly NotificationPriority[];
	/** Only notifications about these resources (task ARNs...). Default every resource. */
	resourceIds?: readonly string[];
}

/** Options of {@link createNotifications} (the guide's `useWebSocketNotifications` options). */
export interface NotificationsOptions {
	/** Notifications kept and shown, newest first. Default 50. */
	maxNotifications?: number;
	/** Which notifications to keep: a filter or a predicate, applied in the browser. Default all. */
	filter?: NotificationFilter | ((notification: Notification) => boolean);
	/** Notifications of history loaded on subscribe (the protocol allows 1000). Default min(1000, 2 × maxNotifications). */
	history?: number;
	/** Times a change is re-sent after the link carrying it was lost. Default 3. */
	retries?: number;
	/** Frame scheduler for publishing. Default `requestAnimationFrame` (a 16 ms timeout where there is none). */
	schedule?: FrameScheduler;
}

/** What {@link createNotifications} and `useWebSocketNotifications` return. */
export interface NotificationsStream {
	/** Notifications not dismissed, newest first, at most `maxNotifications`. */
	readonly notifications: Readable<Notification[]>;
	/** Unread ones among `notifications`. */
	readonly unreadCount: Readable<number>;
	/** Mark one as read (shown at once; rolled back if the server refuses). */
	markAsRead(id: string): void;
	/** Mark every notification as read (one `mark_all_as_read`). */
	markAllAsRead(): void;
	/** Dismiss one (hidden at once; back if the server refuses). */
	dismiss(id: string): void;
	/** Dismiss every shown notification (the protocol has no bulk dismiss: one `dismiss` each). */
	dismissAll(): void;
	/** A refused change (until the next one succeeds), else the connection's error, else null. */
	readonly error: Readable<Error | null>;
	/** True while the connection is open. */
	readonly isConnected: Readable<boolean>;
	/** True while a lost connection is being re-established. */
	readonly isReconnecting: Readable<boolean>;
	/** Hold the subscription without a store subscriber; returns the release function. */
	retain(): () => void;
}

/** One notification: the server's state as last heard, and the changes still in flight. */
interface Entry {
	confirmed: Notification;
	/** The epoch it was published in: a server that restarted no longer knows it. */
	epoch: string | undefined;
	pendingRead: number;
	pendingDismiss: number;
	/** What was last shown, rebuilt when the entry changes. */
	shown: Notification | undefined;
}

/** Requests sent at once by `dismissAll`: well inside the gateway's burst of 100 per connection. */
const DISMISS_BATCH = 40;
const HISTORY_MAX = 1000;

function toPredicate(
	filter: NotificationsOptions['filter']
): ((notification: Notification) => boolean) | null {
	if (!filter) return null;
	if (typeof filter === 'function') return filter;
	const { types, priorities, resourceIds } = filter;
	if (!types?.length && !priorities?.length && !resourceIds?.length) return null;
	return (n) =>
		(!types?.length || types.includes(n.type)) &&
		(!priorities?.length || priorities.includes(n.priority ?? 'normal')) &&
		(!resourceIds?.length || (n.resourceId !== undefined && resourceIds.includes(n.resourceId)));
}

class NotificationsCore {
	readonly #client: StreamClient | null;
	readonly #max: number;
	readonly #history: number;
	readonly #retries: number;
	readonly #accept: ((notification: Notification) => boolean) | null;
	readonly #batcher: FrameBatcher;
	readonly #lease: Lease;
	readonly link: LinkStores;
	readonly #list: LeasedCell<Notification[]>;
	readonly #unread: LeasedCell<number>;

	readonly #entries = new Map<string, Entry>();
	/** Ids, newest first. */
	#order: string[] = [];
	#dirty = true;
	#epoch: string | undefined;
	#streamError: Error | null = null;
	#unsubscribe: (() => void) | undefined;
	#offMessage: (() => void) | undefined;
	#offChange: (() => void) | undefined;

	constructor(client: StreamClient | null, options: NotificationsOptions) {
		const max = options.maxNotifications ?? 50;
		if (!Number.isInteger(max) || max < 1) {
			throw new RangeError(`maxNotifications must be an integer ≥ 1, got ${max}`);
		}
		this.#client = client;
		this.#max = max;
		this.#history = Math.max(0, Math.min(options.history ?? 2 * max, HISTORY_MAX));
		this.#retries = Math.max(0, options.retries ?? 3);
		this.#accept = toPredicate(options.filter);
		this.#batcher = new FrameBatcher(options.schedule ?? animationFrame, this.#flush);
		this.#lease = new Lease(this.#start, this.#stop);
		this.link = new LinkStores(this.#lease);
		this.#list = leasedCell<Notification[]>(this.#lease, []);
		this.#unread = leasedCell(this.#lease, 0);
	}

	result(): NotificationsStream {
		return {
			notifications: this.#list.store,
			unreadCount: this.#unread.store,
			markAsRead: (id) => this.markAsRead(id),
			markAllAsRead: () => this.markAllAsRead(),
			dismiss: (id) => this.dismiss(id),
			dismissAll: () => this.dismissAll(),
			error: this.link.error,
			isConnected: this.link.isConnected,
			isReconnecting: this.link.isReconnecting,
			retain: () => this.#lease.acquire()
		};
	}

	// ---- lifecycle ---------------------------------------------------------------------------

	readonly #start = (): void => {
		const client = this.#client;
		if (!client) return;
		this.#offChange = client.onChange(() => this.#batcher.request());
		// `notification_update` is not a stream item: it comes to every connection as a message.
		this.#offMessage = client.onMessage(this.#onMessage);
		this.#unsubscribe = client.subscribe('notifications', {
			history: this.#history,
			onItems: this.#onItems,
			onStatus: this.#onStatus
		});
		this.#batcher.request();
	};

	readonly #stop = (): void => {
		this.#offChange?.();
		this.#offMessage?.();
		this.#unsubscribe?.();
		this.#offChange = this.#offMessage = this.#unsubscribe = undefined;
		this.#batcher.cancel();
	};

	// ---- ingest ------------------------------------------------------------------------------

	readonly #onStatus = (status: SubscriptionStatus): void => {
		if (status.epoch !== undefined) this.#epoch = status.epoch;
	};

	readonly #onItems = (items: readonly Notification[], meta: ItemsMeta<'notifications'>): void => {
		const epoch = meta.recovery.epoch ?? this.#epoch;
		if (epoch !== undefined) this.#epoch = epoch;
		const fresh: string[] = [];
		for (const n of items) {
			const entry = this.#entries.get(n.id);
			if (entry) {
				// Seen again (a replay after a restart, or history): the newest copy is the truth.
				entry.confirmed = n;
				entry.epoch = epoch;
				entry.shown = undefined;
				continue;
			}
			if (n.dismissed === true) continue;
			if (this.#accept !== null && !this.#accept(n)) continue;
			this.#entries.set(n.id, {
				confirmed: n,
				epoch,
				pendingRead: 0,
				pendingDismiss: 0,
				shown: undefined
			});
			fresh.push(n.id);
		}
		if (fresh.length > 0) this.#order = fresh.reverse().concat(this.#order);
		this.#dirty = true;
		this.#batcher.request();
	};

	readonly #onMessage = (message: ServerMessage): void => {
		if (message.type !== 'notification_update') return;
		const entry = this.#entries.get(message.payload.id);
		if (!entry) return;
		entry.confirmed = { ...entry.confirmed, ...message.payload.changes };
		entry.shown = undefined;
		this.#dirty = true;
		this.#batcher.request();
	};

	// ---- publishing --------------------------------------------------------------------------

	readonly #flush = (): void => {
		if (this.#dirty) {
			this.#dirty = false;
			const shown: Notification[] = [];
			const kept: string[] = [];
			let unread = 0;
			for (const id of this.#order) {
				const entry = this.#entries.get(id);
				if (!entry) continue;
				const dismissed = entry.confirmed.dismissed === true || entry.pendingDismiss > 0;
				if (dismissed) {
					// Confirmed dismissals are forgotten; pending ones are kept for a rollback.
					if (entry.pendingDismiss > 0) kept.push(id);
					else this.#entries.delete(id);
					continue;
				}
				if (shown.length >= this.#max) {
					this.#entries.delete(id);
					continue;
				}
				kept.push(id);
				const view = this.#view(entry);
				if (!view.read) unread++;
				shown.push(view);
			}
			this.#order = kept;
			this.#list.set(shown);
			this.#unread.set(unread);
		}
		this.link.update(this.#client, this.#streamError);
	};

	#view(entry: Entry): Notification {
		const read = entry.confirmed.read || entry.pendingRead > 0;
		if (entry.shown === undefined || entry.shown.read !== read) {
			entry.shown = read === entry.confirmed.read ? entry.confirmed : { ...entry.confirmed, read };
		}
		return entry.shown;
	}

	// ---- changes -----------------------------------------------------------------------------

	/** Send a change, re-sending it after a lost link (it is idempotent), and report the outcome. */
	#send<K extends ClientMessageType>(
		type: K,
		payload: ClientPayloads[K],
		settle: (ok: boolean, error?: Error) => void,
		attempt = 0
	): void {
		const client = this.#client;
		if (!client) return settle(false, new Error('no connection'));
		client.request(type, payload).then(
			() => settle(true),
			(error: unknown) => {
				if (error instanceof DisconnectedError && attempt < this.#retries) {
					this.#send(type, payload, settle, attempt + 1);
					return;
				}
				settle(false, error instanceof Error ? error : new Error(String(error)));
			}
		);
	}

	#failed(what: string, error: Error | undefined): void {
		this.#streamError = new Error(`${what} failed: ${error?.message ?? 'no reply'}`);
	}

	/** Whether the server can still act on `entry` (it forgets everything when it restarts). */
	#known(entry: Entry): boolean {
		return entry.epoch === undefined || this.#epoch === undefined || entry.epoch === this.#epoch;
	}

	#changed(): void {
		this.#dirty = true;
		this.#batcher.request();
	}

	markAsRead(id: string): void {
		const entry = this.#entries.get(id);
		if (!entry || entry.confirmed.read || entry.pendingRead > 0) return;
		if (!this.#known(entry)) {
			entry.confirmed = { ...entry.confirmed, read: true };
			entry.shown = undefined;
			return this.#changed();
		}
		entry.pendingRead++;
		this.#changed();
		this.#send('mark_as_read', { notificationId: id }, (ok, error) => {
			entry.pendingRead--;
			entry.shown = undefined;
			if (ok) this.#streamError = null;
			else this.#failed('Marking as read', error);
			this.#changed();
		});
	}

	markAllAsRead(): void {
		const marked: Entry[] = [];
		let remote = false;
		for (const id of this.#order) {
			const entry = this.#entries.get(id);
			if (!entry || entry.confirmed.read || entry.pendingRead > 0) continue;
			if (!this.#known(entry)) {
				entry.confirmed = { ...entry.confirmed, read: true };
				entry.shown = undefined;
				continue;
			}
			entry.pendingRead++;
			marked.push(entry);
			remote = true;
		}
		this.#changed();
		if (!remote) return;
		const client = this.#client;
		this.#send('mark_all_as_read', undefined, (ok, error) => {
			// The gateway marks everything in one go and replies once per changed notification,
			// nothing if none changed. The first reply (or, on an open link, a timeout: nothing to
			// change) therefore means every one was read: commit them all, no flicker while the
			// remaining confirmations arrive. A refusal, or a timeout while offline (the request
			// expired in the queue, never sent), rolls back.
			const done =
				ok || (error instanceof RequestTimeoutError && client !== null && client.state === 'open');
			for (const entry of marked) {
				entry.pendingRead--;
				if (done) entry.confirmed = { ...entry.confirmed, read: true };
				entry.shown = undefined;
			}
			if (done) this.#streamError = null;
			else this.#failed('Marking all as read', error);
			this.#changed();
		});
	}

	dismiss(id: string): void {
		const entry = this.#entries.get(id);
		if (!entry || !this.#hide(entry)) return;
		this.#changed();
		this.#sendDismiss(id, entry, () => {});
	}

	/** Hide `entry` at once; true if a `dismiss` must be sent for it. */
	#hide(entry: Entry): boolean {
		if (entry.confirmed.dismissed === true || entry.pendingDismiss > 0) return false;
		if (!this.#known(entry)) {
			entry.confirmed = { ...entry.confirmed, dismissed: true };
			return false;
		}
		entry.pendingDismiss++;
		return true;
	}

	#sendDismiss(id: string, entry: Entry, done: () => void): void {
		this.#send('dismiss', { notificationId: id }, (ok, error) => {
			entry.pendingDismiss--;
			if (ok) {
				// The confirmation normally came first; make sure it sticks either way.
				entry.confirmed = { ...entry.confirmed, dismissed: true };
				this.#streamError = null;
			} else {
				this.#failed('Dismissing', error);
			}
			this.#changed();
			done();
		});
	}

	dismissAll(): void {
		// Hide them all in this frame; send in batches so a long list stays within the rate limit.
		const queue: Array<[string, Entry]> = [];
		for (const id of this.#order) {
			const entry = this.#entries.get(id);
			if (entry && this.#hide(entry)) queue.push([id, entry]);
		}
		this.#changed();
		let next = 0;
		let inFlight = 0;
		const pump = (): void => {
			while (inFlight < DISMISS_BATCH && next < queue.length) {
				const [id, entry] = queue[next++]!;
				inFlight++;
				this.#sendDismiss(id, entry, () => {
					inFlight--;
					pump();
				});
			}
		};
		pump();
	}
}

/**
 * The notification center over `client` (framework-agnostic core of
 * `useWebSocketNotifications`). Creates no socket; subscribes while a store has a subscriber (or
 * `retain()` is held). A null client (server rendering) gives inert stores.
 */
export function createNotifications(
	client: StreamClient | null,
	options: NotificationsOptions = {}
): NotificationsStream {
	return new NotificationsCore(client, options).result();
}

/**
 * The KECS guide's `useWebSocketNotifications` over the tab's connection from context (or
 * `options.connection`). Call during component initialisation.
 *
 * ```svelte
 * const { notifications, unreadCount, markAsRead, dismiss } = useWebSocketNotifications({ maxNotifications: 50 });
 * <h2>Notifications ({$unreadCount})</h2>
 * {#each $notifications as n (n.id)}<button onclick={() => markAsRead(n.id)}>{n.title}</button>{/each}
 * ```
 */
export function useWebSocketNotifications(
	options: NotificationsOptions & ContextOptions = {}
): NotificationsStream {
	return createNotifications(contextClient(options), options);
}
