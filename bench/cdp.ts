/**
 * A minimal DevTools-protocol client: launches Debian's Chromium directly and drives it over CDP.
 *
 * Why not Playwright: it mirrors every WebSocket frame of the page to its driver process, which
 * cut a page's ingest to 0.41–0.74x here (TOOLCHAIN.md §7). This client asks only for what a
 * benchmark needs (targets, `Runtime.evaluate`, heap figures), and enables no domain that would
 * report network traffic, so the page's sockets run as in a user's tab.
 *
 * Chromium runs in its own process group with a fresh profile directory; {@link Browser.close}
 * ends the group and removes the directory (and so does exit or SIGINT/SIGTERM, see cleanup.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { onCleanup } from './lib/cleanup';

/** Debian's Chromium; never a downloaded browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The flags every launch uses (TOOLCHAIN.md), plus no throttling of pages that lose focus. */
export const CHROMIUM_FLAGS: readonly string[] = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
	// Several pages run at once in the memory case: none may be throttled as a background tab.
	'--disable-background-timer-throttling',
	'--disable-renderer-backgrounding',
	'--disable-backgrounding-occluded-windows'
];

/** Options of {@link Browser.launch}. */
export interface LaunchOptions {
	/** The browser binary. Default {@link CHROMIUM_PATH}. */
	executablePath?: string;
	/** Flags added after {@link CHROMIUM_FLAGS}. Default none. */
	args?: readonly string[];
	/** How long to wait for the DevTools endpoint. Default 20,000 ms. */
	timeoutMs?: number;
}

interface Pending {
	resolve: (value: unknown) => void;
	reject: (error: Error) => void;
	method: string;
}

type EventHandler = (params: Record<string, unknown>, sessionId: string | undefined) => void;

/** A CDP error reply. */
export class CdpError extends Error {
	constructor(
		readonly method: string,
		readonly code: number,
		message: string
	) {
		super(`${method}: ${message} (${code})`);
	}
}

/** One WebSocket to the browser endpoint; page sessions are multiplexed over it (flat mode). */
class Connection {
	readonly #ws: WebSocket;
	readonly #pending = new Map<number, Pending>();
	readonly #handlers = new Map<string, Set<EventHandler>>();
	#nextId = 1;
	#closed: Error | undefined;

