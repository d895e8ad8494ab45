/**
 * Lays out any XState v5 machine as a diagram, from the machine definition itself (so the picture
 * cannot drift from the code, and it works offline, unlike the Stately inspector).
 *
 * The layout is a small Sugiyama-style one, applied recursively: inside every compound state the
 * children are put in columns by breadth-first distance from the initial child (left to right),
 * ordered within a column by the barycentre of their neighbours to reduce crossings, and sized
 * from their own nested layouts. Transitions between nested states are "lifted" to the pair of
 * siblings under their lowest common ancestor for the layering. Edges to the next column are
 * curves; longer forward edges run in lanes above the content and backward edges in lanes below
 * it, so no edge is drawn through a state of its own container. Text is measured with fixed
 * per-character widths, so the layout is a pure function and runs in Node and tests alike.
 */
import type { AnyStateMachine, AnyStateNode, StateValue } from 'xstate';

/** Kinds of state node, as XState names them. */
export type ChartNodeType = 'atomic' | 'compound' | 'parallel' | 'final' | 'history';

/** A state drawn as a box. Coordinates are absolute, in SVG user units (px). */
export interface ChartNode {
	/** The state's path joined with dots (`open.heartbeat.waiting`), as in a state value. */
	id: string;
	/** The state's own key (`waiting`). */
	key: string;
	type: ChartNodeType;
	/** Id of the enclosing drawn state, or null for a top-level state. */
	parent: string | null;
	/** Nesting depth, 0 for top-level states. */
	depth: number;
	/** True for the initial child of a compound state (it gets an entry arrow). */
	initial: boolean;
	/** Events handled without a target (actions only), for a tooltip. */
	handles: string[];
	x: number;
	y: number;
	width: number;
	height: number;
}

/**
 * How an edge is routed: `forward` to the next column, `lane-top`/`lane-bottom` for longer forward
 * and for backward edges, `vertical` between neighbours in one column, `sibling` (an arc on the
 * right) between other states of one column, `self` for a loop.
 */
export type ChartEdgeKind =
	'forward' | 'lane-top' | 'lane-bottom' | 'vertical' | 'sibling' | 'self';

/** One or more transitions between the same two states, drawn as one arrow. */
export interface ChartEdge {
	/** `source->target`. */
	id: string;
	/** Node id where the transitions are defined. */
	source: string;
	/** Node id they target. */
	target: string;
	/** Raw event types (`socket.opened`, `xstate.after.connectTimeout.conn.connecting`, `` for always). */
	events: string[];
	/** One label per transition: `socket.closed [canRetry]`, `after connectTimeout`, `always`. */
	labels: string[];
	/**
	 * The label lines drawn: every label (a long one with a state prefix on two lines), or the first
	 * few and `+N more` (see `maxLabelLines`).
	 */
	lines: string[];
	kind: ChartEdgeKind;
	/** SVG path data. */
	d: string;
	/** Label box (top-left corner and size). */
	label: { x: number; y: number; width: number; height: number };
}

/** The entry arrow of a compound state's initial child. */
export interface InitialMarker {
	/** Node id of the initial child. */
	target: string;
	cx: number;
	cy: number;
	/** SVG path data of the arrow from the dot to the state. */
	d: string;
}

/** A machine's diagram. */
export interface StatechartLayout {
	/** The machine's id. */
	id: string;
	width: number;
	height: number;
	/** Parents come before their children, so drawing in order paints containers first. */
	nodes: ChartNode[];
	edges: ChartEdge[];
	initials: InitialMarker[];
}

/** Options of {@link layoutMachine}. */
export interface LayoutOptions {
	/**
	 * Most label lines drawn per arrow (default 4); beyond that the last line reads `+N more` and
	 * the full list is in the edge's `labels` (the view shows it as a tooltip).
	 */
	maxLabelLines?: number;
}

/** Metrics of the drawing; the component's CSS uses the same fonts and sizes. */
export const METRICS = {
	/** Width of one character of a state name (14 px semibold sans, generous). */
	nameChar: 8.2,
	/** Width of one character of an edge label (12 px monospace: 0.6 em). */
	labelChar: 7.2,
	/** Height of one edge-label line. */
	labelLine: 15,
	atomicHeight: 38,
	minAtomicWidth: 90,
	/** Header band of a compound state (its name). */
	header: 26,
	pad: 14,
	/** Room left of the first column for the initial-state arrow. */
	initialRoom: 22,
	minColumnGap: 48,
	rowGap: 26,
	laneGap: 8
} as const;

