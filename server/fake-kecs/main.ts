/**
 * `npm run fake-kecs`: a fake KECS on KECS's ports (5373 for the ECS API, 5374 for the admin
 * server) unless `FAKE_KECS_PORT` and `FAKE_KECS_ADMIN_PORT` say otherwise (0 picks free ports).
 * `FAKE_KECS_HOST` (default 127.0.0.1), `SIM_SEED` and `SIM_LOG_RATE` work as for the gateway.
 * Prints exactly two lines to stdout, `ecs api on http://HOST:PORT` then `admin on
 * http://HOST:PORT`, and runs until SIGINT or SIGTERM.
 *
 * Try it: `npm run fake-kecs`, then in another terminal `KECS_ENDPOINT=http://localhost:5373 npm start`.
 */
import { startFakeKecs, type FakeKecs } from './index';

type Env = Readonly<Record<string, string | undefined>>;

/** The fake's settings from `env`, or the problems with them. */
export function fakeKecsSettings(env: Env):
	| {
			ok: true;
			ecsPort: number;
			adminPort: number;
			host: string;
			seed: number | undefined;
			logRate: number | undefined;
	  }
	| { ok: false; problems: string[] } {
	const problems: string[] = [];
	const read = (name: string): string | undefined => {
		const v = env[name]?.trim();
		return v === undefined || v === '' ? undefined : v;
	};
	const port = (name: string, fallback: number): number => {
		const raw = read(name);
		if (raw === undefined) return fallback;
		const n = Number(raw);
		if (!/^\d+$/.test(raw) || n > 65535) {
			problems.push(`${name} must be an integer from 0 to 65535, got "${raw}"`);
			return fallback;
		}
		return n;
	};
	const ecsPort = port('FAKE_KECS_PORT', 5373);
	const adminPort = port('FAKE_KECS_ADMIN_PORT', 5374);
	if (ecsPort !== 0 && ecsPort === adminPort) {
		problems.push(`FAKE_KECS_PORT and FAKE_KECS_ADMIN_PORT must differ, both are ${ecsPort}`);
	}
	const host = read('FAKE_KECS_HOST') ?? '127.0.0.1';
	const seedRaw = read('SIM_SEED');
	let seed: number | undefined;
	if (seedRaw !== undefined) {
		if (!/^-?\d+$/.test(seedRaw)) problems.push(`SIM_SEED must be an integer, got "${seedRaw}"`);
		else seed = Number(seedRaw);
	}
	const rateRaw = read('SIM_LOG_RATE');
	let logRate: number | undefined;
	if (rateRaw !== undefined) {
		const n = Number(rateRaw);
		if (!Number.isFinite(n) || n < 0) {
			problems.push(`SIM_LOG_RATE must be a number >= 0 (lines per second), got "${rateRaw}"`);
		} else logRate = n;
	}
	if (problems.length > 0) return { ok: false, problems };
	return { ok: true, ecsPort, adminPort, host, seed, logRate };
}

/** Run the fake until a signal; resolves with it started. */
export async function main(env: Env = process.env): Promise<FakeKecs | undefined> {
	const settings = fakeKecsSettings(env);
	if (!settings.ok) {
		console.error(`invalid configuration:\n${settings.problems.map((p) => `  - ${p}`).join('\n')}`);
		process.exitCode = 2;
		return undefined;
	}
	const fake = await startFakeKecs({
		ecsPort: settings.ecsPort,
		adminPort: settings.adminPort,
		host: settings.host,
		...(settings.seed === undefined ? {} : { seed: settings.seed }),
		...(settings.logRate === undefined ? {} : { logRate: settings.logRate })
	});
	// The fake's world is driven by unref'd timers: the servers keep the process alive.
	console.log(`ecs api on ${fake.ecsUrl}`);
	console.log(`admin on ${fake.adminUrl}`);
	let stopping = false;
	const stop = (): void => {
		if (stopping) return;
		stopping = true;
		fake.close().then(
			() => process.exit(0),
			(error: unknown) => {
				console.error('shutdown failed:', error);
				process.exit(1);
			}
		);
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	return fake;
}
