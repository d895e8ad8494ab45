/**
 * Just enough Markdown to show docs/websocket-integration.md in the app (`/guide`): headings with
 * GitHub's anchors (so the demo page's links work on GitHub and here alike), paragraphs, lists
 * (nested by indentation), tables, fenced code, and inline code, bold, emphasis and links. Everything is text: the page renders
 * blocks with Svelte's escaping, never as HTML.
 */

/** A piece of a line: text, `code`, **strong**, _emphasis_ or a [link](href). */
export type Inline =
	| { kind: 'text'; text: string }
	| { kind: 'code'; text: string }
	| { kind: 'strong'; text: string }
	| { kind: 'em'; text: string }
	| { kind: 'link'; text: string; href: string };

export type Block =
	| { kind: 'heading'; level: number; id: string; text: Inline[] }
	| { kind: 'paragraph'; text: Inline[] }
	| ListBlock
	| { kind: 'table'; head: Inline[][]; rows: Inline[][][] }
	| { kind: 'code'; lang: string; text: string };

/** A list; an item's `sub` is the list indented under it. */
export interface ListBlock {
	kind: 'list';
	ordered: boolean;
	items: ListItem[];
}
export interface ListItem {
	text: Inline[];
	sub?: ListBlock;
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
	return heading
		.toLowerCase()
		.replace(/[^\p{L}\p{N}\s_-]/gu, '')
		.replace(/ /g, '-');
}

/** Where a link goes in the app: the local gateway's own pages become root-relative. */
export function appHref(href: string): string | null {
	const local = /^http:\/\/(?:127\.0\.0\.1|localhost):3000(\/.*)$/.exec(href);
	if (local) return local[1]!;
	if (href.startsWith('#') || /^https?:\/\//.test(href)) return href;
	return null; // a repository path: shown as text
}

// `_emphasis_` only between non-word characters, so snake_case names stay as they are.
const INLINE =
	/`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(?<![\p{L}\p{N}_])_([^_\n]+)_(?![\p{L}\p{N}_])/gu;

/** Split a line into inline pieces. */
export function inline(text: string): Inline[] {
	const out: Inline[] = [];
	let last = 0;
	for (const m of text.matchAll(INLINE)) {
		if (m.index > last) out.push({ kind: 'text', text: text.slice(last, m.index) });
		if (m[1] !== undefined) out.push({ kind: 'code', text: m[1] });
		else if (m[2] !== undefined) out.push({ kind: 'strong', text: m[2] });
		else if (m[5] !== undefined) out.push({ kind: 'em', text: m[5] });
		else out.push({ kind: 'link', text: m[3]!.replace(/`/g, ''), href: m[4]! });
		last = m.index + m[0].length;
	}
	if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
	return out;
}

/** The plain text of a heading, as GitHub slugs it (code spans keep their text). */
function plain(text: string): string {
	return text
		.replace(/`([^`]*)`/g, '$1')
		.replace(/\*\*([^*]*)\*\*/g, '$1')
		.replace(/(?<![\p{L}\p{N}_])_([^_\n]+)_(?![\p{L}\p{N}_])/gu, '$1');
}

function cells(row: string): string[] {
	return row
		.trim()
		.replace(/^\|/, '')
		.replace(/\|$/, '')
		.split('|')
		.map((c) => c.trim());
}

const LIST_ITEM = /^(\s*)([-*]|\d+\.)\s+(.*)$/;

interface RawItem {
	indent: number;
	ordered: boolean;
	text: string;
}

/**
 * The list starting at `raw[from]`: its items are those at its first item's indentation; more
 * deeply indented items form the sub-list of the item before them. Returns where it stopped.
 */
function buildList(raw: readonly RawItem[], from: number): { list: ListBlock; next: number } {
	const indent = raw[from]!.indent;
	const list: ListBlock = { kind: 'list', ordered: raw[from]!.ordered, items: [] };
	let k = from;
	while (k < raw.length && raw[k]!.indent >= indent) {
		const r = raw[k]!;
		const last = list.items.at(-1);
		if (r.indent > indent && last) {
			const { list: sub, next } = buildList(raw, k);
			last.sub = sub;
			k = next;
		} else {
			list.items.push({ text: inline(r.text) });
			k++;
		}
	}
	return { list, next: k };
}

/** Parse the subset described above into blocks. */
export function parseMarkdown(md: string): Block[] {
	const lines = md.split('\n');
	const blocks: Block[] = [];
	const seen = new Map<string, number>();
	let i = 0;
	while (i < lines.length) {
		const line = lines[i]!;
		const fence = /^```(\w*)\s*$/.exec(line);
		if (fence) {
			const body: string[] = [];
			i++;
			while (i < lines.length && !/^```\s*$/.test(lines[i]!)) body.push(lines[i++]!);
			i++;
			blocks.push({ kind: 'code', lang: fence[1] ?? '', text: body.join('\n') + '\n' });
			continue;
		}
		const heading = /^(#{1,6})\s+(.*)$/.exec(line);
		if (heading) {
			const base = slug(plain(heading[2]!));
			const n = seen.get(base) ?? 0;
			seen.set(base, n + 1);
			blocks.push({
				kind: 'heading',
				level: heading[1]!.length,
				id: n === 0 ? base : `${base}-${n}`,
				text: inline(heading[2]!)
			});
			i++;
			continue;
		}
		if (line.trim() === '' || line.startsWith('<!--')) {
			// Comments (the guide's example markers) may span lines.
			if (line.startsWith('<!--')) while (i < lines.length && !lines[i]!.includes('-->')) i++;
			i++;
			continue;
		}
		if (line.trimStart().startsWith('|')) {
			const rows: string[] = [];
			while (i < lines.length && lines[i]!.trimStart().startsWith('|')) rows.push(lines[i++]!);
			const [head = '', , ...body] = rows;
			blocks.push({
				kind: 'table',
				head: cells(head).map(inline),
				rows: body.map((r) => cells(r).map(inline))
			});
			continue;
		}
		if (LIST_ITEM.test(line)) {
			const raw: RawItem[] = [];
			while (i < lines.length) {
				const l = lines[i]!;
				const m = LIST_ITEM.exec(l);
				if (m) raw.push({ indent: m[1]!.length, ordered: /\d/.test(m[2]!), text: m[3]! });
				else if (/^\s+\S/.test(l) && raw.length > 0) raw[raw.length - 1]!.text += ` ${l.trim()}`;
				else break;
				i++;
			}
			blocks.push(buildList(raw, 0).list);
			continue;
		}
		const para: string[] = [lines[i++]!.replace(/^>\s?/, '')];
		while (
			i < lines.length &&
			lines[i]!.trim() !== '' &&
			!/^(```|#{1,6}\s|\s*\||\s*([-*]|\d+\.)\s)/.test(lines[i]!)
		) {
			para.push(lines[i++]!.replace(/^>\s?/, ''));
		}
		blocks.push({ kind: 'paragraph', text: inline(para.join(' ')) });
	}
	return blocks;
}

/** The anchors of every heading, in order. */
export function anchors(md: string): string[] {
	return parseMarkdown(md).flatMap((b) => (b.kind === 'heading' ? [b.id] : []));
}
