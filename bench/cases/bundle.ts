/**
 * Issue 7, case 6: JavaScript sizes, gzipped. What `/` and `/websocket-demo` actually load in
 * Chromium from the built app (`npm start`'s server), and the connection layer by itself beside
 * phoenix.js and socket.io-client, each bundled alone the same way from its npm package. The
 * connection layer is also bundled with XState left out, for issue 3's bar on what the module
 * adds beside XState.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { librarySizes, pageScripts, type PageScripts } from '../lib/bundles';
import { onCleanup } from '../lib/cleanup';
import { summarize } from '../lib/stats';

const KB = 1000;
/** Issue 3: the connection module, without XState itself, adds at most this much gzip. */
const CONNECTION_WITHOUT_XSTATE_MAX_KB = 8;
const ROUTES = [
	{ key: 'dashboard', path: '/', label: '`/` (the dashboard)' },
	{ key: 'websocket_demo', path: '/websocket-demo', label: '`/websocket-demo`' }
] as const;

/** Start `node scripts/start.js` (builds first if the build is stale) on a free port. */
async function startApp(root: string): Promise<{ url: string; stop: () => Promise<void> }> {
	const child: ChildProcess = spawn(process.execPath, [join(root, 'scripts/start.js')], {
		cwd: root,
		env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SIM_LOG_RATE: '20' },
		stdio: ['ignore', 'pipe', 'pipe'],
		detached: true
	});
	const unhook = onCleanup(() => {
		try {
			if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
		} catch {
			// Gone already.
		}
	});
	let output = '';
	const url = await new Promise<string>((resolvePromise, reject) => {
		const timer = setTimeout(
			() => reject(new Error(`the app did not start in 300 s: ${output.slice(-1000)}`)),
			300_000
		);
		const onData = (d: Buffer) => {
			output += d.toString('utf8');
			const m = /listening on (http:\/\/\S+)/.exec(output);
			if (m) {
				clearTimeout(timer);
				resolvePromise(m[1]!);
			}
		};
		child.stdout?.on('data', onData);
		child.stderr?.on('data', onData);
		child.once('exit', (code) => {
			clearTimeout(timer);
			reject(new Error(`the app exited (${code}): ${output.slice(-1000)}`));
		});
	});
	return {
		url,
		stop: async () => {
			const exited = new Promise<void>((r) => child.once('exit', () => r()));
			if (child.exitCode === null) child.kill('SIGTERM');
			await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
			try {
				if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
			} catch {
				// Gone already.
			}
			unhook();
		}
	};
}

function version(root: string, pkg: string): string {
	try {
		return (
			JSON.parse(readFileSync(join(root, 'node_modules', pkg, 'package.json'), 'utf8')) as {
				version: string;
			}
		).version;
	} catch {
		return '?';
	}
}

const kb = (bytes: number) => bytes / KB;

/** `name 51%, name 27%, ...`: shares of rendered bytes, largest first, those under 0.5% left out. */
function composedOf(parts: Record<string, number>): string {
	const shares = Object.entries(parts).sort((a, b) => b[1] - a[1]);
	const total = shares.reduce((sum, [, v]) => sum + v, 0);
	if (total <= 0) return '';
	return shares
		.filter(([, v]) => v / total >= 0.005)
		.map(([name, v]) => `${name} ${((v / total) * 100).toFixed(0)}%`)
		.join(', ');
}

/** The `n` largest modules, `path 12.3 KB` each (rendered, before minification). */
function largest(modules: Record<string, number>, n: number): string {
	return Object.entries(modules)
		.sort((a, b) => b[1] - a[1])
		.slice(0, n)
		.map(([file, v]) => `${file} ${kb(v).toFixed(1)} KB`)
		.join(', ');
}

