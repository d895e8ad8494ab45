/**
 * nginx in front of a Node.js app: the combined access log on stdout and the error log on
 * stderr, as the official image sends both to the container's log driver.
 */
import type { LogLevel } from '../../../../src/lib/protocol/types';
import {
	httpStatus,
	latencyMs,
	levelForStatus,
	type ContainerLogContext,
	type Dialect,
	type Failure,
	type LineParts,
	type Said
} from '../log-line';
import type { Rng } from '../prng';

/** Client addresses from the documentation ranges (RFC 5737), with a few heavy hitters. */
const CLIENTS: readonly string[] = (() => {
	const out: string[] = [];
	for (let i = 0; i < 48; i++) {
		const net = ['203.0.113', '198.51.100', '192.0.2'][i % 3];
		out.push(`${net}.${(i * 37 + 11) % 254 || 1}`);
	}
	// Repeat a few so some clients show up far more often, as real traffic does.
	return [...out, ...out.slice(0, 6), ...out.slice(0, 6), ...out.slice(0, 3)];
})();

const USER_AGENTS: readonly string[] = [
	'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
	'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
	'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
	'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
	'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
	'curl/8.5.0',
	'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)'
];

function referer(rng: Rng, host: string): string {
	const r = rng.next();
	return r < 0.35 ? '-' : r < 0.8 ? `https://${host}/` : 'https://www.google.com/';
}

export const nginxDialect: Dialect = {
	line(t: number, level: LogLevel, text: string, ctx: ContainerLogContext): string {
		const tag =
			level === 'error' || level === 'fatal' ? 'error' : level === 'warn' ? 'warn' : 'notice';
		return `${ctx.times.nginx(t)} [${tag}] 1#1: ${text}`;
	},

	routine(rng: Rng, t: number, ctx: ContainerLogContext, stress: number): LineParts {
		const endpoint = rng.pick(ctx.endpointTable);
		const path = endpoint.path(rng);
		// The load balancer's health checks come from inside the VPC with their own agent.
		const probe = endpoint.route === '/healthz';
		const client = probe ? '10.0.0.2' : rng.pick(CLIENTS);
		// Under stress the upstream times out and nginx says so in its error log.
		if (rng.next() < 0.002 + 0.02 * stress) {
			const conn = 1000 + rng.int(900_000);
			return {
				level: 'error',
				message:
					`${ctx.times.nginx(t)} [error] 29#29: *${conn} upstream timed out (110: Connection timed out) ` +
					`while reading response header from upstream, client: ${client}, server: _, ` +
					`request: "${endpoint.method} ${path} HTTP/1.1", upstream: "http://127.0.0.1:3000${path}", ` +
					`host: "${ctx.vocabulary.host}"`
			};
		}
		const status = httpStatus(rng, endpoint.method, stress);
		const bytes =
			status === 304 || status === 204
				? 0
				: Math.max(0, Math.round(endpoint.bytes * (0.6 + 0.8 * rng.next())));
		const agent = probe ? 'ELB-HealthChecker/2.0' : rng.pick(USER_AGENTS);
		return {
			level: levelForStatus(status),
			message:
				`${client} - - [${ctx.times.clf(t)}] "${endpoint.method} ${path} HTTP/1.1" ${status} ${bytes} ` +
				`"${probe ? '-' : referer(rng, ctx.vocabulary.host)}" "${agent}"`,
			metadata: {
				method: endpoint.method,
				route: endpoint.route,
				status,
				bytes,
				durationMs: latencyMs(rng, endpoint.p50Ms, stress)
			}
		};
	},

	startup(): readonly Said[] {
		return [
			{
				level: 'info',
				text: '/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration'
			},
			{
				level: 'info',
				text: '/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh'
			},
			{ level: 'info', text: '/docker-entrypoint.sh: Configuration complete; ready for start up' },
			{ level: 'info', text: 'using the "epoll" event method' },
			{ level: 'info', text: 'nginx/1.27.3' },
			{ level: 'info', text: 'start worker processes' }
		];
	},

	shutdown(): readonly Said[] {
		return [
			{ level: 'info', text: 'signal 15 (SIGTERM) received from 1, exiting' },
			{ level: 'info', text: 'gracefully shutting down' },
			{ level: 'info', text: 'exit' }
		];
	},

	crash(_rng: Rng, t: number, ctx: ContainerLogContext): Failure {
		// nginx itself rarely dies; when it does it is a configuration error on reload.
		const text = `[emerg] 1#1: host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:12`;
		return { message: `${ctx.times.nginx(t)} ${text}`, stackTrace: text, exitCode: 1 };
	},

	healthFailure(rng: Rng, t: number, ctx: ContainerLogContext): LineParts {
		return {
			level: 'error',
			message:
				`${ctx.times.nginx(t)} [error] 29#29: *${1000 + rng.int(900_000)} connect() failed ` +
				`(111: Connection refused) while connecting to upstream, client: 10.0.0.2, server: _, ` +
				`request: "GET /healthz HTTP/1.1", upstream: "http://127.0.0.1:3000/healthz"`
		};
	}
};
