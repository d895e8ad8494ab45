/**
 * Downloading log lines: the buffer (or the rows in view) as a `.log` text file or as `.json`.
 * The text form is what an operator pastes into a ticket: one line per entry, ISO time, level,
 * source, the message without ANSI escapes, and the stack trace indented below. Gap markers are
 * kept (as `#` comment lines, and as objects in JSON) so a download never pretends to be complete.
 */
import type { LogEntry } from '$lib/protocol';
import { stripAnsi } from './ansi';
import { sourceLabel } from './log-format';
import { gapText, isLogGap, type LogGap } from './log-gap';

/** What a log buffer holds. */
export type ExportItem = LogEntry | LogGap;

function iso(date: Date | string): string {
	const d = date instanceof Date ? date : new Date(date);
	return Number.isNaN(d.getTime()) ? String(date) : d.toISOString();
}

/** One entry (or gap) as text lines. */
export function formatLogLine(item: ExportItem): string {
	if (isLogGap(item)) {
		return `# ${gapText(item)}${item.reason ? ` (${item.reason})` : ''}`;
	}
	const head = `${iso(item.timestamp)} ${item.level.toUpperCase().padEnd(5)} [${sourceLabel(item)}] ${stripAnsi(item.message)}`;
	if (!item.stackTrace) return head;
	const stack = stripAnsi(item.stackTrace)
		.split('\n')
		.map((l) => `    ${l}`)
		.join('\n');
	return `${head}\n${stack}`;
}

/** Items as a `.log` file: one entry per line (stack traces indented below), ending with a newline. */
export function toLogText(items: Iterable<ExportItem>): string {
	const lines: string[] = [];
	for (const item of items) lines.push(formatLogLine(item));
	return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Items as a `.json` file: an array of the entries as received (timestamps ISO), gaps as `{kind: "gap"}`. */
export function toJsonText(items: Iterable<ExportItem>): string {
	return `${JSON.stringify([...items], null, 2)}\n`;
}

/** `kecs-live-api-20261126-100000.log`: scope made file-safe, local time of `at`. */
export function exportFileName(scope: string, extension: 'log' | 'json', at: Date): string {
	const safe =
		scope
			.toLowerCase()
			.replace(/[^a-z0-9]+/g, '-')
			.replace(/^-+|-+$/g, '') || 'logs';
	const p = (n: number) => String(n).padStart(2, '0');
	const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
	return `kecs-live-${safe}-${stamp}.${extension}`;
}

/** Offer `text` as a file download (browser only). */
export function downloadText(fileName: string, text: string, type: string): void {
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = document.createElement('a');
	a.href = url;
	a.download = fileName;
	a.rel = 'noopener';
	document.body.appendChild(a);
	a.click();
	a.remove();
	// Revoked later: some browsers start the download after the click handler returns.
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