	constructor(ws: WebSocket) {
		this.#ws = ws;
		ws.on('message', (data: Buffer) => this.#onMessage(data.toString('utf8')));
		ws.on('close', () => this.#fail(new Error('DevTools connection closed')));
		ws.on('error', (error) => this.#fail(error));
	}

	#fail(error: Error): void {
		this.#closed ??= error;
		for (const p of this.#pending.values()) p.reject(new Error(`${p.method}: ${error.message}`));
		this.#pending.clear();
	}

	#onMessage(text: string): void {
		const msg = JSON.parse(text) as {
			id?: number;
			result?: unknown;
			error?: { code: number; message: string };
			method?: string;
			params?: Record<string, unknown>;
			sessionId?: string;
		};
		if (msg.id !== undefined) {
			const pending = this.#pending.get(msg.id);
			if (!pending) return;
			this.#pending.delete(msg.id);
			if (msg.error)
				pending.reject(new CdpError(pending.method, msg.error.code, msg.error.message));
			else pending.resolve(msg.result ?? {});
			return;
		}
		if (msg.method) {
			for (const h of this.#handlers.get(msg.method) ?? []) h(msg.params ?? {}, msg.sessionId);
		}
	}

	send<T = Record<string, unknown>>(
		method: string,
		params: Record<string, unknown> = {},
		sessionId?: string
	): Promise<T> {
		if (this.#closed) return Promise.reject(new Error(`${method}: ${this.#closed.message}`));
		const id = this.#nextId++;
		return new Promise<T>((resolve, reject) => {
			this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
			this.#ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
		});
	}

	on(method: string, handler: EventHandler): () => void {
		let set = this.#handlers.get(method);
		if (!set) this.#handlers.set(method, (set = new Set()));
		set.add(handler);
		return () => set.delete(handler);
	}

	close(): void {
		this.#ws.close();
	}
}

/** `Runtime.getHeapUsage` (sizes in bytes). */
export interface HeapUsage {
	usedSize: number;
	totalSize: number;
	/** Blink's own (Oilpan) heap, where Chromium reports it. */
	embedderHeapUsedSize?: number;
	/** Array buffer backing stores, where reported. */
	backingStorageSize?: number;
}

/** Options of {@link Page.evaluate}. */
export interface EvaluateOptions {
	/** Reject if the expression has not settled by then. Default 120,000 ms. */
	timeoutMs?: number;
}

/** A page target with its own flat session. */
export class Page {
	constructor(
		readonly browser: Browser,
		readonly targetId: string,
		readonly sessionId: string,
		readonly browserContextId: string | undefined
	) {}

	/** Send a command on this page's session. */
	send<T = Record<string, unknown>>(method: string, params: Record<string, unknown> = {}) {
		return this.browser.connection.send<T>(method, params, this.sessionId);
	}

	/**
	 * Evaluate `expression` in the page, awaiting a promise it returns, and return its value
	 * (JSON-serialisable values only). A thrown exception rejects with its description.
	 */
	async evaluate<T>(expression: string, options: EvaluateOptions = {}): Promise<T> {
		const timeoutMs = options.timeoutMs ?? 120_000;
		const result = await this.send<{
			result: { value?: unknown };
			exceptionDetails?: { text: string; exception?: { description?: string } };
		}>('Runtime.evaluate', {
			expression,
			awaitPromise: true,
			returnByValue: true,
			timeout: timeoutMs
		});
		if (result.exceptionDetails) {
			const d = result.exceptionDetails;
			throw new Error(`page: ${d.exception?.description ?? d.text}`);
		}
		return result.result.value as T;
	}

	/** Navigate and wait until `ready` (an expression) is truthy. */
	async goto(url: string, ready = 'document.readyState === "complete"', timeoutMs = 20_000) {
		await this.send('Page.navigate', { url });
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			try {
				if (await this.evaluate<boolean>(`Boolean(${ready})`, { timeoutMs: 5_000 })) return;
			} catch {
				// The context is being replaced during navigation: ask again.
			}
			if (Date.now() > deadline) throw new Error(`page ${url} not ready: ${ready}`);
			await new Promise((r) => setTimeout(r, 50));
		}
	}

	/** Force a full garbage collection, then read the JS heap of this page's isolate. */
	async heapAfterGc(): Promise<HeapUsage> {
		await this.send('HeapProfiler.collectGarbage');
		// A second pass collects what the first one's finalisers released.
		await this.send('HeapProfiler.collectGarbage');
		return this.send<HeapUsage>('Runtime.getHeapUsage');
	}

	/**
	 * Start a trace of this page's renderer (every thread: main, workers, compositor, raster) with
	 * `categories`; `stop()` ends it and resolves with its events (Chrome's trace event format, as
	 * `chrome://tracing` and Perfetto load them). With `disabled-by-default-v8.cpu_profiler` the
	 * events carry V8 CPU samples of every isolate, workers included, which a page's `Profiler`
	 * session does not reach.
	 */
	async trace(categories: readonly string[]): Promise<() => Promise<unknown[]>> {
		const events: unknown[] = [];
		const offData = this.browser.connection.on('Tracing.dataCollected', (params, sessionId) => {
			if (sessionId === this.sessionId) events.push(...(params.value as unknown[]));
		});
		await this.send('Tracing.start', {
			transferMode: 'ReportEvents',
			traceConfig: { includedCategories: [...categories], recordMode: 'recordAsMuchAsPossible' }
		});
		return async () => {
			const complete = new Promise<void>((resolve) => {
				const off = this.browser.connection.on('Tracing.tracingComplete', (_, sessionId) => {
					if (sessionId !== this.sessionId) return;
					off();
					resolve();
				});
			});
			await this.send('Tracing.end');
			await complete;
			offData();
			return events;
		};
	}

	/** Close the target (and its browser context, if it had its own). */
	async close(): Promise<void> {
		await this.browser.connection.send('Target.closeTarget', { targetId: this.targetId });
		if (this.browserContextId) {
			await this.browser.connection
				.send('Target.disposeBrowserContext', { browserContextId: this.browserContextId })
				.catch(() => {});
		}
	}
}

/** A running Chromium. */
export class Browser {
	#killed = false;
	#unhook: () => void = () => {};

	private constructor(
		readonly process: ChildProcess,
		readonly profileDir: string,
		readonly connection: Connection,
		/** `Browser.getVersion`'s product, e.g. `HeadlessChrome/156.0.8078.108`. */
		readonly version: string
	) {}

	/** Launch Chromium with a fresh profile and connect to its DevTools endpoint. */
	static async launch(options: LaunchOptions = {}): Promise<Browser> {
		const executable = options.executablePath ?? CHROMIUM_PATH;
		if (!existsSync(executable))
			throw new Error(`${executable} not found (apt-get install chromium)`);
		const profileDir = mkdtempSync(join(tmpdir(), 'kecs-bench-chromium-'));
		const args = [
			...CHROMIUM_FLAGS,
			...(options.args ?? []),
			'--remote-debugging-port=0',
			`--user-data-dir=${profileDir}`,
			'about:blank'
		];
		// Its own process group, so close() can end the browser and every helper it started.
		const child = spawn(executable, args, { detached: true, stdio: ['ignore', 'ignore', 'pipe'] });
		let stderr = '';
		child.stderr?.on('data', (d: Buffer) => {
			if (stderr.length < 8192) stderr += d.toString('utf8');
		});
		const cleanupEarly = () => {
			try {
				if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Already gone.
			}
			rmSync(profileDir, { recursive: true, force: true });
		};
		try {
			const portFile = join(profileDir, 'DevToolsActivePort');
			const deadline = Date.now() + (options.timeoutMs ?? 20_000);
			let endpoint: string | undefined;
			while (endpoint === undefined) {
				if (child.exitCode !== null) {
					throw new Error(`chromium exited with ${child.exitCode}: ${stderr.slice(-800)}`);
				}
				if (existsSync(portFile)) {
					const [port, path] = readFileSync(portFile, 'utf8').split('\n');
					if (port && path) endpoint = `ws://127.0.0.1:${port.trim()}${path.trim()}`;
				}
				if (endpoint === undefined) {
					if (Date.now() > deadline) throw new Error(`no DevTools endpoint: ${stderr.slice(-800)}`);
					await new Promise((r) => setTimeout(r, 50));
				}
			}
			const ws = new WebSocket(endpoint, { perMessageDeflate: false, maxPayload: 256 * 2 ** 20 });
			await new Promise<void>((resolve, reject) => {
				ws.once('open', () => resolve());
				ws.once('error', reject);
			});
			const connection = new Connection(ws);
			const version = await connection.send<{ product: string }>('Browser.getVersion');
			const browser = new Browser(child, profileDir, connection, version.product);
			browser.#unhook = onCleanup(() => browser.kill());
			return browser;
		} catch (error) {
			cleanupEarly();
			throw error;
		}
	}

	/**
	 * Open a page at `url`. With `isolated`, in a browser context of its own (its own cookies,
	 * storage and, with a different site, renderer process).
	 */
	async newPage(url = 'about:blank', options: { isolated?: boolean } = {}): Promise<Page> {
		let browserContextId: string | undefined;
		if (options.isolated) {
			({ browserContextId } = await this.connection.send<{ browserContextId: string }>(
				'Target.createBrowserContext'
			));
		}
		const { targetId } = await this.connection.send<{ targetId: string }>('Target.createTarget', {
			url: 'about:blank',
			...(browserContextId ? { browserContextId } : {})
		});
		const { sessionId } = await this.connection.send<{ sessionId: string }>(
			'Target.attachToTarget',
			{ targetId, flatten: true }
		);
		const page = new Page(this, targetId, sessionId, browserContextId);
		await page.send('Page.enable');
		if (url !== 'about:blank') await page.goto(url);
		return page;
	}

	/** Renderer processes and their CPU time (seconds), from `SystemInfo.getProcessInfo`. */
	async processes(): Promise<{ type: string; id: number; cpuTime: number }[]> {
		const info = await this.connection.send<{
			processInfo: { type: string; id: number; cpuTime: number }[];
		}>('SystemInfo.getProcessInfo');
		return info.processInfo;
	}

	/** End the process group now and remove the profile (synchronous; safe to call twice). */
	kill(): void {
		if (this.#killed) return;
		this.#killed = true;
		this.#unhook();
		try {
			if (this.process.pid !== undefined) process.kill(-this.process.pid, 'SIGKILL');
		} catch {
			// Already gone.
		}
		rmSync(this.profileDir, { recursive: true, force: true });
	}

	/** Ask Chromium to quit, wait briefly, then end whatever is left and remove the profile. */
	async close(): Promise<void> {
		if (this.#killed) return;
		const exited = new Promise<void>((resolve) => {
			if (this.process.exitCode !== null || this.process.signalCode !== null) resolve();
			else this.process.once('exit', () => resolve());
		});
		try {
			await Promise.race([this.connection.send('Browser.close'), exited]);
		} catch {
			// The connection may drop before the reply: that is the browser quitting.
		}
		await Promise.race([exited, new Promise((r) => setTimeout(r, 3_000))]);
		this.connection.close();
		// Helpers (zygote, utility processes) may outlive the main process briefly.
		this.kill();
	}
}
