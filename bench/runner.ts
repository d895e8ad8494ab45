/**
 * The benchmark runner (bundled to bench/out/runner.js by scripts/bench.js; run it through
 * `npm run bench`). Runs the selected cases one after another, prints a table, and writes
 * bench/results.json and docs/benchmarks.md.
 *
 *   --quick            shorter windows and fewer repeats (CI; under 2 minutes with the builds)
 *   --cases=a,b        only these cases (ids in bench/cases/index.ts)
 *   --repeats=N        repeats per measurement, overriding each case's default
 *   --no-write         print only; leave results.json and docs/benchmarks.md alone
 *   --from-results     measure nothing: print and rewrite docs/benchmarks.md from bench/results.json
 *   --child=gateway    internal: be a gateway child process (lib/gateway-child.ts)
 *
 * Environment: BENCH_DEBUG=1 logs each browser measurement's timings; BENCH_CHILD_NODE_ARGS adds
 * Node flags to the gateway children (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Browser, CHROMIUM_PATH } from './cdp';
import { CASES, PENDING } from './cases/index';
import type { CaseContext, CaseResult } from './lib/case';
import { runGatewayChild } from './lib/gateway-child';
import { loadWindow, machineInfo } from './lib/machine';
import { markdownReport, textReport, type RunReport } from './lib/report';

interface Args {
	quick: boolean;
	cases: string[] | undefined;
	repeats: number | undefined;
	write: boolean;
	fromResults: boolean;
	child: string | undefined;
}

function parseArgs(argv: readonly string[]): Args {
	const args: Args = {
		quick: false,
		cases: undefined,
		repeats: undefined,
		write: true,
		fromResults: false,
		child: undefined
	};
	for (const arg of argv) {
		const [name, value] = arg.split('=', 2) as [string, string | undefined];
		if (name === '--quick') args.quick = true;
		else if (name === '--no-write') args.write = false;
		else if (name === '--from-results') args.fromResults = true;
		else if (name === '--cases' && value) args.cases = value.split(',').filter(Boolean);
		else if (name === '--repeats' && value && Number(value) >= 1)
			args.repeats = Math.floor(Number(value));
		else if (name === '--child' && value) args.child = value;
		else throw new Error(`unknown argument ${arg} (see bench/runner.ts)`);
	}
	return args;
}

async function main(): Promise<void> {
	const args = parseArgs(process.argv.slice(2));
	if (args.child === 'gateway') return runGatewayChild();
	if (args.child) throw new Error(`unknown child role ${args.child}`);

	const runnerPath = fileURLToPath(import.meta.url);
	const root = resolve(dirname(runnerPath), '../..');
	if (args.fromResults) {
		const saved = JSON.parse(readFileSync(join(root, 'bench/results.json'), 'utf8')) as RunReport;
		console.log(textReport(saved));
		writeFileSync(join(root, 'docs/benchmarks.md'), markdownReport(saved, PENDING));
		return;
	}
	const selected = args.cases
		? args.cases.map((id) => {
				const c = CASES.find((x) => x.id === id);
				if (!c) throw new Error(`unknown case ${id}; known: ${CASES.map((x) => x.id).join(', ')}`);
				return c;
			})
		: [...CASES];
	const needsBrowser = selected.some((c) => c.browser);
	const machine = machineInfo(needsBrowser ? CHROMIUM_PATH : null, root);
	const log = (message: string) => process.stderr.write(`${message}\n`);

	let browser: Promise<Browser> | undefined;
	const ctx: CaseContext = {
		quick: args.quick,
		repeats: args.repeats,
		runnerPath,
		pageDir: join(root, 'bench/out/page'),
		browser: () => (browser ??= Browser.launch()),
		log
	};

	const started = performance.now();
	const results: CaseResult[] = [];
	const errors: RunReport['errors'] = [];
	try {
		for (const c of selected) {
			log(`▶ ${c.id}: ${c.title}`);
			const end = loadWindow();
			const t = performance.now();
			try {
				const r = await c.run(ctx);
				results.push({ id: c.id, title: c.title, ...r, load: end() });
			} catch (error) {
				end();
				errors.push({
					id: c.id,
					error: error instanceof Error ? (error.stack ?? error.message) : String(error)
				});
				log(`  failed: ${String(error)}`);
			}
			log(`  (${((performance.now() - t) / 1000).toFixed(1)} s)`);
		}
	} finally {
		if (browser) await (await browser.catch(() => undefined))?.close();
	}

	const report: RunReport = {
		mode: args.quick ? 'quick' : 'full',
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		machine,
		seconds: (performance.now() - started) / 1000,
		cases: results,
		errors
	};
	console.log(textReport(report));
	if (args.write) {
		writeFileSync(join(root, 'bench/results.json'), `${JSON.stringify(report, null, '\t')}\n`);
		mkdirSync(join(root, 'docs'), { recursive: true });
		writeFileSync(join(root, 'docs/benchmarks.md'), markdownReport(report, PENDING));
		log('wrote bench/results.json and docs/benchmarks.md');
	}
	// A bench reports; it does not fail on a missed bar. Only a case that could not run is an error.
	process.exitCode = errors.length > 0 ? 1 : 0;
}

main().catch((error: unknown) => {
	console.error(error);
	process.exit(1);
});
