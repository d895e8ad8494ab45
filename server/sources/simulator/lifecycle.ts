/**
 * The ECS task lifecycle as the simulator enforces it. Every status change the world makes goes
 * through `isLegalTransition`, so a bug in the world throws instead of showing the dashboard a
 * task that moves backwards.
 *
 * ECS moves a task forward only. On the way up it may skip steps (a task whose image cannot be
 * pulled goes from PENDING straight to STOPPED, or through DEPROVISIONING when it had an ENI), and
 * on the way down a task whose container died skips DEACTIVATING (nothing to drain). It never
 * goes back: a task that left RUNNING is never RUNNING again; the service starts a new task.
 */
import { TASK_STATUSES } from '../../../src/lib/protocol/constants';
import type { TaskStatus } from '../../../src/lib/protocol/types';

/**
 * The statuses in lifecycle order; a legal transition always moves to a later index. The
 * protocol lists them in that order already (PROTOCOL.md, "Task statuses follow ECS").
 */
export const TASK_LIFECYCLE: readonly TaskStatus[] = TASK_STATUSES;

/**
 * Where a task may go from each status. Forward skips that ECS really makes are listed; the ones
 * it does not (PROVISIONING to RUNNING: a task always pulls its image in PENDING) are not.
 */
export const LEGAL_TRANSITIONS: Readonly<Record<TaskStatus, readonly TaskStatus[]>> = {
	// Failing to attach the ENI, or being stopped before it starts.
	PROVISIONING: ['PENDING', 'DEPROVISIONING', 'STOPPED'],
	// Bridge-mode EC2 tasks have no ACTIVATING step; image pull failures stop the task from here.
	PENDING: ['ACTIVATING', 'RUNNING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'],
	ACTIVATING: ['RUNNING', 'DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'],
	// DEACTIVATING for a requested stop (drain the load balancer first); STOPPING when the
	// essential container already exited.
	RUNNING: ['DEACTIVATING', 'STOPPING', 'DEPROVISIONING', 'STOPPED'],
	DEACTIVATING: ['STOPPING', 'DEPROVISIONING', 'STOPPED'],
	STOPPING: ['DEPROVISIONING', 'STOPPED'],
	DEPROVISIONING: ['STOPPED'],
	STOPPED: ['DELETED'],
	DELETED: []
};

/** Position of a status in the lifecycle (0 for PROVISIONING). */
export function lifecycleIndex(status: TaskStatus): number {
	return TASK_LIFECYCLE.indexOf(status);
}

/** Whether ECS can move a task from `from` to `to` in one step. */
export function isLegalTransition(from: TaskStatus, to: TaskStatus): boolean {
	return LEGAL_TRANSITIONS[from].includes(to);
}

/**
 * How long each step takes, in virtual milliseconds [min, max]. Shorter than real ECS (a real
 * load balancer drains for minutes) so that a demo shows whole lifecycles within a minute, but in
 * the same proportions: image pulls are the slow part of a start, draining the slow part of a stop.
 */
export const PHASE_DURATION_MS = {
	/** PROVISIONING: attaching the ENI (Fargate) or finding a container instance (EC2). */
	provisioning: [2_000, 6_000],
	/** PENDING: pulling the image and starting containers. */
	pending: [4_000, 14_000],
	/** ACTIVATING: registering with the load balancer and service discovery. */
	activating: [1_500, 4_000],
	/** From RUNNING until the first container health check passes. */
	healthGrace: [4_000, 10_000],
	/** From the stop request until DEACTIVATING is reported. */
	stopRequested: [300, 1_200],
	/** DEACTIVATING: draining connections from the load balancer. */
	deactivating: [5_000, 15_000],
	/** STOPPING: SIGTERM, then the container exits. */
	stopping: [1_000, 4_000],
	/** DEPROVISIONING: detaching the ENI. */
	deprovisioning: [1_500, 5_000],
	/** How long a STOPPED task stays visible before ECS forgets it (real ECS: about an hour). */
	retainStopped: [180_000, 360_000]
} as const satisfies Record<string, readonly [number, number]>;
