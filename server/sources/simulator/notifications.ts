/**
 * The notifications an operator must see, worded the way ECS and its console would put them.
 * Builders only: the world decides when something happened and passes a deterministic id.
 */
import type { SourceNotification } from '../source';

/** Where simulator notifications say they come from. */
export const NOTIFICATION_SOURCE = 'ecs';

/** The facts about a task that notifications quote. */
export interface TaskFacts {
	taskArn: string;
	/** The last 32 hex digits of the ARN. */
	taskId: string;
	serviceName: string;
	cluster: string;
}

/** The facts about a deployment that notifications quote. */
export interface DeploymentFacts {
	serviceName: string;
	cluster: string;
	/** `ecs-svc/<19 digits>` */
	deploymentId: string;
	family: string;
	revision: number;
	taskCount: number;
}

function short(taskId: string): string {
	return taskId.slice(0, 8);
}

function base(
	id: string,
	t: number,
	type: SourceNotification['type'],
	priority: NonNullable<SourceNotification['priority']>,
	resourceId: string,
	title: string,
	message: string
): SourceNotification {
	return {
		id,
		type,
		title,
		message,
		timestamp: new Date(t),
		priority,
		source: NOTIFICATION_SOURCE,
		resourceId,
		read: false
	};
}

/** A task stopped without anyone asking (crash, failed health checks, a failed job). */
export function taskStoppedUnexpectedly(
	id: string,
	t: number,
	task: TaskFacts,
	reason: string,
	exitCode?: number
): SourceNotification {
	const exit = exitCode === undefined ? '' : ` (exit code ${exitCode})`;
	return base(
		id,
		t,
		'error',
		'high',
		task.taskArn,
		`Task stopped unexpectedly: ${task.serviceName}`,
		`Task ${short(task.taskId)} of ${task.serviceName} in ${task.cluster} stopped: ${reason}${exit}.`
	);
}

/** The kernel killed a container at its memory limit. */
export function outOfMemory(
	id: string,
	t: number,
	task: TaskFacts,
	containerName: string,
	limitMiB: number
): SourceNotification {
	return base(
		id,
		t,
		'error',
		'critical',
		task.taskArn,
		`Out of memory: ${task.serviceName}`,
		`Container ${containerName} of task ${short(task.taskId)} in ${task.cluster} was killed at its ` +
			`${limitMiB} MiB memory limit (exit code 137). OutOfMemoryError: Container killed due to memory usage.`
	);
}

/** A container health check has failed enough times to mark the container unhealthy. */
export function healthCheckFailing(
	id: string,
	t: number,
	task: TaskFacts,
	containerName: string
): SourceNotification {
	return base(
		id,
		t,
		'warning',
		'high',
		task.taskArn,
		`Health check failing: ${task.serviceName}`,
		`Container ${containerName} of task ${short(task.taskId)} in ${task.cluster} is UNHEALTHY ` +
			`(3 consecutive health check failures). ECS will replace the task if it does not recover.`
	);
}

/** A rolling deployment began. */
export function deploymentStarted(id: string, t: number, d: DeploymentFacts): SourceNotification {
	return base(
		id,
		t,
		'info',
		'normal',
		`service:${d.serviceName}`,
		`Deployment started: ${d.serviceName}`,
		`${d.deploymentId} is rolling out ${d.family}:${d.revision} to ${d.taskCount} ` +
			`task${d.taskCount === 1 ? '' : 's'} in ${d.cluster}.`
	);
}

/** Every task of the new revision is healthy and the old ones are gone. */
export function deploymentCompleted(id: string, t: number, d: DeploymentFacts): SourceNotification {
	return base(
		id,
		t,
		'success',
		'normal',
		`service:${d.serviceName}`,
		`Deployment completed: ${d.serviceName}`,
		`${d.deploymentId} completed: ${d.serviceName} in ${d.cluster} runs ${d.family}:${d.revision} ` +
			`on ${d.taskCount} task${d.taskCount === 1 ? '' : 's'} and has reached a steady state.`
	);
}

/** The deployment circuit breaker gave up and rolled back. */
export function deploymentFailed(
	id: string,
	t: number,
	d: DeploymentFacts,
	reason: string,
	rolledBackTo: number
): SourceNotification {
	return base(
		id,
		t,
		'error',
		'high',
		`service:${d.serviceName}`,
		`Deployment failed: ${d.serviceName}`,
		`${d.deploymentId} (${d.family}:${d.revision}) failed in ${d.cluster}: ${reason} ` +
			`Rolled back to ${d.family}:${rolledBackTo}.`
	);
}
