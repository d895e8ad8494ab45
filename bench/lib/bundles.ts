/**
 * JavaScript sizes for the bundle case: what a page actually loads (every script response seen by
 * Chromium over CDP's Network domain, each gzipped at level 9), and what a module costs by itself
 * (a Vite library build of one entry with all its dependencies, minified with its whitespace
 * removed as an app's build does, each output chunk the entry loads statically gzipped at level 9).
 *
 * The library builds run Vite in a child Node process: the runner is itself a Vite bundle and
 * does not carry Vite inside it.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Browser } from '../cdp';
import { sleep } from './stats';

/** gzip -9 size of `data`, bytes. */
export function gzipSize(data: Buffer | string): number {
	return gzipSync(data, { level: 9 }).length;
}

/** One script a page loaded. */
export interface ScriptResponse {
	url: string;
	/** Bytes of the body as served (uncompressed: the built app serves no pre-compressed files to CDP). */
	bytes: number;
	gzip: number;
}

/** What a page loaded: its scripts, and their sums. */
export interface PageScripts {
	url: string;
	scripts: ScriptResponse[];
	bytes: number;
	gzip: number;
}

/**
 * Load `url` in a fresh isolated page and collect every JavaScript response until the network has
 * been quiet for `quietMs` after the load event.
 */
export async function pageScripts(
	browser: Browser,
	url: string,
	quietMs = 1_500
): Promise<PageScripts> {
	const page = await browser.newPage('about:blank', { isolated: true });
	const scripts = new Map<string, { url: string }>();
	const finished = new Set<string>();
	let lastActivity = performance.now();
	const conn = browser.connection;
	const offs = [
		conn.on('Network.responseReceived', (params, sessionId) => {
			if (sessionId !== page.sessionId) return;
			lastActivity = performance.now();
			const p = params as {
				requestId: string;
				type?: string;
				response: { url: string; mimeType: string };
			};
			const isJs =
				p.type === 'Script' ||
				/javascript|ecmascript/.test(p.response.mimeType) ||
				/\.m?js(\?|$)/.test(p.response.url);
			if (isJs) scripts.set(p.requestId, { url: p.response.url });
		}),
		conn.on('Network.loadingFinished', (params, sessionId) => {
			if (sessionId !== page.sessionId) return;
			lastActivity = performance.now();
			finished.add((params as { requestId: string }).requestId);
		}),
		conn.on('Network.requestWillBeSent', (_params, sessionId) => {
			if (sessionId === page.sessionId) lastActivity = performance.now();
		})
	];
	try {
		// No cache: every script comes over the wire and its body is available.
		await page.send('Network.enable', { maxTotalBufferSize: 64 * 2 ** 20 });
		await page.send('Network.setCacheDisabled', { cacheDisabled: true });
		await page.goto(url);
		const deadline = performance.now() + 30_000;
		while (performance.now() - lastActivity < quietMs && performance.now() < deadline) {
			await sleep(100);
		}
		const out: ScriptResponse[] = [];
		for (const [requestId, s] of scripts) {
			if (!finished.has(requestId)) continue;
			const body = await page.send<{ body: string; base64Encoded: boolean }>(
				'Network.getResponseBody',
				{ requestId }
			);
			const data = Buffer.from(body.body, body.base64Encoded ? 'base64' : 'utf8');
			out.push({ url: s.url, bytes: data.length, gzip: gzipSize(data) });
		}
		out.sort((a, b) => b.gzip - a.gzip);
		return {
			url,
			scripts: out,
			bytes: out.reduce((s, x) => s + x.bytes, 0),
			gzip: out.reduce((s, x) => s + x.gzip, 0)
		};
	} finally {
		for (const off of offs) off();
		await page.close().catch(() => {});
	}
}

/** A module to bundle by itself. */
export interface LibraryEntry {
	key: string;
	/** The entry module's source (e.g. `export * from 'phoenix';`). */
	source: string;
	/**
	 * Packages left out of the bundle (imports of them, and of their subpaths, stay imports): to
	 * measure what a module adds beside a dependency the page loads anyway.
	 */
	external?: readonly string[];
	/**
	 * Compile `.svelte` files with the project's own Svelte setup (svelte.config.js), for an entry
	 * that imports components. Default false.
	 */
	svelte?: boolean;
}

/** What one library build produced. */
export interface LibrarySize {
	key: string;
	/** Minified bytes (whitespace removed) of the entry chunk and the chunks it imports statically. */
	bytes: number;
	gzip: number;
	/** The same for chunks only imported dynamically (loaded on demand, not counted above). */
	lazyBytes: number;
	lazyGzip: number;
	chunks: number;
	/** Rendered (tree-shaken, not yet minified) bytes by npm package (`our code` for the rest). */
	packages: Record<string, number>;
	/** The same for each module of our code (path from the repository root), eager chunks only. */
	modules: Record<string, number>;
	/** The packages left external, as asked. */
	external: string[];
}

