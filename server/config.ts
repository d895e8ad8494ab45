/**
 * The gateway's configuration from the environment. Every variable is optional; a value that is
 * set but invalid stops the start with a message naming the variable, what it expects and what
 * it got (all problems at once), rather than running with a surprise.
 *
 * | variable                    | default     | meaning                                          |
 * |-----------------------------|-------------|--------------------------------------------------|
 * | `PORT`                      | 3000        | port to listen on; 0 picks a free one            |
 * | `HOST`                      | 127.0.0.1   | interface to listen on                           |
 * | `KECS_LIVE_TOKEN`           | (none)      | token clients must `authenticate` with           |
 * | `KECS_LIVE_ALLOWED_ORIGINS` | (none)      | comma-separated origins allowed besides same-origin |
 * | `KECS_LIVE_FAULTS`          | off         | `1` enables the fault controls                   |
 * | `SIM_LOG_RATE`              | 20          | simulator log lines per second                   |
 * | `SIM_SEED`                  | (default)   | simulator seed (an integer)                      |
 * | `SIM_TASKS`                 | (topology)  | tasks the simulated services run together, 0 to  |
 * |                             |             | 1000 (default: the topology's dozen)             |
 * | `KECS_ENDPOINT`             | (none)      | a real KECS's ECS API, e.g. http://localhost:5373: |
 * |                             |             | read KECS instead of running the simulator       |
 * | `KECS_ADMIN_ENDPOINT`       | host:5374   | KECS's admin server (logs); default: the same    |
 * |                             |             | host as `KECS_ENDPOINT`, port 5374               |
 * | `KECS_REGION`               | us-east-1   | the AWS region KECS answers for                  |
 * | `KECS_POLL_INTERVAL`        | 2000        | ms between two looks at KECS's ECS API           |
 */
import { LIMITS } from '../src/lib/protocol/index';
import { normalizeOrigin } from './hub/origin';

/** The configuration the gateway runs with. */
export interface GatewayConfig {
	port: number;
	host: string;
	token: string | undefined;
	allowedOrigins: string[];
	faults: boolean;
	simLogRate: number;
	simSeed: number | undefined;
	/** Tasks the simulated services run together; undefined: the topology's own counts. */
	simTasks: number | undefined;
	/** Where a real KECS is; when set, the gateway reads it instead of running the simulator. */
	kecs: KecsConfig | undefined;
}

/** A real KECS to read (`KECS_ENDPOINT` and friends). */
export interface KecsConfig {
	/** The ECS API, e.g. `http://localhost:5373`. */
	endpoint: string;
	/** The admin server (logs), e.g. `http://localhost:5374`. */
	adminEndpoint: string;
	region: string;
	/** ms between two looks at the ECS API. */
	pollIntervalMs: number;
}

/** KECS's ports: the ECS API and the admin server. */
export const KECS_DEFAULT_ADMIN_PORT = 5374;
/** Defaults of the KECS settings. */
export const KECS_DEFAULTS = { region: 'us-east-1', pollIntervalMs: 2000 } as const;
/** Shortest and longest `KECS_POLL_INTERVAL` accepted, ms. */
export const KECS_POLL_INTERVAL_RANGE = [100, 3_600_000] as const;

/** Defaults of {@link GatewayConfig}. */
export const DEFAULT_CONFIG: GatewayConfig = {
	port: 3000,
	host: '127.0.0.1',
	token: undefined,
	allowedOrigins: [],
	faults: false,
	simLogRate: 20,
	simSeed: undefined,
	simTasks: undefined,
	kecs: undefined
};

/** The highest `SIM_LOG_RATE` accepted (benchmarks push 50,000+). */
export const MAX_SIM_LOG_RATE = 1_000_000;

/** The most tasks `SIM_TASKS` accepts. */
export const MAX_SIM_TASKS = 1000;

/** Invalid configuration; the message lists every problem, one per line. */
export class ConfigError extends Error {
	constructor(readonly problems: string[]) {
		super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
		this.name = 'ConfigError';
	}
}

type Env = Readonly<Record<string, string | undefined>>;

