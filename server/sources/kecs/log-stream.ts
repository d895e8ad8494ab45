/**
 * One container's log, followed through KECS's admin API for as long as someone wants it:
 * the WebSocket (`…/logs/ws`) first, the SSE stream (`…/logs/stream?follow=true`) if KECS serves
 * no WebSocket there, and REST polling (`…/logs?from=`) if it serves neither. A break (KECS
 * restarted, the connection dropped, an `error` event) reopens the stream with backoff and with
 * `from` set to the last line's timestamp; the {@link Watermark} drops what the replay repeats,
 * so no line is lost and none is delivered twice. Frames that are not log lines are counted and
 * skipped, never fatal.
 */
import WebSocket from 'ws';
import { backoffDelay, type Random } from '../../../src/lib/connection/backoff';
import type { SourceLogEntry } from '../source';
import {
	classifyLogText,
	classifyLogValue,
	toLogEntry,
	type LogContext,
	type LogFrameResult
} from './mapping';
import { SseParser } from './sse';
import type { Watermark } from './watermark';

/** How a stream reaches KECS. */
export type Transport = 'ws' | 'sse' | 'rest';

/** Which transports this KECS serves, learnt once and shared by every stream. */
export interface TransportSupport {
	ws: boolean | undefined;
	sse: boolean | undefined;
}

/** Counters shared by every stream of a source. */
export interface LogStreamStats {
	/** Frames that were not log lines (not JSON, wrong shape, bad timestamp). */
	malformedFrames: number;
	/** Log lines received (before de-duplication). */
	linesReceived: number;
	/** Lines dropped as already delivered (replays after a reopen). */
	duplicatesDropped: number;
	/** Times a stream was reopened after a break. */
	reconnects: number;
	/** Streams opened, per transport. */
	opened: Record<Transport, number>;
	/** `error` events (and bare `{error}` frames) KECS sent. */
	errorEvents: number;
}

/** Where a stream reads from and what it needs from its owner. */
export interface LogStreamDeps {
	/** The admin endpoint, e.g. `http://localhost:5374`. */
	adminUrl: string;
	region: string;
	/** The task's cluster name (KECS's `cluster` query parameter). */
	clusterName: string;
	/** The task's short id (the ARN's last segment), as KECS's path wants it. */
	taskId: string;
	containerName: string;
	/** Where its lines belong (read at each line: the runtime id may become known later). */
	context(): LogContext;
	emit(entry: SourceLogEntry): void;
	/** Whether ECS still reports the container running (an ended stream is then reopened). */
	isLive(): boolean;
	/** The stream is over for good (ended, or the container stopped): the owner forgets it. */
	onDone(): void;
	/** The stream's health changed (opened, failing): the owner recomputes the source's. */
	onChange(): void;
	watermark: Watermark;
	support: TransportSupport;
	stats: LogStreamStats;
	/** Lines asked for when opening without a position (and when interest returns). */
	tail: number;
	/** REST polling interval, ms. */
	pollIntervalMs: number;
	/** First retry ceiling and largest retry ceiling, ms. */
	retryBaseMs: number;
	retryCapMs: number;
	random: Random;
}

/** Lines per REST page. */
const REST_PAGE = 500;
/** HTTP statuses that mean "this endpoint does not exist here", not "try again". */
const UNSUPPORTED = new Set([404, 405, 501]);
/** A stream that ended while its container still runs is reopened after this long. */
const REOPEN_AFTER_END_MS = 250;

type State = 'connecting' | 'open' | 'retrying' | 'draining' | 'closed';

function describe(error: unknown): string {
	if (error instanceof Error) {
		const code = (error as { code?: unknown; cause?: { code?: unknown } }).code;
		const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
		const detail = code ?? cause?.code ?? cause?.message;
		return detail !== undefined ? `${error.message} (${String(detail)})` : error.message;
	}
	return String(error);
}

