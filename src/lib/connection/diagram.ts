/**
 * The connection statechart as a Mermaid `stateDiagram-v2`, generated from the machine itself
 * (`machine.root`), so the diagram in docs/websocket-integration.md cannot drift from the code:
 * `src/routes/guide/guide.spec.ts` fails when the guide's diagram differs from this output. The
 * demo page draws the same machine with `StatechartView` (`render/statechart-layout.ts`), which
 * reads the same state nodes and transitions.
 */
import type { AnyStateMachine, AnyStateNode } from 'xstate';
import { allNodes, eventLabel, guardLabel } from '$lib/render/statechart-layout';
import { connectionMachine } from './machine';

/** One transition of the machine, from the state that defines it to one target. */
export interface DiagramTransition {
	/** Dotted path of the state that defines it (`link.open.heartbeat.probing`). */
	from: string;
	/** Dotted path of its target. */
	to: string;
	/** The raw event type (`socket.closed`, `xstate.after.connectTimeout.…`). */
	event: string;
	/** `event [guard]`, as drawn: `socket.closed [closeIs(failed)]`, `after connectTimeout`. */
	label: string;
}

function pathOf(node: AnyStateNode): string {
	return node.path.join('.');
}

/**
 * Every transition with a target, in the machine's order (states depth first, then the order
 * of `on`, `after` and `always` in each). Targetless transitions (actions only) change no state
 * and are left out.
 */
export function machineTransitions(machine: AnyStateMachine): DiagramTransition[] {
	const out: DiagramTransition[] = [];
	for (const node of allNodes(machine.root as AnyStateNode)) {
		const delays = new Map<string, unknown>(
			node.after.map((a) => [a.eventType as string, a.delay])
		);
		const defs: [string, readonly { target?: readonly AnyStateNode[]; guard?: unknown }[]][] = [
			...node.transitions
		];
		if (node.always) defs.push(['', node.always]);
		for (const [event, list] of defs) {
			const delay = delays.get(event);
			const base = delays.has(event)
				? `after ${typeof delay === 'string' ? delay : String(delay)}`
				: eventLabel(event);
			for (const def of list) {
				const label = def.guard !== undefined ? `${base} [${guardLabel(def.guard, true)}]` : base;
				for (const target of def.target ?? []) {
					out.push({ from: pathOf(node), to: pathOf(target), event, label });
				}
			}
		}
	}
	return out;
}

/**
 * Mermaid ids: a state's own key where no other state has it (readable), else its path with
 * underscores. `[*]` is the initial pseudo-state.
 */
function idsOf(nodes: AnyStateNode[]): Map<AnyStateNode, string> {
	const count = new Map<string, number>();
	for (const n of nodes) count.set(n.key, (count.get(n.key) ?? 0) + 1);
	return new Map(nodes.map((n) => [n, count.get(n.key) === 1 ? n.key : n.path.join('_')] as const));
}

/** The pseudo-state the root's transitions ("from any state") are drawn from. */
const ANY_STATE = 'anyState';

/** The lowest state containing both `a` and `b` (the root at worst). */
function commonAncestor(root: AnyStateNode, a: AnyStateNode, b: AnyStateNode): AnyStateNode {
	let node = root;
	for (let depth = 0; ; depth++) {
		const next = (Object.values(node.states) as AnyStateNode[]).find(
			(child) =>
				child.path[depth] === a.path[depth] &&
				child.path[depth] === b.path[depth] &&
				a.path.length > depth + 1 &&
				b.path.length > depth + 1
		);
		if (!next) return node;
		node = next;
	}
}

/**
 * The machine as a Mermaid `stateDiagram-v2`: compound states as composites (parallel regions
 * separated by `--`), an initial arrow in every compound state, and one arrow per transition,
 * declared inside the lowest composite containing both ends.
 */
export function toMermaid(machine: AnyStateMachine): string {
	const root = machine.root as AnyStateNode;
	const nodes = allNodes(root).slice(1);
	const ids = idsOf(nodes);
	const byPath = new Map(nodes.map((n) => [pathOf(n), n]));
	const transitions = machineTransitions(machine);

	// One arrow per pair of states (its labels one per line), declared by the lowest composite
	// holding both ends. The root's own transitions ("from anywhere") leave a pseudo-state.
	const pairs = new Map<
		string,
		{ holder: AnyStateNode; from: string; to: string; labels: string[] }
	>();
	for (const t of transitions) {
		const from = t.from === '' ? root : byPath.get(t.from);
		const to = byPath.get(t.to);
		if (!from || !to) continue;
		const fromId = from === root ? ANY_STATE : ids.get(from)!;
		const key = `${fromId}->${ids.get(to)}`;
		// Mermaid re-parents a state into the scope of an arrow naming it: an arrow goes inside a
		// composite only when both its ends are children of that composite, else at the top.
		const holder = from === root ? root : commonAncestor(root, from, to);
		const inside = from.parent === holder && to.parent === holder;
		const pair = pairs.get(key) ?? {
			holder: inside ? holder : root,
			from: fromId,
			to: ids.get(to)!,
			labels: []
		};
		if (!pair.labels.includes(t.label)) pair.labels.push(t.label);
		pairs.set(key, pair);
	}
	const arrows = new Map<AnyStateNode, string[]>();
	for (const { holder, from, to, labels } of pairs.values()) {
		const list = arrows.get(holder) ?? [];
		list.push(`${from} --> ${to} : ${labels.join('<br/>')}`);
		arrows.set(holder, list);
	}

	const lines = ['stateDiagram-v2'];
	if (transitions.some((t) => t.from === '')) lines.push(`    state "any state" as ${ANY_STATE}`);
	const emit = (node: AnyStateNode, depth: number) => {
		const pad = '    '.repeat(depth);
		const children = Object.values(node.states) as AnyStateNode[];
		if (node.type === 'parallel') {
			children.forEach((region, i) => {
				if (i > 0) lines.push(`${pad}--`);
				composite(region, depth);
			});
		} else {
			const initial = node.initial?.target[0] as AnyStateNode | undefined;
			if (initial) lines.push(`${pad}[*] --> ${ids.get(initial)}`);
			for (const child of children) {
				// Declared where they belong: Mermaid otherwise moves a state to the scope of
				// the last arrow that names it.
				if (Object.keys(child.states).length > 0) composite(child, depth);
				else if (ids.get(child) !== child.key) {
					lines.push(`${pad}state "${child.key}" as ${ids.get(child)}`);
				} else lines.push(`${pad}${child.key}`);
			}
		}
		for (const arrow of arrows.get(node) ?? []) lines.push(`${pad}${arrow}`);
	};
	const composite = (node: AnyStateNode, depth: number) => {
		const pad = '    '.repeat(depth);
		const id = ids.get(node)!;
		if (id !== node.key) lines.push(`${pad}state "${node.key}" as ${id}`);
		lines.push(`${pad}state ${id} {`);
		emit(node, depth + 1);
		lines.push(`${pad}}`);
	};
	emit(root, 1);
	return lines.join('\n') + '\n';
}

/** The connection statechart's diagram, as the guide shows it. */
export function connectionMermaid(): string {
	return toMermaid(connectionMachine);
}
