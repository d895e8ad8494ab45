// Checks that the code blocks of docs/websocket-integration.md are byte-identical to their
// sources (the example components in docs/examples/ and the diagram generated from the
// connection statechart), or rewrites them with --write. `npm test` runs the same check
// (src/routes/guide/guide.spec.ts).
//
//   node scripts/guide-examples.js           exit 1 and list the differences
//   node scripts/guide-examples.js --write   copy the sources into the guide
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { runnerImport } from 'vite';

const GUIDE = 'docs/websocket-integration.md';
const load = (path) =>
	runnerImport(path, {
		configFile: false,
		logLevel: 'warn',
		resolve: { alias: { $lib: resolve('src/lib') } }
	}).then((r) => r.module);

const { syncGuide } = await load('./src/routes/guide/guide-sync.ts');
const { connectionMermaid } = await load('./src/lib/connection/diagram.ts');

const sources = new Map([['connectionMermaid()', connectionMermaid()]]);
for (const file of readdirSync('docs/examples').filter((f) => f.endsWith('.svelte'))) {
	const path = `docs/examples/${file}`;
	sources.set(path, readFileSync(path, 'utf8'));
}
const guide = readFileSync(GUIDE, 'utf8');
const { text, problems } = syncGuide(guide, sources);

if (process.argv.includes('--write')) {
	if (text !== guide) writeFileSync(GUIDE, text);
	const left = problems.filter((p) => !p.includes('differs'));
	for (const p of left) console.error(p);
	console.log(`${GUIDE}: ${text === guide ? 'already in sync' : 'rewritten'}`);
	process.exit(left.length > 0 ? 1 : 0);
}
for (const p of problems) console.error(p);
console.log(
	problems.length === 0 ? `${GUIDE} is in sync` : `run: node scripts/guide-examples.js --write`
);
process.exit(problems.length > 0 ? 1 : 0);
