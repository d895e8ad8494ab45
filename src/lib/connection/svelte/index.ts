/** The Svelte side of the connection: provider, context and the KECS guide's `useWebSocket`. */
export {
	WebSocketState,
	animationFrame,
	createConnection,
	frameStore,
	toWebSocketState,
	viewOf,
	type Connection,
	type ConnectionView,
	type CreateConnectionOptions,
	type FrameScheduler
} from './connection';
export { findConnectionContext, getConnectionContext, setConnectionContext } from './context';
export {
	useWebSocket,
	type MessageHandler,
	type UseWebSocketOptions,
	type UseWebSocketResult
} from './use-websocket';
export { default as WebSocketProvider } from './WebSocketProvider.svelte';
