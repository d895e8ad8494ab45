/**
 * Live streams as Svelte stores: logs, metrics, notifications and task updates over the tab's
 * one connection, with the KECS guide's hook names, options and results. Each `useWebSocket*`
 * reads the connection from context; each `create*` core takes a client, for code outside
 * components (tests, benchmarks).
 */
export {
	createLogStream,
	useWebSocketLogStream,
	type Highlight,
	type HighlightOptions,
	type LevelDetection,
	type LogFilter,
	type LogGap,
	type LogItem,
	type LogStream,
	type LogStreamOptions
} from './logs';
export {
	createMetricsStream,
	useWebSocketMetrics,
	type LatestSample,
	type MetricColumns,
	type MetricName,
	type MetricSeriesView,
	type MetricsOptions,
	type MetricsStream,
	type TaskMetrics
} from './metrics';
export {
	createNotifications,
	useWebSocketNotifications,
	type NotificationFilter,
	type NotificationsOptions,
	type NotificationsStream
} from './notifications';
export {
	createTaskUpdates,
	useWebSocketTaskUpdates,
	type StatusCounts,
	type TaskUpdatesOptions,
	type TaskUpdatesStream,
	type TaskView
} from './tasks';
export { ColumnarRing, Ring, type RingView } from './ring';
export {
	animationFrame,
	FrameBatcher,
	realTimers,
	type FrameScheduler,
	type Timers
} from './frame';
export { checkLogFilter, compileLogFilter } from './log-filter';
export type { StreamClient, ContextOptions } from './stream-client';