const M = METRICS;

// ---------------------------------------------------------------------------------------------
// Reading the machine

/** One transition, from the state that defines it to one of its targets. */
interface Trans {
	source: AnyStateNode;
	target: AnyStateNode | null;
	event: string;
	label: string;
}

/** `1500` → `1.5 s`, `200` → `200 ms`. */
function formatDelay(delay: unknown): string {
	if (typeof delay === 'number')
		return delay >= 1000 ? `${+(delay / 1000).toFixed(2)} s` : `${delay} ms`;
	if (typeof delay === 'string') return delay;
	return '(dynamic)';
}

/**
 * A readable label for an event type: `after connectTimeout` for XState's delayed events,
 * `done: socket` / `error: socket` for actor completion, `always` for eventless transitions.
 */
export function eventLabel(type: string): string {
	if (type === '') return 'always';
	if (type === '*') return 'any event';
	if (type.startsWith('xstate.after.')) {
		const rest = type.slice('xstate.after.'.length);
		const dot = rest.indexOf('.');
		return `after ${formatDelay(dot < 0 ? rest : /^\d+$/.test(rest.slice(0, dot)) ? Number(rest.slice(0, dot)) : rest.slice(0, dot))}`;
	}
	if (type.startsWith('xstate.done.actor.')) return `done: ${type.slice(18)}`;
	if (type.startsWith('xstate.error.actor.')) return `error: ${type.slice(19)}`;
	if (type.startsWith('xstate.done.state.')) return 'done';
	if (type === 'xstate.init') return 'start';
	return type;
}

/**
 * A guard's name: `canRetry`, `!canRetry`, `a && !b`; inline functions by their name. With
 * `withParams`, a parameterised guard shows its arguments: `closeIs(reauth)`.
 */
export function guardLabel(guard: unknown, withParams = false): string {
	if (typeof guard === 'string') return guard;
	if (typeof guard === 'function') {
		const parts = (guard as { guards?: unknown[] }).guards;
		if (Array.isArray(parts)) {
			const inner = parts.map((g) => guardLabel(g, withParams));
			if (guard.name === 'not') return `!${inner[0] ?? '?'}`;
			return inner.join(guard.name === 'or' ? ' || ' : ' && ');
		}
		return guard.name && guard.name !== 'guard' ? guard.name : 'guarded';
	}
	if (typeof guard === 'object' && guard !== null && 'type' in guard) {
		const params = (guard as { params?: unknown }).params;
		const args =
			withParams && params && typeof params === 'object'
				? Object.values(params as Record<string, unknown>).map(String)
				: [];
		return args.length ? `${String(guard.type)}(${args.join(', ')})` : String(guard.type);
	}
	return 'guarded';
}

function idOf(node: AnyStateNode): string {
	return node.path.join('.');
}

/** Every state node under `root` (itself included), depth first in definition order. */
export function allNodes(root: AnyStateNode): AnyStateNode[] {
	const out: AnyStateNode[] = [];
	const walk = (n: AnyStateNode) => {
		out.push(n);
		for (const child of Object.values(n.states) as AnyStateNode[]) walk(child);
	};
	walk(root);
	return out;
}

function collectTransitions(nodes: AnyStateNode[]): Trans[] {
	const out: Trans[] = [];
	for (const node of nodes) {
		const delays = new Map<string, unknown>(
			node.after.map((a) => [a.eventType as string, a.delay])
		);
		const defs: [string, readonly { target?: readonly AnyStateNode[]; guard?: unknown }[]][] = [
			...node.transitions
		];
		if (node.always) defs.push(['', node.always]);
		for (const [event, list] of defs) {
			const base = delays.has(event)
				? `after ${formatDelay(delays.get(event))}`
				: eventLabel(event);
			for (const def of list) {
				const label = def.guard !== undefined ? `${base} [${guardLabel(def.guard)}]` : base;
				const targets = def.target ?? [];
				if (targets.length === 0) out.push({ source: node, target: null, event, label });
				for (const target of targets) out.push({ source: node, target, event, label });
			}
		}
	}
	return out;
}

