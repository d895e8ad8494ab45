/**
 * Keeps the code in docs/websocket-integration.md identical to its sources: every fenced block
 * preceded by a marker comment is a copy of something else,
 *
 * - `<!-- source: docs/examples/X.svelte -->`: the example file, byte for byte;
 * - `<!-- generated: connectionMermaid() -->`: the connection diagram from `diagram.ts`.
 *
 * `guide.spec.ts` fails on any difference; `node scripts/guide-examples.js --write` rewrites the
 * blocks from their sources.
 */

/** A marked block of the guide. */
export interface MarkedBlock {
	/** What the marker names: a repository path, or `connectionMermaid()`. */
	source: string;
	/** The fence's language. */
	lang: string;
	/** The block's code, with its final newline. */
	code: string;
	/** Offsets of the code inside the guide (between the fences). */
	start: number;
	end: number;
}

const MARKER = /<!-- (?:source|generated): (\S+) -->\n(?:\s*\n)*```(\w*)\n/g;

/** Every marked block, in order. A marker without a block after it is an error. */
export function markedBlocks(guide: string): MarkedBlock[] {
	const out: MarkedBlock[] = [];
	for (const m of guide.matchAll(MARKER)) {
		const start = m.index + m[0].length;
		const close = guide.indexOf('\n```', start - 1);
		if (close < 0) throw new Error(`unterminated block after the marker for ${m[1]}`);
		const end = close + 1;
		out.push({ source: m[1]!, lang: m[2]!, code: guide.slice(start, end), start, end });
	}
	return out;
}

/** The result of comparing the guide with its sources. */
export interface SyncResult {
	/** The guide with every marked block replaced by its source. */
	text: string;
	/** One line per difference (empty when the guide is in sync). */
	problems: string[];
}

/**
 * Compare the guide's marked blocks with `sources` (marker → expected code) and list what is
 * missing: a source the guide does not show is a problem too (`required`).
 */
export function syncGuide(
	guide: string,
	sources: ReadonlyMap<string, string>,
	required: readonly string[] = [...sources.keys()]
): SyncResult {
	const problems: string[] = [];
	let text = '';
	let at = 0;
	const shown = new Set<string>();
	for (const block of markedBlocks(guide)) {
		shown.add(block.source);
		const expected = sources.get(block.source);
		text += guide.slice(at, block.start);
		if (expected === undefined) {
			problems.push(`the guide shows ${block.source}, which has no source`);
			text += block.code;
		} else {
			if (expected !== block.code) {
				problems.push(`the guide's copy of ${block.source} differs from the source`);
			}
			text += expected;
		}
		at = block.end;
	}
	text += guide.slice(at);
	for (const source of required) {
		if (!shown.has(source)) problems.push(`the guide does not show ${source}`);
	}
	return { text, problems };
}
