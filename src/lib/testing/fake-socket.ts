/**
 * A fake WebSocket for unit tests: the test plays the server. It is synchronous (no timers), so a
 * `SimulatedClock` stays the only notion of time in machine tests.
 *
 * ```ts
 * const ws = FakeWebSocket.last();
 * ws.open();
 * ws.message({ type: 'welcome', payload: {...} });
 * expect(ws.sentMessages()).toContainEqual(expect.objectContaining({ type: 'ping' }));
 * ws.close(1012, 'restart');
 * ```
 */

type Handler<E> = ((event: E) => void) | null;

/** A close the client asked for (`ws.close(code, reason)` from the code under test). */
export interface CloseCall {
	code: number | undefined;
	reason: string | undefined;
}

export class FakeWebSocket {
	static readonly CONNECTING = 0;
	static readonly OPEN = 1;
	static readonly CLOSING = 2;
	static readonly CLOSED = 3;

	/** Every socket constructed since the last `reset()`, oldest first. */
	static instances: FakeWebSocket[] = [];

	/** The newest socket; throws when there is none, so a test fails where it should. */
	static last(): FakeWebSocket {
		const ws = FakeWebSocket.instances.at(-1);
		if (!ws) throw new Error('no FakeWebSocket has been constructed');
		return ws;
	}

	/** Forget all sockets (call in `beforeEach`). */
	static reset(): void {
		FakeWebSocket.instances = [];
	}

	readonly url: string;
	readonly protocols: string | string[] | undefined;
	readyState = FakeWebSocket.CONNECTING;
	binaryType = 'blob';
	/** Frames the client sent, in order. */
	readonly sent: string[] = [];
	/** Closes the client asked for. */
	readonly closeCalls: CloseCall[] = [];

	onopen: Handler<unknown> = null;
	onmessage: Handler<{ data: unknown }> = null;
	onclose: Handler<{ code: number; reason: string; wasClean: boolean }> = null;
	onerror: Handler<unknown> = null;

	constructor(url: string, protocols?: string | string[]) {
		this.url = url;
		this.protocols = protocols;
		FakeWebSocket.instances.push(this);
	}

	// ----- the WebSocket API, called by the code under test

	send(data: string): void {
		if (this.readyState !== FakeWebSocket.OPEN) {
			throw new Error(`FakeWebSocket.send in readyState ${this.readyState}`);
		}
		this.sent.push(data);
	}

	/**
	 * Both the API (the client closing) and a test helper (the server closing): the socket ends
	 * up CLOSED and `onclose` fires, as a browser's eventually does.
	 */
	close(code?: number, reason?: string): void {
		if (this.readyState === FakeWebSocket.CLOSED) return;
		this.closeCalls.push({ code, reason });
		this.finish(code ?? 1005, reason ?? '', code !== undefined && code !== 1006);
	}

	// ----- test helpers: the server's side

	/** Complete the handshake. */
	open(): this {
		this.readyState = FakeWebSocket.OPEN;
		this.onopen?.({ type: 'open' });
		return this;
	}

	/** Deliver one frame: a string as is, anything else JSON-encoded. */
	message(data: unknown): this {
		const frame =
			typeof data === 'string' || data instanceof ArrayBuffer ? data : JSON.stringify(data);
		this.onmessage?.({ data: frame });
		return this;
	}

	/** Fire `onerror` (browsers follow it with a close; call `drop()` for that). */
	error(): this {
		this.onerror?.({ type: 'error' });
		return this;
	}

	/** The server (or the network) closing with `code`, without the client asking. */
	serverClose(code: number, reason = '', wasClean = code !== 1006): this {
		this.finish(code, reason, wasClean);
		return this;
	}

	/** An abnormal drop (1006), as when the network goes away. */
	drop(): this {
		return this.serverClose(1006, '', false);
	}

	/** The sent frames, JSON-decoded. */
	sentMessages(): Array<{ type: string; id?: string; payload?: unknown }> {
		return this.sent.map((s) => JSON.parse(s) as { type: string; id?: string; payload?: unknown });
	}

	/** The sent frames' types, in order. */
	sentTypes(): string[] {
		return this.sentMessages().map((m) => m.type);
	}

	/** True while the handlers are attached (the client has not let go of this socket). */
	get attached(): boolean {
		return this.onmessage !== null || this.onclose !== null;
	}

	private finish(code: number, reason: string, wasClean: boolean): void {
		if (this.readyState === FakeWebSocket.CLOSED) return;
		this.readyState = FakeWebSocket.CLOSED;
		this.onclose?.({ code, reason, wasClean });
	}
}
