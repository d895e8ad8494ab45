/**
 * docs/websocket-integration.md stays true to the code: its example code is byte-identical to
 * docs/examples/, its connection diagram is the one generated from the statechart, its
 * transition table covers every arrow of that diagram, and the links between the guide and the
 * demo page land on anchors that exist.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { connectionMermaid } from '$lib/connection/diagram';
import { EXAMPLE_NAMES, EXAMPLES } from './examples/registry';
import { syncGuide } from './guide-sync';
import {
	anchors,
	appHref,
	inline,
	parseMarkdown,
	slug,
	type Inline,
	type ListBlock
} from './markdown';

const GUIDE_PATH = 'docs/websocket-integration.md';
const guide = readFileSync(GUIDE_PATH, 'utf8');
const exampleFiles = readdirSync('docs/examples').filter((f) => f.endsWith('.svelte'));
const DEMO_SOURCES = [
	'src/routes/websocket-demo/+page.svelte',
	...readdirSync('src/lib/components/demo')
		.filter((f) => f.endsWith('.svelte'))
		.map((f) => `src/lib/components/demo/${f}`)
];

function sources(): Map<string, string> {
	const map = new Map([['connectionMermaid()', connectionMermaid()]]);
	for (const file of exampleFiles) {
		map.set(`docs/examples/${file}`, readFileSync(`docs/examples/${file}`, 'utf8'));
	}
	return map;
}

/** The text of every item of a list, nested ones included. */
function listTexts(list: ListBlock): Inline[][] {
	return list.items.flatMap((item) => [item.text, ...(item.sub ? listTexts(item.sub) : [])]);
}

/** Every link of the guide (inline `[text](href)`), wherever it is. */
function guideLinks(): string[] {
	const out: string[] = [];
	const collect = (pieces: ReturnType<typeof inline>) => {
		for (const p of pieces) if (p.kind === 'link') out.push(p.href);
	};
	for (const block of parseMarkdown(guide)) {
		if (block.kind === 'paragraph' || block.kind === 'heading') collect(block.text);
		if (block.kind === 'list') listTexts(block).forEach(collect);
		if (block.kind === 'table') [...block.head, ...block.rows.flat()].forEach(collect);
	}
	return out;
}

