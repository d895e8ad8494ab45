/**
 * Issue 7, case 6: JavaScript sizes, gzipped. What `/` and `/websocket-demo` actually load in
 * Chromium from the built app (`npm start`'s server), and the connection layer by itself beside
 * phoenix.js and socket.io-client, each bundled alone the same way from its npm package. The
 * connection layer is also bundled with XState left out, and, for issue 3's bar on what the module
 * adds to the client beside XState, as the app pulls it in (see {@link clientAppImports}).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BarCheck, BenchCase, Figure } from '../lib/case';
import { librarySizes, pageScripts, type PageScripts } from '../lib/bundles';
import { onCleanup } from '../lib/cleanup';
import { summarize } from '../lib/stats';

const KB = 1000;
/** Issue 3: the connection module, without XState itself, adds at most this much gzip. */
const CONNECTION_WITHOUT_XSTATE_MAX_KB = 8;
/**
 * What the app's own code imports at run time from the connection module (src/lib/connection):
 * every value import of `$lib/connection…` in src/routes and src/lib outside the module itself
 * (the root layout, which creates, shares and starts the tab's connection; the pages; the
 * components; the stream stores, which subscribe and request through it), read from the sources
 * at each run so the figure follows the app. Tests, fakes (src/lib/testing) and type-only imports
 * are left out. Everything these reach is counted: the client, the machine, the socket actor, the
 * frame codec and its validators, the subscription registry, the outbox, backoff, close codes, the
 * transition log the provider always records, the Svelte bindings and the provider component.
 * Chunks loaded by `import()` are not (the Stately inspector behind `?inspect`, the worker
 * transport behind `?transport=worker`), unless a static import reaches them too.
 */
