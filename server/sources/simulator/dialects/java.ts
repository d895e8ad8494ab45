/**
 * Spring Boot services. The console layout of Spring Boot 3 (`2026-…Z  INFO 1 --- [app]
 * [thread] logger : message`), with its ANSI colours when `ansi` is on (spring.output.ansi.enabled
 * = always, common in containers); with `json` on, a Logstash-style JSON line whose level key is
 * `severity`, as shipped to Cloud Logging and friends.
 */
import type { LogLevel } from '../../../../src/lib/protocol/types';
import {
	ANSI,
	jsonText,
	rollLevel,
	type ContainerLogContext,
	type Dialect,
	type Failure,
	type LineParts,
	type Said
} from '../log-line';
import type { Rng } from '../prng';
import { JAVA_CRASHES, JAVA_TRACES } from '../stack-traces';

const LEVEL_TEXT: Record<LogLevel, string> = {
	trace: 'TRACE',
	debug: 'DEBUG',
	info: ' INFO',
	warn: ' WARN',
	error: 'ERROR',
	fatal: 'ERROR'
};

const LEVEL_COLOUR: Record<LogLevel, string> = {
	trace: ANSI.green,
	debug: ANSI.green,
	info: ANSI.green,
	warn: ANSI.yellow,
	error: ANSI.red,
	fatal: ANSI.red
};

/** Spring pads logger names to 40 columns (`%-40.40logger{39}`); pad each name once. */
const padded = new Map<string, string>();
function pad40(logger: string): string {
	let out = padded.get(logger);
	if (out === undefined) {
		out = logger.length >= 40 ? logger.slice(logger.length - 39) : logger.padEnd(40);
		padded.set(logger, out);
	}
	return out;
}

const THREADS: readonly string[] = Array.from({ length: 10 }, (_, i) => `nio-8080-exec-${i + 1}`);
const WORKER_THREADS: readonly string[] = Array.from({ length: 4 }, (_, i) => `indexer-${i + 1}`);

function frame(
	t: number,
	level: LogLevel,
	text: string,
	ctx: ContainerLogContext,
	logger: string,
	thread: string,
	stackJson?: string
): string {
	if (ctx.json) {
		return (
			`{"@timestamp":"${ctx.times.iso(t)}","severity":"${LEVEL_TEXT[level].trim()}",` +
			`"service":"${ctx.serviceName}","logger_name":"${logger}","thread_name":"${thread}",` +
			`"message":"${text}"${stackJson === undefined ? '' : `,"stack_trace":"${stackJson}"`}}`
		);
	}
	if (ctx.ansi) {
		return (
			`${ANSI.faint}${ctx.times.iso(t)}${ANSI.resetFg} ${LEVEL_COLOUR[level]}${LEVEL_TEXT[level]}${ANSI.resetFg} ` +
			`${ANSI.magenta}1${ANSI.resetFg} ${ANSI.faint}--- [${ctx.serviceName}] [${thread.padStart(15)}] ${ANSI.resetFg}` +
			`${ANSI.cyan}${pad40(logger)}${ANSI.resetFg} ${ANSI.faint}:${ANSI.resetFg} ${text}`
		);
	}
	return (
		`${ctx.times.iso(t)} ${LEVEL_TEXT[level]} 1 --- [${ctx.serviceName}] [${thread.padStart(15)}] ` +
		`${pad40(logger)} : ${text}`
	);
}

function threadFor(rng: Rng, ctx: ContainerLogContext): string {
	return rng.pick(ctx.endpointTable.length > 0 ? THREADS : WORKER_THREADS);
}

function errorLine(rng: Rng, t: number, ctx: ContainerLogContext, msg: string): LineParts {
	const trace = rng.pick(ctx.vocabulary.traces ?? JAVA_TRACES);
	const logger = rng.pick(ctx.vocabulary.loggers);
	const thread = threadFor(rng, ctx);
	// The console layout prints the trace on the lines after the message; JSON carries it in a key.
	const message = ctx.json
		? frame(t, 'error', jsonText(`${msg}: ${trace.headline}`), ctx, logger, thread, trace.json)
		: frame(t, 'error', `${msg}\n${trace.text}`, ctx, logger, thread);
	return { level: 'error', message, stackTrace: trace.text };
}

