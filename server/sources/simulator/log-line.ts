/**
 * What a log dialect (one per runtime: nginx, Node.js, Go, Java, Python) produces, and the small
 * helpers they share. A dialect knows how its runtime frames a line (timestamp layout, level
 * names, JSON keys, colours); the service vocabulary (topology.ts) knows what the service talks
 * about (endpoints, business events). Keeping the two apart lets five dialects serve eight services.
 *
 * Everything here runs once per log line, so it avoids regular expressions, JSON.stringify and
 * intermediate arrays on the common path.
 */
import type { LogLevel } from '../../../src/lib/protocol/types';
import type { Rng } from './prng';
import type { StackTrace } from './stack-traces';
import type { TimeFormats } from './time-format';

/** A log line before the world attaches ids, task and container. */
export interface LineParts {
	level: LogLevel;
	/** The line exactly as the container wrote it (may contain ANSI escapes or be JSON). */
	message: string;
	metadata?: Record<string, unknown>;
	stackTrace?: string;
	correlationId?: string;
}

/** A message whose framing (timestamp, level, JSON) is left to the dialect. */
export interface Said {
	level: LogLevel;
	text: string;
	/** The logger that says it, where the runtime prints one (Java). */
	logger?: string;
}

/** A generator of one varying message, e.g. `Authorized payment pay_3f2a for order 10234`. */
export type Phrase = (rng: Rng) => string;

/** An HTTP route a service serves. */
export interface Endpoint {
	method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
	/** The route as the router names it (`/api/orders/:id`), for metadata. */
	route: string;
	/** A concrete path for one request. */
	path: Phrase;
	/** Typical latency in milliseconds (the median). */
	p50Ms: number;
	/** Typical response size in bytes. */
	bytes: number;
	/** Relative frequency. */
	weight: number;
}

/** What a service talks about in its logs. JSON dialects embed texts unescaped: no `"` or `\`. */
export interface Vocabulary {
	/** Routes served (empty for workers); picked by weight. */
	endpoints: readonly Endpoint[];
	/** Informational business events. */
	events: readonly Phrase[];
	/** Things worth a warning that are not failures. */
	warnings: readonly Phrase[];
	/** Debug chatter. */
	debug: readonly Phrase[];
	/** Logger names (Java), callers (Go), task names (Celery), modules (Node); picked at random. */
	loggers: readonly string[];
	/** Public host name, for nginx's `host` and referers. */
	host: string;
	/** The service's own error traces; the dialect's defaults when absent. */
	traces?: readonly StackTrace[];
}

/** Per-container facts a dialect needs to frame lines (fixed for the container's life). */
export interface ContainerLogContext {
	readonly serviceName: string;
	readonly containerName: string;
	/** The host name the process sees, e.g. `ip-10-0-12-34.ec2.internal`. */
	readonly hostname: string;
	/** The application version of the task definition revision, e.g. `2.14.7`. */
	readonly version: string;
	/** Java main class and the like, e.g. `PaymentApplication`. */
	readonly appName: string;
	/** Colour escapes in the output (Spring Boot with ANSI forced on, morgan's `dev` format). */
	readonly ansi: boolean;
	/** Structured JSON output where the runtime offers both. */
	readonly json: boolean;
	readonly vocabulary: Vocabulary;
	readonly endpointTable: readonly Endpoint[];
	readonly times: TimeFormats;
}

/** A fatal failure: the line the process writes as it dies. */
export interface Failure {
	message: string;
	stackTrace: string;
	/** The process's exit code (1 for an uncaught exception, 2 for a Go panic). */
	exitCode: number;
}

/** How one runtime writes its logs. */
export interface Dialect {
	/** Frame an arbitrary message at virtual time `t` the way this runtime prints it. */
	line(t: number, level: LogLevel, text: string, ctx: ContainerLogContext, logger?: string): string;
	/** One everyday line: a request, a business event, a warning, sometimes an error. */
	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts;
	/** What the process prints while starting, in order. */
	startup(ctx: ContainerLogContext): readonly Said[];
	/** What the process prints on SIGTERM, in order. */
	shutdown(ctx: ContainerLogContext): readonly Said[];
	/** The process dies of an unhandled error at virtual time `t`. */
	crash(rng: Rng, t: number, ctx: ContainerLogContext): Failure;
	/** An error while a health check is failing (database pool exhausted and the like). */
	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts;
}

/**
 * Expand endpoints by weight into a table where a uniform pick is a weighted pick, so choosing a
 * route costs one random number instead of a scan.
 */
export function weightTable(endpoints: readonly Endpoint[]): Endpoint[] {
	const table: Endpoint[] = [];
	for (const endpoint of endpoints) {
		for (let i = 0; i < endpoint.weight; i++) table.push(endpoint);
	}
	return table;
}

/**
 * The everyday level mix, shifted towards warnings and errors while a service is under stress
 * (a load spike, a failing health check). `r` is a uniform draw in [0, 1).
 */
export function rollLevel(r: number, stress: number): LogLevel {
	const error = 0.004 + 0.04 * stress;
	const warn = error + 0.03 + 0.1 * stress;
	const debug = warn + 0.08;
	return r < error ? 'error' : r < warn ? 'warn' : r < debug ? 'debug' : 'info';
}

/** A request's latency in milliseconds: log-normal around the route's median, slower under stress. */
export function latencyMs(rng: Rng, p50: number, stress: number): number {
	const ms = p50 * Math.exp(0.55 * rng.normal()) * (1 + 4 * stress * rng.next());
	return Math.round(ms * 100) / 100;
}

/** An HTTP status for one request: mostly 2xx, some 304/404, 5xx rising with stress. */
export function httpStatus(rng: Rng, method: string, stress: number): number {
	const r = rng.next();
	const serverError = 0.002 + 0.05 * stress;
	if (r < serverError) return r < serverError / 2 ? 502 : r < (serverError * 3) / 4 ? 504 : 500;
	if (r < serverError + 0.012) return 404;
	if (r < serverError + 0.018) return method === 'GET' ? 401 : 400;
	if (r < serverError + 0.02) return 429;
	if (method === 'GET') return r > 0.95 ? 304 : 200;
	if (method === 'POST') return 201;
	return method === 'DELETE' ? 204 : 200;
}

/** The level an access line is shown at: what an operator would filter on. */
export function levelForStatus(status: number): LogLevel {
	return status >= 500 ? 'error' : status >= 400 && status !== 404 ? 'warn' : 'info';
}

/** A W3C trace id (32 hex digits), used as the correlation id of a request. */
export function traceId(rng: Rng): string {
	return rng.hex(32);
}

/** A random UUID v4 in canonical form, from the seeded generator. */
export function uuid(rng: Rng): string {
	const h = rng.hex(32);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

/**
 * `text` made safe for the inside of a JSON string. Vocabulary texts need no escaping, so this
 * only pays for `JSON.stringify` when a character actually needs it.
 */
export function jsonText(text: string): string {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 0x20 || c === 0x22 || c === 0x5c) return JSON.stringify(text).slice(1, -1);
	}
	return text;
}

/** ANSI SGR escapes used by the colouring runtimes. */
export const ANSI = {
	reset: '\u001b[0m',
	resetFg: '\u001b[0;39m',
	faint: '\u001b[2m',
	red: '\u001b[31m',
	green: '\u001b[32m',
	yellow: '\u001b[33m',
	magenta: '\u001b[35m',
	cyan: '\u001b[36m'
} as const;
