/**
 * The connection's transition log (`$lib/connection/inspect`) records states as one line each
 * (`link.open(heartbeat.waiting,stability.settling)`), which reads well in a list but is not what
 * `StatechartView` matches against its nodes (dot paths such as `link.open.heartbeat.waiting`).
 * These helpers turn the one into the other, and pick the region that actually changed, so the
 * diagram can light up the arrow the machine just took.
 */
import type { TransitionEntry } from '$lib/connection/inspect';

/** Split `s` at commas that are not inside parentheses. */
function splitTopLevel(s: string): string[] {
	const out: string[] = [];
	let depth = 0;
	let start = 0;
	for (let i = 0; i < s.length; i++) {
		const c = s[i];
		if (c === '(') depth++;
		else if (c === ')') depth--;
		else if (c === ',' && depth === 0) {
			out.push(s.slice(start, i));
			start = i + 1;
		}
	}
	out.push(s.slice(start));
	return out.filter((p) => p !== '');
}

/**
 * The active leaf paths of a state as `describeState` wrote it:
 * `link.open(heartbeat.waiting,stability.settling)` → `['link.open.heartbeat.waiting',
 * 'link.open.stability.settling']`, `backoff` → `['backoff']`.
 */
export function describedToPaths(described: string, prefix = ''): string[] {
	const out: string[] = [];
	for (const part of splitTopLevel(described.trim())) {
		const open = part.indexOf('(');
		if (open < 0 || !part.endsWith(')')) {
			out.push(prefix + part);
			continue;
		}
		out.push(...describedToPaths(part.slice(open + 1, -1), `${prefix}${part.slice(0, open)}.`));
	}
	return out;
}

/** A transition as `StatechartView` takes it. */
export interface ChartTransition {
	at: number;
	/** The path that was left (the region that changed, when several are active). */
	from: string;
	/** The path that was entered. */
	to: string;
	event: string;
}

/**
 * A log entry with dot paths. In a parallel state only one region usually moves (the heartbeat
 * goes from `waiting` to `probing` while `stability` stays), so the paths that changed are taken;
 * the whole state otherwise.
 */
export function toChartTransition(entry: TransitionEntry): ChartTransition {
	const from = describedToPaths(entry.from);
	const to = describedToPaths(entry.to);
	const left = from.filter((p) => !to.includes(p));
	const entered = to.filter((p) => !from.includes(p));
	return {
		at: entry.at,
		from: (left[0] ?? from[0] ?? entry.from) as string,
		to: (entered[0] ?? to[0] ?? entry.to) as string,
		event: entry.event
	};
}
