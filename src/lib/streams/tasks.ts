/**
 * Live task state: the KECS guide's `useWebSocketTaskUpdates`, over the tab's one connection.
 *
 * The stream carries updates, not state; the store folds them into one entry per task ARN:
 * - `created`: the task as sent.
 * - `updated`, `status_changed`: the known task, then the update's full `task` snapshot if it
 *   has one, then its partial `changes` (a source such as KECS may send only those), keeping the
 *   status it left in `previousStatus`.
 * - `deleted`: the task goes (or, with `includeDeleted`, stays marked `deleted`).
 * A stopped task stays for `stoppedRetention` (an hour) after it stopped, so an operator can still
 * read its `stoppedReason`, then is pruned; the newest `maxUpdates` updates are kept as a feed.
 *
 * After a resync into a new epoch (the gateway restarted) the map is rebuilt from the new epoch's
 * history, which the gateway seeds with every task it knows; after a resync within an epoch the
 * history is merged into what is known.
 */
import type { Readable } from 'svelte/store';
import type { ItemsMeta, SubscriptionStatus } from '$lib/connection/subscriptions';
import {
	TASK_STATUSES,
	type StreamFilter,
	type Task,
	type TaskStatus,
	type TaskUpdate
} from '$lib/protocol';
import {
	animationFrame,
	FrameBatcher,
	realTimers,
	type FrameScheduler,
	type Timers
} from './frame';
import { Lease, leasedCell, type LeasedCell } from './lease';
import { LinkStores } from './link';
import { Ring } from './ring';
import { contextClient, type ContextOptions, type StreamClient } from './stream-client';

/** Options of {@link createTaskUpdates} (the guide's `useWebSocketTaskUpdates` options). */
export interface TaskUpdatesOptions {
	/** Only these tasks (ARNs or short ids). Default every task. */
	taskIds?: readonly string[];
	/** Only tasks of these services. Default every service. */
	serviceNames?: readonly string[];
	/** Only tasks of this cluster (ARN or name). Default every cluster. */
	clusterArn?: string;
	/** Keep deleted tasks (marked `deleted`, counted as DELETED) for `stoppedRetention`. Default false. */
	includeDeleted?: boolean;
	/** How long a stopped (or kept deleted) task stays after it stopped, in ms. Default 3600000 (an hour). */
	stoppedRetention?: number;
	/** Updates kept in `updates`, newest first. Default 100. */
	maxUpdates?: number;
	/** Task updates of history loaded on subscribe to build the state (the protocol allows 1000). Default 1000. */
	history?: number;
	/** Frame scheduler for publishing. Default `requestAnimationFrame` (a 16 ms timeout where there is none). */
	schedule?: FrameScheduler;
	/** Clock and delays (pruning). Default `Date.now` and `setTimeout`. */
	timers?: Timers;
}

/** A task as the store knows it: the ECS task with what the updates told about it. */
export interface TaskView extends Task {
	/** Timestamp of the last update applied. */
	readonly updatedAt: Date;
	/** The status before the last status change, when known. */
	readonly previousStatus?: TaskStatus;
	/** Deleted, kept because `includeDeleted`. */
	readonly deleted: boolean;
	/** Only partial changes were seen (no full snapshot yet): fields such as `taskDefinitionArn` may be empty. */
	readonly partial: boolean;
}

/** Tasks per ECS status. */
export type StatusCounts = Record<TaskStatus, number>;

/** What {@link createTaskUpdates} and `useWebSocketTaskUpdates` return. */
export interface TaskUpdatesStream {
	/** Tasks by ARN (a new map per publish). */
	readonly tasks: Readable<ReadonlyMap<string, TaskView>>;
	/** The newest updates, newest first. */
	readonly updates: Readable<TaskUpdate[]>;
	/** Tasks in `tasks` per status (every status present, zero when none). */
	readonly countsByStatus: Readable<StatusCounts>;
	/** The connection's error, or null. */
	readonly error: Readable<Error | null>;
	/** True while the connection is open. */
	readonly isConnected: Readable<boolean>;
	/** True while a lost connection is being re-established. */
	readonly isReconnecting: Readable<boolean>;
	/** Hold the subscription without a store subscriber; returns the release function. */
	retain(): () => void;
}

