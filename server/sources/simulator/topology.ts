/**
 * The simulated account: two clusters and the services that run in them, with what each service
 * is (runtime, size, launch type), how it behaves (CPU and memory baselines, how often it crashes,
 * a memory leak) and what it talks about in its logs. Everything that makes the world believable
 * and is not mechanics lives here, so changing the cast never touches the engine.
 *
 * Service names are unique across the two clusters on purpose: the protocol addresses a service
 * as `service:<name>`, without its cluster.
 */
import type { Runtime } from './dialects';
import type { Endpoint, Phrase, Vocabulary } from './log-line';
import type { Rng } from './prng';
import { JAVA_TRACES, PYTHON_TRACES } from './stack-traces';

/** The simulated region and account (KECS answers for account 000000000000 by default). */
export const REGION = 'us-east-1';
export const ACCOUNT_ID = '000000000000';

const ARN_PREFIX = `arn:aws:ecs:${REGION}:${ACCOUNT_ID}`;

/** `arn:aws:ecs:us-east-1:000000000000:cluster/production` */
export function clusterArn(cluster: string): string {
	return `${ARN_PREFIX}:cluster/${cluster}`;
}

/** `arn:aws:ecs:us-east-1:000000000000:service/production/web-frontend` */
export function serviceArn(cluster: string, service: string): string {
	return `${ARN_PREFIX}:service/${cluster}/${service}`;
}

/** `arn:aws:ecs:us-east-1:000000000000:task/production/<32 hex>` */
export function taskArn(cluster: string, taskId: string): string {
	return `${ARN_PREFIX}:task/${cluster}/${taskId}`;
}

/** `arn:aws:ecs:us-east-1:000000000000:task-definition/web-frontend:42` */
export function taskDefinitionArn(family: string, revision: number): string {
	return `${ARN_PREFIX}:task-definition/${family}:${revision}`;
}

/** The clusters, by name. */
export const CLUSTERS = ['production', 'staging'] as const;
export type ClusterName = (typeof CLUSTERS)[number];

/** One container of a task definition. */
export interface ContainerSpec {
	name: string;
	image: string;
	runtime: Runtime;
	/** Colour escapes in its output. */
	ansi?: boolean;
	/** Structured JSON output (where the runtime has a choice). */
	json?: boolean;
	/** Log lines this container writes relative to others (per task). */
	logWeight: number;
	/** Whether the task definition has a container health check for it. */
	healthCheck: boolean;
}

/** One service (or scheduled job) and how it behaves. */
export interface ServiceSpec {
	name: string;
	cluster: ClusterName;
	/** `service`: kept at `desiredCount` by the scheduler; `scheduled`: a job run periodically. */
	kind: 'service' | 'scheduled';
	/** Task definition family; the revision at the start of the simulation. */
	family: string;
	revision: number;
	/** Application version prefix; the patch number follows the task definition revision. */
	version: string;
	/** Java main class and similar, for startup lines. */
	appName: string;
	desiredCount: number;
	launchType: 'FARGATE' | 'EC2';
	/** Task-level CPU units and memory MiB, as ECS reports them (strings). */
	cpu: string;
	memory: string;
	/** The first container is the essential application container: the one that crashes or leaks. */
	containers: readonly ContainerSpec[];
	vocabulary: Vocabulary;
	/** Typical CPU (percent of the reservation) and memory (MiB) of one task. */
	cpuPercent: number;
	memoryMiB: number;
	/** A memory leak, in MiB per virtual minute of uptime (0: none). */
	leakMiBPerMinute: number;
	/** Mean virtual minutes between crashes of one task (0: never crashes). */
	crashEveryMinutes: number;
	/** Mean virtual minutes between health check incidents of one task (0: never). */
	healthIncidentEveryMinutes: number;
	/** For scheduled jobs: how often they run and for how long, in virtual time. */
	schedule?: {
		everyMs: readonly [number, number];
		runMs: readonly [number, number];
		failureRate: number;
	};
}

// ---------------------------------------------------------------------------------------------
// Vocabulary helpers: small generators so texts vary without allocating much per line.