function clientAppImports(root: string): string[] {
	const files: string[] = [];
	const skip = ['connection', 'testing', 'server'].map((d) => join(root, 'src/lib', d));
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) {
				if (!skip.includes(path)) walk(path);
			} else if (/\.(ts|js|svelte)$/.test(entry.name) && !/\.(spec|test)\./.test(entry.name)) {
				files.push(path);
			}
		}
	};
	walk(join(root, 'src/routes'));
	walk(join(root, 'src/lib'));
	const lines = new Set<string>();
	const importRe =
		/import\s+(?!type[\s{])([\w$]+\s*,?\s*)?(\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*from\s*['"](\$lib\/connection(?:\/[^'"]*)?)['"]/g;
	const namespaces = new Set<string>();
	for (const file of files) {
		for (const [, defaultName, named, from] of readFileSync(file, 'utf8').matchAll(importRe)) {
			// `import * as x`: count everything the module exports.
			if (named?.startsWith('*')) namespaces.add(`export * from '${from!}';`);
			const names = (named?.startsWith('{') ? named : '')
				.slice(1, -1)
				.split(',')
				.map((n) => n.trim().split(/\s+as\s+/)[0]!)
				.filter((n) => n !== '' && !n.startsWith('type '));
			if (defaultName?.replace(',', '').trim()) names.push('default');
			for (const name of names) lines.add(`${name}\u0000${from}`);
		}
	}
	const resolved = new Set(
		[...lines].map((line) => {
			const [name, from] = line.split('\u0000') as [string, string];
			return throughBarrel(root, name, from).join('\u0000');
		})
	);
	// Unique aliases: two modules may export the same name.
	const named = [...resolved].sort().map((line, i) => {
		const [name, from] = line.split('\u0000') as [string, string];
		return `export { ${name} as i${i} } from '${from}';`;
	});
	return [...named, ...namespaces];
}

/**
 * The module a barrel (`$lib/connection`, `$lib/connection/svelte`: an index.ts of re-exports)
 * takes `name` from, else `from` itself. The app's build drops a barrel's unused re-exports, so a
 * module the app otherwise loads only by `import()` stays a lazy chunk there (checked in
 * build/client: the worker transport's chunk is imported dynamically only). A library build of
 * one entry would instead keep such a module in the entry chunk, as reachable through the barrel,
 * and count code the app never loads eagerly.
 */
function throughBarrel(root: string, name: string, from: string): [name: string, from: string] {
	const dir = join(root, 'src/lib', from.slice('$lib/'.length));
	let barrel: string;
	try {
		barrel = readFileSync(join(dir, 'index.ts'), 'utf8');
	} catch {
		return [name, from]; // a module, not a barrel
	}
	for (const [, names, target] of barrel.matchAll(/export\s*\{([^}]*)\}\s*from\s*'([^']+)'/g)) {
		for (const n of names!.split(',')) {
			const [source, alias] = n.trim().split(/\s+as\s+/) as [string, string | undefined];
			if ((alias ?? source) === name) return [source, `${from}/${target!.replace(/^\.\//, '')}`];
		}
	}
	return [name, from];
}

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
			'  library builds (connection layer with and without xstate, as the app imports it, phoenix, socket.io-client)'
		);
		const connectionSource = `export * from '${root}/src/lib/connection/index.ts';`;
		const clientImports = clientAppImports(root);
		// The library builds run in a child process beside the app's start (which may rebuild it).
		const libsBuilt = librarySizes(root, join(root, 'bench/out/bundle'), [
			{ key: 'connection', source: connectionSource },
			{ key: 'connection_without_xstate', source: connectionSource, external: ['xstate'] },
			{
				key: 'connection_client',
				source: clientImports.join('\n'),
				// Svelte is the app's framework, loaded whatever the connection does.
				external: ['xstate', 'svelte'],
				svelte: true
			},
			{ key: 'phoenix', source: "export * from 'phoenix';" },
			{ key: 'socketio', source: "export * from 'socket.io-client';" }
		]);
		ctx.log('  the app (scripts/start.js; it rebuilds when the build is stale)');
		const [libsResult, appResult] = await Promise.allSettled([libsBuilt, startApp(root)]);
		if (libsResult.status === 'rejected') {
			if (appResult.status === 'fulfilled') await appResult.value.stop();
			throw libsResult.reason;
		}
		if (appResult.status === 'rejected') throw appResult.reason;
		const libs = libsResult.value;
		const app = appResult.value;
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
				'connection layer alone (every export of src/lib/connection/index.ts and its dependencies, xstate included)',
			connection_without_xstate:
				'connection module without XState (the same build, every export, with `xstate` left external)',
			connection_client:
				'connection module as the app imports it, without XState and Svelte (what it adds to the client)',
			phoenix: `phoenix ${version(root, 'phoenix')} (npm package, whole module)`,
			socketio: `socket.io-client ${version(root, 'socket.io-client')} (npm package, whole module)`
		};
		for (const key of [
			'connection',
			'connection_without_xstate',
			'connection_client',
			'phoenix',
			'socketio'
		]) {
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
		// Issue 3 asks what the module adds to the client: the app's own imports of it (see
		// clientAppImports), not every export of the barrel.
		const bare = kb(lib('connection_client').gzip);
		const bars: BarCheck[] = [
			{
				label: "the dashboard's JavaScript (`/`), gzipped, under 120 KB",
				value: `${dash.toFixed(1)} KB (${((dash * KB) / 1024).toFixed(1)} KiB)`,
				met: dash < 120,
				source: 'issue 5'
			},
			{
				label: `the connection module (without XState) adds at most ${CONNECTION_WITHOUT_XSTATE_MAX_KB} KB gzip to the client (as the app imports it)`,
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
		const clientLib = lib('connection_client');
		const clientComposition = composedOf(clientLib.packages);
		if (clientComposition) {
			notes.push(
				'What the connection module as the app imports it is made of (xstate and svelte left out; the issue-3 bar ' +
					`is on this figure): ${clientComposition}; the largest of our modules in it (tree-shaken, before minification): ` +
					`${largest(clientLib.modules, 8)}. It also has ${kb(clientLib.lazyGzip).toFixed(1)} KB gzip of chunks ` +
					'loaded only on demand, not counted (the Stately inspector behind `?inspect`, the worker transport behind ' +
					'`?transport=worker`).'
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
				"(ES module, minified, `process.env.NODE_ENV` production, the browser's resolve conditions; the whitespace " +
				"that Vite's library mode keeps in ES output is then removed, as the app's own build removes it): " +
				'`src/lib/connection/index.ts` (everything it exports, developer tools and the opt-in worker transport ' +
				'included), once whole and once with `xstate` (and its subpaths) left external; the connection module as ' +
				"the app imports it (an entry re-exporting every value the app's own code, tests and fakes left out, imports " +
				'from src/lib/connection, read from the sources; ' +
				"components compiled with the project's svelte.config.js), with `xstate` and `svelte` left external: what " +
				'it adds to a Svelte client, the figure of the issue-3 bar; `phoenix` and `socket.io-client` from their npm ' +
				'packages (everything they export); the entry chunk and the chunks it imports statically, gzipped at level 9. ' +
				'KB = 1,000 bytes.',
			params: {
				routes: ROUTES.map((r) => r.path),
				libraries: Object.keys(names),
				client_app_imports: clientImports
			},
			figures,
			bars,
			notes,
			raw: { pages, libraries: libs }
		};
	}
};
