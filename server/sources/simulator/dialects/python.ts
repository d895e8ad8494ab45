/**
 * Python workers. Without `json`, Celery's worker log (`[2026-11-26 10:00:00,123: INFO/
 * ForkPoolWorker-3] Task orders.tasks.process_order[uuid] succeeded in 0.41s: None`); with it,
 * structlog's JSONRenderer (`{"event": …, "level": …}`, json.dumps spacing).
 */
import type { LogLevel } from '../../../../src/lib/protocol/types';
import {
	jsonText,
	rollLevel,
	uuid,
	type ContainerLogContext,
	type Dialect,
	type Failure,
	type LineParts,
	type Said
} from '../log-line';
import type { Rng } from '../prng';
import { PYTHON_CRASHES, PYTHON_TRACES } from '../stack-traces';

const CELERY_LEVEL: Record<LogLevel, string> = {
	trace: 'DEBUG',
	debug: 'DEBUG',
	info: 'INFO',
	warn: 'WARNING',
	error: 'ERROR',
	fatal: 'CRITICAL'
};

const STRUCTLOG_LEVEL: Record<LogLevel, string> = {
	trace: 'debug',
	debug: 'debug',
	info: 'info',
	warn: 'warning',
	error: 'error',
	fatal: 'critical'
};

const POOL: readonly string[] = Array.from({ length: 4 }, (_, i) => `ForkPoolWorker-${i + 1}`);

function celery(
	t: number,
	level: LogLevel,
	ctx: ContainerLogContext,
	proc: string,
	text: string
): string {
	return `[${ctx.times.python(t)}: ${CELERY_LEVEL[level]}/${proc}] ${text}`;
}

function structlog(
	t: number,
	level: LogLevel,
	ctx: ContainerLogContext,
	logger: string,
	text: string,
	extra = ''
): string {
	return (
		`{"event": "${text}", "level": "${STRUCTLOG_LEVEL[level]}", "logger": "${logger}", ` +
		`"timestamp": "${ctx.times.iso(t)}"${extra}}`
	);
}

function errorLine(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
	const trace = rng.pick(ctx.vocabulary.traces ?? PYTHON_TRACES);
	const logger = rng.pick(ctx.vocabulary.loggers);
	const message = ctx.json
		? structlog(t, 'error', ctx, logger, 'batch failed', `, "exception": "${trace.json}"`)
		: celery(
				t,
				'error',
				ctx,
				rng.pick(POOL),
				`Task ${logger}[${uuid(rng)}] raised unexpected: ${trace.headline}\n${trace.text}`
			);
	return { level: 'error', message, stackTrace: trace.text };
}

export const pythonDialect: Dialect = {
	line(
		t: number,
		level: LogLevel,
		text: string,
		ctx: ContainerLogContext,
		logger?: string
	): string {
		return ctx.json
			? structlog(t, level, ctx, logger ?? ctx.serviceName, jsonText(text))
			: celery(t, level, ctx, 'MainProcess', text);
	},

	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts {
		const vocab = ctx.vocabulary;
		const level = rollLevel(rng.next(), stress);
		if (level === 'error') return errorLine(rng, t, ctx);
		if (!ctx.json && level === 'info' && rng.next() < 0.6) {
			// Celery's own bookkeeping: most of a worker's log is tasks received and finished.
			const task = rng.pick(vocab.loggers);
			const id = uuid(rng);
			const message =
				rng.next() < 0.5
					? celery(t, 'info', ctx, 'MainProcess', `Task ${task}[${id}] received`)
					: celery(
							t,
							'info',
							ctx,
							rng.pick(POOL),
							`Task ${task}[${id}] succeeded in ${(0.02 + rng.exponential(0.3) * (1 + 3 * stress)).toFixed(3)}s: None`
						);
			return { level, message, correlationId: id, metadata: { task } };
		}
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
				? structlog(t, level, ctx, rng.pick(vocab.loggers), text)
				: celery(t, level, ctx, rng.pick(POOL), text)
		};
	},

	startup(ctx: ContainerLogContext): readonly Said[] {
		if (ctx.json) {
			return [
				{ level: 'info', text: `starting ${ctx.serviceName} ${ctx.version}` },
				{
					level: 'info',
					text: 'connected to warehouse (postgresql://warehouse.internal:5432/analytics)'
				},
				{ level: 'info', text: 'export window resolved' }
			];
		}
		return [
			{ level: 'info', text: `celery@${ctx.hostname} v5.4.0 (opalescent) starting` },
			{ level: 'info', text: 'Connected to redis://orders-redis.internal:6379/0' },
			{ level: 'info', text: 'mingle: searching for neighbors' },
			{ level: 'info', text: 'mingle: all alone' },
			{ level: 'info', text: `celery@${ctx.hostname} ready.` }
		];
	},

	shutdown(ctx: ContainerLogContext): readonly Said[] {
		if (ctx.json) return [{ level: 'info', text: 'received SIGTERM, flushing and exiting' }];
		return [
			{ level: 'info', text: 'worker: Warm shutdown (MainProcess)' },
			{ level: 'info', text: 'Waiting for running tasks to complete' }
		];
	},

	crash(rng: Rng, t: number, ctx: ContainerLogContext): Failure {
		const trace = rng.pick(PYTHON_CRASHES);
		const message = ctx.json
			? structlog(t, 'fatal', ctx, ctx.serviceName, 'job failed', `, "exception": "${trace.json}"`)
			: trace.headline;
		return { message, stackTrace: trace.text, exitCode: 1 };
	},

	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
		return errorLine(rng, t, ctx);
	}
};
