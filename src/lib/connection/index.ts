/**
 * The connection module: one resilient WebSocket per tab, modelled as an XState statechart.
 * Framework-agnostic parts here; the Svelte side is in `$lib/connection/svelte`.
 */
export {
	backoffCeiling,
	backoffDelay,
	hintedBackoffDelay,
	longBackoffDelay,
	retryBaseAfter,
	retryDelay,
	type Random,
	type RetryAdvice,
	type RetryParams
} from './backoff';
export {
	ConnectionClient,
	type BrowserTarget,
	type ClientOptions,
	type Clock,
	type ConnectionStats,
	type RequestOptions,
	type SendOptions
} from './client';
export {
	CLOSE_CODE_ACTIONS,
	classifyClose,
	type CloseAction,
	type CloseDecision
} from './close-codes';
export {
	DEFAULTS,
	defaultWsUrl,
	resolveConfig,
	type OutboxLimits,
	type ResolvedConfig,
	type TokenProvider,
	type WebSocketConfig
} from './config';
export {
	ConnectionError,
	DisconnectedError,
	MessageDroppedError,
	RequestTimeoutError,
	ServerError,
	type DropReason
} from './errors';
export {
	attachStatelyInspector,
	createInspectionHub,
	createTransitionLog,
	describeState,
	wantsInspector,
	type InspectionHub,
	type TransitionEntry,
	type TransitionLog
} from './inspect';
export {
	connectionMachine,
	stateOf,
	type CloseInfo,
	type ConnectionContext,
	type ConnectionEvent,
	type ConnectionInput,
	type ConnectionMachine,
	type ConnectionState
} from './machine';
export { Outbox, type DropCounts, type MessageClass, type OutboxEntry } from './outbox';
export {
	socketActor,
	type SocketInput,
	type SocketMessageEvent,
	type WebSocketConstructor,
	type WebSocketLike
} from './socket';
export {
	restorePrototypes,
	startSocketWorker,
	WorkerTransport,
	type TransportKind,
	type WorkerLike,
	type WorkerTransportOptions
} from './worker-socket';
export {
	SubscriptionRegistry,
	type ItemsMeta,
	type Recovery,
	type SubscribeOptions,
	type Subscriber,
	type SubscriptionStatus
} from './subscriptions';