describe('the guide', () => {
	it('shows every example and the diagram byte for byte (node scripts/guide-examples.js --write)', () => {
		const { problems } = syncGuide(guide, sources());
		expect(problems).toEqual([]);
	});

	it('fails the check when a copy drifts', () => {
		const drifted = guide.replace('maxBufferSize: 1000', 'maxBufferSize: 999');
		expect(drifted).not.toBe(guide);
		expect(syncGuide(drifted, sources()).problems).toEqual([
			"the guide's copy of docs/examples/LogStream.svelte differs from the source"
		]);
		const withoutDiagram = guide.replace('<!-- generated: connectionMermaid() -->', '');
		expect(syncGuide(withoutDiagram, sources()).problems).toEqual([
			'the guide does not show connectionMermaid()'
		]);
	});

	it('explains every arrow of the diagram in the transition table', () => {
		const arrows = [...connectionMermaid().matchAll(/^\s*(\w+) --> (\w+) :/gm)].map(
			([, from, to]) => `${from === 'anyState' ? 'any state' : from} → ${to}`
		);
		const table = parseMarkdown(guide).find(
			(b) => b.kind === 'table' && b.head.some((c) => c.some((p) => p.text === 'transition'))
		);
		if (table?.kind !== 'table') throw new Error('no transition table');
		const explained = new Set(
			table.rows.flatMap((row) => row[0]!.filter((p) => p.kind === 'code').map((p) => p.text))
		);
		expect(arrows.length).toBeGreaterThan(30);
		expect(arrows.filter((a) => !explained.has(a))).toEqual([]);
		// And nothing the machine does not have.
		expect([...explained].filter((e) => !arrows.includes(e))).toEqual([]);
	});

	it('has a section and a live route for every example, and every example file is one', () => {
		const ids = anchors(guide);
		for (const name of EXAMPLE_NAMES) {
			const info = EXAMPLES[name];
			expect(ids, name).toContain(info.anchor);
			expect(exampleFiles, name).toContain(info.file);
			expect(guide, name).toContain(`<!-- source: docs/examples/${info.file} -->`);
			expect(guide, name).toContain(`/guide/examples/${name}`);
		}
		expect(exampleFiles.sort()).toEqual(EXAMPLE_NAMES.map((n) => EXAMPLES[n].file).sort());
	});

	it('links only to anchors that exist, in itself and on the demo page', () => {
		const ids = new Set(anchors(guide));
		const demoIds = new Set(
			DEMO_SOURCES.flatMap((f) =>
				[...readFileSync(f, 'utf8').matchAll(/\bid="([\w-]+)"/g)].map((m) => m[1]!)
			)
		);
		const links = guideLinks();
		const toDemo = links.filter((l) => appHref(l)?.startsWith('/websocket-demo#'));
		expect(toDemo.length).toBeGreaterThanOrEqual(6);
		for (const link of toDemo) expect(demoIds, link).toContain(link.split('#')[1]);
		for (const link of links.filter((l) => l.startsWith('#'))) {
			expect(ids, link).toContain(link.slice(1));
		}
		for (const link of links.filter((l) => appHref(l) === null)) {
			expect(() => readFileSync(`docs/${link}`), link).not.toThrow();
		}
	});

	it('is linked from the demo page, section by section, at anchors that exist', () => {
		const ids = new Set(anchors(guide));
		const found = DEMO_SOURCES.flatMap((f) =>
			[...readFileSync(f, 'utf8').matchAll(/resolve\('\/guide'\)\}#([\w-]+)/g)].map((m) => m[1]!)
		);
		expect(found.length).toBeGreaterThanOrEqual(6);
		for (const anchor of found) expect(ids, anchor).toContain(anchor);
	});
});

describe('markdown for /guide', () => {
	it('slugs headings as GitHub does and numbers repeats', () => {
		expect(slug('Token expiry (4401)')).toBe('token-expiry-4401');
		expect(slug('"N lines missing" in a log')).toBe('n-lines-missing-in-a-log');
		expect(slug('Basic WebSocket connection')).toBe('basic-websocket-connection');
		expect(anchors('## A\n\n## A\n')).toEqual(['a', 'a-1']);
	});

	it('reads _emphasis_ but leaves snake_case and code alone', () => {
		expect(inline('the _Integration Guide_: a snake_case_name and `_x_`')).toEqual([
			{ kind: 'text', text: 'the ' },
			{ kind: 'em', text: 'Integration Guide' },
			{ kind: 'text', text: ': a snake_case_name and ' },
			{ kind: 'code', text: '_x_' }
		]);
	});

	it('nests lists by indentation, and a deeper item continues its parent list after', () => {
		const [list] = parseMarkdown('1. one\n   - a\n   - b\n     - deep\n2. two\n   more\n');
		expect(list).toEqual({
			kind: 'list',
			ordered: true,
			items: [
				{
					text: [{ kind: 'text', text: 'one' }],
					sub: {
						kind: 'list',
						ordered: false,
						items: [
							{ text: [{ kind: 'text', text: 'a' }] },
							{
								text: [{ kind: 'text', text: 'b' }],
								sub: {
									kind: 'list',
									ordered: false,
									items: [{ text: [{ kind: 'text', text: 'deep' }] }]
								}
							}
						]
					}
				},
				{ text: [{ kind: 'text', text: 'two more' }] }
			]
		});
	});

	it('parses the blocks the guide uses, and keeps text as text', () => {
		const blocks = parseMarkdown(
			'# T\n\nSome `code` and **bold** and [a link](#t).\n\n- one\n  more\n- two\n\n| a | b |\n| - | - |\n| 1 | <b>2</b> |\n\n```svelte\n<p>x</p>\n```\n'
		);
		expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'table', 'code']);
		expect(blocks[2]).toMatchObject({
			items: [{ text: [{ text: 'one more' }] }, { text: [{ text: 'two' }] }]
		});
		expect(blocks[3]).toMatchObject({ rows: [[[{ text: '1' }], [{ text: '<b>2</b>' }]]] });
		expect(blocks[4]).toEqual({ kind: 'code', lang: 'svelte', text: '<p>x</p>\n' });
		expect(appHref('http://127.0.0.1:3000/websocket-demo#s-metrics')).toBe(
			'/websocket-demo#s-metrics'
		);
		expect(appHref('protocol.md')).toBeNull();
	});
});
