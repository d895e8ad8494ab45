/**
 * Node.js services. With `json` on, pino's NDJSON (numeric levels, epoch-millisecond `time`);
 * otherwise a console app with pino-pretty-style coloured lines and morgan's `dev` access format,
 * the two most common things a Node container writes.
 */
import type { LogLevel } from '../../../../src/lib/protocol/types';
import {
	ANSI,
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
import { NODE_CRASHES, NODE_TRACES } from '../stack-traces';

const PINO_LEVEL: Record<LogLevel, number> = {
	trace: 10,
	debug: 20,
	info: 30,
	warn: 40,
	error: 50,
	fatal: 60
};

const PRETTY_LEVEL: Record<LogLevel, string> = {
	trace: `${ANSI.faint}TRACE${ANSI.reset}`,
	debug: `\u001b[34mDEBUG${ANSI.reset}`,
	info: `${ANSI.green}INFO${ANSI.reset}`,
	warn: `${ANSI.yellow}WARN${ANSI.reset}`,
	error: `${ANSI.red}ERROR${ANSI.reset}`,
	fatal: `\u001b[41mFATAL${ANSI.reset}`
};

/** morgan `dev` colours the status by class. */
function statusColour(status: number): string {
	return status >= 500
		? ANSI.red
		: status >= 400
			? ANSI.yellow
			: status >= 300
				? ANSI.cyan
				: ANSI.green;
}

function pino(t: number, level: LogLevel, ctx: ContainerLogContext, rest: string): string {
	return `{"level":${PINO_LEVEL[level]},"time":${t},"pid":1,"hostname":"${ctx.hostname}",${rest}}`;
}

function pretty(t: number, level: LogLevel, text: string, ctx: ContainerLogContext): string {
	return `[${ctx.times.iso(t).slice(11, 23)}] ${PRETTY_LEVEL[level]}: ${text}`;
}

function errorLine(rng: Rng, t: number, ctx: ContainerLogContext, msg: string): LineParts {
	const trace = rng.pick(NODE_TRACES);
	const colon = trace.headline.indexOf(':');
	const type = colon > 0 ? trace.headline.slice(0, colon) : 'Error';
	const message = ctx.json
		? pino(
				t,
				'error',
				ctx,
				`"err":{"type":"${type}","message":"${jsonText(trace.headline.slice(colon + 2))}",` +
					`"stack":"${trace.json}"},"msg":"${msg}"`
			)
		: pretty(t, 'error', `${msg}: ${trace.headline}`, ctx);
	return { level: 'error', message, stackTrace: trace.text };
}

export const nodeDialect: Dialect = {
	line(t: number, level: LogLevel, text: string, ctx: ContainerLogContext): string {
		return ctx.json
			? pino(t, level, ctx, `"msg":"${jsonText(text)}"`)
			: pretty(t, level, text, ctx);
	},

	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts {
		const vocab = ctx.vocabulary;
		if (ctx.endpointTable.length > 0 && rng.next() < 0.6) {
			const endpoint = rng.pick(ctx.endpointTable);
			const path = endpoint.path(rng);
			const status = httpStatus(rng, endpoint.method, stress);
			const ms = latencyMs(rng, endpoint.p50Ms, stress);
			const level = levelForStatus(status);
			if (!ctx.json) {
				const bytes = Math.round(endpoint.bytes * (0.6 + 0.8 * rng.next()));
				return {
					level,
					message:
						`${ANSI.reset}${endpoint.method} ${path} ${statusColour(status)}${status}${ANSI.reset} ` +
						`${ms.toFixed(3)} ms - ${bytes}${ANSI.reset}`
				};
			}
			const reqId = traceId(rng);
			return {
				level,
				message: pino(
					t,
					level,
					ctx,
					`"reqId":"${reqId}","req":{"method":"${endpoint.method}","url":"${path}"},` +
						`"res":{"statusCode":${status}},"responseTime":${ms},"msg":"request completed"`
				),
				correlationId: reqId,
				metadata: { method: endpoint.method, route: endpoint.route, status, durationMs: ms }
			};
		}
		const level = rollLevel(rng.next(), stress);
		if (level === 'error') return errorLine(rng, t, ctx, 'unhandled error in request handler');
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
				? pino(t, level, ctx, `"module":"${rng.pick(vocab.loggers)}","msg":"${text}"`)
				: pretty(t, level, text, ctx)
		};
	},

	startup(ctx: ContainerLogContext): readonly Said[] {
		return [
			{ level: 'info', text: `> ${ctx.serviceName}@${ctx.version} start` },
			{ level: 'info', text: '> node --enable-source-maps dist/server.js' },
			{
				level: 'info',
				text: `${ctx.serviceName} ${ctx.version} starting (node v20.18.1, NODE_ENV=production)`
			},
			{ level: 'info', text: 'Connected to redis at sessions.internal:6379' },
			{ level: 'info', text: 'Server listening at http://0.0.0.0:3000' }
		];
	},

	shutdown(): readonly Said[] {
		return [
			{ level: 'info', text: 'SIGTERM received, closing HTTP server' },
			{ level: 'info', text: 'HTTP server closed, 0 connections left' },
			{ level: 'info', text: 'Shutdown complete' }
		];
	},

	crash(rng: Rng, t: number, ctx: ContainerLogContext): Failure {
		const trace = rng.pick(NODE_CRASHES);
		const message = ctx.json
			? pino(t, 'fatal', ctx, `"err":{"stack":"${trace.json}"},"msg":"${jsonText(trace.headline)}"`)
			: trace.headline;
		return { message, stackTrace: trace.text, exitCode: 1 };
	},

	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
		return errorLine(rng, t, ctx, 'health check dependency failed');
	}
};