/** True when `a` is `b` or one of its ancestors. */
function contains(a: AnyStateNode, b: AnyStateNode): boolean {
	if (a.path.length > b.path.length) return false;
	for (let i = 0; i < a.path.length; i++) if (a.path[i] !== b.path[i]) return false;
	return true;
}

// ---------------------------------------------------------------------------------------------
// Boxes

interface Box {
	node: AnyStateNode;
	id: string;
	kids: Box[];
	/** Position relative to the parent box's top-left corner, then absolute after `place`. */
	x: number;
	y: number;
	w: number;
	h: number;
	/** Room reserved above the box for self-loops and their labels. */
	above: number;
	column: number;
	/** Nothing sits above / below it in its column, so a lane can leave from that side. */
	topmost: boolean;
	bottommost: boolean;
	/** Position in its column from the top, and how many share the column. */
	row: number;
	columnSize: number;
}

/** An edge after lifting: its actual endpoints and the siblings it connects for layering. */
interface Edge {
	source: AnyStateNode;
	target: AnyStateNode;
	/** The container both ends sit in, and the children of it that contain each end. */
	container: AnyStateNode;
	from: AnyStateNode;
	to: AnyStateNode;
	events: string[];
	labels: string[];
	lines: string[];
	kind: ChartEdgeKind;
	lane: number;
}

/** Labels longer than this with a state prefix (`inner.state: event`) take two lines. */
const SPLIT_LABEL = 30;

/**
 * The lines drawn for an edge's labels: a long label with a state prefix on two lines (the state,
 * then the event, indented), at most `max` lines, the rest summed up as `+N more`.
 */
function displayLines(labels: string[], max: number): string[] {
	const split = labels.map((label) => {
		const colon = label.indexOf(': ');
		const prefixed = colon > 0 && !label.startsWith('done: ') && !label.startsWith('error: ');
		return prefixed && label.length > SPLIT_LABEL
			? [label.slice(0, colon + 1), `  ${label.slice(colon + 2)}`]
			: [label];
	});
	const total = split.reduce((n, parts) => n + parts.length, 0);
	if (total <= max) return split.flat();
	const lines: string[] = [];
	let shown = 0;
	for (const parts of split) {
		if (lines.length + parts.length > max - 1) break;
		lines.push(...parts);
		shown++;
	}
	lines.push(`+${labels.length - shown} more`);
	return lines;
}

function labelSize(labels: string[]): { width: number; height: number } {
	const longest = labels.reduce((n, l) => Math.max(n, l.length), 0);
	return { width: Math.ceil(longest * M.labelChar) + 10, height: labels.length * M.labelLine + 4 };
}

/**
 * Computes the diagram of a machine. Pure and deterministic: the same machine gives the same
 * layout, in Node or in the browser.
 */