const SLUGS = [
	'merino-crew-sweater',
	'trail-runner-gtx',
	'ceramic-pour-over-set',
	'linen-duvet-cover',
	'waxed-canvas-tote',
	'walnut-desk-organizer',
	'wool-blend-beanie',
	'titanium-camp-mug'
];

function id(rng: Rng): number {
	return 10_000 + rng.int(90_000);
}

function money(rng: Rng): string {
	return (5 + rng.int(40_000) / 100).toFixed(2);
}

function route(
	method: Endpoint['method'],
	path: string,
	p50Ms: number,
	bytes: number,
	weight: number
): Endpoint {
	return { method, route: path, path: () => path, p50Ms, bytes, weight };
}

function routeWith(
	method: Endpoint['method'],
	routeName: string,
	path: Phrase,
	p50Ms: number,
	bytes: number,
	weight: number
): Endpoint {
	return { method, route: routeName, path, p50Ms, bytes, weight };
}

// ---------------------------------------------------------------------------------------------
// Vocabularies

const webVocabulary: Vocabulary = {
	host: 'shop.example.com',
	endpoints: [
		route('GET', '/', 35, 18_400, 6),
		route('GET', '/products', 42, 24_100, 4),
		routeWith('GET', '/products/:slug', (r) => `/products/${r.pick(SLUGS)}`, 48, 31_000, 5),
		route('GET', '/cart', 26, 6_200, 3),
		route('POST', '/api/cart/items', 61, 512, 2),
		route('POST', '/checkout', 180, 2_048, 1),
		route('GET', '/static/js/app.8f3c2a1b.js', 2, 214_000, 5),
		route('GET', '/static/css/main.41d9e0c7.css', 2, 38_000, 3),
		route('GET', '/healthz', 1, 2, 2)
	],
	events: [
		(r) =>
			`Rendered /products/${r.pick(SLUGS)} in ${20 + r.int(60)}ms (cache ${r.chance(0.7) ? 'hit' : 'miss'})`,
		(r) => `Session refreshed for user u_${id(r)}`,
		() => 'Feature flags refreshed (212 flags)',
		(r) => `Cart updated for session s_${r.hex(12)}: ${1 + r.int(6)} items`,
		() => 'SSR page cache warmed: 128 pages'
	],
	warnings: [
		(r) => `Slow upstream response from api: GET /v1/catalog took ${900 + r.int(2500)}ms`,
		(r) => `Session store latency above threshold: ${200 + r.int(400)}ms`,
		() => 'Client sent deprecated header X-Forwarded-Host, ignoring'
	],
	debug: [
		(r) => `cache lookup key=page:/products/${r.pick(SLUGS)} hit=${r.chance(0.7)}`,
		(r) => `fetch GET http://api.production.internal:8080/v1/catalog ${10 + r.int(40)}ms`
	],
	loggers: ['http', 'ssr', 'session', 'cart']
};

const apiVocabulary: Vocabulary = {
	host: 'api.example.com',
	endpoints: [
		routeWith('GET', '/v1/orders/{id}', (r) => `/v1/orders/${id(r)}`, 6, 1_800, 6),
		routeWith('GET', '/v1/orders', (r) => `/v1/orders?customer=c_${id(r)}&limit=20`, 14, 9_600, 3),
		route('POST', '/v1/orders', 38, 1_200, 2),
		route('GET', '/v1/catalog', 9, 48_000, 4),
		routeWith('GET', '/v1/customers/{id}', (r) => `/v1/customers/c_${id(r)}`, 5, 900, 2),
		route('POST', '/v1/checkout', 95, 700, 1),
		route('GET', '/healthz', 1, 15, 2)
	],
	events: [
		(r) => `order placed: ord_${r.hex(10)} (${1 + r.int(5)} items, ${money(r)} EUR)`,
		(r) => `catalog cache refreshed: ${1700 + r.int(300)} products`,
		(r) => `payment authorized for order ${id(r)}`,
		(r) => `customer c_${id(r)} updated shipping address`
	],
	warnings: [
		(r) => `retrying payment capture for order ${id(r)} (attempt 2/3)`,
		(r) => `slow query: ListOrdersByCustomer took ${400 + r.int(900)}ms`,
		(r) => `client mobile-app near rate limit (${85 + r.int(14)}%)`
	],
	debug: [
		(r) => `cache hit key=customer:c_${id(r)}`,
		(r) => `db pool stats open=${4 + r.int(16)} idle=${r.int(6)} wait_count=0`
	],
	loggers: [
		'orders/handler.go:61',
		'store/orders.go:142',
		'checkout/service.go:203',
		'catalog/cache.go:77'
	]
};