export const javaDialect: Dialect = {
	line(
		t: number,
		level: LogLevel,
		text: string,
		ctx: ContainerLogContext,
		logger?: string
	): string {
		return frame(
			t,
			level,
			ctx.json ? jsonText(text) : text,
			ctx,
			logger ?? `c.a.${ctx.appName}`,
			'main'
		);
	},

	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts {
		const vocab = ctx.vocabulary;
		const level = rollLevel(rng.next(), stress);
		if (level === 'error') return errorLine(rng, t, ctx, 'Request processing failed');
		const phrase =
			level === 'warn'
				? rng.pick(vocab.warnings)
				: level === 'debug'
					? rng.pick(vocab.debug)
					: rng.pick(vocab.events);
		return {
			level,
			message: frame(t, level, phrase(rng), ctx, rng.pick(vocab.loggers), threadFor(rng, ctx))
		};
	},

	startup(ctx: ContainerLogContext): readonly Said[] {
		const main = `c.a.${ctx.appName}`;
		const web = ctx.endpointTable.length > 0;
		const lines: Said[] = [
			{
				level: 'info',
				logger: main,
				text: `Starting ${ctx.appName} v${ctx.version} using Java 21.0.5 with PID 1 (/app/app.jar started by app in /app)`
			},
			{ level: 'info', logger: main, text: 'The following 1 profile is active: "prod"' },
			{
				level: 'info',
				logger: 'com.zaxxer.hikari.HikariDataSource',
				text: 'HikariPool-1 - Starting...'
			},
			{
				level: 'info',
				logger: 'com.zaxxer.hikari.HikariDataSource',
				text: 'HikariPool-1 - Start completed.'
			}
		];
		if (web) {
			lines.splice(2, 0, {
				level: 'info',
				logger: 'o.s.b.w.embedded.tomcat.TomcatWebServer',
				text: 'Tomcat initialized with port 8080 (http)'
			});
			lines.push({
				level: 'info',
				logger: 'o.s.b.w.embedded.tomcat.TomcatWebServer',
				text: "Tomcat started on port 8080 (http) with context path '/'"
			});
		}
		lines.push({
			level: 'info',
			logger: main,
			text: `Started ${ctx.appName} in 7.412 seconds (process running for 8.108)`
		});
		return lines;
	},

	shutdown(ctx: ContainerLogContext): readonly Said[] {
		return [
			{
				level: 'info',
				logger: 'o.s.b.w.e.tomcat.GracefulShutdown',
				text: 'Commencing graceful shutdown. Waiting for active requests to complete'
			},
			{
				level: 'info',
				logger: 'o.s.b.w.e.tomcat.GracefulShutdown',
				text: 'Graceful shutdown complete'
			},
			{
				level: 'info',
				logger: 'j.LocalContainerEntityManagerFactoryBean',
				text: "Closing JPA EntityManagerFactory for persistence unit 'default'"
			},
			{
				level: 'info',
				logger: 'com.zaxxer.hikari.HikariDataSource',
				text: `HikariPool-1 - Shutdown completed. (${ctx.appName})`
			}
		];
	},

	crash(rng: Rng, t: number, ctx: ContainerLogContext): Failure {
		const trace = rng.pick(JAVA_CRASHES);
		const logger = 'o.s.boot.SpringApplication';
		const message = ctx.json
			? frame(t, 'error', 'Application run failed', ctx, logger, 'main', trace.json)
			: frame(t, 'error', `Application run failed\n${trace.text}`, ctx, logger, 'main');
		return { message, stackTrace: trace.text, exitCode: 1 };
	},

	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
		const trace = JAVA_TRACES[0] as (typeof JAVA_TRACES)[number];
		const thread = threadFor(rng, ctx);
		const logger = 'o.s.b.a.jdbc.DataSourceHealthIndicator';
		const msg = 'DataSource health check failed';
		return {
			level: 'warn',
			message: ctx.json
				? frame(t, 'warn', msg, ctx, logger, thread, trace.json)
				: frame(t, 'warn', `${msg}\n${trace.text}`, ctx, logger, thread),
			stackTrace: trace.text
		};
	}
};