export function layoutMachine(
	machine: AnyStateMachine,
	options: LayoutOptions = {}
): StatechartLayout {
	const maxLines = Math.max(1, options.maxLabelLines ?? 4);
	const root = machine.root as AnyStateNode;
	const nodes = allNodes(root);
	const transitions = collectTransitions(nodes);
	const byId = new Map(nodes.map((n) => [idOf(n), n]));

	// Group transitions into edges between actual nodes; lift each to its container.
	const edges = new Map<string, Edge>();
	const handles = new Map<string, string[]>();
	for (const t of transitions) {
		if (t.target === null) {
			const list = handles.get(idOf(t.source)) ?? [];
			if (!list.includes(t.label)) list.push(t.label);
			handles.set(idOf(t.source), list);
			continue;
		}
		let source = t.source;
		let target = t.target;
		let label = t.label;
		let kind: ChartEdgeKind | undefined;
		if (contains(source, target) || contains(target, source)) {
			// To itself, into its own child or out to its own ancestor: a loop on the source,
			// labelled with where it goes when that is not the source itself.
			if (source !== target) label = `${label} → ${idOf(target)}`;
			target = source;
			kind = 'self';
		}
		if (source === root) continue; // root-level transitions have nowhere to be drawn
		// The container both ends sit in, and its children that hold each end.
		let k = 0;
		while (k < source.path.length && k < target.path.length && source.path[k] === target.path[k])
			k++;
		if (kind === 'self') k = source.path.length - 1;
		const container = byId.get(source.path.slice(0, k).join('.'))!;
		const from = byId.get(source.path.slice(0, k + 1).join('.'))!;
		const to = byId.get(target.path.slice(0, k + 1).join('.'))!;
		// A transition from or to a state nested inside one of those children is drawn from or to
		// the child's border, with the inner state named in its label: arrows never cut through
		// containers, and nothing is lost (`connecting: after connectTimeout`, `retry → open.x`).
		if (source !== from) label = `${source.path.slice(k + 1).join('.')}: ${label}`;
		if (target !== to) label = `${label} → ${target.path.slice(k + 1).join('.')}`;
		source = from;
		target = to;
		const key = `${idOf(source)}->${idOf(target)}`;
		let edge = edges.get(key);
		if (edge === undefined) {
			edge = {
				source,
				target,
				container,
				from,
				to,
				events: [],
				labels: [],
				lines: [],
				kind: kind ?? 'forward',
				lane: 0
			};
			edges.set(key, edge);
		}
		if (!edge.labels.includes(label)) edge.labels.push(label);
		if (!edge.events.includes(t.event)) edge.events.push(t.event);
	}
	const edgeList = [...edges.values()];
	for (const e of edgeList) e.lines = displayLines(e.labels, maxLines);

	// Size boxes bottom-up, placing children relative to their container.
	const boxes = new Map<string, Box>();
	const build = (node: AnyStateNode): Box => {
		const kids = (Object.values(node.states) as AnyStateNode[]).map(build);
		const selfLabels = edgeList
			.filter((e) => e.kind === 'self' && e.source === node)
			.flatMap((e) => e.lines);
		const box: Box = {
			node,
			id: idOf(node),
			kids,
			x: 0,
			y: 0,
			w: 0,
			h: 0,
			above: selfLabels.length > 0 ? 20 + labelSize(selfLabels).height : 0,
			column: 0,
			topmost: true,
			bottommost: true,
			row: 0,
			columnSize: 1
		};
		boxes.set(box.id, box);
		const nameWidth = Math.ceil(node.key.length * M.nameChar) + 28;
		if (node.type === 'history') {
			box.w = box.h = M.atomicHeight;
		} else if (kids.length === 0) {
			box.w = Math.max(M.minAtomicWidth, nameWidth);
			box.h = M.atomicHeight;
		} else {
			const size = node.type === 'parallel' ? stackRegions(box) : arrangeColumns(box, edgeList);
			box.w = Math.max(size.w, nameWidth + 8);
			box.h = size.h;
		}
		return box;
	};
	const top = build(root);

	// Absolute positions.
	const place = (box: Box, ox: number, oy: number) => {
		box.x += ox;
		box.y += oy;
		for (const kid of box.kids) place(kid, box.x, box.y);
	};
	place(top, 0, 0);

	const chartNodes: ChartNode[] = [];
	const initials: InitialMarker[] = [];
	const visit = (box: Box, parent: Box | null, depth: number) => {
		if (parent !== null) {
			const parentNode = parent.node;
			const isInitial =
				parentNode.type === 'compound' && parentNode.initial?.target?.[0] === box.node;
			chartNodes.push({
				id: box.id,
				key: box.node.key,
				type: box.node.type as ChartNodeType,
				parent: parent === top ? null : parent.id,
				depth,
				initial: isInitial,
				handles: handles.get(box.id) ?? [],
				x: box.x,
				y: box.y,
				width: box.w,
				height: box.h
			});
			if (isInitial) {
				const cy = box.y + (box.kids.length > 0 ? M.header / 2 + 2 : box.h / 2);
				initials.push({
					target: box.id,
					cx: box.x - M.initialRoom + 4,
					cy,
					d: `M${box.x - M.initialRoom + 8},${cy} L${box.x - 1},${cy}`
				});
			}
		}
		for (const kid of box.kids) visit(kid, box, parent === null ? 0 : depth + 1);
	};
	visit(top, null, 0);

	const chartEdges = edgeList.map((e) => route(e, boxes, edgeList));
	separateLabels(chartEdges);

	// The drawing's bounds: boxes, plus labels that may stick out of them.
	let width = top.w;
	let height = top.h;
	for (const e of chartEdges) {
		width = Math.max(width, e.label.x + e.label.width + 4);
		height = Math.max(height, e.label.y + e.label.height + 4);
	}
	return {
		id: machine.id,
		width: Math.ceil(width),
		height: Math.ceil(height),
		nodes: chartNodes,
		edges: chartEdges,
		initials
	};
}