export class ContainerLogStream {
	#state: State = 'connecting';
	#transport: Transport | undefined;
	#attempt = 0;
	/** Ask for the last `tail` lines on the next open (first open, or interest came back). */
	#withTail: boolean;
	/** KECS said the stream is over (`close` event). */
	#ended = false;
	#draining = false;
	/** Bumped on every (re)connect: callbacks of an older connection see a stale number. */
	#generation = 0;
	#timer: NodeJS.Timeout | undefined;
	#drainTimer: NodeJS.Timeout | undefined;
	#ws: WebSocket | undefined;
	#abort: AbortController | undefined;
	/** REST: the offset within the current `from` (pages of equal `from`). */
	#restOffset = 0;
	#restFrom: string | undefined;
	/** Consecutive failures (0 once a stream opens). */
	failures = 0;
	lastError: string | undefined;

	constructor(readonly deps: LogStreamDeps) {
		this.#withTail = deps.watermark.raw === undefined;
	}

	/** How it currently reaches KECS. */
	get transport(): Transport | undefined {
		return this.#transport;
	}

	get state(): State {
		return this.#state;
	}

	/** Start following. `tail`: ask for recent lines too (the default without a position). */
	start(options: { tail?: boolean } = {}): void {
		if (options.tail) this.#withTail = true;
		this.#connect();
	}

	/** Stop now. */
	close(): void {
		this.#state = 'closed';
		clearTimeout(this.#drainTimer);
		this.#teardown();
	}

	/**
	 * The container stopped (per ECS): keep reading what KECS still sends until it says `close`,
	 * but not longer than `ms`, and do not reopen after that.
	 */
	drain(ms: number): void {
		if (this.#state === 'closed' || this.#draining) return;
		this.#draining = true;
		if (this.#state === 'retrying') return this.#finish();
		this.#drainTimer = setTimeout(() => this.#finish(), ms);
		this.#drainTimer.unref();
	}

	#finish(): void {
		if (this.#state === 'closed') return;
		this.close();
		this.deps.onDone();
	}

	#teardown(): void {
		this.#generation++;
		clearTimeout(this.#timer);
		this.#timer = undefined;
		const ws = this.#ws;
		this.#ws = undefined;
		if (ws) {
			ws.removeAllListeners('message');
			ws.on('error', () => {});
			if (ws.readyState === WebSocket.OPEN) ws.close(1000);
			else ws.terminate();
		}
		this.#abort?.abort();
		this.#abort = undefined;
	}

	#pick(): Transport {
		const { support } = this.deps;
		if (support.ws !== false) return 'ws';
		if (support.sse !== false) return 'sse';
		return 'rest';
	}

	#url(kind: Transport): URL {
		const d = this.deps;
		const suffix = kind === 'ws' ? '/ws' : kind === 'sse' ? '/stream' : '';
		const url = new URL(
			`/api/tasks/${encodeURIComponent(d.taskId)}/containers/${encodeURIComponent(d.containerName)}/logs${suffix}`,
			d.adminUrl
		);
		url.searchParams.set('cluster', d.clusterName);
		url.searchParams.set('region', d.region);
		if (kind === 'ws') url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
		if (kind === 'rest') return url;
		if (kind === 'sse') url.searchParams.set('follow', 'true');
		const from = d.watermark.raw;
		// `from` lets a KECS that honours it skip the overlap; the watermark drops it otherwise.
		if (from !== undefined) url.searchParams.set('from', from);
		// Without `tail` KECS replays the container's whole log: needed after a break (nothing
		// may be lost), wasteful on a first look (the last `tail` lines will do).
		if (this.#withTail || from === undefined) url.searchParams.set('tail', String(d.tail));
		return url;
	}

	#connect(): void {
		if (this.#state === 'closed') return;
		this.#teardown();
		this.#ended = false;
		this.#state = this.#draining ? 'draining' : 'connecting';
		this.deps.watermark.newPass();
		const transport = this.#pick();
		this.#transport = transport;
		const generation = this.#generation;
		if (transport === 'ws') this.#openWs(generation);
		else if (transport === 'sse') void this.#openSse(generation);
		else {
			this.#restFrom = this.deps.watermark.raw;
			this.#restOffset = 0;
			void this.#pollRest(generation);
		}
	}

	#opened(transport: Transport): void {
		this.#state = this.#draining ? 'draining' : 'open';
		this.failures = 0;
		this.lastError = undefined;
		this.deps.stats.opened[transport]++;
		this.deps.onChange();
	}

	/** The current connection failed or broke: retry with backoff (or give up when draining). */
	#broken(generation: number, reason: string | undefined): void {
		if (generation !== this.#generation || this.#state === 'closed') return;
		this.#teardown();
		if (reason !== undefined) {
			this.failures++;
			this.lastError = reason;
		}
		if (this.#draining) return this.#finish();
		this.#state = 'retrying';
		this.deps.stats.reconnects++;
		const delay = Math.max(
			50,
			backoffDelay(this.#attempt++, {
				base: this.deps.retryBaseMs,
				cap: this.deps.retryCapMs,
				random: this.deps.random
			})
		);
		this.#timer = setTimeout(() => this.#connect(), delay);
		this.#timer.unref();
		this.deps.onChange();
	}

	/** KECS ended the stream: reopen if the container still runs, else this stream is done. */
	#endedByKecs(generation: number): void {
		if (generation !== this.#generation || this.#state === 'closed') return;
		this.#teardown();
		if (this.#draining || !this.deps.isLive()) return this.#finish();
		// ECS may not have caught up with a container that stopped: reopen, but back off.
		this.#state = 'retrying';
		const delay = Math.max(
			REOPEN_AFTER_END_MS,
			backoffDelay(this.#attempt++, {
				base: this.deps.retryBaseMs,
				cap: this.deps.retryCapMs,
				random: this.deps.random
			})
		);
		this.#timer = setTimeout(() => this.#connect(), delay);
		this.#timer.unref();
	}

	/** The transport is not served here: use the next one at once. */
	#unsupported(generation: number, transport: 'ws' | 'sse', status: number): void {
		if (generation !== this.#generation) return;
		this.deps.support[transport] = false;
		this.lastError = `${transport === 'ws' ? 'WebSocket' : 'SSE'} log stream not served (HTTP ${status})`;
		this.#connect();
	}

	/** Handle one classified frame; returns false when the connection should end. */
	#frame(result: LogFrameResult, generation: number): boolean {
		const { stats } = this.deps;
		switch (result.kind) {
			case 'log': {
				stats.linesReceived++;
				this.#withTail = false;
				if (!this.deps.watermark.accept(result.frame, result.ns)) {
					stats.duplicatesDropped++;
					return true;
				}
				this.#attempt = 0;
				this.deps.emit(toLogEntry(result.frame, result.ns, this.deps.context()));
				return true;
			}
			case 'malformed':
				stats.malformedFrames++;
				return true;
			case 'close':
				this.#ended = true;
				this.#endedByKecs(generation);
				return false;
			case 'error':
				stats.errorEvents++;
				this.#broken(generation, `KECS log stream error: ${result.error}`);
				return false;
		}
	}

