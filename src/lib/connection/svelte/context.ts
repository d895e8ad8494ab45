/** Sharing the tab's one connection with every component below the root layout. */
import { getContext, hasContext, setContext } from 'svelte';
import type { Connection } from './connection';

const KEY = Symbol('kecs-live.connection');

/** Make `connection` available to descendants. Call during component initialisation. */
export function setConnectionContext(connection: Connection): Connection {
	return setContext(KEY, connection);
}

/**
 * The connection set by an ancestor (`WebSocketProvider` or the root layout). Throws when there
 * is none, because a component silently opening its own socket is exactly what we avoid.
 */
export function getConnectionContext(): Connection {
	if (!hasContext(KEY)) {
		throw new Error(
			'No kecs-live connection in context: wrap the app in <WebSocketProvider> or call setConnectionContext() in the root layout'
		);
	}
	return getContext<Connection>(KEY);
}

/** Like `getConnectionContext`, but undefined when there is none. */
export function findConnectionContext(): Connection | undefined {
	return hasContext(KEY) ? getContext<Connection>(KEY) : undefined;
}
