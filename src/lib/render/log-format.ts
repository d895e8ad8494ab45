/**
 * What the fixed columns of a log row show. Kept out of the component so the formats are tested
 * once and shared with downloads.
 */
import type { LogEntry } from '$lib/protocol';

function pad(n: number, width: number): string {
	return String(n).padStart(width, '0');
}

/**
 * Local wall-clock time with milliseconds, `HH:MM:SS.mmm`. Built by hand because it runs for
 * every row that scrolls into view and `Intl.DateTimeFormat#format` is several times slower.
 */
export function formatClock(date: Date): string {
	if (Number.isNaN(date.getTime())) return '--:--:--.---';
	return `${pad(date.getHours(), 2)}:${pad(date.getMinutes(), 2)}:${pad(date.getSeconds(), 2)}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * The short form of an ECS task ARN: the first 8 characters of the task id
 * (`arn:aws:ecs:us-east-1:000000000000:task/default/0f1e2d3c4b5a...` → `0f1e2d3c`). Anything that
 * is not an ARN is returned as is.
 */
export function shortTaskId(taskArn: string): string {
	const slash = taskArn.lastIndexOf('/');
	if (!taskArn.startsWith('arn:') || slash < 0) return taskArn;
	return taskArn.slice(slash + 1, slash + 9);
}

/**
 * The source column of a merged log view: the service and short task id when known
 * (`api · 0f1e2d3c`), else the source name.
 */
export function sourceLabel(entry: Pick<LogEntry, 'serviceName' | 'taskId' | 'source'>): string {
	const task = entry.taskId !== undefined ? shortTaskId(entry.taskId) : undefined;
	if (entry.serviceName && task) return `${entry.serviceName} · ${task}`;
	return entry.serviceName || task || entry.source.name;
}

/**
 * A stable hue (0–359) for a name, so each service keeps its colour in a merged log view.
 * FNV-1a: cheap and well spread for short strings.
 */
export function nameHue(name: string): number {
	let h = 0x811c9dc5;
	for (let i = 0; i < name.length; i++) {
		h ^= name.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return (h >>> 0) % 360;
}