const HISTORY_MAX = 1000;
const HOUR = 3_600_000;

function lastSegment(id: string): string {
	return id.slice(id.lastIndexOf('/') + 1);
}

function zeroCounts(): StatusCounts {
	return Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as StatusCounts;
}

/** The task's service from its `group` (`service:<name>`), if it was started by one. */
function serviceOf(group: string | undefined): string | undefined {
	return group?.startsWith('service:') ? group.slice('service:'.length) : undefined;
}

interface Kept {
	view: TaskView;
	/** When it stopped or was deleted (ms), for pruning; undefined while alive. */
	endedAt: number | undefined;
}

class TaskUpdatesCore {
	readonly #client: StreamClient | null;
	readonly #taskIds: readonly string[];
	readonly #services: readonly string[];
	readonly #cluster: string | undefined;
	readonly #includeDeleted: boolean;
	readonly #retention: number;
	readonly #history: number;
	readonly #timers: Timers;
	readonly #batcher: FrameBatcher;
	readonly #lease: Lease;
	readonly link: LinkStores;
	readonly #tasksCell: LeasedCell<ReadonlyMap<string, TaskView>>;
	readonly #updatesCell: LeasedCell<TaskUpdate[]>;
	readonly #counts: LeasedCell<StatusCounts>;

	readonly #tasks = new Map<string, Kept>();
	readonly #updates: Ring<TaskUpdate>;
	#tasksDirty = true;
	#updatesDirty = true;
	#epoch: string | undefined;
	/** The next batch starts a new epoch's picture of the world. */
	#rebuild = false;
	#unsubscribe: (() => void) | undefined;
	#offChange: (() => void) | undefined;
	#cancelPrune: (() => void) | undefined;
	#pruneAt = Infinity;

	constructor(client: StreamClient | null, options: TaskUpdatesOptions) {
		this.#client = client;
		this.#taskIds = [...new Set(options.taskIds ?? [])];
		this.#services = [...new Set(options.serviceNames ?? [])];
		this.#cluster = options.clusterArn || undefined;
		this.#includeDeleted = options.includeDeleted ?? false;
		this.#retention = Math.max(0, options.stoppedRetention ?? HOUR);
		this.#history = Math.max(0, Math.min(Math.floor(options.history ?? HISTORY_MAX), HISTORY_MAX));
		this.#timers = options.timers ?? realTimers;
		const maxUpdates = options.maxUpdates ?? 100;
		if (!Number.isInteger(maxUpdates) || maxUpdates < 1) {
			throw new RangeError(`maxUpdates must be an integer ≥ 1, got ${maxUpdates}`);
		}
		this.#updates = new Ring<TaskUpdate>(maxUpdates);
		this.#batcher = new FrameBatcher(options.schedule ?? animationFrame, this.#flush);
		this.#lease = new Lease(this.#start, this.#stop);
		this.link = new LinkStores(this.#lease);
		this.#tasksCell = leasedCell<ReadonlyMap<string, TaskView>>(this.#lease, new Map());
		this.#updatesCell = leasedCell<TaskUpdate[]>(this.#lease, []);
		this.#counts = leasedCell(this.#lease, zeroCounts());
	}

	result(): TaskUpdatesStream {
		return {
			tasks: this.#tasksCell.store,
			updates: this.#updatesCell.store,
			countsByStatus: this.#counts.store,
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
		const filter: StreamFilter = {};
		if (this.#taskIds.length > 0) filter.taskIds = [...this.#taskIds];
		if (this.#services.length > 0) filter.serviceNames = [...this.#services];
		const filtered = filter.taskIds !== undefined || filter.serviceNames !== undefined;
		this.#unsubscribe = client.subscribe('tasks', {
			resourceId: this.#cluster ? `cluster:${this.#cluster}` : '*',
			...(filtered ? { filter } : {}),
			history: this.#history,
			onItems: this.#onItems,
			onStatus: this.#onStatus
		});
		this.#batcher.request();
	};

	readonly #stop = (): void => {
		this.#offChange?.();
		this.#unsubscribe?.();
		this.#offChange = this.#unsubscribe = undefined;
		this.#cancelPrune?.();
		this.#cancelPrune = undefined;
		this.#pruneAt = Infinity;
		this.#batcher.cancel();
	};

	// ---- ingest ------------------------------------------------------------------------------

	readonly #onStatus = (status: SubscriptionStatus): void => {
		if (
			status.recovery === 'resynced' &&
			this.#epoch !== undefined &&
			status.epoch !== undefined &&
			status.epoch !== this.#epoch
		) {
			this.#rebuild = true;
		}
		if (status.epoch !== undefined) this.#epoch = status.epoch;
	};