const paymentVocabulary: Vocabulary = {
	host: 'payments.internal',
	endpoints: [route('POST', '/payments/authorize', 120, 800, 1)],
	events: [
		(r) =>
			`Authorized payment pay_${r.hex(12)} for order ${id(r)} (amount=${money(r)} EUR) in ${40 + r.int(180)} ms`,
		(r) => `Captured payment pay_${r.hex(12)} (amount=${money(r)} EUR)`,
		(r) => `Refund re_${r.hex(12)} processed for order ${id(r)}`,
		(r) => `Webhook evt_${r.hex(14)} from acquirer acknowledged`
	],
	warnings: [
		(r) => `Acquirer response slow: ${1500 + r.int(3000)} ms for authorize`,
		(r) => `3-D Secure challenge timed out for pay_${r.hex(12)}`,
		(r) =>
			`HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=${40 + r.int(30)}s).`
	],
	debug: [
		(r) => `Idempotency key ${r.hex(8)}-${r.hex(4)} stored`,
		(r) => `Fraud score ${r.int(100)} for card fingerprint fp_${r.hex(10)}`
	],
	loggers: [
		'c.a.payment.web.PaymentController',
		'c.a.payment.service.PaymentService',
		'c.a.payment.acquirer.AcquirerClient',
		'c.a.payment.webhook.WebhookHandler'
	],
	traces: [JAVA_TRACES[0], JAVA_TRACES[1]].filter((t) => t !== undefined)
};

const orderWorkerVocabulary: Vocabulary = {
	host: 'orders.internal',
	endpoints: [],
	events: [
		(r) => `Processing order ${id(r)}: ${1 + r.int(6)} line items`,
		(r) => `Invoice INV-2026-${id(r)} rendered (${1 + r.int(3)} pages)`,
		(r) => `Inventory sync: ${200 + r.int(400)} SKUs updated`,
		(r) => `Confirmation email queued for order ${id(r)}`
	],
	warnings: [
		(r) =>
			`Retrying orders.tasks.sync_inventory in 30s: HTTPError(503 Service Unavailable) (retry ${1 + r.int(3)}/5)`,
		(r) => `Order ${id(r)} has no shipping address, parking for manual review`,
		(r) =>
			`Soft time limit (${r.chance(0.5) ? 60 : 120}s) exceeded for orders.tasks.generate_invoice`
	],
	debug: [
		(r) => `Prefetched ${r.int(8)} messages from queue orders`,
		(r) => `Redis pipeline flushed: ${1 + r.int(40)} commands`
	],
	loggers: [
		'orders.tasks.process_order',
		'orders.tasks.send_confirmation',
		'orders.tasks.sync_inventory',
		'orders.tasks.generate_invoice'
	],
	traces: PYTHON_TRACES
};

const reportVocabulary: Vocabulary = {
	host: 'reports.internal',
	endpoints: [],
	events: [
		(r) => `exported batch ${1 + r.int(20)}/20 (5000 rows)`,
		(r) => `query finished in ${(1 + r.next() * 6).toFixed(1)}s (${40_000 + r.int(20_000)} rows)`,
		(r) => `uploaded part ${1 + r.int(8)} to s3://acme-reports/daily/part-${r.int(8)}.parquet`
	],
	warnings: [(r) => `warehouse replica lag ${20 + r.int(60)}s, results may be stale`],
	debug: [(r) => `fetched ${r.int(5000)} rows from cursor daily_orders`],
	loggers: ['report.export', 'report.query', 'report.upload'],
	traces: [PYTHON_TRACES[2]].filter((t) => t !== undefined)
};

