/**
 * Every benchmark case, in the order a run takes them. Issue 7's remaining cases (LogViewer
 * render fps, reconnect herd, fan-out against a bare `ws` broadcast, bundle sizes, and the
 * peers partysocket / reconnecting-websocket / socket.io-client) are added here as they land;
 * {@link PENDING} lists them for the report until then.
 */
import type { BenchCase } from '../lib/case';
import { browserIngest } from './browser-ingest';
import { browserMemory } from './browser-memory';
import { browserRender } from './browser-render';
import { bundle } from './bundle';
import { fanout } from './fanout';
import { gatewayClients } from './gateway-clients';
import { gatewayThroughput } from './gateway-throughput';
import { reconnect } from './reconnect';

export const CASES: readonly BenchCase[] = [
	gatewayThroughput,
	gatewayClients,
	browserIngest,
	browserRender,
	browserMemory,
	reconnect,
	fanout,
	bundle
];

/** Issue 7's cases not measured yet (none now; the report leaves the section out when empty). */
export const PENDING: readonly string[] = [];
