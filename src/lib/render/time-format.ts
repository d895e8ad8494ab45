/** Times as a dashboard shows them: relative ("3 min ago") with the exact time on hover. */

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago" (future times read "just now"). */
export function formatAgo(date: Date, now: number): string {
	const s = Math.floor((now - date.getTime()) / 1000);
	if (!Number.isFinite(s) || s < 2) return 'just now';
	if (s < 60) return `${s} s ago`;
	const m = Math.floor(s / 60);
	if (m < 60) return `${m} min ago`;
	const h = Math.floor(m / 60);
	if (h < 48) return `${h} h ago`;
	return `${Math.floor(h / 24)} d ago`;
}

/** "45 s", "3 min 20 s", "2 h 5 min": a duration for uptimes. */
export function formatDuration(ms: number): string {
	const s = Math.max(0, Math.floor(ms / 1000));
	if (s < 60) return `${s} s`;
	const m = Math.floor(s / 60);
	if (m < 60) return s % 60 === 0 ? `${m} min` : `${m} min ${s % 60} s`;
	const h = Math.floor(m / 60);
	return m % 60 === 0 ? `${h} h` : `${h} h ${m % 60} min`;
}

/** `2026-11-26 10:00:00` in local time, for titles and tooltips. */
export function formatDateTime(date: Date): string {
	if (Number.isNaN(date.getTime())) return '';
	const p = (n: number) => String(n).padStart(2, '0');
	return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`;
}