/** The child's script: one Vite library build per entry, sizes on stdout as JSON. */
const BUILD_SCRIPT = `
import { build } from 'vite';
import { minify } from 'rolldown/experimental';
import { gzipSync } from 'node:zlib';
// Only the entries that import components need the Svelte compiler; svelte() reads svelte.config.js.
const svelte = async () => (await import('@sveltejs/vite-plugin-svelte')).svelte();
const { root, dir, entries } = JSON.parse(process.env.BENCH_BUNDLE_JOB);
const out = [];
for (const e of entries) {
	const external = e.external ?? [];
	const result = await build({
		configFile: false,
		root,
		plugins: e.svelte ? [await svelte()] : [],
		logLevel: 'silent',
		mode: 'production',
		define: { 'process.env.NODE_ENV': '"production"' },
		resolve: { alias: { $lib: root + '/src/lib' } },
		build: {
			lib: { entry: dir + '/' + e.key + '.js', formats: ['es'], fileName: e.key },
			outDir: dir + '/out-' + e.key,
			emptyOutDir: true,
			write: false,
			minify: true,
			sourcemap: false,
			reportCompressedSize: false,
			rolldownOptions: {
				external: (id) => external.some((p) => id === p || id.startsWith(p + '/'))
			}
		}
	});
	const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
	const chunks = new Map(outputs.filter((o) => o.type === 'chunk').map((c) => [c.fileName, c]));
	const entry = [...chunks.values()].find((c) => c.isEntry);
	const eager = new Set();
	const visit = (name) => {
		if (eager.has(name) || !chunks.has(name)) return;
		eager.add(name);
		for (const i of chunks.get(name).imports) visit(i);
	};
	visit(entry.fileName);
	let bytes = 0, gzip = 0, lazyBytes = 0, lazyGzip = 0;
	const packages = {};
	const modules = {};
	for (const c of chunks.values()) {
		// Vite's library mode minifies an ES build but keeps its whitespace (so that the pure
		// annotations survive for the library's users); an app's build removes it, so remove it
		// here as the app would (about 14% of the gzip of these modules).
		const options = { compress: false, mangle: false, codegen: { removeWhitespace: true } };
		const code = (await minify(c.fileName, c.code, options)).code;
		const b = Buffer.byteLength(code);
		const g = gzipSync(code, { level: 9 }).length;
		if (eager.has(c.fileName)) { bytes += b; gzip += g; } else { lazyBytes += b; lazyGzip += g; continue; }
		for (const [id, m] of Object.entries(c.modules ?? {})) {
			const at = id.lastIndexOf('/node_modules/');
			let name = 'our code';
			if (at >= 0) {
				const parts = id.slice(at + 14).split('/');
				name = parts[0].startsWith('@') ? parts[0] + '/' + parts[1] : parts[0];
			} else if (id.startsWith(root + '/')) {
				const file = id.slice(root.length + 1);
				modules[file] = (modules[file] ?? 0) + (m.renderedLength ?? 0);
			}
			packages[name] = (packages[name] ?? 0) + (m.renderedLength ?? 0);
		}
	}
	out.push({ key: e.key, bytes, gzip, lazyBytes, lazyGzip, chunks: chunks.size, packages, modules, external });
}
process.stdout.write('BENCH_BUNDLE_RESULT ' + JSON.stringify(out) + '\\n');
`;

/** Build each entry by itself with Vite (library mode, minified) and measure it. */
export async function librarySizes(
	root: string,
	workDir: string,
	entries: readonly LibraryEntry[]
): Promise<LibrarySize[]> {
	mkdirSync(workDir, { recursive: true });
	for (const e of entries) writeFileSync(join(workDir, `${e.key}.js`), `${e.source}\n`);
	const job = {
		root,
		dir: workDir,
		entries: entries.map((e) => ({
			key: e.key,
			external: e.external ?? [],
			svelte: e.svelte ?? false
		}))
	};
	const child = spawn(process.execPath, ['--input-type=module', '-e', BUILD_SCRIPT], {
		cwd: root,
		env: { ...process.env, BENCH_BUNDLE_JOB: JSON.stringify(job) },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	let stdout = '';
	let stderr = '';
	child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
	child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
	const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
	const line = stdout.split('\n').find((l) => l.startsWith('BENCH_BUNDLE_RESULT '));
	if (code !== 0 || !line) {
		throw new Error(`library build failed (${code}): ${stderr.slice(-2000)}`);
	}
	return JSON.parse(line.slice('BENCH_BUNDLE_RESULT '.length)) as LibrarySize[];
}
