/**
 * Timestamps in the formats real services print (nginx's `[26/Nov/2026:10:00:00 +0000]`, Spring
 * Boot's ISO, Python logging's comma before the milliseconds). Formatting a date is the most
 * expensive step of a log line, and at 50,000 lines a second many lines share a millisecond, so
 * each format caches its last result.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function pad2(n: number): string {
	return n < 10 ? `0${n}` : String(n);
}

/** Cached formatters for one stream of (mostly increasing) timestamps. All output is in UTC. */
export class TimeFormats {
	private isoAt = NaN;
	private isoText = '';
	private clfSecond = NaN;
	private clfText = '';
	private nginxSecond = NaN;
	private nginxText = '';

	/** `2026-11-26T10:00:00.123Z`, as `Date.prototype.toISOString`. */
	iso(t: number): string {
		if (t !== this.isoAt) {
			this.isoAt = t;
			this.isoText = new Date(t).toISOString();
		}
		return this.isoText;
	}

	/** `2026-11-26 10:00:00.123` (Spring Boot's and Go's log layout without the zone). */
	spaced(t: number): string {
		const iso = this.iso(t);
		return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
	}

	/** `2026-11-26 10:00:00,123` (Python's `logging` default `asctime`). */
	python(t: number): string {
		const iso = this.iso(t);
		return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
	}

	/** `26/Nov/2026:10:00:00 +0000` (Apache/nginx common and combined log formats). */
	clf(t: number): string {
		const second = Math.floor(t / 1000);
		if (second !== this.clfSecond) {
			this.clfSecond = second;
			const d = new Date(second * 1000);
			this.clfText =
				`${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
				`${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
		}
		return this.clfText;
	}

	/** `2026/11/26 10:00:00` (nginx's error log). */
	nginx(t: number): string {
		const second = Math.floor(t / 1000);
		if (second !== this.nginxSecond) {
			this.nginxSecond = second;
			const iso = new Date(second * 1000).toISOString();
			this.nginxText = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
		}
		return this.nginxText;
	}
}