/** Parallel regions are stacked, each as wide as the widest. */
function stackRegions(box: Box): { w: number; h: number } {
	const isRoot = box.node.parent === undefined;
	const header = isRoot ? 0 : M.header;
	let y = header + M.pad;
	const w = Math.max(...box.kids.map((k) => k.w));
	for (const kid of box.kids) {
		kid.x = M.pad;
		kid.y = y + kid.above;
		kid.w = w;
		y += kid.above + kid.h + M.rowGap / 2;
	}
	return { w: w + 2 * M.pad, h: y - M.rowGap / 2 + M.pad };
}

/** Columns by BFS from the initial child, barycentre ordering, then coordinates and lanes. */
function arrangeColumns(box: Box, edges: Edge[]): { w: number; h: number } {
	const node = box.node;
	const kids = box.kids;
	const index = new Map(kids.map((k, i) => [k.node, i]));
	const local = edges.filter((e) => e.container === node && e.kind !== 'self' && e.from !== e.to);
	const out = kids.map(() => new Set<number>());
	const inn = kids.map(() => new Set<number>());
	for (const e of local) {
		const a = index.get(e.from)!;
		const b = index.get(e.to)!;
		out[a]!.add(b);
		inn[b]!.add(a);
	}

	// Layer: breadth-first from the initial child; unreached children after their predecessors.
	const layer = kids.map(() => -1);
	const initial = node.initial?.target?.[0];
	const initialIndex = kids.findIndex((k) => initial !== undefined && contains(k.node, initial));
	const bfs = (start: number, l: number) => {
		layer[start] = l;
		const queue = [start];
		while (queue.length > 0) {
			const i = queue.shift()!;
			for (const j of out[i]!) {
				if (layer[j] === -1) {
					layer[j] = layer[i]! + 1;
					queue.push(j);
				}
			}
		}
	};
	if (initialIndex >= 0) bfs(initialIndex, 0);
	for (let i = 0; i < kids.length; i++) {
		if (layer[i] !== -1) continue;
		const preds = [...inn[i]!].filter((p) => layer[p]! >= 0).map((p) => layer[p]!);
		bfs(i, preds.length > 0 ? Math.max(...preds) + 1 : 0);
	}
	const columns: number[][] = [];
	kids.forEach((_, i) => (columns[layer[i]!] ??= []).push(i));
	for (let c = 0; c < columns.length; c++) columns[c] ??= [];

	// Order: barycentre of neighbours in adjacent columns, a few sweeps each way.
	const pos = new Array<number>(kids.length).fill(0);
	const setPos = () => columns.forEach((col) => col.forEach((k, i) => (pos[k] = i)));
	setPos();
	const neighbours = (k: number, column: number) =>
		[...out[k]!, ...inn[k]!].filter((j) => layer[j] === column).map((j) => pos[j]!);
	for (let sweep = 0; sweep < 4; sweep++) {
		const down = sweep % 2 === 0;
		for (let s = 1; s < columns.length; s++) {
			const c = down ? s : columns.length - 1 - s;
			const ref = down ? c - 1 : c + 1;
			const bary = new Map<number, number>();
			for (const k of columns[c]!) {
				const ns = neighbours(k, ref);
				bary.set(k, ns.length > 0 ? ns.reduce((a, b) => a + b, 0) / ns.length : pos[k]!);
			}
			columns[c]!.sort((a, b) => bary.get(a)! - bary.get(b)! || a - b);
			setPos();
		}
	}

	// Classify this container's edges and reserve lanes.
	const topLanes: Edge[] = [];
	const bottomLanes: Edge[] = [];
	for (const e of local) {
		const a = layer[index.get(e.from)!]!;
		const b = layer[index.get(e.to)!]!;
		if (b === a + 1) e.kind = 'forward';
		else if (b > a + 1) topLanes.push(e);
		else if (b === a) {
			const gap = Math.abs(pos[index.get(e.from)!]! - pos[index.get(e.to)!]!);
			e.kind = gap === 1 ? 'vertical' : 'sibling';
		} else bottomLanes.push(e);
	}
	const span = (e: Edge) => Math.abs(layer[index.get(e.from)!]! - layer[index.get(e.to)!]!);
	// Shorter spans nearer the content, so lanes nest instead of crossing.
	topLanes.sort((a, b) => span(a) - span(b));
	bottomLanes.sort((a, b) => span(a) - span(b));
	const laneHeight = (e: Edge) => labelSize(e.lines).height + M.laneGap;

	// Column widths and the gaps between them (wide enough for the labels that cross them).
	const colW = columns.map((col) => Math.max(0, ...col.map((k) => kids[k]!.w)));
	const gaps = columns.map((_, c) => {
		let widest = 0;
		for (const e of local) {
			if (e.kind === 'forward' && layer[index.get(e.from)!] === c)
				widest = Math.max(widest, labelSize(e.lines).width);
			if ((e.kind === 'sibling' || e.kind === 'vertical') && layer[index.get(e.from)!] === c)
				widest = Math.max(widest, labelSize(e.lines).width / 2 + 40);
		}
		return Math.max(M.minColumnGap, widest + 28);
	});
	const stackH = columns.map(
		(col) =>
			col.reduce((h, k) => h + kids[k]!.above + kids[k]!.h, 0) +
			M.rowGap * Math.max(0, col.length - 1)
	);
	const contentH = Math.max(M.atomicHeight, ...stackH);

	const isRoot = node.parent === undefined;
	const header = isRoot ? 0 : M.header;
	const topH = topLanes.reduce((h, e) => h + laneHeight(e), 0);
	const bottomH = bottomLanes.reduce((h, e) => h + laneHeight(e), 0);
	const contentTop = header + M.pad + topH;
	let x = M.pad + M.initialRoom;
	columns.forEach((col, c) => {
		let y = contentTop + (contentH - stackH[c]!) / 2;
		for (const [i, k] of col.entries()) {
			const kid = kids[k]!;
			kid.column = c;
			kid.topmost = i === 0;
			kid.bottommost = i === col.length - 1;
			kid.row = i;
			kid.columnSize = col.length;
			kid.x = x + (colW[c]! - kid.w) / 2;
			kid.y = y + kid.above;
			y += kid.above + kid.h + M.rowGap;
		}
		x += colW[c]! + (c < columns.length - 1 ? gaps[c]! : 0);
	});

	// Lane y offsets, relative to this box; made absolute in `route` through the box.
	let ly = contentTop;
	for (const e of topLanes) {
		e.kind = 'lane-top';
		ly -= laneHeight(e);
		e.lane = ly + laneHeight(e) / 2 - 2;
	}
	ly = contentTop + contentH;
	for (const e of bottomLanes) {
		e.kind = 'lane-bottom';
		e.lane = ly + laneHeight(e) / 2 + 2;
		ly += laneHeight(e);
	}
	return { w: x + M.pad, h: contentTop + contentH + bottomH + M.pad };
}

