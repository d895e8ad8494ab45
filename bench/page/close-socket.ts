/**
 * Waiting for a probe's WebSocket to close, so the next run never shares the machine with this
 * one's socket. Shared by every probe of the bench page.
 */

/** Resolves once `ws` has closed (at most 5 s). */
export function whenClosed(ws: WebSocket): Promise<void> {
	return new Promise((resolve) => {
		if (ws.readyState === WebSocket.CLOSED) return resolve();
		const timer = setTimeout(resolve, 5_000);
		ws.addEventListener('close', () => {
			clearTimeout(timer);
			resolve();
		});
	});
}

/** Stop taking messages, close `ws`, and wait for it (at most 5 s). */
export function closeSocket(ws: WebSocket): Promise<void> {
	ws.onmessage = null;
	ws.close(1000);
	return whenClosed(ws);
}