const thumbnailVocabulary: Vocabulary = {
	host: 'img.staging.example.com',
	endpoints: [
		routeWith(
			'GET',
			'/thumbnails/:id',
			(r) => `/thumbnails/${r.hex(16)}.jpg?w=${r.pick(['160', '320', '640'])}`,
			24,
			18_000,
			8
		),
		route('POST', '/resize', 140, 64_000, 2),
		route('GET', '/healthz', 1, 2, 1)
	],
	events: [
		(r) =>
			`Resized 1920x1080 -> ${r.pick(['160x90', '320x180', '640x360'])} in ${30 + r.int(120)}ms (cache miss)`,
		(r) => `Cache hit ratio ${(80 + r.next() * 18).toFixed(1)}% over last 60s`,
		(r) => `Purged ${r.int(400)} expired thumbnails from cache`
	],
	warnings: [
		() => 'Source image larger than 20 MB, downscaling in two passes',
		(r) => `libvips operation cache near capacity (${88 + r.int(11)}%)`
	],
	debug: [(r) => `vips threads=${2 + r.int(3)} queue=${r.int(10)}`],
	loggers: ['resize', 'cache', 'http']
};

const searchVocabulary: Vocabulary = {
	host: 'search.staging.internal',
	endpoints: [],
	events: [
		(r) => `Indexed batch ${1000 + r.int(9000)} (500 docs) in ${200 + r.int(600)} ms`,
		(r) => `Refreshed index products-v7 (${(0.3 + r.next()).toFixed(1)} s)`,
		(r) => `Consumed 500 change events from products-cdc (lag ${r.int(50)})`
	],
	warnings: [
		(r) => `Bulk request throttled by cluster, backing off ${500 * (1 + r.int(4))} ms`,
		(r) => `Consumer lag ${1000 + r.int(5000)} above threshold 1000`
	],
	debug: [(r) => `Bulk payload ${200 + r.int(800)} KiB`],
	loggers: ['c.a.search.IndexWorker', 'c.a.search.CdcConsumer', 'c.a.search.IndexAdmin'],
	traces: [JAVA_TRACES[2], JAVA_TRACES[0]].filter((t) => t !== undefined)
};

const flagsVocabulary: Vocabulary = {
	host: 'flags.staging.internal',
	endpoints: [
		route('GET', '/v1/flags', 2, 14_000, 5),
		route('POST', '/v1/evaluate', 3, 400, 4),
		route('GET', '/healthz', 1, 15, 1)
	],
	events: [
		(r) => `flag snapshot refreshed flags=212 version=${8800 + r.int(100)}`,
		(r) => `client connected sdk=${r.pick(['node-2.3.1', 'go-1.9.0', 'java-4.2.2'])} env=staging`,
		(r) => `flag updated key=checkout.${r.pick(['new-flow', 'apple-pay', 'express'])} by=ci`
	],
	warnings: [(r) => `stale snapshot served age=${30 + r.int(60)}s`],
	debug: [(r) => `evaluation cache size=${r.int(5000)}`],
	loggers: ['sync/poller.go:112', 'api/evaluate.go:40']
};

// ---------------------------------------------------------------------------------------------
// The cast