// ---------------------------------------------------------------------------------------------
// Routing

function cubicPoint(p0: number, p1: number, p2: number, p3: number, t: number): number {
	const u = 1 - t;
	return u * u * u * p0 + 3 * u * u * t * p1 + 3 * u * t * t * p2 + t * t * t * p3;
}

/** Spreads the ends of several edges leaving or entering one side of a box. */
function portOffset(
	edge: Edge,
	all: Edge[],
	end: 'source' | 'target',
	kinds: ChartEdgeKind[],
	along: (e: Edge) => number,
	room: number
): number {
	const node = end === 'source' ? edge.source : edge.target;
	const siblings = all
		.filter((e) => kinds.includes(e.kind) && (end === 'source' ? e.source : e.target) === node)
		.sort((a, b) => along(a) - along(b));
	const n = siblings.length;
	if (n <= 1) return 0;
	// Ends on a container spread over its side; on a state, stay close together.
	const step = Math.min(
		node.type === 'compound' || node.type === 'parallel' ? 30 : 10,
		(room * 0.8) / (n - 1)
	);
	return (siblings.indexOf(edge) - (n - 1) / 2) * step;
}

function route(e: Edge, boxes: Map<string, Box>, all: Edge[]): ChartEdge {
	const s = boxes.get(idOf(e.source))!;
	const t = boxes.get(idOf(e.target))!;
	const container = boxes.get(idOf(e.container))!;
	const size = labelSize(e.lines);
	const cy = (b: Box) => b.y + b.h / 2;
	let d: string;
	let lx: number;
	let ly: number;

	if (e.kind === 'self') {
		const x1 = s.x + s.w * 0.62;
		const x2 = s.x + s.w * 0.86;
		const y = s.y;
		d = `M${x1},${y} C${x1},${y - 22} ${x2},${y - 22} ${x2},${y - 1}`;
		lx = (x1 + x2) / 2 - size.width / 2;
		ly = y - 22 - size.height;
	} else if (e.kind === 'forward') {
		const sy =
			cy(s) + portOffset(e, all, 'source', ['forward'], (o) => cy(boxes.get(idOf(o.target))!), s.h);
		const ty =
			cy(t) + portOffset(e, all, 'target', ['forward'], (o) => cy(boxes.get(idOf(o.source))!), t.h);
		const sx = s.x + s.w;
		const tx = t.x - 1;
		const dx = (tx - sx) / 2;
		d = `M${sx},${sy} C${sx + dx},${sy} ${tx - dx},${ty} ${tx},${ty}`;
		lx = cubicPoint(sx, sx + dx, tx - dx, tx, 0.5) - size.width / 2;
		ly = cubicPoint(sy, sy, ty, ty, 0.5) - size.height / 2;
	} else if (e.kind === 'vertical') {
		// Neighbours in one column: a straight arrow between the two siblings' facing sides.
		const from = boxes.get(idOf(e.from))!;
		const to = boxes.get(idOf(e.to))!;
		const down = from.y < to.y;
		const back = all.some((o) => o.kind === 'vertical' && o.from === e.to && o.to === e.from);
		const x = Math.min(from.x + from.w, to.x + to.w) - 18 + (back ? (down ? -10 : 10) : 0);
		const sy = down ? from.y + from.h : from.y;
		const ty = down ? to.y - 1 : to.y + to.h + 1;
		d = `M${x},${sy} L${x},${ty}`;
		lx = x + 6;
		ly = (sy + ty) / 2 - size.height / 2;
	} else if (e.kind === 'sibling') {
		const sx = s.x + s.w;
		const tx = t.x + t.w + 1;
		const sy = cy(s) + 6;
		const ty = cy(t) - 6;
		// Arcs between farther states bulge farther, so nested arcs do not overlap.
		const bulge = Math.max(sx, tx) + 24 + Math.abs(ty - sy) * 0.22;
		d = `M${sx},${sy} C${bulge},${sy} ${bulge},${ty} ${tx},${ty}`;
		lx = cubicPoint(sx, bulge, bulge, tx, 0.5) + 4;
		ly = (sy + ty) / 2 - size.height / 2;
	} else {
		// Lanes run above (forward) or below (backward) the container's content, between the two
		// siblings the edge connects. An end leaves or enters through the top or bottom when no
		// state sits between it and the lane; otherwise through the side facing the other end,
		// then along a short rail beside the column, so it never runs through another state.
		const topLane = e.kind === 'lane-top';
		const laneY = container.y + e.lane;
		const from = boxes.get(idOf(e.from))!;
		const to = boxes.get(idOf(e.to))!;
		const rightward = to.x > from.x;
		const v = topLane ? -1 : 1; // direction from the boxes to the lane
		const open = (b: Box) => (topLane ? b.topmost : b.bottommost);
		const siblingsOf = (b: Box, end: 'source' | 'target') =>
			all.filter(
				(o) =>
					o.kind === e.kind &&
					(end === 'source' ? o.from : o.to) === b.node &&
					open(b) === open(end === 'source' ? from : to)
			);
		const rank = (b: Box, end: 'source' | 'target') => {
			const list = siblingsOf(b, end);
			return { i: list.indexOf(e), n: list.length };
		};
		const r = 8;
		const end = (b: Box, which: 'source' | 'target', facing: 1 | -1) => {
			const { i, n } = rank(b, which);
			if (open(b)) {
				const x =
					b.x + b.w / 2 + (i - (n - 1) / 2) * Math.min(12, (b.w * 0.6) / Math.max(1, n - 1));
				return {
					x,
					y: topLane
						? b.y - (which === 'target' ? 1 : 0)
						: b.y + b.h + (which === 'target' ? 1 : 0),
					rail: null
				};
			}
			const side = facing > 0 ? b.x + b.w : b.x;
			const y = b.y + Math.min(b.h / 2, M.header + 20) + (i - (n - 1) / 2) * 6;
			// Boxes farther from the lane get the outer rails, so no exit crosses another rail.
			const depth = topLane ? b.row : b.columnSize - 1 - b.row;
			return {
				x: side + facing * (which === 'target' ? 1 : 0),
				y,
				rail: side + facing * (12 + depth * 8)
			};
		};
		const a = end(from, 'source', rightward ? 1 : -1);
		const b = end(to, 'target', rightward ? -1 : 1);
		const h = rightward ? 1 : -1;
		let path = `M${a.x},${a.y}`;
		let ax = a.x;
		if (a.rail !== null) {
			const hr = a.rail > a.x ? 1 : -1;
			path += ` L${a.rail - hr * r},${a.y} Q${a.rail},${a.y} ${a.rail},${a.y + v * r}`;
			ax = a.rail;
		}
		const bx = b.rail ?? b.x;
		const rr = Math.min(
			r,
			Math.abs(bx - ax) / 2,
			Math.abs(laneY - a.y) / 2,
			Math.abs(laneY - b.y) / 2
		);
		path +=
			` L${ax},${laneY - v * rr} Q${ax},${laneY} ${ax + h * rr},${laneY}` +
			` L${bx - h * rr},${laneY} Q${bx},${laneY} ${bx},${laneY - v * rr}`;
		if (b.rail !== null) {
			const hr = b.x > b.rail ? 1 : -1;
			path += ` L${b.rail},${b.y + v * r} Q${b.rail},${b.y} ${b.rail + hr * r},${b.y} L${b.x},${b.y}`;
		} else {
			path += ` L${b.x},${b.y}`;
		}
		d = path;
		lx = (ax + bx) / 2 - size.width / 2;
		ly = laneY - size.height / 2;
	}
	return {
		id: `${idOf(e.source)}->${idOf(e.target)}`,
		source: idOf(e.source),
		target: idOf(e.target),
		events: e.events,
		labels: e.labels,
		lines: e.lines,
		kind: e.kind,
		d,
		label: { x: Math.max(0, lx), y: Math.max(0, ly), ...size }
	};
}

