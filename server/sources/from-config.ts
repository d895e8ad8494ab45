/**
 * The source the configuration asks for: a real KECS when `KECS_ENDPOINT` is set, the built-in
 * simulator otherwise. Shared by the production entry and the dev plugin.
 */
import type { GatewayConfig } from '../config';
import { createKecsSource } from './kecs/index';
import { createSimulator } from './simulator/index';
import type { Source } from './source';

/** Create (not start) the configured source. */
export function createConfiguredSource(config: GatewayConfig): Source {
	if (config.kecs !== undefined) {
		return createKecsSource({
			endpoint: config.kecs.endpoint,
			adminEndpoint: config.kecs.adminEndpoint,
			region: config.kecs.region,
			pollIntervalMs: config.kecs.pollIntervalMs
		});
	}
	return createSimulator({
		seed: config.simSeed,
		logRate: config.simLogRate,
		...(config.simTasks === undefined ? {} : { tasks: config.simTasks })
	});
}
