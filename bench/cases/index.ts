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
import { gatewayClients } from './gateway-clients';
import { gatewayThroughput } from './gateway-throughput';
import { reconnect } from './reconnect';

export const CASES: readonly BenchCase[] = [
	gatewayThroughput,
	gatewayClients,
	browserIngest,
	browserRender,
	browserMemory,
	reconnect
];

/** Issue 7's cases not measured yet. */
export const PENDING: readonly string[] = [
	'Ingest (d): partysocket and reconnecting-websocket feeding the same store; deflate on in the browser.',
	'Memory: DOM nodes with the LogViewer mounted.',
	'Gateway fan-out at 1, 100 and 1,000 clients against a bare `ws` broadcast loop.',
	'Bundle: gzipped JS of `/`, `/websocket-demo` and the connection layer, beside phoenix.js and socket.io-client.',
	'PNG plots.'
];