	readonly #onItems = (items: readonly TaskUpdate[], meta: ItemsMeta<'tasks'>): void => {
		if (this.#rebuild) {
			this.#rebuild = false;
			this.#tasks.clear();
		}
		if (meta.recovery.epoch !== undefined) this.#epoch = meta.recovery.epoch;
		for (const update of items) {
			if (!this.#selects(update)) continue;
			this.#apply(update);
			this.#updates.push(update);
		}
		this.#tasksDirty = true;
		this.#updatesDirty = true;
		this.#batcher.request();
	};

	/**
	 * Whether the update is about a selected task. The gateway filters too; this also covers
	 * lines shared with other subscribers of the stream, and updates that carry only `changes`
	 * (their service and cluster are then taken from what is known about the task).
	 */
	#selects(update: TaskUpdate): boolean {
		const id = update.taskId;
		if (this.#taskIds.length > 0) {
			if (!this.#taskIds.some((wanted) => wanted === id || wanted === lastSegment(id)))
				return false;
		}
		if (this.#services.length === 0 && this.#cluster === undefined) return true;
		const known = this.#tasks.get(id)?.view;
		if (this.#services.length > 0) {
			const group = update.task?.group ?? update.changes?.group ?? known?.group;
			const service = serviceOf(group);
			if (service === undefined || !this.#services.includes(service)) return false;
		}
		if (this.#cluster !== undefined) {
			const arn = update.task?.clusterArn ?? update.changes?.clusterArn ?? known?.clusterArn;
			const wanted = lastSegment(this.#cluster);
			if (!arn || (arn !== this.#cluster && lastSegment(arn) !== wanted)) return false;
		}
		return true;
	}

	#apply(update: TaskUpdate): void {
		const arn = update.taskId;
		const kept = this.#tasks.get(arn);
		const at = update.timestamp.getTime();
		if (update.updateType === 'deleted') {
			if (!this.#includeDeleted) {
				this.#tasks.delete(arn);
				return;
			}
			const base = this.#merge(kept?.view, update);
			this.#tasks.set(arn, {
				view: { ...base, lastStatus: 'DELETED', deleted: true },
				endedAt: at
			});
			return;
		}
		const view = this.#merge(update.updateType === 'created' ? undefined : kept?.view, update);
		const stopped = view.lastStatus === 'STOPPED' || view.lastStatus === 'DELETED';
		// Counted from when it stopped (as ECS says), so a replayed old stop is pruned at once.
		const endedAt = stopped
			? (view.stoppedAt?.getTime() ?? (kept?.endedAt !== undefined ? kept.endedAt : at))
			: undefined;
		this.#tasks.set(arn, { view, endedAt });
	}

	/** Known state, then the snapshot, then the changes. */
	#merge(known: TaskView | undefined, update: TaskUpdate): TaskView {
		const snapshot = update.task;
		const changes = update.changes;
		const base: Task = snapshot
			? known
				? { ...known, ...snapshot }
				: snapshot
			: known
				? known
				: {
						taskArn: update.taskId,
						clusterArn: changes?.clusterArn ?? '',
						taskDefinitionArn: '',
						lastStatus: changes?.lastStatus ?? update.previousStatus ?? 'PROVISIONING',
						desiredStatus: changes?.desiredStatus ?? 'RUNNING',
						launchType: '',
						containers: []
					};
		const merged: Task = changes ? { ...base, ...changes } : base;
		const statusChanged = known !== undefined && merged.lastStatus !== known.lastStatus;
		const previousStatus =
			update.previousStatus ?? (statusChanged ? known.lastStatus : known?.previousStatus);
		const view: TaskView = {
			...merged,
			taskArn: merged.taskArn || update.taskId,
			updatedAt: update.timestamp,
			deleted: false,
			partial: snapshot === undefined && (known === undefined || known.partial)
		};
		if (previousStatus !== undefined)
			(view as { previousStatus?: TaskStatus }).previousStatus = previousStatus;
		return view;
	}

	// ---- publishing --------------------------------------------------------------------------

	readonly #flush = (): void => {
		this.#prune();
		if (this.#tasksDirty) {
			this.#tasksDirty = false;
			const map = new Map<string, TaskView>();
			const counts = zeroCounts();
			for (const [arn, kept] of this.#tasks) {
				map.set(arn, kept.view);
				counts[kept.view.lastStatus]++;
			}
			this.#tasksCell.set(map);
			this.#counts.set(counts);
		}
		if (this.#updatesDirty) {
			this.#updatesDirty = false;
			const ring = this.#updates;
			const newestFirst: TaskUpdate[] = new Array<TaskUpdate>(ring.size);
			for (let i = 0; i < ring.size; i++) newestFirst[i] = ring.get(ring.size - 1 - i);
			this.#updatesCell.set(newestFirst);
		}
		this.link.update(this.#client, null);
	};

	/** Drop tasks that ended more than `stoppedRetention` ago; wake up when the next one is due. */
	#prune(): void {
		const now = this.#timers.now();
		let next = Infinity;
		for (const [arn, kept] of this.#tasks) {
			if (kept.endedAt === undefined) continue;
			const due = kept.endedAt + this.#retention;
			if (due <= now) {
				this.#tasks.delete(arn);
				this.#tasksDirty = true;
			} else if (due < next) {
				next = due;
			}
		}
		if (next === this.#pruneAt || !this.#lease.active) return;
		this.#cancelPrune?.();
		this.#cancelPrune = undefined;
		this.#pruneAt = next;
		if (next === Infinity) return;
		this.#cancelPrune = this.#timers.after(next - now, () => {
			this.#cancelPrune = undefined;
			this.#pruneAt = Infinity;
			this.#batcher.request();
		});
	}
}

/**
 * The task state over `client` (framework-agnostic core of `useWebSocketTaskUpdates`). Creates
 * no socket; subscribes while a store has a subscriber (or `retain()` is held). A null client
 * (server rendering) gives inert stores.
 */
export function createTaskUpdates(
	client: StreamClient | null,
	options: TaskUpdatesOptions = {}
): TaskUpdatesStream {
	return new TaskUpdatesCore(client, options).result();
}

/**
 * The KECS guide's `useWebSocketTaskUpdates` over the tab's connection from context (or
 * `options.connection`). Call during component initialisation.
 *
 * ```svelte
 * const { tasks, countsByStatus } = useWebSocketTaskUpdates({ clusterArn });
 * <p>{$countsByStatus.RUNNING} running</p>
 * {#each [...$tasks.values()] as task (task.taskArn)}<Row {task} />{/each}
 * ```
 */
export function useWebSocketTaskUpdates(
	options: TaskUpdatesOptions & ContextOptions = {}
): TaskUpdatesStream {
	return createTaskUpdates(contextClient(options), options);
}