/** Read the configuration from `env` (default `process.env`). Throws {@link ConfigError}. */
export function loadConfig(env: Env = process.env): GatewayConfig {
	const problems: string[] = [];
	const config: GatewayConfig = { ...DEFAULT_CONFIG, allowedOrigins: [] };
	// An empty variable counts as unset: `PORT= npm start` should not be an error.
	const read = (name: string): string | undefined => {
		const value = env[name]?.trim();
		return value === undefined || value === '' ? undefined : value;
	};

	const port = read('PORT');
	if (port !== undefined) {
		const n = Number(port);
		if (!/^\d+$/.test(port) || n > 65535) {
			problems.push(`PORT must be an integer from 0 to 65535, got "${port}"`);
		} else config.port = n;
	}

	const host = read('HOST');
	if (host !== undefined) {
		if (/[\s/]/.test(host)) problems.push(`HOST must be a host name or IP address, got "${host}"`);
		else config.host = host;
	}

	const token = env.KECS_LIVE_TOKEN;
	if (token !== undefined && token !== '') {
		if (token.length > LIMITS.token) {
			problems.push(
				`KECS_LIVE_TOKEN must be at most ${LIMITS.token} characters, got ${token.length}`
			);
		} else config.token = token;
	}

	const origins = read('KECS_LIVE_ALLOWED_ORIGINS');
	if (origins !== undefined) {
		for (const raw of origins
			.split(',')
			.map((o) => o.trim())
			.filter((o) => o !== '')) {
			try {
				const origin = normalizeOrigin(raw);
				if (origin !== '*' && origin !== 'null' && !/^https?:\/\//.test(origin)) throw new Error();
				config.allowedOrigins.push(origin);
			} catch {
				problems.push(
					`KECS_LIVE_ALLOWED_ORIGINS entries must be origins like https://ops.example.com (or *), got "${raw}"`
				);
			}
		}
	}

	const faults = read('KECS_LIVE_FAULTS');
	if (faults !== undefined) {
		const v = faults.toLowerCase();
		if (['1', 'true', 'yes', 'on'].includes(v)) config.faults = true;
		else if (['0', 'false', 'no', 'off'].includes(v)) config.faults = false;
		else problems.push(`KECS_LIVE_FAULTS must be 1 (on) or 0 (off), got "${faults}"`);
	}

	const rate = read('SIM_LOG_RATE');
	if (rate !== undefined) {
		const n = Number(rate);
		if (!Number.isFinite(n) || n < 0 || n > MAX_SIM_LOG_RATE) {
			problems.push(
				`SIM_LOG_RATE must be a number from 0 to ${MAX_SIM_LOG_RATE} (lines per second), got "${rate}"`
			);
		} else config.simLogRate = n;
	}

	const seed = read('SIM_SEED');
	if (seed !== undefined) {
		const n = Number(seed);
		if (!/^-?\d+$/.test(seed) || !Number.isSafeInteger(n)) {
			problems.push(`SIM_SEED must be an integer, got "${seed}"`);
		} else config.simSeed = n;
	}

	const tasks = read('SIM_TASKS');
	if (tasks !== undefined) {
		const n = Number(tasks);
		if (!/^\d+$/.test(tasks) || n > MAX_SIM_TASKS) {
			problems.push(`SIM_TASKS must be an integer from 0 to ${MAX_SIM_TASKS}, got "${tasks}"`);
		} else config.simTasks = n;
	}

	config.kecs = readKecs(read, problems);

	if (problems.length > 0) throw new ConfigError(problems);
	return config;
}

/** An http(s) URL without path, query or credentials, normalised to `scheme://host:port`. */
function endpointUrl(raw: string): string | undefined {
	try {
		const url = new URL(raw);
		if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
		if (url.username || url.password || url.search || url.hash) return undefined;
		if (url.pathname !== '/' && url.pathname !== '') return undefined;
		return url.origin;
	} catch {
		return undefined;
	}
}

function readKecs(
	read: (name: string) => string | undefined,
	problems: string[]
): KecsConfig | undefined {
	const endpoint = read('KECS_ENDPOINT');
	const admin = read('KECS_ADMIN_ENDPOINT');
	const region = read('KECS_REGION');
	const poll = read('KECS_POLL_INTERVAL');
	if (endpoint === undefined) {
		// The KECS settings mean nothing without KECS: running the simulator instead would be
		// a surprise to whoever set them.
		for (const [name, value] of [
			['KECS_ADMIN_ENDPOINT', admin],
			['KECS_REGION', region],
			['KECS_POLL_INTERVAL', poll]
		] as const) {
			if (value !== undefined) problems.push(`${name} is set but KECS_ENDPOINT is not`);
		}
		return undefined;
	}
	const kecs: KecsConfig = {
		endpoint: '',
		adminEndpoint: '',
		region: KECS_DEFAULTS.region,
		pollIntervalMs: KECS_DEFAULTS.pollIntervalMs
	};
	const ecs = endpointUrl(endpoint);
	if (ecs === undefined) {
		problems.push(
			`KECS_ENDPOINT must be an http(s) URL such as http://localhost:5373, got "${endpoint}"`
		);
	} else {
		kecs.endpoint = ecs;
		const url = new URL(ecs);
		// `hostname` keeps an IPv6 address's brackets.
		kecs.adminEndpoint = `${url.protocol}//${url.hostname}:${KECS_DEFAULT_ADMIN_PORT}`;
	}
	if (admin !== undefined) {
		const a = endpointUrl(admin);
		if (a === undefined) {
			problems.push(
				`KECS_ADMIN_ENDPOINT must be an http(s) URL such as http://localhost:5374, got "${admin}"`
			);
		} else kecs.adminEndpoint = a;
	}
	if (region !== undefined) {
		if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) {
			problems.push(`KECS_REGION must be an AWS region such as us-east-1, got "${region}"`);
		} else kecs.region = region;
	}
	if (poll !== undefined) {
		const n = Number(poll);
		const [min, max] = KECS_POLL_INTERVAL_RANGE;
		if (!/^\d+$/.test(poll) || n < min || n > max) {
			problems.push(
				`KECS_POLL_INTERVAL must be an integer from ${min} to ${max} (milliseconds), got "${poll}"`
			);
		} else kecs.pollIntervalMs = n;
	}
	return kecs;
}