/** Every service and scheduled job in the simulated account. */
export const SERVICES: readonly ServiceSpec[] = [
	{
		name: 'web-frontend',
		cluster: 'production',
		kind: 'service',
		family: 'web-frontend',
		revision: 41,
		version: '2.14',
		appName: 'web-frontend',
		desiredCount: 3,
		launchType: 'FARGATE',
		cpu: '512',
		memory: '1024',
		containers: [
			{
				name: 'app',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/web-frontend',
				runtime: 'node',
				json: true,
				logWeight: 1.2,
				healthCheck: true
			},
			{
				name: 'nginx',
				image: 'public.ecr.aws/nginx/nginx:1.27',
				runtime: 'nginx',
				logWeight: 2.4,
				healthCheck: false
			}
		],
		vocabulary: webVocabulary,
		cpuPercent: 18,
		memoryMiB: 310,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 50,
		healthIncidentEveryMinutes: 0
	},
	{
		name: 'api',
		cluster: 'production',
		kind: 'service',
		family: 'api',
		revision: 87,
		version: '1.42',
		appName: 'api',
		desiredCount: 2,
		launchType: 'FARGATE',
		cpu: '1024',
		memory: '2048',
		containers: [
			{
				name: 'api',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/api',
				runtime: 'go',
				json: true,
				logWeight: 2.6,
				healthCheck: true
			}
		],
		vocabulary: apiVocabulary,
		cpuPercent: 24,
		memoryMiB: 180,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 90,
		healthIncidentEveryMinutes: 0
	},
	{
		name: 'payment-service',
		cluster: 'production',
		kind: 'service',
		family: 'payment-service',
		revision: 23,
		version: '3.8',
		appName: 'PaymentApplication',
		desiredCount: 2,
		launchType: 'EC2',
		cpu: '1024',
		memory: '2048',
		containers: [
			{
				name: 'payment',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/payment-service',
				runtime: 'java',
				ansi: true,
				logWeight: 1.4,
				healthCheck: true
			}
		],
		vocabulary: paymentVocabulary,
		cpuPercent: 30,
		memoryMiB: 1180,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 14
	},
	{
		name: 'order-worker',
		cluster: 'production',
		kind: 'service',
		family: 'order-worker',
		revision: 56,
		version: '5.3',
		appName: 'orders',
		desiredCount: 2,
		launchType: 'EC2',
		cpu: '512',
		memory: '1024',
		containers: [
			{
				name: 'worker',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/order-worker',
				runtime: 'python',
				logWeight: 1.3,
				healthCheck: false
			}
		],
		vocabulary: orderWorkerVocabulary,
		cpuPercent: 35,
		memoryMiB: 260,
		// Celery without max-tasks-per-child: every task keeps a little, until the kernel kills it.
		leakMiBPerMinute: 62,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 0
	},
	{
		name: 'nightly-report',
		cluster: 'production',
		kind: 'scheduled',
		family: 'nightly-report',
		revision: 12,
		version: '1.6',
		appName: 'report',
		desiredCount: 0,
		launchType: 'FARGATE',
		cpu: '256',
		memory: '512',
		containers: [
			{
				name: 'report',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/nightly-report',
				runtime: 'python',
				json: true,
				logWeight: 1.5,
				healthCheck: false
			}
		],
		vocabulary: reportVocabulary,
		cpuPercent: 70,
		memoryMiB: 210,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 0,
		schedule: { everyMs: [300_000, 540_000], runMs: [60_000, 150_000], failureRate: 0.12 }
	},
	{
		name: 'thumbnail-service',
		cluster: 'staging',
		kind: 'service',
		family: 'thumbnail-service',
		revision: 9,
		version: '0.9',
		appName: 'thumbnailer',
		desiredCount: 1,
		launchType: 'FARGATE',
		cpu: '512',
		memory: '1024',
		containers: [
			{
				name: 'thumbnailer',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/thumbnail-service',
				runtime: 'node',
				ansi: true,
				logWeight: 1.1,
				healthCheck: true
			}
		],
		vocabulary: thumbnailVocabulary,
		cpuPercent: 20,
		memoryMiB: 240,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 35,
		healthIncidentEveryMinutes: 0
	},
	{
		name: 'search-indexer',
		cluster: 'staging',
		kind: 'service',
		family: 'search-indexer',
		revision: 31,
		version: '4.1',
		appName: 'SearchIndexerApplication',
		desiredCount: 1,
		launchType: 'EC2',
		cpu: '1024',
		memory: '2048',
		containers: [
			{
				name: 'indexer',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/search-indexer',
				runtime: 'java',
				json: true,
				logWeight: 0.9,
				healthCheck: true
			}
		],
		vocabulary: searchVocabulary,
		cpuPercent: 40,
		memoryMiB: 1350,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 25
	},
	{
		name: 'feature-flags',
		cluster: 'staging',
		kind: 'service',
		family: 'feature-flags',
		revision: 17,
		version: '1.9',
		appName: 'flags',
		desiredCount: 1,
		launchType: 'FARGATE',
		cpu: '256',
		memory: '512',
		containers: [
			{
				name: 'flags',
				image: '000000000000.dkr.ecr.us-east-1.amazonaws.com/feature-flags',
				runtime: 'go',
				logWeight: 0.6,
				healthCheck: true
			}
		],
		vocabulary: flagsVocabulary,
		cpuPercent: 6,
		memoryMiB: 48,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 120,
		healthIncidentEveryMinutes: 0
	}
];
