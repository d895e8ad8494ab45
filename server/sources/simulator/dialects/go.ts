/**
 * Go services. With `json` on, zap's production encoder (lowercase `level`, ISO `ts`, `caller`,
 * a `stacktrace` key on errors); otherwise log/slog's text handler (logfmt: `time=… level=INFO
 * msg="…"`). Panics bypass the logger and go to stderr as plain text, as the runtime prints them.
 */
import type { LogLevel } from '../../../../src/lib/protocol/types';
import {
	httpStatus,
	jsonText,
	latencyMs,
	levelForStatus,
	rollLevel,
	traceId,
	type ContainerLogContext,
	type Dialect,
	type Failure,
	type LineParts,
	type Said
} from '../log-line';
import type { Rng } from '../prng';
import { GO_CRASHES, GO_TRACES } from '../stack-traces';

const SLOG_LEVEL: Record<LogLevel, string> = {
	trace: 'DEBUG-4',
	debug: 'DEBUG',
	info: 'INFO',
	warn: 'WARN',
	error: 'ERROR',
	fatal: 'ERROR+4'
};

const ZAP_LEVEL: Record<LogLevel, string> = {
	trace: 'debug',
	debug: 'debug',
	info: 'info',
	warn: 'warn',
	error: 'error',
	fatal: 'fatal'
};

const ERRORS: readonly string[] = [
	'pq: canceling statement due to statement timeout',
	'context deadline exceeded',
	'dial tcp 10.0.21.17:5432: connect: connection refused',
	'rpc error: code = Unavailable desc = connection error',
	'read tcp 10.0.3.41:48122->10.0.21.17:6379: i/o timeout'
];

function zap(
	t: number,
	level: LogLevel,
	ctx: ContainerLogContext,
	caller: string,
	rest: string
): string {
	return `{"level":"${ZAP_LEVEL[level]}","ts":"${ctx.times.iso(t)}","caller":"${caller}",${rest}}`;
}

function slog(t: number, level: LogLevel, ctx: ContainerLogContext, rest: string): string {
	return `time=${ctx.times.iso(t)} level=${SLOG_LEVEL[level]} ${rest}`;
}

function errorLine(rng: Rng, t: number, ctx: ContainerLogContext, msg: string): LineParts {
	const err = rng.pick(ERRORS);
	if (!ctx.json) {
		return { level: 'error', message: slog(t, 'error', ctx, `msg="${msg}" err="${err}"`) };
	}
	const trace = rng.pick(GO_TRACES);
	return {
		level: 'error',
		message: zap(
			t,
			'error',
			ctx,
			rng.pick(ctx.vocabulary.loggers),
			`"msg":"${msg}","error":"${err}","stacktrace":"${trace.json}"`
		),
		stackTrace: trace.text
	};
}

export const goDialect: Dialect = {
	line(t: number, level: LogLevel, text: string, ctx: ContainerLogContext): string {
		return ctx.json
			? zap(t, level, ctx, 'cmd/main.go:64', `"msg":"${jsonText(text)}"`)
			: slog(t, level, ctx, `msg="${jsonText(text)}"`);
	},

	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts {
		const vocab = ctx.vocabulary;
		if (ctx.endpointTable.length > 0 && rng.next() < 0.65) {
			const endpoint = rng.pick(ctx.endpointTable);
			const path = endpoint.path(rng);
			const status = httpStatus(rng, endpoint.method, stress);
			const ms = latencyMs(rng, endpoint.p50Ms, stress);
			const level = levelForStatus(status);
			const trace = traceId(rng);
			const message = ctx.json
				? zap(
						t,
						level,
						ctx,
						'httpapi/middleware.go:87',
						`"msg":"request","method":"${endpoint.method}","path":"${path}","status":${status},` +
							`"duration_ms":${ms},"trace_id":"${trace}"`
					)
				: slog(
						t,
						level,
						ctx,
						`msg=request method=${endpoint.method} path=${path} status=${status} ` +
							`duration=${ms}ms trace_id=${trace}`
					);
			return {
				level,
				message,
				correlationId: trace,
				metadata: { method: endpoint.method, route: endpoint.route, status, durationMs: ms }
			};
		}
		const level = rollLevel(rng.next(), stress);
		if (level === 'error') return errorLine(rng, t, ctx, 'request failed');
		const phrase =
			level === 'warn'
				? rng.pick(vocab.warnings)
				: level === 'debug'
					? rng.pick(vocab.debug)
					: rng.pick(vocab.events);
		const text = phrase(rng);
		return {
			level,
			message: ctx.json
				? zap(t, level, ctx, rng.pick(vocab.loggers), `"msg":"${text}"`)
				: slog(t, level, ctx, `msg="${text}"`)
		};
	},

	startup(ctx: ContainerLogContext): readonly Said[] {
		return [
			{ level: 'info', text: `starting ${ctx.serviceName} version=${ctx.version} go=go1.23.4` },
			{ level: 'info', text: 'loaded configuration from environment' },
			{ level: 'info', text: 'connected to postgres host=db.internal:5432 pool_max=20' },
			{ level: 'info', text: 'http server listening addr=:8080' }
		];
	},

	shutdown(): readonly Said[] {
		return [
			{ level: 'info', text: 'received signal, shutting down signal=terminated' },
			{ level: 'info', text: 'http server stopped, drained in-flight requests' },
			{ level: 'info', text: 'database pool closed' }
		];
	},

	crash(rng: Rng): Failure {
		const trace = rng.pick(GO_CRASHES);
		return { message: trace.headline, stackTrace: trace.text, exitCode: 2 };
	},

	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
		return errorLine(rng, t, ctx, 'readiness check failed: database ping');
	}
};