/** Pushes overlapping labels apart vertically, the later one down: simple and stable. */
function separateLabels(edges: ChartEdge[]): void {
	const sorted = [...edges].sort((a, b) => a.label.y - b.label.y || a.label.x - b.label.x);
	for (let i = 0; i < sorted.length; i++) {
		const a = sorted[i]!.label;
		for (let j = 0; j < i; j++) {
			const b = sorted[j]!.label;
			const overlapX = a.x < b.x + b.width && b.x < a.x + a.width;
			const overlapY = a.y < b.y + b.height && b.y < a.y + a.height;
			if (overlapX && overlapY) a.y = b.y + b.height + 2;
		}
	}
}

// ---------------------------------------------------------------------------------------------
// State values

/**
 * The active leaf paths of a state value: `'idle'` → `['idle']`,
 * `{ open: { heartbeat: 'waiting' } }` → `['open.heartbeat.waiting']`, parallel regions give one
 * path each.
 */
export function stateValueToPaths(value: StateValue, prefix = ''): string[] {
	if (typeof value === 'string') return [prefix + value];
	const out: string[] = [];
	for (const [key, child] of Object.entries(value)) {
		if (child === undefined) continue;
		// An empty object is a compound state whose child is not known yet; the state itself.
		if (typeof child === 'object' && Object.keys(child).length === 0) out.push(prefix + key);
		else out.push(...stateValueToPaths(child, `${prefix}${key}.`));
	}
	return out;
}

/** True when the node with this id is active: it is an active path or one of its ancestors. */
export function isActive(id: string, active: readonly string[]): boolean {
	for (const path of active) {
		if (path === id || path.startsWith(id + '.')) return true;
	}
	return false;
}
