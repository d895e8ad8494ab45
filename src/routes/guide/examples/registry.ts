/**
 * The guide's examples by name: what `/guide/examples/[name]` mounts, where each lives in
 * `docs/examples/`, and the section of docs/websocket-integration.md that shows its code.
 */
export interface ExampleInfo {
	/** Heading of its section in the guide. */
	title: string;
	/** The public function it shows. */
	uses: string;
	/** File under docs/examples/. */
	file: string;
	/** Anchor of its section in the guide (GitHub's slug of the heading). */
	anchor: string;
}

export const EXAMPLES = {
	provider: {
		title: 'WebSocketProvider',
		uses: 'WebSocketProvider',
		file: 'Provider.svelte',
		anchor: 'websocketprovider'
	},
	basic: {
		title: 'Basic WebSocket connection',
		uses: 'useWebSocket',
		file: 'BasicConnection.svelte',
		anchor: 'basic-websocket-connection'
	},
	logs: {
		title: 'Log streaming',
		uses: 'useWebSocketLogStream',
		file: 'LogStream.svelte',
		anchor: 'log-streaming'
	},
	metrics: {
		title: 'Real-time metrics',
		uses: 'useWebSocketMetrics',
		file: 'MetricsDisplay.svelte',
		anchor: 'real-time-metrics'
	},
	notifications: {
		title: 'Notifications',
		uses: 'useWebSocketNotifications',
		file: 'NotificationCenter.svelte',
		anchor: 'notifications'
	},
	tasks: {
		title: 'Task updates',
		uses: 'useWebSocketTaskUpdates',
		file: 'TaskUpdates.svelte',
		anchor: 'task-updates'
	}
} as const satisfies Record<string, ExampleInfo>;

export type ExampleName = keyof typeof EXAMPLES;

export const EXAMPLE_NAMES = Object.keys(EXAMPLES) as ExampleName[];

export function isExampleName(name: string): name is ExampleName {
	return Object.hasOwn(EXAMPLES, name);
}
