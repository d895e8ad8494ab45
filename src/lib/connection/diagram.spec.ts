import type { AnyStateNode } from 'xstate';
import { describe, expect, it } from 'vitest';
import { connectionMermaid, machineTransitions, toMermaid } from './diagram';
import { connectionMachine } from './machine';
import { setup } from 'xstate';

function stateNodes(node: AnyStateNode): AnyStateNode[] {
	return [node, ...Object.values(node.states).flatMap((n) => stateNodes(n as AnyStateNode))];
}

describe('connectionMermaid', () => {
	const text = connectionMermaid();

	it('draws every state of the machine, nested as in the machine', () => {
		expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
		for (const node of stateNodes(connectionMachine.root).slice(1)) {
			const compound = Object.keys(node.states).length > 0;
			expect(text, node.key).toMatch(
				compound ? new RegExp(`^\\s*state ${node.key} \\{$`, 'm') : new RegExp(`\\b${node.key}\\b`)
			);
		}
		// open is parallel: its two regions are separated by `--`.
		expect(text).toMatch(/state heartbeat \{[\s\S]*\}\n\s*--\n\s*state stability \{/);
		expect(text).toContain('[*] --> idle');
		expect(text).toContain('[*] --> connecting');
	});

	it('draws every transition with a target, with its guard', () => {
		const transitions = machineTransitions(connectionMachine);
		expect(transitions.length).toBeGreaterThan(40);
		for (const t of transitions) expect(text, `${t.from} -> ${t.to}`).toContain(t.label);
		expect(text).toContain('link --> link : socket.closed [closeIs(reauth) && canRefreshToken]');
		expect(text).toContain('anyState --> closed : connection.disconnect');
		expect(text).toContain('probing --> heartbeatTimeout :');
		expect(text).toMatch(/backoff --> link : .*after retryDelay/);
	});

	it('is deterministic', () => {
		expect(connectionMermaid()).toBe(text);
	});

	it('gives repeated state names path ids and declares arrows between scopes at the top', () => {
		const machine = setup({}).createMachine({
			id: 'm',
			initial: 'a',
			states: {
				a: {
					initial: 'x',
					states: { x: { on: { GO: '#m.b.x' } } }
				},
				b: { initial: 'x', states: { x: { on: { BACK: 'y' } }, y: {} } }
			}
		});
		expect(toMermaid(machine)).toBe(
			[
				'stateDiagram-v2',
				'    [*] --> a',
				'    state a {',
				'        [*] --> a_x',
				'        state "x" as a_x',
				'    }',
				'    state b {',
				'        [*] --> b_x',
				'        state "x" as b_x',
				'        y',
				'        b_x --> y : BACK',
				'    }',
				'    a_x --> b_x : GO',
				''
			].join('\n')
		);
	});
});