export const bundle: BenchCase = {
	id: 'bundle',
	title:
		'Bundle: gzipped JavaScript of the pages and of the connection layer, beside phoenix.js and socket.io-client',
	browser: true,
	async run(ctx) {
		const root = resolve(dirname(ctx.runnerPath), '../..');
		ctx.log(
			'  library builds (connection layer with and without xstate, phoenix, socket.io-client)'
		);
		const connectionSource = `export * from '${root}/src/lib/connection/index.ts';`;
		const libs = await librarySizes(root, join(root, 'bench/out/bundle'), [
			{ key: 'connection', source: connectionSource },
			{ key: 'connection_without_xstate', source: connectionSource, external: ['xstate'] },
			{ key: 'phoenix', source: "export * from 'phoenix';" },
			{ key: 'socketio', source: "export * from 'socket.io-client';" }
		]);
		ctx.log('  the app (scripts/start.js; it rebuilds when the build is stale)');
		const app = await startApp(root);
		const pages: Record<string, PageScripts> = {};
		try {
			const browser = await ctx.browser();
			for (const r of ROUTES) {
				pages[r.key] = await pageScripts(browser, `${app.url}${r.path}`);
				ctx.log(
					`  ${r.path}: ${pages[r.key]!.scripts.length} scripts, ${kb(pages[r.key]!.gzip).toFixed(1)} KB gzip`
				);
			}
		} finally {
			await app.stop();
		}

		const lib = (key: string) => libs.find((l) => l.key === key)!;
		const one = (v: number) => summarize([v]);
		const figures: Figure[] = [];
		for (const r of ROUTES) {
			const p = pages[r.key]!;
			figures.push(
				{
					key: `page_js_gzip_kb.${r.key}`,
					label: `${r.label}: JavaScript loaded, gzip -9 (${p.scripts.length} files)`,
					unit: 'KB',
					summary: one(kb(p.gzip)),
					digits: 1
				},
				{
					key: `page_js_kb.${r.key}`,
					label: '↳ uncompressed',
					unit: 'KB',
					summary: one(kb(p.bytes)),
					digits: 1
				}
			);
		}
		const names: Record<string, string> = {
			connection:
				'connection layer alone (src/lib/connection/index.ts and its dependencies, xstate included)',
			connection_without_xstate:
				'connection module without XState (the same build with `xstate` left external)',
			phoenix: `phoenix ${version(root, 'phoenix')} (npm package, whole module)`,
			socketio: `socket.io-client ${version(root, 'socket.io-client')} (npm package, whole module)`
		};
		for (const key of ['connection', 'connection_without_xstate', 'phoenix', 'socketio']) {
			const l = lib(key);
			figures.push(
				{
					key: `library_gzip_kb.${key}`,
					label: `${names[key]}, minified, gzip -9`,
					unit: 'KB',
					summary: one(kb(l.gzip)),
					digits: 1
				},
				{
					key: `library_kb.${key}`,
					label: '↳ minified, uncompressed',
					unit: 'KB',
					summary: one(kb(l.bytes)),
					digits: 1
				}
			);
		}
		const conn = lib('connection');
		figures.push(
			{
				key: 'ratio.connection_over_phoenix',
				label: 'connection layer / phoenix (gzip)',
				unit: 'x',
				summary: one(conn.gzip / lib('phoenix').gzip),
				digits: 2
			},
			{
				key: 'ratio.connection_over_socketio',
				label: 'connection layer / socket.io-client (gzip)',
				unit: 'x',
				summary: one(conn.gzip / lib('socketio').gzip),
				digits: 2
			}
		);
		const dash = kb(pages.dashboard!.gzip);
		const bare = kb(lib('connection_without_xstate').gzip);
		const bars: BarCheck[] = [
			{
				label: "the dashboard's JavaScript (`/`), gzipped, under 120 KB",
				value: `${dash.toFixed(1)} KB (${((dash * KB) / 1024).toFixed(1)} KiB)`,
				met: dash < 120,
				source: 'issue 5'
			},
			{
				label: `the connection module (without XState) adds at most ${CONNECTION_WITHOUT_XSTATE_MAX_KB} KB gzip`,
				value: `${bare.toFixed(1)} KB (${((bare * KB) / 1024).toFixed(1)} KiB)`,
				met: bare <= CONNECTION_WITHOUT_XSTATE_MAX_KB,
				source: 'issue 3'
			}
		];
		const notes: string[] = [];
		for (const r of ROUTES) {
			const p = pages[r.key]!;
			notes.push(
				`${r.path} loads: ` +
					p.scripts
						.map((s) => `${new URL(s.url).pathname.split('/').pop()} ${kb(s.gzip).toFixed(1)} KB`)
						.join(', ') +
					' (gzip -9 each).'
			);
		}
		const composition = composedOf(conn.packages);
		if (composition) {
			notes.push(
				`What the connection layer is made of (shares of its tree-shaken code before minification): ${composition}.`
			);
		}
		const bareLib = lib('connection_without_xstate');
		const bareComposition = composedOf(bareLib.packages);
		if (bareComposition) {
			notes.push(
				'What the connection module without XState is made of (the same shares, xstate left out): ' +
					`${bareComposition}; the largest of our modules in it (tree-shaken, before minification): ` +
					`${largest(bareLib.modules, 6)}.`
			);
		}
		if (conn.lazyGzip > 0) {
			notes.push(
				`The connection layer also has ${kb(conn.lazyGzip).toFixed(1)} KB gzip of chunks it loads only on demand ` +
					'(the Stately inspector, behind `?inspect`), not counted above.'
			);
		}
		notes.push(
			'Issue 7 quotes phoenix.js at about 7.8 KB gzip and socket.io-client at about 14.4 KB gzip; the figures here are ' +
				'measured from the installed packages with the same build as the connection layer.'
		);
		return {
			method:
				'Pages: the built app served by `scripts/start.js` (what `npm start` runs; it rebuilds when the sources are newer ' +
				'than the build) on a free loopback port; each route loaded in a fresh isolated Chromium page (bench/cdp.ts) with the ' +
				"cache disabled and CDP's Network domain on; every JavaScript response (type Script or a JavaScript MIME type) " +
				'until the network has been quiet for 1.5 s after the load event is taken with Network.getResponseBody, gzipped at ' +
				'level 9 file by file, and summed: what the page actually loads on arrival (chunks loaded later, on a click, are ' +
				'not counted). Libraries: each module bundled by itself with all its dependencies by a Vite library build ' +
				"(ES module, minified, `process.env.NODE_ENV` production, the browser's resolve conditions): " +
				'`src/lib/connection/index.ts` (everything it exports), once whole and once with `xstate` (and its subpaths) ' +
				'left external, `phoenix` and `socket.io-client` from their npm packages (everything they export); the entry ' +
				'chunk and the chunks it imports statically, gzipped at level 9. KB = 1,000 bytes.',
			params: { routes: ROUTES.map((r) => r.path), libraries: Object.keys(names) },
			figures,
			bars,
			notes,
			raw: { pages, libraries: libs }
		};
	}
};
