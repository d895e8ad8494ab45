/**
 * Styled text segments (ANSI colours, search matches) written into an element as DOM.
 *
 * Why by hand and not with Svelte's `{#each}`/`{#if}`: a followed tail at 100,000 lines/s gives
 * every visible row a new line twenty times a second. With blocks, each row whose line changed
 * between plain and coloured, or changed its number of segments (a quarter of the rows per update
 * with the simulator's lines), had its branches destroyed and created again, which was over half
 * of the LogViewer's update time (CPU profile of `npm run bench -- --cases=browser-render`). Here
 * the common case, a plain line, is one text node whose `data` changes; styled lines build a few
 * spans directly.
 *
 * Safety is the same as a template's: the log's text only ever becomes `Text` nodes (never
 * `innerHTML`), and styles come only from the segment's own fields, which `parseAnsi` builds from
 * its fixed vocabulary (`var(--ansi-N)` or `#rrggbb`).
 */
import { isPlain, type AnsiStyle } from './ansi';

/** A run of text with one style, and whether it is a search match. */
export interface StyledPart extends AnsiStyle {
	text: string;
	match?: boolean;
}

/** Inline style of a segment; values come only from parseAnsi's own vocabulary. */
export function segmentStyle(s: AnsiStyle): string | undefined {
	if (s.fg === undefined && s.bg === undefined) return undefined;
	return (s.fg ? `color:${s.fg};` : '') + (s.bg ? `background-color:${s.bg};` : '');
}

const FLAGS: readonly (readonly [keyof AnsiStyle, string])[] = [
	['bold', 'b'],
	['dim', 'd'],
	['italic', 'i'],
	['underline', 'u'],
	['strike', 's']
];

function partNode(doc: Document, part: StyledPart): Node {
	const plain = isPlain(part);
	if (plain && !part.match) return doc.createTextNode(part.text);
	const inner = part.match ? doc.createElement('mark') : undefined;
	if (inner) inner.textContent = part.text;
	if (plain) return inner!;
	const span = doc.createElement('span');
	let className = 'seg';
	for (const [key, name] of FLAGS) if (part[key]) className += ` ${name}`;
	span.className = className;
	const style = segmentStyle(part);
	if (style) span.setAttribute('style', style);
	if (inner) span.append(inner);
	else span.textContent = part.text;
	return span;
}

/**
 * Make `el`'s children show `parts`: plain parts as text nodes, styled parts as `span.seg` (with
 * classes `b`, `d`, `i`, `u`, `s` and an inline colour), matches wrapped in `mark`. A single plain
 * part reuses the element's text node when it has one.
 */
export function paintSegments(el: HTMLElement, parts: readonly StyledPart[]): void {
	if (parts.length === 0) {
		if (el.firstChild) el.textContent = '';
		return;
	}
	const first = parts[0]!;
	if (parts.length === 1 && !first.match && isPlain(first)) {
		const only = el.firstChild;
		if (only !== null && only === el.lastChild && only.nodeType === 3) {
			const text = only as Text;
			if (text.data !== first.text) text.data = first.text;
		} else {
			el.textContent = first.text;
		}
		return;
	}
	const doc = el.ownerDocument;
	const nodes: Node[] = [];
	for (const part of parts) nodes.push(partNode(doc, part));
	el.replaceChildren(...nodes);
}
