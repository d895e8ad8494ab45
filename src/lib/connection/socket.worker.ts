/**
 * Entry of the decoding worker (started by worker-socket.ts `startSocketWorker`, bundled by Vite
 * as a module worker). Everything it does is in worker-decoder.ts.
 */
import type { WebSocketConstructor } from './socket';
import { createSocketDecoder } from './worker-decoder';
import type { FromWorker, ToWorker } from './worker-wire';

/** The slice of `DedicatedWorkerGlobalScope` used here (the DOM lib types `self` as a window). */
interface WorkerScope {
	postMessage(message: FromWorker): void;
	close(): void;
	onmessage: ((event: { data: ToWorker }) => void) | null;
	WebSocket: WebSocketConstructor;
}

const scope = self as unknown as WorkerScope;
const handle = createSocketDecoder({
	post: (message) => scope.postMessage(message),
	WebSocketImpl: scope.WebSocket,
	exit: () => scope.close()
});
scope.onmessage = (event) => handle(event.data);