	// --- WebSocket ------------------------------------------------------------------------------

	#openWs(generation: number): void {
		const ws = new WebSocket(this.#url('ws'), {
			handshakeTimeout: 10_000,
			perMessageDeflate: false
		});
		this.#ws = ws;
		ws.on('unexpected-response', (req, res) => {
			const status = res.statusCode ?? 0;
			res.resume();
			req.destroy();
			if (UNSUPPORTED.has(status)) this.#unsupported(generation, 'ws', status);
			else this.#broken(generation, `WebSocket log stream refused (HTTP ${status})`);
		});
		ws.on('open', () => {
			if (generation !== this.#generation) return;
			this.deps.support.ws = true;
			this.#opened('ws');
		});
		ws.on('message', (data, isBinary) => {
			if (generation !== this.#generation) return;
			const text = isBinary ? '' : Buffer.isBuffer(data) ? data.toString('utf8') : String(data);
			this.#frame(
				isBinary ? { kind: 'malformed', reason: 'binary' } : classifyLogText(text),
				generation
			);
		});
		ws.on('error', (error) => {
			if (generation === this.#generation) this.lastError = describe(error);
		});
		ws.on('close', () => {
			if (generation !== this.#generation) return;
			if (this.#ended) return;
			this.#broken(generation, this.lastError ?? 'log WebSocket closed without a close event');
		});
	}

	// --- Server-sent events ---------------------------------------------------------------------

	async #openSse(generation: number): Promise<void> {
		const abort = new AbortController();
		this.#abort = abort;
		let res: Response;
		try {
			res = await fetch(this.#url('sse'), {
				signal: abort.signal,
				headers: { accept: 'text/event-stream' }
			});
		} catch (error) {
			return this.#broken(generation, describe(error));
		}
		if (generation !== this.#generation) return void res.body?.cancel().catch(() => {});
		const type = res.headers.get('content-type') ?? '';
		if (!res.ok || !type.includes('text/event-stream') || res.body === null) {
			await res.body?.cancel().catch(() => {});
			if (UNSUPPORTED.has(res.status)) return this.#unsupported(generation, 'sse', res.status);
			return this.#broken(generation, `SSE log stream refused (HTTP ${res.status})`);
		}
		this.deps.support.sse = true;
		this.#opened('sse');
		const parser = new SseParser();
		const decoder = new TextDecoder();
		const reader = res.body.getReader();
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (generation !== this.#generation) return;
				if (done) break;
				for (const event of parser.push(decoder.decode(value, { stream: true }))) {
					let result: LogFrameResult;
					if (event.event === 'log') result = classifyLogText(event.data);
					else if (event.event === 'close') result = { kind: 'close' };
					else if (event.event === 'error') result = { kind: 'error', error: event.data };
					else continue;
					if (!this.#frame(result, generation)) return;
				}
			}
		} catch (error) {
			if (generation === this.#generation) this.#broken(generation, describe(error));
			return;
		} finally {
			reader.releaseLock();
		}
		this.#broken(generation, 'SSE log stream ended without a close event');
	}

	// --- REST polling ---------------------------------------------------------------------------

	async #pollRest(generation: number): Promise<void> {
		const d = this.deps;
		const abort = new AbortController();
		this.#abort = abort;
		const url = this.#url('rest');
		let limit = REST_PAGE;
		if (this.#restFrom !== undefined) url.searchParams.set('from', this.#restFrom);
		else if (this.#withTail) limit = d.tail;
		url.searchParams.set('limit', String(limit));
		url.searchParams.set('offset', String(this.#restOffset));
		let body: unknown;
		try {
			const res = await fetch(url, {
				signal: abort.signal,
				headers: { accept: 'application/json' }
			});
			if (generation !== this.#generation) return;
			if (!res.ok) {
				await res.body?.cancel().catch(() => {});
				return this.#broken(generation, `REST log API refused (HTTP ${res.status})`);
			}
			const text = await res.text();
			if (generation !== this.#generation) return;
			try {
				body = JSON.parse(text);
			} catch {
				d.stats.malformedFrames++;
				return this.#broken(generation, 'REST log API answered something other than JSON');
			}
		} catch (error) {
			return this.#broken(generation, describe(error));
		}
		if (this.#state !== 'open' && this.#state !== 'draining') this.#opened('rest');
		const record = (typeof body === 'object' && body !== null ? body : {}) as Record<
			string,
			unknown
		>;
		const logs = Array.isArray(record.logs) ? (record.logs as unknown[]) : undefined;
		if (logs === undefined) {
			d.stats.malformedFrames++;
			return this.#schedulePoll(generation, d.pollIntervalMs);
		}
		const total = typeof record.totalCount === 'number' ? record.totalCount : undefined;
		// The first look without a position wants the newest lines, not the oldest: skip ahead.
		if (this.#restFrom === undefined && this.#withTail && total !== undefined) {
			const skip = total - d.tail;
			if (skip > this.#restOffset) {
				this.#restOffset = skip;
				return this.#schedulePoll(generation, 0);
			}
		}
		for (const item of logs) {
			if (!this.#frame(classifyLogValue(item), generation)) return;
		}
		this.#withTail = false;
		if (logs.length >= limit) {
			// A full page: the next page has the same `from` (the watermark drops the overlap).
			this.#restOffset += logs.length;
			return this.#schedulePoll(generation, 0);
		}
		this.#restFrom = d.watermark.raw;
		this.#restOffset = 0;
		d.watermark.newPass();
		if (this.#draining || !d.isLive()) return this.#finish();
		this.#schedulePoll(generation, d.pollIntervalMs);
	}

	#schedulePoll(generation: number, delay: number): void {
		if (generation !== this.#generation || this.#state === 'closed') return;
		this.#timer = setTimeout(() => void this.#pollRest(generation), delay);
		this.#timer.unref();
	}
}
