import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { z } from "zod";
import { createServer } from "node:http";
import { performance as performance$1 } from "node:perf_hooks";
import { WebSocket, WebSocketServer } from "ws";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
var STREAMS = [
	"logs",
	"metrics",
	"notifications",
	"tasks"
];
var LOG_LEVELS = [
	"trace",
	"debug",
	"info",
	"warn",
	"error",
	"fatal"
];
var LOG_SOURCE_TYPES = [
	"container",
	"application",
	"system",
	"audit"
];
var NOTIFICATION_TYPES = [
	"info",
	"success",
	"warning",
	"error"
];
var NOTIFICATION_PRIORITIES = [
	"low",
	"normal",
	"high",
	"critical"
];
var TASK_STATUSES = [
	"PROVISIONING",
	"PENDING",
	"ACTIVATING",
	"RUNNING",
	"DEACTIVATING",
	"STOPPING",
	"DEPROVISIONING",
	"STOPPED",
	"DELETED"
];
var TASK_UPDATE_TYPES = [
	"created",
	"updated",
	"deleted",
	"status_changed"
];
var DROP_REASONS = [
	"slow_consumer",
	"rate_limited",
	"history_exhausted"
];
var ERROR_CODES = [
	"invalid_json",
	"invalid_message",
	"unknown_type",
	"authentication_failed",
	"unauthorized",
	"rate_limit_exceeded",
	"payload_too_large",
	"unknown_stream"
];
/** Limits that keep one frame from costing either side much; the gateway enforces the same. */
var LIMITS = {
	id: 128,
	token: 4096,
	resourceId: 512,
	search: 1e3,
	regex: 256,
	listItems: 1e3,
	historyDefault: 100,
	historyMax: 1e3,
	text: 1e6
};
/**
* An RFC 3339 timestamp revived to a Date. A Date is accepted too, so objects built in memory
* (the gateway's own items) validate without a round trip through JSON.
*/
var timestamp = z.union([z.date().refine((d) => !Number.isNaN(d.getTime()), "invalid date"), z.string().max(64).transform((s, ctx) => {
	const d = new Date(s);
	if (Number.isNaN(d.getTime())) {
		ctx.addIssue({
			code: "custom",
			message: `invalid timestamp: ${s.slice(0, 40)}`
		});
		return z.NEVER;
	}
	return d;
})]);
var seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
var shortText = z.string().max(LIMITS.resourceId);
var text = z.string().max(LIMITS.text);
/**
* A JSON object of arbitrary values copied into a null-prototype object, so a `__proto__` or
* `constructor` key from the wire stays a plain key and can never reach a prototype.
*/
var safeRecord = z.custom((v) => typeof v === "object" && v !== null && !Array.isArray(v), "expected an object").transform((v) => {
	const out = Object.create(null);
	for (const key of Object.keys(v)) Object.defineProperty(out, key, {
		value: v[key],
		enumerable: true,
		writable: true,
		configurable: true
	});
	return out;
});
var stream = z.enum(STREAMS);
var logLevel = z.enum(LOG_LEVELS);
var taskStatus = z.enum(TASK_STATUSES);
/** A position in a stream: the last item a client applied. */
var streamPosition = z.object({
	epoch: z.string().max(LIMITS.id),
	seq
});
var logEntry = z.object({
	id: shortText,
	seq,
	timestamp,
	level: logLevel,
	source: z.object({
		type: z.enum(LOG_SOURCE_TYPES),
		name: shortText,
		identifier: shortText
	}),
	message: text,
	taskId: shortText.optional(),
	containerId: shortText.optional(),
	serviceName: shortText.optional(),
	clusterArn: shortText.optional(),
	metadata: safeRecord.optional(),
	stackTrace: text.optional(),
	correlationId: shortText.optional()
});
var metricPoint = z.object({
	timestamp,
	value: z.number().finite()
});
var metricSeries = z.object({
	name: shortText,
	unit: shortText,
	points: z.array(metricPoint).max(1e4)
});
var resourceMetrics = z.object({
	resourceId: shortText,
	taskId: shortText.optional(),
	serviceName: shortText.optional(),
	cpu: metricSeries,
	memory: metricSeries,
	network: z.object({
		rx: metricSeries,
		tx: metricSeries
	}).optional()
});
var metricUpdate = z.object({
	resourceId: shortText,
	seq,
	metrics: resourceMetrics
});
var notification = z.object({
	id: shortText,
	seq,
	type: z.enum(NOTIFICATION_TYPES),
	title: z.string().max(1e4),
	message: text,
	timestamp,
	priority: z.enum(NOTIFICATION_PRIORITIES).optional(),
	source: shortText.optional(),
	resourceId: shortText.optional(),
	read: z.boolean(),
	dismissed: z.boolean().optional()
});
var notificationChanges = notification.omit({
	id: true,
	seq: true
}).partial().strict();
var container = z.object({
	name: shortText,
	lastStatus: shortText,
	exitCode: z.number().int().optional(),
	healthStatus: shortText.optional()
});
var task = z.object({
	taskArn: shortText,
	clusterArn: shortText,
	taskDefinitionArn: shortText,
	group: shortText.optional(),
	lastStatus: taskStatus,
	desiredStatus: taskStatus,
	launchType: shortText,
	cpu: shortText.optional(),
	memory: shortText.optional(),
	containers: z.array(container).max(100),
	createdAt: timestamp.optional(),
	startedAt: timestamp.optional(),
	stoppedAt: timestamp.optional(),
	stoppedReason: z.string().max(1e4).optional(),
	stopCode: shortText.optional()
});
var taskUpdate = z.object({
	taskId: shortText,
	seq,
	updateType: z.enum(TASK_UPDATE_TYPES),
	task: task.optional(),
	changes: task.partial().optional(),
	previousStatus: taskStatus.optional(),
	timestamp
});
/** KECS's historic `EventFilter`, kept for `setFilters`. */
var eventFilter = z.object({
	eventTypes: z.array(shortText).max(LIMITS.listItems).optional(),
	resourceTypes: z.array(shortText).max(LIMITS.listItems).optional(),
	resourceIds: z.array(shortText).max(LIMITS.listItems).optional(),
	metadata: safeRecord.optional()
});
/**
* A server-side filter. For logs every field applies; other streams use `taskIds` and
* `serviceNames` (and ignore the rest).
*/
var streamFilter = z.object({
	levels: z.array(logLevel).max(LOG_LEVELS.length).optional(),
	search: z.string().max(LIMITS.search).optional(),
	regex: z.string().max(LIMITS.regex).optional(),
	taskIds: z.array(shortText).max(LIMITS.listItems).optional(),
	serviceNames: z.array(shortText).max(LIMITS.listItems).optional()
});
var envelope = z.object({
	type: z.string().min(1).max(64),
	payload: z.unknown().optional(),
	id: z.string().max(LIMITS.id).optional(),
	timestamp: z.unknown().optional()
});
/** Envelope timestamp: tolerated when missing, Go's zero time, or unparsable (then dropped). */
function reviveEnvelopeTimestamp(value) {
	if (typeof value !== "string" || value === "0001-01-01T00:00:00Z" || value.length > 64) return void 0;
	const d = new Date(value);
	return Number.isNaN(d.getTime()) ? void 0 : d;
}
var streamRef = {
	/** Optional on the wire: on an alias path (`/ws/logs`) the path names the stream. */
	stream: stream.optional(),
	resourceId: shortText.optional()
};
var clientPayloads = {
	ping: z.unknown().optional(),
	authenticate: z.object({ token: z.string().min(1).max(LIMITS.token) }),
	subscribe: z.object({
		...streamRef,
		filter: streamFilter.optional(),
		since: streamPosition.optional()
	}),
	unsubscribe: z.object(streamRef),
	request_history: z.object({
		...streamRef,
		limit: z.number().int().min(1).max(LIMITS.historyMax).optional(),
		beforeSeq: seq.optional()
	}),
	update_filter: z.object({
		stream: stream.optional(),
		filter: streamFilter
	}),
	setFilters: z.array(eventFilter).max(100),
	mark_as_read: z.object({ notificationId: shortText }),
	mark_all_as_read: z.unknown().optional(),
	dismiss: z.object({ notificationId: shortText }),
	message: z.unknown()
};
var historyBase = z.object({
	resourceId: shortText,
	epoch: z.string().max(LIMITS.id),
	complete: z.boolean()
});
z.discriminatedUnion("stream", [
	historyBase.extend({
		stream: z.literal("logs"),
		items: z.array(logEntry)
	}),
	historyBase.extend({
		stream: z.literal("metrics"),
		items: z.array(metricUpdate)
	}),
	historyBase.extend({
		stream: z.literal("notifications"),
		items: z.array(notification)
	}),
	historyBase.extend({
		stream: z.literal("tasks"),
		items: z.array(taskUpdate)
	})
]);
z.object({
	protocol: z.literal(1),
	epoch: z.string().max(LIMITS.id),
	heartbeatInterval: z.number().int().positive(),
	authRequired: z.boolean(),
	serverTime: timestamp
}), z.unknown().optional(), z.object({
	username: shortText,
	roles: z.array(shortText).max(100)
}), z.object({
	stream,
	resourceId: shortText,
	epoch: z.string().max(LIMITS.id),
	recovered: z.boolean(),
	/** Extension: the newest seq the server has published on the stream (0: none yet). */
	lastSeq: seq.optional(),
	/** Extension: the oldest seq still in history, so a client can size a gap. */
	oldestSeq: seq.optional()
}), z.object({
	stream,
	resourceId: shortText
}), z.object({
	stream,
	filter: streamFilter
}), z.array(eventFilter).max(100), z.array(logEntry).max(1e5), z.object({
	id: shortText,
	changes: notificationChanges
}), z.object({
	stream,
	count: z.number().int().nonnegative(),
	reason: z.enum(DROP_REASONS)
}), z.object({
	error: z.enum(ERROR_CODES),
	message: z.string().max(1e4),
	ref: z.string().max(LIMITS.id).optional()
}), z.unknown();
// src/lib/protocol/codec.ts
/** Frames larger than this are refused before parsing (the gateway closes with 1009 first). */
var DEFAULT_MAX_FRAME_BYTES = 1048576;
function frameToText(frame) {
	if (typeof frame === "string") return frame;
	if (frame instanceof ArrayBuffer) return new TextDecoder().decode(frame);
	if (ArrayBuffer.isView(frame)) return new TextDecoder().decode(new Uint8Array(frame.buffer, frame.byteOffset, frame.byteLength));
}
function describeIssue(issue) {
	return `${issue.path.length ? issue.path.map(String).join(".") : "(root)"}: ${issue.message}`;
}
function decodeWith(table, frame, options, defaultMax) {
	const text = frameToText(frame);
	if (text === void 0) return {
		ok: false,
		error: {
			code: "invalid_message",
			message: "frame is not text"
		}
	};
	const max = options?.maxLength ?? defaultMax;
	if (text.length > max) return {
		ok: false,
		error: {
			code: "payload_too_large",
			message: `frame of ${text.length} exceeds ${max}`
		}
	};
	let raw;
	try {
		raw = JSON.parse(text);
	} catch (e) {
		return {
			ok: false,
			error: {
				code: "invalid_json",
				message: e instanceof Error ? e.message : "invalid JSON"
			}
		};
	}
	return decodeValue(table, raw);
}
function decodeValue(table, raw) {
	const env = envelope.safeParse(raw);
	if (!env.success) {
		const readable = typeof raw === "object" && raw !== null ? raw : {};
		const error = {
			code: "invalid_message",
			message: `not a message envelope: ${env.error.issues.map(describeIssue).join("; ")}`
		};
		if (typeof readable.id === "string" && readable.id.length <= 128) error.ref = readable.id;
		return {
			ok: false,
			error
		};
	}
	const { type, id } = env.data;
	const base = { type };
	if (id !== void 0) base.ref = id;
	const schema = Object.hasOwn(table, type) ? table[type] : void 0;
	if (!schema) return {
		ok: false,
		error: {
			...base,
			code: "unknown_type",
			message: `unknown message type "${type}"`
		}
	};
	const parsed = schema.safeParse(env.data.payload);
	if (!parsed.success) {
		const named = env.data.payload?.stream;
		if (typeof named === "string" && !STREAMS.includes(named)) return {
			ok: false,
			error: {
				...base,
				code: "unknown_stream",
				message: `unknown stream; expected one of ${STREAMS.join(", ")}`
			}
		};
		return {
			ok: false,
			error: {
				...base,
				code: "invalid_message",
				message: `invalid ${type} payload: ${parsed.error.issues.slice(0, 5).map(describeIssue).join("; ")}`
			}
		};
	}
	const message = { type };
	if (parsed.data !== void 0) message.payload = parsed.data;
	if (id !== void 0) message.id = id;
	const ts = reviveEnvelopeTimestamp(env.data.timestamp);
	if (ts) message.timestamp = ts;
	return {
		ok: true,
		message
	};
}
/** Decode a frame the gateway received from a browser. Never throws. */
function decodeClientFrame(frame, options) {
	return decodeWith(clientPayloads, frame, options, DEFAULT_MAX_FRAME_BYTES);
}
/**
* Encode a message as one text frame. `Date`s become RFC 3339 strings (through `toJSON`).
* The gateway serialises a batch once and sends the same string to every matching client.
*/
function encode(message) {
	return JSON.stringify(message);
}
// server/hub/origin.ts
/**
* The Origin check of a WebSocket upgrade (and of fault routes). Browsers always send `Origin`
* on a WebSocket handshake, and a page on another site must not ride on the user's access to a
* local dashboard, so foreign origins are refused. Same-origin (the Origin's host is the
* request's Host) is always allowed; more origins come from configuration, `*` allowing any.
* No Origin at all means a non-browser client (Node, curl), which the check cannot constrain.
*/
/** Normalise a configured origin (`https://Example.com:443/` → `https://example.com`). */
function normalizeOrigin(origin) {
	if (origin === "*" || origin === "null") return origin;
	return new URL(origin).origin;
}
/**
* Whether a request with this `Origin` and `Host` header may connect.
*
* @param origin the Origin header, if any
* @param host the Host header, if any
* @param allowed configured origins (already normalised), `*` for any
*/
function isOriginAllowed(origin, host, allowed) {
	if (origin === void 0) return true;
	if (allowed.includes("*")) return true;
	if (origin === "null") return allowed.includes("null");
	let url;
	try {
		url = new URL(origin);
	} catch {
		return false;
	}
	if (host !== void 0 && host !== "") try {
		if (new URL(`${url.protocol}//${host}`).host === url.host) return true;
	} catch {}
	return allowed.includes(url.origin);
}
// server/config.ts
/**
* The gateway's configuration from the environment. Every variable is optional; a value that is
* set but invalid stops the start with a message naming the variable, what it expects and what
* it got (all problems at once), rather than running with a surprise.
*
* | variable                    | default     | meaning                                          |
* |-----------------------------|-------------|--------------------------------------------------|
* | `PORT`                      | 3000        | port to listen on; 0 picks a free one            |
* | `HOST`                      | 127.0.0.1   | interface to listen on                           |
* | `KECS_LIVE_TOKEN`           | (none)      | token clients must `authenticate` with           |
* | `KECS_LIVE_ALLOWED_ORIGINS` | (none)      | comma-separated origins allowed besides same-origin |
* | `KECS_LIVE_FAULTS`          | off         | `1` enables the fault controls                   |
* | `SIM_LOG_RATE`              | 20          | simulator log lines per second                   |
* | `SIM_SEED`                  | (default)   | simulator seed (an integer)                      |
*/
/** Defaults of {@link GatewayConfig}. */
var DEFAULT_CONFIG = {
	port: 3e3,
	host: "127.0.0.1",
	token: void 0,
	allowedOrigins: [],
	faults: false,
	simLogRate: 20,
	simSeed: void 0
};
/** The highest `SIM_LOG_RATE` accepted (benchmarks push 50,000+). */
var MAX_SIM_LOG_RATE = 1e6;
/** Invalid configuration; the message lists every problem, one per line. */
var ConfigError = class extends Error {
	problems;
	constructor(problems) {
		super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
		this.problems = problems;
		this.name = "ConfigError";
	}
};
/** Read the configuration from `env` (default `process.env`). Throws {@link ConfigError}. */
function loadConfig(env = process.env) {
	const problems = [];
	const config = {
		...DEFAULT_CONFIG,
		allowedOrigins: []
	};
	const read = (name) => {
		const value = env[name]?.trim();
		return value === void 0 || value === "" ? void 0 : value;
	};
	const port = read("PORT");
	if (port !== void 0) {
		const n = Number(port);
		if (!/^\d+$/.test(port) || n > 65535) problems.push(`PORT must be an integer from 0 to 65535, got "${port}"`);
		else config.port = n;
	}
	const host = read("HOST");
	if (host !== void 0) {
		if (/[\s/]/.test(host)) problems.push(`HOST must be a host name or IP address, got "${host}"`);
		else config.host = host;
	}
	const token = env.KECS_LIVE_TOKEN;
	if (token !== void 0 && token !== "") {
		if (token.length > LIMITS.token) problems.push(`KECS_LIVE_TOKEN must be at most ${LIMITS.token} characters, got ${token.length}`);
		else config.token = token;
	}
	const origins = read("KECS_LIVE_ALLOWED_ORIGINS");
	if (origins !== void 0) for (const raw of origins.split(",").map((o) => o.trim()).filter((o) => o !== "")) try {
		const origin = normalizeOrigin(raw);
		if (origin !== "*" && origin !== "null" && !/^https?:\/\//.test(origin)) throw new Error();
		config.allowedOrigins.push(origin);
	} catch {
		problems.push(`KECS_LIVE_ALLOWED_ORIGINS entries must be origins like https://ops.example.com (or *), got "${raw}"`);
	}
	const faults = read("KECS_LIVE_FAULTS");
	if (faults !== void 0) {
		const v = faults.toLowerCase();
		if ([
			"1",
			"true",
			"yes",
			"on"
		].includes(v)) config.faults = true;
		else if ([
			"0",
			"false",
			"no",
			"off"
		].includes(v)) config.faults = false;
		else problems.push(`KECS_LIVE_FAULTS must be 1 (on) or 0 (off), got "${faults}"`);
	}
	const rate = read("SIM_LOG_RATE");
	if (rate !== void 0) {
		const n = Number(rate);
		if (!Number.isFinite(n) || n < 0 || n > 1e6) problems.push(`SIM_LOG_RATE must be a number from 0 to ${MAX_SIM_LOG_RATE} (lines per second), got "${rate}"`);
		else config.simLogRate = n;
	}
	const seed = read("SIM_SEED");
	if (seed !== void 0) {
		const n = Number(seed);
		if (!/^-?\d+$/.test(seed) || !Number.isSafeInteger(n)) problems.push(`SIM_SEED must be an integer, got "${seed}"`);
		else config.simSeed = n;
	}
	if (problems.length > 0) throw new ConfigError(problems);
	return config;
}
// server/faults.ts
/** Longest refusal the refuse fault accepts, in seconds. */
var MAX_REFUSE_SECONDS = 3600;
function sendJson(res, status, body, headers = {}) {
	const text = JSON.stringify(body);
	res.writeHead(status, {
		"content-type": "application/json; charset=utf-8",
		"cache-control": "no-store",
		"content-length": Buffer.byteLength(text),
		...headers
	});
	res.end(text);
}
/** Create the control routes for `hub`. */
function createControlRoutes(hub, options = {}) {
	const faults = options.faults ?? false;
	const allowed = (options.allowedOrigins ?? []).map(normalizeOrigin);
	const startedAt = Date.now();
	return (req, res) => {
		const url = new URL(req.url ?? "/", "http://localhost");
		const method = req.method ?? "GET";
		if (url.pathname === "/_health") {
			if (method !== "GET" && method !== "HEAD") {
				sendJson(res, 405, {
					ok: false,
					error: "use GET"
				}, { allow: "GET, HEAD" });
				return true;
			}
			sendJson(res, 200, {
				ok: true,
				epoch: hub.epoch,
				clients: hub.clientCount,
				uptimeMs: Date.now() - startedAt,
				faults,
				source: hub.sourceHealth() ?? null
			});
			return true;
		}
		if (!url.pathname.startsWith("/_faults/")) return false;
		if (!faults) {
			sendJson(res, 404, {
				ok: false,
				error: "fault controls are disabled (KECS_LIVE_FAULTS=1)"
			});
			return true;
		}
		if (method !== "POST") {
			sendJson(res, 405, {
				ok: false,
				error: "use POST"
			}, { allow: "POST" });
			return true;
		}
		if (!isOriginAllowed(req.headers.origin, req.headers.host, allowed)) {
			sendJson(res, 403, {
				ok: false,
				error: "origin not allowed"
			});
			return true;
		}
		const name = url.pathname.slice(9);
		switch (name) {
			case "drop":
				sendJson(res, 200, {
					ok: true,
					fault: "drop",
					dropped: hub.dropAll()
				});
				return true;
			case "restart":
				sendJson(res, 200, {
					ok: true,
					fault: "restart",
					...hub.restart()
				});
				return true;
			case "stall-pongs":
				sendJson(res, 200, {
					ok: true,
					fault: "stall-pongs",
					stalled: hub.stallAll()
				});
				return true;
			case "refuse": {
				const raw = url.searchParams.get("seconds");
				const seconds = raw === null || raw === "" ? 10 : Number(raw);
				if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
					sendJson(res, 400, {
						ok: false,
						error: `seconds must be a number in (0, ${MAX_REFUSE_SECONDS}], got "${raw}"`
					});
					return true;
				}
				sendJson(res, 200, {
					ok: true,
					fault: "refuse",
					seconds,
					until: hub.refuse(seconds * 1e3).toISOString()
				});
				return true;
			}
			case "malformed":
				sendJson(res, 200, {
					ok: true,
					fault: "malformed",
					sent: hub.sendMalformed()
				});
				return true;
			default:
				sendJson(res, 404, {
					ok: false,
					error: `unknown fault "${name}"`
				});
				return true;
		}
	};
}
// server/hub/close.ts
/**
* Close codes the hub uses (PROTOCOL.md, "Close codes") and the JSON close reason that can
* override a client's default for a code. A close reason must fit in 123 bytes.
*/
/** The codes the server closes with. */
var CloseCode = {
	/** Server shutting down. */
	goingAway: 1001,
	/** Origin not allowed. */
	policyViolation: 1008,
	/** Server restarting (the restart fault). */
	serviceRestart: 1012,
	/** Refusing connections for a while (the refuse fault). */
	tryAgainLater: 1013,
	/** Too many bad frames in a row. */
	protocolViolation: 4400,
	/** Wrong token. */
	unauthorized: 4401,
	/** No `authenticate` in time. */
	authenticationTimeout: 4408,
	/** Sustained flood of requests. */
	rateLimited: 4429
};
/** Encode a close reason; JSON when it carries advice, plain text otherwise. */
function closeReason(advice) {
	const text = typeof advice === "string" ? advice : JSON.stringify(advice);
	return text.length > 123 ? text.slice(0, 123) : text;
}
// server/hub/delivery.ts
/**
* Moving stream items from history to clients.
*
* Each subscription has a cursor (the last seq handed over); delivery sends what lies after it,
* in seq order, as far as the client's outbox accepts. The same path serves live items, the
* replay after `subscribe` with `since`, and a client catching up after being slow, so "the
* replay comes before any live item" holds by construction. When history evicts items a client
* had not yet received, they are counted and reported with `dropped` just before the items
* that follow the gap.
*
* Logs go out as at most one frame per client per batch interval (`log_entry` for one item,
* `log_batch` for more). Clients with the same selection and cursor get the very same string:
* the hub's tick passes a `shared` map, so each distinct batch is built and serialised once.
*/
/** Build the log frame for `selection` with records after `after`, up to `maxBytes`. */
function buildLogBatch(history, selection, after, maxBytes) {
	const parts = [];
	let bytes = 0;
	let through = after;
	const all = selection.unfiltered;
	history.forEachAfter(after, (record) => {
		if (bytes >= maxBytes) return false;
		through = record.seq;
		if (all || selection.matches(record)) {
			const json = record.json();
			parts.push(json);
			bytes += json.length + 1;
		}
		return true;
	});
	const [first] = parts;
	let frame = null;
	if (parts.length === 1 && first !== void 0) frame = `{"type":"log_entry","payload":${first}}`;
	else if (parts.length > 1) frame = `{"type":"log_batch","payload":[${parts.join(",")}]}`;
	return {
		frame,
		through,
		count: parts.length
	};
}
/**
* Count what history evicted after the subscription's position but before it was delivered.
* Exact for an unfiltered `*` subscription; for narrower ones on metrics (one history per
* resource) it counts other resources' evictions too, so it is an upper bound there.
*/
function accountEvictions(sub, history) {
	const evicted = history.evictedThrough;
	const from = Math.max(sub.cursor, sub.countedThrough);
	if (from >= evicted) return;
	const heldBetween = history.heldAfter(from) - history.heldAfter(evicted);
	sub.pendingDrop += evicted - from - heldBetween;
	sub.countedThrough = evicted;
	if (history.heldAfter(sub.cursor) === history.heldAfter(evicted)) sub.cursor = evicted;
}
function sendDropNotice(session, stream, sub, counters) {
	if (sub.pendingDrop === 0) return true;
	const count = sub.pendingDrop;
	const sent = session.outbox.send(encode({
		type: "dropped",
		payload: {
			stream,
			count,
			reason: "slow_consumer"
		}
	}));
	if (sent) {
		sub.pendingDrop = 0;
		session.dropped[stream] += count;
		counters.dropped[stream] += count;
	}
	return sent;
}
/**
* Send `session` what it has not had yet on `stream`, as far as its outbox allows.
*
* @param now monotonic time in ms (for log batch spacing)
* @param shared log batches built in this pass, by selection and cursor
*/
function deliverStream(session, stream, state, options, counters, now, shared) {
	const sub = session.subscriptions.get(stream);
	if (sub === void 0) return;
	const history = state.history(stream);
	if (sub.cursor >= history.lastSeq) return;
	accountEvictions(sub, history);
	if (!session.outbox.ready) return;
	if (stream === "logs") {
		if (now - session.lastLogBatchAt < options.batchIntervalMs - 1) return;
		if (!sendDropNotice(session, stream, sub, counters)) return;
		const key = `${sub.selection.key}#${sub.cursor}`;
		let batch = shared?.get(key);
		if (batch === void 0) {
			batch = buildLogBatch(history, sub.selection, sub.cursor, options.maxBatchBytes);
			counters.logBatchesBuilt++;
			shared?.set(key, batch);
		}
		if (batch.frame !== null) {
			if (!session.outbox.send(batch.frame)) return;
			session.lastLogBatchAt = now;
		}
		sub.cursor = batch.through;
		return;
	}
	if (!sendDropNotice(session, stream, sub, counters)) return;
	const selection = sub.selection;
	const all = selection.unfiltered;
	history.forEachAfter(sub.cursor, (record) => {
		if (!session.outbox.ready) return false;
		if ((all || selection.matches(record)) && !session.outbox.send(record.frame())) return false;
		sub.cursor = record.seq;
		return true;
	});
}
// server/hub/epoch.ts
/**
* Epochs: a fresh random name each time the hub starts (or restarts) with empty history, so a
* client resuming with `since: {epoch, seq}` from an older life is told `recovered: false`
* instead of being matched against unrelated sequence numbers.
*/
/** A new epoch name: start time (base 36, for humans reading logs) plus 48 random bits. */
function newEpoch(now = Date.now()) {
	return `${now.toString(36)}-${randomBytes(6).toString("hex")}`;
}
// server/hub/ring.ts
/**
* A bounded FIFO of items in ascending `seq` order. History must never grow with uptime, so the
* oldest item is evicted when the ring is full; a fixed array with a moving head does that in
* O(1) without the copying `push`/`shift` would cost at tens of thousands of items per second.
*/
var Ring = class {
	capacity;
	#buf;
	#head = 0;
	#size = 0;
	/** @param capacity the most items held; must be a positive integer. */
	constructor(capacity) {
		this.capacity = capacity;
		if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`);
		this.#buf = new Array(capacity);
	}
	/** Number of items held. */
	get size() {
		return this.#size;
	}
	/** The oldest item held, if any. */
	get oldest() {
		return this.#size === 0 ? void 0 : this.#buf[this.#head];
	}
	/** The newest item held, if any. */
	get newest() {
		return this.#size === 0 ? void 0 : this.#buf[(this.#head + this.#size - 1) % this.capacity];
	}
	/**
	* Append an item whose `seq` is greater than every held one; returns the item evicted to make
	* room, if any. Out-of-order appends throw, because binary search relies on the order.
	*/
	push(item) {
		const newest = this.newest;
		if (newest !== void 0 && item.seq <= newest.seq) throw new RangeError(`ring items must have increasing seq (${item.seq} after ${newest.seq})`);
		if (this.#size < this.capacity) {
			this.#buf[(this.#head + this.#size) % this.capacity] = item;
			this.#size++;
			return;
		}
		const evicted = this.#buf[this.#head];
		this.#buf[this.#head] = item;
		this.#head = (this.#head + 1) % this.capacity;
		return evicted;
	}
	/** The item at `index` (0 is the oldest), or undefined outside `0..size-1`. */
	at(index) {
		if (index < 0 || index >= this.#size) return void 0;
		return this.#buf[(this.#head + index) % this.capacity];
	}
	/** Index of the first item whose seq is greater than `seq` (`size` when there is none). */
	indexAfter(seq) {
		let lo = 0;
		let hi = this.#size;
		while (lo < hi) {
			const mid = lo + hi >>> 1;
			const item = this.at(mid);
			if (item !== void 0 && item.seq <= seq) lo = mid + 1;
			else hi = mid;
		}
		return lo;
	}
	/** Remove every item (their memory is released with the references). */
	clear() {
		this.#buf.fill(void 0);
		this.#head = 0;
		this.#size = 0;
	}
};
// server/hub/history.ts
/**
* Per-stream history: the items a stream published in the current epoch that the hub still
* holds, for `subscribe` with `since` (resume), `request_history`, and for delivering to clients
* that are behind. Bounded, so memory does not grow with uptime.
*
* Two shapes: logs, notifications and tasks keep one ring of the newest N items; metrics keep N
* samples per resource (a busy task must not push a quiet one's samples out), in at most M
* resources, least recently updated evicted first.
*/
/**
* One published item plus what the hub derived from it. The JSON is produced lazily and cached,
* so an item is serialised at most once however many clients receive it.
*/
var HistoryRecord = class {
	liveType;
	item;
	keys;
	#json;
	#frame;
	/**
	* @param liveType the message type that carries one such item (`log_entry`, …)
	* @param item the item as published, with its `seq`
	* @param keys the resources the item belongs to
	*/
	constructor(liveType, item, keys) {
		this.liveType = liveType;
		this.item = item;
		this.keys = keys;
	}
	/** The item's sequence number. */
	get seq() {
		return this.item.seq;
	}
	/** The item as JSON (cached). */
	json() {
		return this.#json ??= JSON.stringify(this.item);
	}
	/** The whole live frame for this one item (cached), e.g. `{"type":"notification",…}`. */
	frame() {
		return this.#frame ??= `{"type":"${this.liveType}","payload":${this.json()}}`;
	}
	/** Drop the cached JSON after the item was changed in place (a notification marked read). */
	invalidate() {
		this.#json = void 0;
		this.#frame = void 0;
	}
};
function pageBackwards(ring, beforeSeq, limit, match) {
	const end = beforeSeq === void 0 ? ring.size : ring.indexAfter(beforeSeq - 1);
	const records = [];
	for (let i = end - 1; i >= 0; i--) {
		const record = ring.at(i);
		if (record === void 0 || !match(record)) continue;
		if (records.length === limit) return {
			records: records.reverse(),
			complete: false
		};
		records.push(record);
	}
	return {
		records: records.reverse(),
		complete: true
	};
}
/** One ring of the newest items of a stream (logs, notifications, tasks). */
var SeqHistory = class {
	#ring;
	#onEvict;
	#lastSeq = 0;
	/**
	* @param capacity the most items held
	* @param onEvict told about each record pushed out (to keep side indexes bounded too)
	*/
	constructor(capacity, onEvict) {
		this.#ring = new Ring(capacity);
		this.#onEvict = onEvict;
	}
	get lastSeq() {
		return this.#lastSeq;
	}
	get size() {
		return this.#ring.size;
	}
	append(record) {
		if (record.seq !== this.#lastSeq + 1) throw new RangeError(`expected seq ${this.#lastSeq + 1}, got ${record.seq}`);
		const evicted = this.#ring.push(record);
		this.#lastSeq = record.seq;
		if (evicted !== void 0) this.#onEvict?.(evicted);
	}
	completeFrom() {
		return this.#ring.oldest?.seq ?? this.#lastSeq + 1;
	}
	get evictedThrough() {
		return this.completeFrom() - 1;
	}
	heldAfter(seq) {
		return this.#ring.size - this.#ring.indexAfter(seq);
	}
	forEachAfter(seq, visit) {
		if (seq >= this.#lastSeq) return;
		for (let i = this.#ring.indexAfter(seq); i < this.#ring.size; i++) {
			const record = this.#ring.at(i);
			if (record !== void 0 && visit(record) === false) return;
		}
	}
	before(beforeSeq, limit, match) {
		return pageBackwards(this.#ring, beforeSeq, limit, match);
	}
};
/** N newest items per key, for at most M keys (metrics: samples per task). */
var KeyedHistory = class {
	#rings = /* @__PURE__ */ new Map();
	#recent;
	#options;
	#lastSeq = 0;
	#size = 0;
	/** Highest seq evicted from any key: every key is complete from here on. */
	#evictedMax = 0;
	/** Highest seq of a key dropped whole: a key seen again starts complete from here. */
	#droppedKeyMax = 0;
	constructor(options) {
		this.#options = options;
		this.#recent = new Ring(options.recent ?? 4096);
	}
	get lastSeq() {
		return this.#lastSeq;
	}
	get size() {
		return this.#size;
	}
	/** Number of keys held. */
	get keys() {
		return this.#rings.size;
	}
	append(record) {
		if (record.seq !== this.#lastSeq + 1) throw new RangeError(`expected seq ${this.#lastSeq + 1}, got ${record.seq}`);
		const key = this.#options.keyOf(record);
		let entry = this.#rings.get(key);
		if (entry === void 0) entry = {
			ring: new Ring(this.#options.perKey),
			watermark: this.#droppedKeyMax
		};
		else this.#rings.delete(key);
		this.#rings.set(key, entry);
		const evicted = entry.ring.push(record);
		if (evicted === void 0) this.#size++;
		else {
			entry.watermark = evicted.seq;
			this.#evictedMax = Math.max(this.#evictedMax, evicted.seq);
		}
		this.#recent.push(record);
		this.#lastSeq = record.seq;
		if (this.#rings.size > this.#options.maxKeys) this.#dropLeastRecent();
	}
	#dropLeastRecent() {
		const first = this.#rings.entries().next();
		if (first.done) return;
		const [key, entry] = first.value;
		this.#rings.delete(key);
		this.#size -= entry.ring.size;
		const newest = entry.ring.newest?.seq ?? entry.watermark;
		this.#droppedKeyMax = Math.max(this.#droppedKeyMax, newest);
		this.#evictedMax = Math.max(this.#evictedMax, newest);
	}
	completeFrom(ref) {
		const exact = ref.kind === "task" ? this.#rings.get(ref.id) : void 0;
		const watermark = exact ? exact.watermark : this.#evictedMax;
		return Math.min(watermark + 1, this.#lastSeq + 1);
	}
	get evictedThrough() {
		return this.#evictedMax;
	}
	heldAfter(seq) {
		let held = 0;
		for (const { ring } of this.#rings.values()) held += ring.size - ring.indexAfter(seq);
		return held;
	}
	forEachAfter(seq, visit) {
		if (seq >= this.#lastSeq) return;
		const recentOldest = this.#recent.oldest;
		if (recentOldest !== void 0 && seq >= recentOldest.seq - 1) {
			for (let i = this.#recent.indexAfter(seq); i < this.#recent.size; i++) {
				const record = this.#recent.at(i);
				if (record !== void 0 && visit(record) === false) return;
			}
			return;
		}
		const records = [];
		for (const { ring } of this.#rings.values()) for (let i = ring.indexAfter(seq); i < ring.size; i++) {
			const record = ring.at(i);
			if (record !== void 0) records.push(record);
		}
		records.sort((a, b) => a.seq - b.seq);
		for (const record of records) if (visit(record) === false) return;
	}
	before(beforeSeq, limit, match) {
		const candidates = [];
		for (const { ring } of this.#rings.values()) candidates.push(...pageBackwards(ring, beforeSeq, limit + 1, match).records);
		candidates.sort((a, b) => a.seq - b.seq);
		const complete = candidates.length <= limit;
		return {
			records: complete ? candidates : candidates.slice(-limit),
			complete
		};
	}
};
// server/hub/resource.ts
/** The cluster's name from its ARN (`arn:aws:ecs:…:cluster/<name>`), or the input unchanged. */
function clusterNameOf(arnOrName) {
	const at = arnOrName.lastIndexOf(":cluster/");
	return at === -1 ? arnOrName : arnOrName.slice(at + 9);
}
/** The service name of a task's `group` (`service:<name>`), if it was started by a service. */
function serviceOfGroup(group) {
	return group?.startsWith("service:") ? group.slice(8) : void 0;
}
function lastSegment$1(arn) {
	return arn.slice(arn.lastIndexOf("/") + 1);
}
/** Parse a subscription's `resourceId`. Anything not `*`, `service:` or `cluster:` is a task. */
function parseResourceId(resourceId) {
	if (resourceId === "*") return { kind: "all" };
	if (resourceId.startsWith("service:")) return {
		kind: "service",
		name: resourceId.slice(8)
	};
	if (resourceId.startsWith("cluster:")) return {
		kind: "cluster",
		name: clusterNameOf(resourceId.slice(8))
	};
	return {
		kind: "task",
		id: resourceId
	};
}
/**
* Whether `ref` selects an item with `keys`. A task may be named by its full ARN or, for
* convenience, by its short id (the ARN's last segment).
*/
function matchesResource(ref, keys) {
	switch (ref.kind) {
		case "all": return true;
		case "service": return keys.serviceName === ref.name;
		case "cluster": return keys.clusterName === ref.name;
		case "task": return keys.taskId !== void 0 && (keys.taskId === ref.id || !ref.id.includes("/") && lastSegment$1(keys.taskId) === ref.id);
	}
}
/**
* What the hub has learnt about each task from task updates, so that items which name only
* their task (metrics, some logs) still match `service:` and `cluster:` subscriptions.
* Bounded: the oldest entries go first, as a simulator or a long-lived KECS churns tasks.
*/
var TaskIndex = class {
	capacity;
	#tasks = /* @__PURE__ */ new Map();
	/** @param capacity the most tasks remembered (default 10,000). */
	constructor(capacity = 1e4) {
		this.capacity = capacity;
	}
	/** Remember (or refresh) where a task runs. */
	learn(task) {
		const placement = { clusterArn: task.clusterArn };
		const service = serviceOfGroup(task.group);
		if (service !== void 0) placement.serviceName = service;
		this.#tasks.delete(task.taskArn);
		this.#tasks.set(task.taskArn, placement);
		if (this.#tasks.size > this.capacity) {
			const oldest = this.#tasks.keys().next();
			if (!oldest.done) this.#tasks.delete(oldest.value);
		}
	}
	/** Forget a deleted task. */
	forget(taskArn) {
		this.#tasks.delete(taskArn);
	}
	/** Number of tasks remembered. */
	get size() {
		return this.#tasks.size;
	}
	/** Keys for a task, completed from what is known about it. */
	keysFor(taskId, known = {}) {
		const placement = taskId === void 0 ? void 0 : this.#tasks.get(taskId);
		const serviceName = known.serviceName ?? placement?.serviceName;
		const clusterArn = known.clusterArn ?? placement?.clusterArn;
		const keys = {};
		if (taskId !== void 0) keys.taskId = taskId;
		if (serviceName !== void 0) keys.serviceName = serviceName;
		if (clusterArn !== void 0) {
			keys.clusterArn = clusterArn;
			keys.clusterName = clusterNameOf(clusterArn);
		}
		return keys;
	}
	/** Keys of a log entry. */
	logKeys(entry) {
		return this.keysFor(entry.taskId, {
			serviceName: entry.serviceName,
			clusterArn: entry.clusterArn
		});
	}
	/** Keys of a metric update: its `resourceId` is the task unless `metrics.taskId` says more. */
	metricKeys(update) {
		return this.keysFor(update.metrics.taskId ?? update.resourceId, { serviceName: update.metrics.serviceName });
	}
	/** Keys of a notification, from its optional `resourceId`. */
	notificationKeys(notification) {
		const id = notification.resourceId;
		if (id === void 0) return {};
		const ref = parseResourceId(id);
		switch (ref.kind) {
			case "all": return {};
			case "service": return { serviceName: ref.name };
			case "cluster": return { clusterName: ref.name };
			case "task": return this.keysFor(ref.id);
		}
	}
	/** Keys of a task update; learns (or forgets) the task first. */
	taskKeys(update) {
		if (update.task) this.learn(update.task);
		const keys = this.keysFor(update.taskId, {
			serviceName: serviceOfGroup(update.task?.group ?? update.changes?.group),
			clusterArn: update.task?.clusterArn ?? update.changes?.clusterArn
		});
		if (update.updateType === "deleted") this.forget(update.taskId);
		return keys;
	}
};
// server/hub/epoch-state.ts
/** Defaults of {@link HistoryLimits}. */
var DEFAULT_HISTORY_LIMITS = {
	logs: 1e4,
	notifications: 1e3,
	tasks: 1e3,
	metricsPerResource: 600,
	metricResources: 64
};
/** The message type that carries one item of each stream. */
var LIVE_TYPES = {
	logs: "log_entry",
	metrics: "metric_update",
	notifications: "notification",
	tasks: "task_update"
};
/** One epoch's state. */
var EpochState = class {
	/** This epoch's name. */
	epoch;
	/** When this epoch began (ms since 1970). */
	startedAt = Date.now();
	logs;
	metrics;
	notifications;
	tasks;
	/** Notifications still in history, by id. */
	notificationsById = /* @__PURE__ */ new Map();
	/** Where tasks run, learnt from task updates. */
	taskIndex = new TaskIndex();
	#histories;
	constructor(limits, epoch = newEpoch()) {
		this.epoch = epoch;
		this.logs = new SeqHistory(limits.logs);
		this.metrics = new KeyedHistory({
			perKey: limits.metricsPerResource,
			maxKeys: limits.metricResources,
			keyOf: (record) => record.item.resourceId
		});
		this.notifications = new SeqHistory(limits.notifications, (evicted) => {
			if (this.notificationsById.get(evicted.item.id) === evicted) this.notificationsById.delete(evicted.item.id);
		});
		this.tasks = new SeqHistory(limits.tasks);
		this.#histories = {
			logs: this.logs,
			metrics: this.metrics,
			notifications: this.notifications,
			tasks: this.tasks
		};
	}
	/** The history of one stream. */
	history(stream) {
		return this.#histories[stream];
	}
	/** Stamp and store a log entry. */
	publishLog(entry) {
		const item = {
			...entry,
			seq: this.logs.lastSeq + 1
		};
		const record = new HistoryRecord(LIVE_TYPES.logs, item, this.taskIndex.logKeys(entry));
		this.logs.append(record);
		return record;
	}
	/** Stamp and store a metric update. */
	publishMetrics(update) {
		const item = {
			...update,
			seq: this.metrics.lastSeq + 1
		};
		const record = new HistoryRecord(LIVE_TYPES.metrics, item, this.taskIndex.metricKeys(update));
		this.metrics.append(record);
		return record;
	}
	/** Stamp and store a notification (its read/dismissed state then lives here). */
	publishNotification(notification) {
		const item = {
			...notification,
			seq: this.notifications.lastSeq + 1
		};
		const keys = this.taskIndex.notificationKeys(notification);
		const record = new HistoryRecord(LIVE_TYPES.notifications, item, keys);
		this.notifications.append(record);
		this.notificationsById.set(item.id, record);
		return record;
	}
	/** Stamp and store a task update (and learn where the task runs). */
	publishTask(update) {
		const item = {
			...update,
			seq: this.tasks.lastSeq + 1
		};
		const record = new HistoryRecord(LIVE_TYPES.tasks, item, this.taskIndex.taskKeys(update));
		this.tasks.append(record);
		return record;
	}
};
// server/hub/outbox.ts
/**
* The sending side of one connection, bounded in bytes and frames.
*
* There is no queue of our own: `ws` already buffers what the socket has not taken, and
* `bufferedAmount` reports it. Stream items are pulled from history only while that buffer is
* below the high-water marks, so a slow client falls behind in the (shared, bounded) history
* instead of in a per-client queue, and what it misses when history moves past it is counted
* and reported as `dropped`. Replies to requests are always written (a client is owed its
* answers), but a client that keeps asking without reading is terminated once its buffer passes
* `maxBytes`: that is the hard bound on what one connection can hold on the server.
*/
/** Defaults of {@link OutboxLimits}. */
var DEFAULT_OUTBOX_LIMITS = {
	highWaterBytes: 1048576,
	highWaterFrames: 1024,
	maxBytes: 16777216
};
/** One connection's sending side. */
var Outbox = class {
	#ws;
	#limits;
	#counters;
	#onOverflow;
	#flushed = () => {
		this.#unflushed--;
	};
	#unflushed = 0;
	/** While suspended (the "stall" fault) nothing at all is written. */
	suspended = false;
	/**
	* @param ws the socket
	* @param limits the bounds
	* @param counters hub-wide counters to add to
	* @param onOverflow called (once per overflowing send) when `maxBytes` would be passed
	*/
	constructor(ws, limits, counters, onOverflow) {
		this.#ws = ws;
		this.#limits = limits;
		this.#counters = counters;
		this.#onOverflow = onOverflow;
	}
	/** Bytes written but not yet taken by the socket. */
	get bufferedBytes() {
		return this.#ws.bufferedAmount;
	}
	/** Frames written but not yet flushed to the socket. */
	get unflushedFrames() {
		return this.#unflushed;
	}
	/** Whether the connection is open and not suspended. */
	get open() {
		return !this.suspended && this.#ws.readyState === WebSocket.OPEN;
	}
	/** Whether stream data may be written now (open, and below both high-water marks). */
	get ready() {
		return this.open && this.#ws.bufferedAmount < this.#limits.highWaterBytes && this.#unflushed < this.#limits.highWaterFrames;
	}
	/**
	* Write one frame. Returns false when it was not written: closed, suspended, or the
	* connection overflowed (and is being terminated).
	*/
	send(frame) {
		if (!this.open) return false;
		const buffered = this.#ws.bufferedAmount;
		if (buffered > 0 && buffered + frame.length > this.#limits.maxBytes) {
			this.#counters.overflows++;
			this.#onOverflow();
			return false;
		}
		this.#unflushed++;
		this.#counters.framesOut++;
		this.#counters.bytesOut += frame.length;
		this.#ws.send(frame, this.#flushed);
		return true;
	}
};
// server/hub/rate-limiter.ts
/** Defaults of {@link RateLimitOptions}. */
var DEFAULT_RATE_LIMIT = {
	perSecond: 50,
	burst: 100,
	maxViolations: 50,
	windowMs: 1e4
};
/** A token bucket with a sliding count of refusals. */
var RateLimiter = class {
	#options;
	#now;
	#tokens;
	#refilledAt;
	/** Times of the last `maxViolations - 1` refusals, as a circular buffer. */
	#violations;
	#next = 0;
	/**
	* @param options the limits
	* @param now clock in ms (injectable for tests)
	*/
	constructor(options, now = Date.now) {
		this.#options = options;
		this.#now = now;
		this.#tokens = options.burst;
		this.#refilledAt = now();
		this.#violations = new Array(Math.max(1, options.maxViolations - 1)).fill(-Infinity);
	}
	/** Tokens left (fractional), after refilling. */
	get tokens() {
		this.#refill();
		return this.#tokens;
	}
	#refill() {
		const now = this.#now();
		const elapsed = now - this.#refilledAt;
		if (elapsed > 0) {
			this.#tokens = Math.min(this.#options.burst, this.#tokens + elapsed * this.#options.perSecond / 1e3);
			this.#refilledAt = now;
		}
	}
	/**
	* Account for one message: `accept` it, `refuse` it (reply `rate_limit_exceeded`), or
	* `close` the connection because refusals have gone on for too long.
	*/
	take() {
		this.#refill();
		if (this.#tokens >= 1) {
			this.#tokens -= 1;
			return "accept";
		}
		if (this.#options.maxViolations <= 1) return "close";
		const now = this.#now();
		const oldest = this.#violations[this.#next] ?? -Infinity;
		this.#violations[this.#next] = now;
		this.#next = (this.#next + 1) % this.#violations.length;
		return now - oldest < this.#options.windowMs ? "close" : "refuse";
	}
};
var BOUNDED = /^\{(\d+)(,(\d*))?\}/;
function skipClass(pattern, start) {
	let i = start + 1;
	while (i < pattern.length && pattern[i] !== "]") i += pattern[i] === "\\" ? 2 : 1;
	return i + 1;
}
function groupPrefixLength(pattern, i) {
	if (pattern[i + 1] !== "?") return 1;
	if (pattern.startsWith("(?<=", i) || pattern.startsWith("(?<!", i)) return 4;
	if (pattern[i + 2] === "<") {
		const close = pattern.indexOf(">", i);
		return close === -1 ? pattern.length - i : close - i + 1;
	}
	return 3;
}
/**
* Check a client's pattern against the rules in the module comment and compile it.
* Never throws: a syntax error is a refusal like any other.
*/
function compileSafeRegex(pattern, options = {}) {
	const maxLength = options.maxLength ?? 256;
	const inputMax = options.inputMax ?? 1e3;
	const maxSteps = options.maxSteps ?? 1e7;
	if (pattern.length > maxLength) return {
		ok: false,
		reason: `regex longer than ${maxLength} characters`
	};
	const stack = [{
		hasQuantifier: false,
		hasAlternation: false
	}];
	let atom = { kind: "none" };
	let steps = inputMax;
	let i = 0;
	while (i < pattern.length) {
		const c = pattern[i];
		const frame = stack[stack.length - 1];
		if (frame === void 0) break;
		if (c === "\\") {
			const next = pattern[i + 1];
			if (next !== void 0 && (next >= "1" && next <= "9" || next === "k")) return {
				ok: false,
				reason: "regex backreferences are not allowed"
			};
			atom = { kind: "char" };
			i += 2;
			continue;
		}
		if (c === "[") {
			atom = { kind: "char" };
			i = skipClass(pattern, i);
			continue;
		}
		if (c === "(") {
			stack.push({
				hasQuantifier: false,
				hasAlternation: false
			});
			atom = { kind: "none" };
			i += groupPrefixLength(pattern, i);
			continue;
		}
		if (c === ")") {
			if (stack.length > 1) {
				stack.pop();
				const parent = stack[stack.length - 1];
				if (parent) {
					parent.hasQuantifier ||= frame.hasQuantifier;
					parent.hasAlternation ||= frame.hasAlternation;
				}
				atom = {
					kind: "group",
					frame
				};
			}
			i++;
			continue;
		}
		if (c === "|") {
			frame.hasAlternation = true;
			atom = { kind: "none" };
			i++;
			continue;
		}
		let min;
		let max;
		let length = 1;
		if (c === "*") [min, max] = [0, Infinity];
		else if (c === "+") [min, max] = [1, Infinity];
		else if (c === "?") [min, max] = [0, 1];
		else if (c === "{") {
			const m = BOUNDED.exec(pattern.slice(i, i + 24));
			if (m?.[1] !== void 0) {
				min = Number(m[1]);
				max = m[2] === void 0 ? min : m[3] === "" || m[3] === void 0 ? Infinity : Number(m[3]);
				length = m[0].length;
			}
		}
		if (min === void 0 || max === void 0) {
			atom = { kind: "char" };
			i++;
			continue;
		}
		i += length;
		if (pattern[i] === "?") i++;
		if (atom.kind === "group" && max > 1 && (atom.frame.hasQuantifier || atom.frame.hasAlternation)) return {
			ok: false,
			reason: atom.frame.hasQuantifier ? "regex has a repeated group containing a quantifier (nested quantifiers)" : "regex has a repeated group containing an alternation"
		};
		const range = max === Infinity ? inputMax : max - min + 1;
		if (range > 1) frame.hasQuantifier = true;
		steps *= range;
		atom = { kind: "none" };
	}
	if (steps > maxSteps) return {
		ok: false,
		reason: "regex is too expensive: use at most one unbounded quantifier (*, +, {n,}) and few small bounded ones; matching is unanchored, so a leading or trailing .* is not needed"
	};
	try {
		return {
			ok: true,
			regex: new RegExp(pattern)
		};
	} catch (e) {
		return {
			ok: false,
			reason: e instanceof Error ? e.message : "invalid regex"
		};
	}
}
// server/hub/auth.ts
/**
* Token authentication. The comparison runs in constant time over hashes, so neither the
* content nor the length of the configured token leaks through response timing.
*/
function digest(text) {
	return createHash("sha256").update(text, "utf8").digest();
}
/** Whether `candidate` equals `token`, in time independent of both. */
function tokenMatches(token, candidate) {
	return timingSafeEqual(digest(token), digest(candidate));
}
/** The identity behind the shared token (there is one token, so one operator identity). */
var OPERATOR = {
	username: "operator",
	roles: ["operator"]
};
/** The identity of a connection to a hub without a token. */
var ANONYMOUS = {
	username: "anonymous",
	roles: ["operator"]
};
// server/hub/event-filter.ts
var STREAM_EVENT_TYPES = {
	logs: [
		"logs",
		"log",
		"log_entry",
		"log_batch"
	],
	metrics: [
		"metrics",
		"metric",
		"metric_update"
	],
	notifications: [
		"notifications",
		"notification",
		"notification_update"
	],
	tasks: [
		"tasks",
		"task",
		"task_update"
	]
};
function nonEmpty(values) {
	return values && values.length > 0 ? values : void 0;
}
function resourceNames(record) {
	const { taskId, serviceName, clusterArn, clusterName } = record.keys;
	const names = [];
	if (taskId !== void 0) names.push(taskId, taskId.slice(taskId.lastIndexOf("/") + 1));
	if (serviceName !== void 0) names.push(serviceName, `service:${serviceName}`);
	if (clusterArn !== void 0) names.push(clusterArn);
	if (clusterName !== void 0) names.push(clusterName, `cluster:${clusterName}`);
	return names;
}
function compileOne(filter) {
	const eventTypes = nonEmpty(filter.eventTypes);
	const resourceTypes = nonEmpty(filter.resourceTypes);
	const resourceIds = nonEmpty(filter.resourceIds);
	const metadata = filter.metadata && Object.keys(filter.metadata).length > 0 ? filter.metadata : void 0;
	return (stream, record) => {
		if (eventTypes && !STREAM_EVENT_TYPES[stream].some((t) => eventTypes.includes(t))) return false;
		if (resourceTypes) {
			const { taskId, serviceName, clusterName } = record.keys;
			if (!(taskId !== void 0 && resourceTypes.includes("task") || serviceName !== void 0 && resourceTypes.includes("service") || clusterName !== void 0 && resourceTypes.includes("cluster"))) return false;
		}
		if (resourceIds && !resourceNames(record).some((n) => resourceIds.includes(n))) return false;
		if (metadata) {
			const own = record.item.metadata;
			if (!own) return false;
			for (const [k, v] of Object.entries(metadata)) if (!Object.hasOwn(own, k) || own[k] !== v) return false;
		}
		return true;
	};
}
/** Compile `setFilters`' payload; an empty list means no filtering. */
function compileEventFilters(filters) {
	if (filters.length === 0) return null;
	const compiled = filters.map(compileOne);
	return {
		key: JSON.stringify(filters),
		matches: (stream, record) => compiled.some((f) => f(stream, record))
	};
}
// server/hub/requests.ts
/**
* The hub's answers to client requests (PROTOCOL.md, "Client to server"). Every reply echoes the
* request's `id`. A request that cannot be honoured returns a {@link Rejection}; the hub turns
* it into an `error` reply and counts it towards the bad-frame limit.
*/
function reply(session, frame) {
	session.outbox.send(frame);
}
function resolveStream(session, stream) {
	const resolved = stream ?? session.pathStream;
	if (resolved !== void 0) return resolved;
	return {
		code: "unknown_stream",
		message: "no stream given: name one (logs, metrics, notifications, tasks) or use /ws/<stream>"
	};
}
function authenticate(ctx, session, msg) {
	if (ctx.token !== void 0 && !tokenMatches(ctx.token, msg.payload.token)) {
		session.outbox.send(encode({
			type: "error",
			payload: {
				error: "authentication_failed",
				message: "invalid token",
				ref: msg.id
			},
			id: msg.id
		}));
		ctx.close(session, CloseCode.unauthorized, "authentication failed");
		return;
	}
	session.authenticated = true;
	clearTimeout(session.authTimer);
	session.authTimer = void 0;
	return reply(session, encode({
		type: "authenticated",
		payload: ctx.token === void 0 ? ANONYMOUS : OPERATOR,
		id: msg.id
	}));
}
function subscribe(ctx, session, msg) {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== "string") return stream;
	const resourceId = msg.payload.resourceId ?? "*";
	if (msg.payload.filter !== void 0) {
		const compiled = ctx.compiler.compile(stream, msg.payload.filter);
		if (!compiled.ok) return {
			code: "invalid_message",
			message: `invalid filter: ${compiled.message}`
		};
		session.filters.set(stream, compiled.filter);
	}
	const { state } = ctx;
	const history = state.history(stream);
	const oldestSeq = history.completeFrom(parseResourceId(resourceId));
	const since = msg.payload.since;
	const recovered = since !== void 0 && since.epoch === state.epoch && since.seq <= history.lastSeq && since.seq >= oldestSeq - 1;
	let sub = session.subscriptions.get(stream);
	if (sub === void 0) {
		sub = {
			resourceIds: /* @__PURE__ */ new Set([resourceId]),
			cursor: history.lastSeq,
			countedThrough: history.lastSeq,
			pendingDrop: 0,
			selection: session.selectionFor(stream, [resourceId])
		};
		session.subscriptions.set(stream, sub);
		if (recovered) {
			sub.cursor = since.seq;
			sub.countedThrough = Math.max(since.seq, history.evictedThrough);
		}
	} else {
		sub.resourceIds.add(resourceId);
		if (recovered && since.seq < sub.cursor) {
			sub.cursor = since.seq;
			sub.countedThrough = Math.max(sub.countedThrough, history.evictedThrough);
		}
	}
	session.refresh(stream);
	session.outbox.send(encode({
		type: "subscribed",
		payload: {
			stream,
			resourceId,
			epoch: state.epoch,
			recovered,
			lastSeq: history.lastSeq,
			oldestSeq
		},
		id: msg.id
	}));
	ctx.deliver(session, stream);
}
function unsubscribe(session, msg) {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== "string") return stream;
	const resourceId = msg.payload.resourceId ?? "*";
	const sub = session.subscriptions.get(stream);
	if (sub) {
		sub.resourceIds.delete(resourceId);
		if (sub.resourceIds.size === 0) session.subscriptions.delete(stream);
		else session.refresh(stream);
	}
	return reply(session, encode({
		type: "unsubscribed",
		payload: {
			stream,
			resourceId
		},
		id: msg.id
	}));
}
function requestHistory(ctx, session, msg) {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== "string") return stream;
	const resourceId = msg.payload.resourceId ?? "*";
	const limit = msg.payload.limit ?? 100;
	const selection = session.selectionFor(stream, [resourceId]);
	const page = ctx.state.history(stream).before(msg.payload.beforeSeq, limit, (r) => selection.matches(r));
	const items = page.records.map((r) => r.json()).join(",");
	return reply(session, `{"type":"history","payload":${`{"stream":"${stream}","resourceId":${JSON.stringify(resourceId)},"epoch":${JSON.stringify(ctx.state.epoch)},"items":[${items}],"complete":${page.complete}}`}${msg.id === void 0 ? "" : `,"id":${JSON.stringify(msg.id)}`}}`);
}
function updateFilter(ctx, session, msg) {
	const stream = resolveStream(session, msg.payload.stream);
	if (typeof stream !== "string") return stream;
	const compiled = ctx.compiler.compile(stream, msg.payload.filter);
	if (!compiled.ok) return {
		code: "invalid_message",
		message: `invalid filter: ${compiled.message}`
	};
	session.filters.set(stream, compiled.filter);
	session.refresh(stream);
	return reply(session, encode({
		type: "filter_applied",
		payload: {
			stream,
			filter: compiled.filter?.spec ?? {}
		},
		id: msg.id
	}));
}
function setFilters(session, msg) {
	session.eventFilters = compileEventFilters(msg.payload);
	for (const stream of session.subscriptions.keys()) session.refresh(stream);
	return reply(session, encode({
		type: "filtersSet",
		payload: msg.payload,
		id: msg.id
	}));
}
function announce(ctx, session, record, changes, changed, requestId) {
	const id = record.item.id;
	if (changed) ctx.broadcast(encode({
		type: "notification_update",
		payload: {
			id,
			changes
		}
	}), session);
	session.outbox.send(encode({
		type: "notification_update",
		payload: {
			id,
			changes
		},
		id: requestId
	}));
}
function changeNotification(ctx, session, notificationId, changes, requestId) {
	const record = ctx.state.notificationsById.get(notificationId);
	if (record === void 0) return {
		code: "invalid_message",
		message: `unknown notification "${notificationId}"`
	};
	const item = record.item;
	let changed = false;
	if ("read" in changes && !item.read) {
		item.read = true;
		changed = true;
	}
	if ("dismissed" in changes && item.dismissed !== true) {
		item.dismissed = true;
		changed = true;
	}
	if (changed) record.invalidate();
	announce(ctx, session, record, changes, changed, requestId);
}
function markAllAsRead(ctx, session, requestId) {
	const changed = [];
	ctx.state.notifications.forEachAfter(0, (record) => {
		if (!record.item.read) {
			record.item.read = true;
			record.invalidate();
			changed.push(record);
		}
	});
	for (const record of changed) announce(ctx, session, record, { read: true }, true, requestId);
}
/**
* Answer one decoded request. Authentication gates everything but `ping` and `authenticate`.
* Returns a rejection for the hub to report, or undefined when the request was answered.
*/
function handleRequest(ctx, session, msg) {
	if (!session.authenticated && msg.type !== "ping" && msg.type !== "authenticate") return {
		code: "unauthorized",
		message: "authenticate first"
	};
	switch (msg.type) {
		case "ping": return reply(session, encode({
			type: "pong",
			id: msg.id
		}));
		case "authenticate": return authenticate(ctx, session, msg);
		case "subscribe": return subscribe(ctx, session, msg);
		case "unsubscribe": return unsubscribe(session, msg);
		case "request_history": return requestHistory(ctx, session, msg);
		case "update_filter": return updateFilter(ctx, session, msg);
		case "setFilters": return setFilters(session, msg);
		case "mark_as_read": return changeNotification(ctx, session, msg.payload.notificationId, { read: true }, msg.id);
		case "dismiss": return changeNotification(ctx, session, msg.payload.notificationId, { dismissed: true }, msg.id);
		case "mark_all_as_read": return markAllAsRead(ctx, session, msg.id);
		case "message": return reply(session, encode({
			type: "message",
			payload: msg.payload,
			id: msg.id
		}));
	}
}
// server/hub/selection.ts
/** An immutable selection; build a new one when any part changes. */
var Selection = class {
	stream;
	filter;
	events;
	/** Canonical text: equal keys select the same records. */
	key;
	/** The parsed resource ids. */
	refs;
	#all;
	/**
	* @param stream the stream selected from
	* @param resourceIds subscribed resource ids (`*`, a task ARN, `service:x`, `cluster:x`)
	* @param filter the stream filter, if any
	* @param events the KECS event filters, if any
	*/
	constructor(stream, resourceIds, filter, events) {
		this.stream = stream;
		this.filter = filter;
		this.events = events;
		const ids = [...new Set(resourceIds)].sort();
		this.refs = ids.map(parseResourceId);
		this.#all = this.refs.some((r) => r.kind === "all");
		this.key = `${stream}|${ids.join("\n")}|${filter?.key ?? ""}|${events?.key ?? ""}`;
	}
	/** Whether the selection passes every item of the stream (`*`, no filters). */
	get unfiltered() {
		return this.#all && this.filter === null && this.events === null;
	}
	/** Whether a record is selected. */
	matches(record) {
		if (!this.#all && !this.refs.some((ref) => matchesResource(ref, record.keys))) return false;
		if (this.filter !== null && !this.filter.matches(record)) return false;
		return this.events === null || this.events.matches(this.stream, record);
	}
};
// server/hub/session.ts
/** A connected client. */
var Session = class {
	id;
	ws;
	pathStream;
	path;
	remoteAddress;
	limiter;
	outbox;
	connectedAt;
	authenticated;
	/** Last time anything arrived from the client (frame, ping or pong). */
	lastSeen;
	/** When the last `log_batch`/`log_entry` went out (batches are at least an interval apart). */
	lastLogBatchAt = -Infinity;
	/** Bad frames in a row. */
	badFrames = 0;
	/** The stall fault: the connection is ignored and silent until it closes. */
	stalled = false;
	closed = false;
	authTimer;
	subscriptions = /* @__PURE__ */ new Map();
	/** Stream filters (`update_filter`), kept even while not subscribed. */
	filters = /* @__PURE__ */ new Map();
	/** KECS event filters (`setFilters`). */
	eventFilters = null;
	/** Items reported as dropped, per stream. */
	dropped = {
		logs: 0,
		metrics: 0,
		notifications: 0,
		tasks: 0
	};
	constructor(init) {
		this.id = init.id;
		this.ws = init.ws;
		this.pathStream = init.pathStream;
		this.path = init.path;
		this.remoteAddress = init.remoteAddress;
		this.authenticated = init.authenticated;
		this.limiter = init.limiter;
		this.outbox = init.outbox;
		this.connectedAt = init.now;
		this.lastSeen = init.now;
	}
	/** A selection for `stream` over `resourceIds` with this session's current filters. */
	selectionFor(stream, resourceIds) {
		return new Selection(stream, resourceIds, this.filters.get(stream) ?? null, this.eventFilters);
	}
	/** Rebuild a subscription's selection after its resources or filters changed. */
	refresh(stream) {
		const sub = this.subscriptions.get(stream);
		if (sub) sub.selection = this.selectionFor(stream, sub.resourceIds);
	}
};
// server/hub/stream-filter.ts
function lastSegment(id) {
	return id.slice(id.lastIndexOf("/") + 1);
}
/**
* Normalise a filter: empty lists and empty strings mean "no restriction" (the UI's "nothing
* selected"), lists are sorted and deduplicated, and fields a stream ignores are removed.
*/
function normalizeFilter(stream, filter) {
	const out = {};
	const list = (values) => values && values.length > 0 ? [...new Set(values)].sort() : void 0;
	if (stream === "logs") {
		const levels = list(filter.levels);
		if (levels) out.levels = levels;
		if (filter.search) out.search = filter.search;
		if (filter.regex) out.regex = filter.regex;
	}
	const taskIds = list(filter.taskIds);
	if (taskIds) out.taskIds = taskIds;
	const serviceNames = list(filter.serviceNames);
	if (serviceNames) out.serviceNames = serviceNames;
	return out;
}
function compileUncached(stream, spec, key, guard) {
	let regex;
	if (spec.regex !== void 0) {
		const checked = compileSafeRegex(spec.regex, guard);
		if (!checked.ok) return {
			ok: false,
			message: checked.reason
		};
		regex = checked.regex;
	}
	const inputMax = guard.inputMax ?? 1e3;
	const levels = spec.levels ? new Set(spec.levels) : void 0;
	const search = spec.search?.toLowerCase();
	const taskIds = spec.taskIds ? new Set(spec.taskIds) : void 0;
	const services = spec.serviceNames ? new Set(spec.serviceNames) : void 0;
	const isLogs = stream === "logs";
	return {
		ok: true,
		filter: {
			key,
			spec,
			matches(record) {
				const { keys } = record;
				if (taskIds) {
					const id = keys.taskId;
					if (id === void 0 || !(taskIds.has(id) || taskIds.has(lastSegment(id)))) return false;
				}
				if (services && (keys.serviceName === void 0 || !services.has(keys.serviceName))) return false;
				if (!isLogs) return true;
				const entry = record.item;
				if (levels && !levels.has(entry.level)) return false;
				if (search !== void 0 && !entry.message.toLowerCase().includes(search)) return false;
				if (regex) {
					const text = entry.message.length > inputMax ? entry.message.slice(0, inputMax) : entry.message;
					if (!regex.test(text)) return false;
				}
				return true;
			}
		}
	};
}
/**
* Compiles filters, caching them by key (bounded) so that a hundred tabs with the same filter
* share one compiled regex.
*/
var FilterCompiler = class {
	guard;
	cacheSize;
	#cache = /* @__PURE__ */ new Map();
	/**
	* @param guard limits for regexes (see regex-guard.ts)
	* @param cacheSize compiled filters kept (default 256)
	*/
	constructor(guard = {}, cacheSize = 256) {
		this.guard = guard;
		this.cacheSize = cacheSize;
	}
	/** Compile `filter` for `stream`; `null` when it restricts nothing. Never throws. */
	compile(stream, filter) {
		const spec = normalizeFilter(stream, filter);
		if (Object.keys(spec).length === 0) return {
			ok: true,
			filter: null
		};
		const key = `${stream}:${JSON.stringify(spec)}`;
		const cached = this.#cache.get(key);
		if (cached) return {
			ok: true,
			filter: cached
		};
		const result = compileUncached(stream, spec, key, this.guard);
		if (result.ok && result.filter) {
			if (this.#cache.size >= this.cacheSize) {
				const oldest = this.#cache.keys().next();
				if (!oldest.done) this.#cache.delete(oldest.value);
			}
			this.#cache.set(key, result.filter);
		}
		return result;
	}
};
// server/hub/hub.ts
function positive(name, value, integer = true) {
	if (!Number.isFinite(value) || value <= 0 || integer && !Number.isInteger(value)) throw new RangeError(`hub option ${name} must be a positive ${integer ? "integer" : "number"}, got ${value}`);
	return value;
}
function resolveOptions(options) {
	const history = {
		...DEFAULT_HISTORY_LIMITS,
		...options.history
	};
	for (const [k, v] of Object.entries(history)) positive(`history.${k}`, v);
	const r = {
		token: options.token === "" ? void 0 : options.token,
		allowedOrigins: (options.allowedOrigins ?? []).map(normalizeOrigin),
		heartbeatIntervalMs: options.heartbeatIntervalMs ?? 15e3,
		authTimeoutMs: options.authTimeoutMs ?? 5e3,
		rateLimitPerSecond: options.rateLimitPerSecond ?? DEFAULT_RATE_LIMIT.perSecond,
		rateLimitBurst: options.rateLimitBurst ?? DEFAULT_RATE_LIMIT.burst,
		rateLimitMaxViolations: options.rateLimitMaxViolations ?? DEFAULT_RATE_LIMIT.maxViolations,
		rateLimitWindowMs: options.rateLimitWindowMs ?? DEFAULT_RATE_LIMIT.windowMs,
		maxBadFrames: options.maxBadFrames ?? 20,
		history,
		batchIntervalMs: options.batchIntervalMs ?? 50,
		maxBatchBytes: options.maxBatchBytes ?? 4194304,
		sendHighWaterBytes: options.sendHighWaterBytes ?? DEFAULT_OUTBOX_LIMITS.highWaterBytes,
		sendHighWaterFrames: options.sendHighWaterFrames ?? DEFAULT_OUTBOX_LIMITS.highWaterFrames,
		sendMaxBytes: options.sendMaxBytes ?? DEFAULT_OUTBOX_LIMITS.maxBytes,
		deflate: options.deflate ?? false,
		deflateThreshold: options.deflateThreshold ?? 1024,
		maxFrameBytes: options.maxFrameBytes ?? 1048576,
		regexInputMax: options.regexInputMax ?? 1e3,
		onError: options.onError ?? ((error, context) => console.error(`[hub] ${context}:`, error))
	};
	positive("heartbeatIntervalMs", r.heartbeatIntervalMs);
	positive("authTimeoutMs", r.authTimeoutMs);
	positive("rateLimitPerSecond", r.rateLimitPerSecond, false);
	positive("rateLimitBurst", r.rateLimitBurst);
	positive("rateLimitMaxViolations", r.rateLimitMaxViolations);
	positive("rateLimitWindowMs", r.rateLimitWindowMs);
	positive("maxBadFrames", r.maxBadFrames);
	positive("batchIntervalMs", r.batchIntervalMs);
	positive("maxBatchBytes", r.maxBatchBytes);
	positive("sendHighWaterBytes", r.sendHighWaterBytes);
	positive("sendHighWaterFrames", r.sendHighWaterFrames);
	positive("sendMaxBytes", r.sendMaxBytes);
	positive("maxFrameBytes", r.maxFrameBytes);
	positive("regexInputMax", r.regexInputMax);
	return r;
}
/** WebSocket paths the hub serves, and the stream each alias implies. */
var HUB_PATHS = new Map([["/ws", void 0], ...STREAMS.map((s) => [`/ws/${s}`, s])]);
/** The hub path a request URL names, or undefined when it is not one of ours. */
function hubPath(url) {
	const pathname = new URL(url ?? "/", "http://localhost").pathname;
	const path = pathname.length > 1 && pathname.endsWith("/") ? pathname.slice(0, -1) : pathname;
	return HUB_PATHS.has(path) ? path : void 0;
}
/** The hub. Create it, {@link Hub.start} it, route upgrades to it, {@link Hub.close} it. */
var Hub = class {
	#options;
	#wss;
	#sessions = /* @__PURE__ */ new Set();
	#compiler;
	#source;
	#counters;
	#context;
	#state;
	#nextId = 1;
	#tickTimer;
	#heartbeatTimer;
	#refuseUntil = 0;
	#started = false;
	#closing;
	/** Where sources deliver items. Each call stamps `seq` and stores the item in history. */
	sink = {
		log: (entry) => {
			this.#state.publishLog(entry);
		},
		metrics: (update) => {
			this.#state.publishMetrics(update);
		},
		notification: (notification) => {
			this.#state.publishNotification(notification);
		},
		task: (update) => {
			this.#state.publishTask(update);
		}
	};
	constructor(options = {}) {
		this.#options = resolveOptions(options);
		this.#source = options.source;
		this.#state = new EpochState(this.#options.history);
		this.#compiler = new FilterCompiler({ inputMax: this.#options.regexInputMax });
		this.#counters = {
			connections: 0,
			framesIn: 0,
			framesOut: 0,
			bytesOut: 0,
			overflows: 0,
			rateLimited: 0,
			badFrames: 0,
			refused: 0,
			idleTerminated: 0,
			logBatchesBuilt: 0,
			dropped: {
				logs: 0,
				metrics: 0,
				notifications: 0,
				tasks: 0
			}
		};
		this.#wss = new WebSocketServer({
			noServer: true,
			clientTracking: false,
			maxPayload: this.#options.maxFrameBytes,
			autoPong: false,
			perMessageDeflate: this.#options.deflate ? { threshold: this.#options.deflateThreshold } : false
		});
		const hub = this;
		this.#context = {
			get state() {
				return hub.#state;
			},
			compiler: this.#compiler,
			token: this.#options.token,
			deliver: (session, stream) => deliverStream(session, stream, this.#state, this.#options, this.#counters, performance$1.now()),
			broadcast: (frame, except) => {
				for (const s of this.#sessions) if (s !== except && s.authenticated) s.outbox.send(frame);
			},
			close: (session, code, reason) => this.#close(session, code, reason)
		};
	}
	/** The current epoch. */
	get epoch() {
		return this.#state.epoch;
	}
	/** Connected clients. */
	get clientCount() {
		return this.#sessions.size;
	}
	/** The heartbeat interval clients are told in `welcome`. */
	get heartbeatIntervalMs() {
		return this.#options.heartbeatIntervalMs;
	}
	/** Start the timers and the source. Idempotent. */
	start() {
		if (this.#started) return;
		this.#started = true;
		this.#tickTimer = setInterval(() => this.#guard("tick", () => this.tick()), this.#options.batchIntervalMs);
		this.#tickTimer.unref();
		this.#heartbeatTimer = setInterval(() => this.#guard("heartbeat", () => this.#heartbeat()), this.#options.heartbeatIntervalMs);
		this.#heartbeatTimer.unref();
		this.#source?.start(this.sink);
	}
	#guard(context, fn) {
		try {
			fn();
		} catch (error) {
			this.#options.onError(error, context);
		}
	}
	/**
	* Take an HTTP upgrade if it is for a hub path; returns false, touching nothing, otherwise
	* (so another listener, such as Vite's HMR, can take it).
	*/
	handleUpgrade(req, socket, head) {
		const path = hubPath(req.url);
		if (path === void 0) return false;
		if (this.#closing) {
			socket.destroy();
			return true;
		}
		this.#wss.handleUpgrade(req, socket, head, (ws) => {
			this.#guard("accept", () => this.#accept(ws, req, path));
		});
		return true;
	}
	#accept(ws, req, path) {
		ws.on("error", () => {});
		if (!isOriginAllowed(req.headers.origin, req.headers.host, this.#options.allowedOrigins)) {
			this.#counters.refused++;
			ws.close(CloseCode.policyViolation, closeReason("origin not allowed"));
			return;
		}
		const refuseFor = this.#refuseUntil - Date.now();
		if (refuseFor > 0) {
			this.#counters.refused++;
			ws.close(CloseCode.tryAgainLater, closeReason({
				reconnect: true,
				retryAfterMs: refuseFor
			}));
			return;
		}
		this.#counters.connections++;
		const now = Date.now();
		const session = new Session({
			id: this.#nextId++,
			ws,
			path,
			pathStream: HUB_PATHS.get(path),
			remoteAddress: req.socket.remoteAddress,
			authenticated: this.#options.token === void 0,
			limiter: new RateLimiter({
				perSecond: this.#options.rateLimitPerSecond,
				burst: this.#options.rateLimitBurst,
				maxViolations: this.#options.rateLimitMaxViolations,
				windowMs: this.#options.rateLimitWindowMs
			}),
			outbox: new Outbox(ws, {
				highWaterBytes: this.#options.sendHighWaterBytes,
				highWaterFrames: this.#options.sendHighWaterFrames,
				maxBytes: this.#options.sendMaxBytes
			}, this.#counters, () => ws.terminate()),
			now
		});
		this.#sessions.add(session);
		ws.on("message", (data, isBinary) => this.#guard("message", () => this.#onMessage(session, data, isBinary)));
		ws.on("ping", (data) => {
			if (session.stalled) return;
			session.lastSeen = Date.now();
			if (ws.readyState === WebSocket.OPEN) ws.pong(data);
		});
		ws.on("pong", () => {
			if (!session.stalled) session.lastSeen = Date.now();
		});
		ws.on("close", () => this.#onClose(session));
		session.outbox.send(encode({
			type: "welcome",
			payload: {
				protocol: 1,
				epoch: this.#state.epoch,
				heartbeatInterval: this.#options.heartbeatIntervalMs,
				authRequired: this.#options.token !== void 0,
				serverTime: /* @__PURE__ */ new Date()
			}
		}));
		if (!session.authenticated) {
			session.authTimer = setTimeout(() => {
				if (!session.authenticated) this.#close(session, CloseCode.authenticationTimeout, "authentication timeout");
			}, this.#options.authTimeoutMs);
			session.authTimer.unref();
		}
	}
	#onClose(session) {
		session.closed = true;
		clearTimeout(session.authTimer);
		this.#sessions.delete(session);
	}
	#close(session, code, reason) {
		const ws = session.ws;
		if (ws.readyState === WebSocket.OPEN || ws.readyState === WebSocket.CONNECTING) ws.close(code, reason);
	}
	#sendError(session, code, message, ref) {
		session.outbox.send(encode({
			type: "error",
			payload: {
				error: code,
				message,
				ref
			},
			id: ref
		}));
	}
	#onMessage(session, data, isBinary) {
		if (session.stalled || session.ws.readyState !== WebSocket.OPEN) return;
		session.lastSeen = Date.now();
		this.#counters.framesIn++;
		const text = rawToText(data, isBinary);
		const decision = session.limiter.take();
		if (decision !== "accept") {
			this.#counters.rateLimited++;
			this.#sendError(session, "rate_limit_exceeded", `rate limit exceeded (${this.#options.rateLimitPerSecond} messages/s, burst ${this.#options.rateLimitBurst})`, cheapId(text));
			if (decision === "close") {
				const advice = {
					reconnect: true,
					retryAfterMs: this.#options.rateLimitWindowMs
				};
				this.#close(session, CloseCode.rateLimited, closeReason(advice));
			}
			return;
		}
		const decoded = decodeClientFrame(text, { maxLength: this.#options.maxFrameBytes });
		const rejection = decoded.ok ? handleRequest(this.#context, session, decoded.message) : {
			code: decoded.error.code,
			message: decoded.error.message
		};
		if (rejection === void 0) {
			session.badFrames = 0;
			return;
		}
		const ref = decoded.ok ? decoded.message.id : decoded.error.ref;
		session.badFrames++;
		this.#counters.badFrames++;
		this.#sendError(session, rejection.code, rejection.message, ref);
		if (session.badFrames >= this.#options.maxBadFrames) this.#close(session, CloseCode.protocolViolation, `${session.badFrames} bad frames in a row`);
	}
	/** Deliver pending items to every client (runs every `batchIntervalMs`; public for tests). */
	tick() {
		const now = performance$1.now();
		const shared = /* @__PURE__ */ new Map();
		for (const session of this.#sessions) {
			if (!session.authenticated || session.stalled) continue;
			for (const stream of session.subscriptions.keys()) deliverStream(session, stream, this.#state, this.#options, this.#counters, now, shared);
		}
	}
	#heartbeat() {
		const now = Date.now();
		const limit = 2 * this.#options.heartbeatIntervalMs;
		for (const session of this.#sessions) if (now - session.lastSeen > limit) {
			this.#counters.idleTerminated++;
			session.ws.terminate();
		} else if (!session.stalled && session.ws.readyState === WebSocket.OPEN) session.ws.ping();
	}
	/** Drop every connection abruptly: no close frame, as if the network went away. */
	dropAll() {
		const count = this.#sessions.size;
		for (const session of this.#sessions) session.ws.terminate();
		return count;
	}
	/**
	* Restart with a new epoch: history is lost, sequence numbers start again, and every
	* connection is closed with 1012. The source keeps running; the tasks it knows are published
	* again so that the new epoch's history still describes the world.
	*/
	restart() {
		const previousEpoch = this.#state.epoch;
		this.#state = new EpochState(this.#options.history);
		const closed = this.#sessions.size;
		const reason = closeReason({
			reconnect: true,
			retryAfterMs: 0
		});
		for (const session of this.#sessions) this.#close(session, CloseCode.serviceRestart, reason);
		const timestamp = /* @__PURE__ */ new Date();
		for (const task of this.#source?.tasks() ?? []) this.#state.publishTask({
			taskId: task.taskArn,
			updateType: "updated",
			task,
			timestamp
		});
		return {
			previousEpoch,
			epoch: this.#state.epoch,
			closed
		};
	}
	/**
	* Stall every current connection: from now on it gets nothing (no data, no pongs, no pings)
	* and what it sends is ignored, while TCP stays open: a half-open link. Items published
	* meanwhile stay in history, so the client's resume recovers them. The idle check still
	* terminates a stalled connection after twice the heartbeat interval.
	*/
	stallAll() {
		let count = 0;
		for (const session of this.#sessions) {
			if (session.stalled) continue;
			session.stalled = true;
			session.outbox.suspended = true;
			count++;
		}
		return count;
	}
	/** Refuse new connections (1013 with `retryAfterMs`) for `ms` milliseconds. */
	refuse(ms) {
		this.#refuseUntil = Date.now() + ms;
		return new Date(this.#refuseUntil);
	}
	/** Send one frame that is not valid JSON to every live connection. */
	sendMalformed() {
		let count = 0;
		for (const session of this.#sessions) if (session.outbox.send("{\"type\":\"log_entry\",\"payload\":{\"id\":\"malformed-")) count++;
		return count;
	}
	/** The source's health, if there is a source. */
	sourceHealth() {
		if (!this.#source) return void 0;
		return {
			name: this.#source.name,
			...this.#source.health()
		};
	}
	/** A snapshot of the hub's state and counters. */
	stats() {
		const state = this.#state;
		const streams = {};
		for (const stream of STREAMS) {
			const history = state.history(stream);
			streams[stream] = {
				lastSeq: history.lastSeq,
				held: history.size,
				oldestSeq: history.completeFrom({ kind: "all" })
			};
		}
		const c = this.#counters;
		return {
			epoch: state.epoch,
			epochStartedAt: new Date(state.startedAt).toISOString(),
			clients: this.#sessions.size,
			refusingUntil: this.#refuseUntil > Date.now() ? new Date(this.#refuseUntil).toISOString() : void 0,
			streams,
			totals: {
				connections: c.connections,
				framesIn: c.framesIn,
				framesOut: c.framesOut,
				bytesOut: c.bytesOut,
				rateLimited: c.rateLimited,
				badFrames: c.badFrames,
				refused: c.refused,
				idleTerminated: c.idleTerminated,
				overflowTerminated: c.overflows,
				logBatchesBuilt: c.logBatchesBuilt,
				dropped: { ...c.dropped }
			},
			sessions: [...this.#sessions].map((s) => ({
				id: s.id,
				path: s.path,
				remoteAddress: s.remoteAddress,
				authenticated: s.authenticated,
				stalled: s.stalled,
				connectedAt: new Date(s.connectedAt).toISOString(),
				subscriptions: [...s.subscriptions].map(([stream, sub]) => ({
					stream,
					resourceIds: [...sub.resourceIds],
					cursor: sub.cursor,
					pendingDrop: sub.pendingDrop,
					filtered: !sub.selection.unfiltered
				})),
				bufferedBytes: s.outbox.bufferedBytes,
				unflushedFrames: s.outbox.unflushedFrames,
				dropped: { ...s.dropped }
			}))
		};
	}
	/**
	* Close every connection with `code` (1001 by default: going away, retry), stop the timers
	* and the source. Connections that have not finished the close handshake within
	* `graceMs` are terminated.
	*/
	close(code = CloseCode.goingAway, graceMs = 1e3) {
		this.#closing ??= (async () => {
			clearInterval(this.#tickTimer);
			clearInterval(this.#heartbeatTimer);
			const reason = closeReason({
				reconnect: true,
				retryAfterMs: 1e3
			});
			const closed = [...this.#sessions].map((session) => new Promise((resolve) => {
				if (session.ws.readyState === WebSocket.CLOSED) return resolve();
				session.ws.once("close", () => resolve());
				this.#close(session, code, reason);
			}));
			const timer = setTimeout(() => {
				for (const session of this.#sessions) session.ws.terminate();
			}, graceMs);
			await Promise.all(closed);
			clearTimeout(timer);
			try {
				await this.#source?.stop();
			} catch (error) {
				this.#options.onError(error, "source stop");
			}
			await new Promise((resolve) => this.#wss.close(() => resolve()));
		})();
		return this.#closing;
	}
};
function rawToText(data, isBinary) {
	if (Buffer.isBuffer(data)) return isBinary ? data : data.toString("utf8");
	if (Array.isArray(data)) return Buffer.concat(data);
	return Buffer.from(data);
}
/**
* The `id` of a frame refused by the rate limiter, so the error can carry `ref`, without paying
* for a full parse of a large frame (which is what the limiter is there to avoid).
*/
function cheapId(text) {
	if (typeof text !== "string" || text.length > 4096) return void 0;
	try {
		const value = JSON.parse(text);
		if (typeof value === "object" && value !== null && "id" in value) {
			const id = value.id;
			if (typeof id === "string" && id.length <= 128) return id;
		}
	} catch {}
}
// server/gateway.ts
/**
* The gateway: one HTTP server on one port serving the SvelteKit app (adapter-node's handler),
* the WebSocket hub at `/ws` and its aliases, `/_health` and, when enabled, the fault controls.
*/
function notFound(res) {
	if (res.headersSent) return void res.end();
	res.writeHead(404, { "content-type": "text/plain; charset=utf-8" });
	res.end("Not found");
}
function urlHost(host) {
	return host.includes(":") ? `[${host}]` : host;
}
/** Start a gateway; resolves once it listens. */
async function startGateway(options = {}) {
	const host = options.host ?? "127.0.0.1";
	const hub = new Hub(options);
	const controls = createControlRoutes(hub, {
		faults: options.faults ?? false,
		allowedOrigins: options.allowedOrigins ?? []
	});
	const handler = options.handler;
	const server = createServer((req, res) => {
		try {
			if (controls(req, res)) return;
		} catch (error) {
			console.error("[gateway] control route failed:", error);
			if (!res.headersSent) res.writeHead(500);
			res.end();
			return;
		}
		if (handler === void 0) return notFound(res);
		handler(req, res, (error) => {
			if (error === void 0 || error === null) return notFound(res);
			console.error("[gateway] request failed:", error);
			if (!res.headersSent) res.writeHead(500);
			res.end();
		});
	});
	server.on("upgrade", (req, socket, head) => {
		if (hub.handleUpgrade(req, socket, head)) return;
		socket.on("error", () => {});
		socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
	});
	try {
		await new Promise((resolve, reject) => {
			server.once("error", reject);
			server.listen(options.port ?? 3e3, host, () => {
				server.off("error", reject);
				resolve();
			});
		});
	} catch (error) {
		await hub.close();
		throw error;
	}
	hub.start();
	const port = server.address().port;
	const url = `http://${urlHost(host)}:${port}`;
	let closing;
	return {
		url,
		wsUrl: `ws://${urlHost(host)}:${port}/ws`,
		port,
		host,
		hub,
		server,
		close() {
			closing ??= (async () => {
				await hub.close();
				await new Promise((resolve) => {
					server.close(() => resolve());
					server.closeAllConnections();
				});
			})();
			return closing;
		}
	};
}
// server/sources/simulator/log-line.ts
/**
* Expand endpoints by weight into a table where a uniform pick is a weighted pick, so choosing a
* route costs one random number instead of a scan.
*/
function weightTable(endpoints) {
	const table = [];
	for (const endpoint of endpoints) for (let i = 0; i < endpoint.weight; i++) table.push(endpoint);
	return table;
}
/**
* The everyday level mix, shifted towards warnings and errors while a service is under stress
* (a load spike, a failing health check). `r` is a uniform draw in [0, 1).
*/
function rollLevel(r, stress) {
	const error = .004 + .04 * stress;
	const warn = error + .03 + .1 * stress;
	const debug = warn + .08;
	return r < error ? "error" : r < warn ? "warn" : r < debug ? "debug" : "info";
}
/** A request's latency in milliseconds: log-normal around the route's median, slower under stress. */
function latencyMs(rng, p50, stress) {
	const ms = p50 * Math.exp(.55 * rng.normal()) * (1 + 4 * stress * rng.next());
	return Math.round(ms * 100) / 100;
}
/** An HTTP status for one request: mostly 2xx, some 304/404, 5xx rising with stress. */
function httpStatus(rng, method, stress) {
	const r = rng.next();
	const serverError = .002 + .05 * stress;
	if (r < serverError) return r < serverError / 2 ? 502 : r < serverError * 3 / 4 ? 504 : 500;
	if (r < serverError + .012) return 404;
	if (r < serverError + .018) return method === "GET" ? 401 : 400;
	if (r < serverError + .02) return 429;
	if (method === "GET") return r > .95 ? 304 : 200;
	if (method === "POST") return 201;
	return method === "DELETE" ? 204 : 200;
}
/** The level an access line is shown at: what an operator would filter on. */
function levelForStatus(status) {
	return status >= 500 ? "error" : status >= 400 && status !== 404 ? "warn" : "info";
}
/** A W3C trace id (32 hex digits), used as the correlation id of a request. */
function traceId(rng) {
	return rng.hex(32);
}
/** A random UUID v4 in canonical form, from the seeded generator. */
function uuid(rng) {
	const h = rng.hex(32);
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}
/**
* `text` made safe for the inside of a JSON string. Vocabulary texts need no escaping, so this
* only pays for `JSON.stringify` when a character actually needs it.
*/
function jsonText(text) {
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c < 32 || c === 34 || c === 92) return JSON.stringify(text).slice(1, -1);
	}
	return text;
}
/** ANSI SGR escapes used by the colouring runtimes. */
var ANSI = {
	reset: "\x1B[0m",
	resetFg: "\x1B[0;39m",
	faint: "\x1B[2m",
	red: "\x1B[31m",
	green: "\x1B[32m",
	yellow: "\x1B[33m",
	magenta: "\x1B[35m",
	cyan: "\x1B[36m"
};
// server/sources/simulator/stack-traces.ts
/** The exception line: Python prints it last, Node after the source excerpt, Java and Go first. */
var EXCEPTION_LINE = /^(?:panic: |[\w.$]*(?:Error|Exception)\b)/;
function trace(text, headline) {
	const lines = text.split("\n");
	return {
		headline: headline ?? lines.find((l) => EXCEPTION_LINE.test(l)) ?? lines[0] ?? text,
		text,
		json: JSON.stringify(text).slice(1, -1)
	};
}
/** Node.js: `Error: message` then `    at fn (file:line:col)` frames. */
var NODE_TRACES = [
	trace(`TypeError: Cannot read properties of undefined (reading 'price')
    at CartService.total (/app/dist/services/cart.js:88:31)
    at Array.reduce (<anonymous>)
    at CartService.summary (/app/dist/services/cart.js:61:27)
    at async CartController.get (/app/dist/controllers/cart.js:24:22)
    at async /app/node_modules/@fastify/router/lib/route.js:412:20`),
	trace(`Error: connect ECONNREFUSED 10.0.21.17:8080
    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1607:16)
    at TCPConnectWrap.callbackTrampoline (node:internal/async_hooks:130:17)`),
	trace(`FetchError: request to http://api.production.internal:8080/v1/catalog failed, reason: socket hang up
    at ClientRequest.<anonymous> (/app/node_modules/node-fetch/lib/index.js:1501:11)
    at ClientRequest.emit (node:events:519:28)
    at Socket.socketOnEnd (node:_http_client:524:9)
    at Socket.emit (node:events:531:35)
    at endReadableNT (node:internal/streams/readable:1696:12)
    at process.processTicksAndRejections (node:internal/process/task_queues:82:21)`),
	trace(`RangeError: Invalid time value
    at Date.toISOString (<anonymous>)
    at formatOrderDate (/app/dist/lib/format.js:12:34)
    at renderOrderRow (/app/dist/views/orders.js:77:18)
    at Array.map (<anonymous>)
    at renderOrders (/app/dist/views/orders.js:41:25)`)
];
/** Node.js crashes: an uncaught exception kills the process (exit code 1). */
var NODE_CRASHES = [trace(`/app/dist/services/session.js:143
      const userId = session.user.id;
                                  ^

TypeError: Cannot read properties of null (reading 'id')
    at SessionStore.touch (/app/dist/services/session.js:143:35)
    at /app/dist/middleware/session.js:58:17
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)

Node.js v20.18.1`), trace(`node:internal/process/promises:391
    triggerUncaughtException(err, true /* fromPromise */);
    ^

Error: Redis connection to sessions.production.internal:6379 failed - connect ETIMEDOUT
    at RedisClient.onError (/app/node_modules/redis/dist/lib/client/index.js:612:21)
    at Socket.<anonymous> (/app/node_modules/redis/dist/lib/client/socket.js:198:42)
    at Socket.emit (node:events:519:28)
    at emitErrorNT (node:internal/streams/destroy:169:8)

Node.js v20.18.1`)];
/** Go: zap's `stacktrace` field (function, then tab-indented file:line). */
var GO_TRACES = [trace(`github.com/acme/api/internal/store.(*OrderStore).List
	/src/internal/store/orders.go:142
github.com/acme/api/internal/orders.(*Handler).List
	/src/internal/orders/handler.go:88
net/http.HandlerFunc.ServeHTTP
	/usr/local/go/src/net/http/server.go:2220
github.com/acme/api/internal/httpapi.Logging.func1
	/src/internal/httpapi/middleware.go:71`), trace(`github.com/acme/api/internal/clients.(*PaymentClient).Capture
	/src/internal/clients/payment.go:97
github.com/acme/api/internal/checkout.(*Service).Complete
	/src/internal/checkout/service.go:203
github.com/acme/api/internal/checkout.(*Handler).Post
	/src/internal/checkout/handler.go:54`)];
/** Go panics: the runtime prints the panic and every goroutine, then exits with code 2. */
var GO_CRASHES = [trace(`panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x8f2b3c]

goroutine 1423 [running]:
github.com/acme/api/internal/orders.(*Handler).Get(0xc000214000, {0xb2c1e0, 0xc0004a61c0}, 0xc000512300)
	/src/internal/orders/handler.go:61 +0x9c
net/http.HandlerFunc.ServeHTTP(0xc0001a2b40?, {0xb2c1e0?, 0xc0004a61c0?}, 0x0?)
	/usr/local/go/src/net/http/server.go:2220 +0x29
github.com/acme/api/internal/httpapi.Logging.func1({0xb2c1e0, 0xc0004a61c0}, 0xc000512300)
	/src/internal/httpapi/middleware.go:71 +0x1b4
net/http.(*conn).serve(0xc0003e8000, {0xb2d2a8, 0xc0002f1e30})
	/usr/local/go/src/net/http/server.go:3210 +0x1256
created by net/http.(*Server).Serve in goroutine 1
	/usr/local/go/src/net/http/server.go:3360 +0x4b4`), trace(`panic: assignment to entry in nil map

goroutine 88 [running]:
github.com/acme/flags/internal/cache.(*Store).Put(...)
	/src/internal/cache/store.go:44
github.com/acme/flags/internal/sync.(*Poller).refresh(0xc00012e0c0, {0xa91f40, 0xc0000b8000})
	/src/internal/sync/poller.go:112 +0x2f5
github.com/acme/flags/internal/sync.(*Poller).Run(0xc00012e0c0, {0xa91f40, 0xc0000b8000})
	/src/internal/sync/poller.go:67 +0x10b
created by main.main in goroutine 1
	/src/cmd/flags/main.go:58 +0x6a5`)];
/** Java: `Exception: message`, tab-indented `at` frames, `Caused by:` chains. */
var JAVA_TRACES = [
	trace(`org.springframework.dao.DataAccessResourceFailureException: Unable to acquire JDBC Connection
	at org.springframework.orm.jpa.vendor.HibernateJpaDialect.convertHibernateAccessException(HibernateJpaDialect.java:277)
	at org.springframework.orm.jpa.vendor.HibernateJpaDialect.translateExceptionIfPossible(HibernateJpaDialect.java:241)
	at org.springframework.transaction.support.TransactionTemplate.execute(TransactionTemplate.java:140)
	at com.acme.payment.service.PaymentService.authorize(PaymentService.java:112)
	at com.acme.payment.web.PaymentController.authorize(PaymentController.java:58)
	at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
	at org.apache.catalina.core.ApplicationFilterChain.doFilter(ApplicationFilterChain.java:140)
	at java.base/java.lang.Thread.run(Thread.java:1583)
Caused by: java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.
	at com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)
	at com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)
	at com.zaxxer.hikari.HikariDataSource.getConnection(HikariDataSource.java:100)
	... 87 common frames omitted`),
	trace(`java.lang.IllegalStateException: Idempotency key already used with a different request body
	at com.acme.payment.service.IdempotencyGuard.check(IdempotencyGuard.java:49)
	at com.acme.payment.service.PaymentService.capture(PaymentService.java:141)
	at com.acme.payment.web.PaymentController.capture(PaymentController.java:77)
	at java.base/jdk.internal.reflect.DirectMethodHandleAccessor.invoke(DirectMethodHandleAccessor.java:103)
	at java.base/java.lang.reflect.Method.invoke(Method.java:580)
	at org.springframework.web.method.support.InvocableHandlerMethod.doInvoke(InvocableHandlerMethod.java:255)`),
	trace(`co.elastic.clients.transport.TransportException: node: https://search.staging.internal:9200/, status: 429, [es/bulk] Expecting a response body, but none was sent
	at co.elastic.clients.transport.rest_client.RestClientTransport.getHighLevelResponse(RestClientTransport.java:334)
	at co.elastic.clients.transport.rest_client.RestClientTransport.performRequest(RestClientTransport.java:147)
	at co.elastic.clients.elasticsearch.ElasticsearchClient.bulk(ElasticsearchClient.java:342)
	at com.acme.search.IndexWorker.flush(IndexWorker.java:96)
	at com.acme.search.IndexWorker.run(IndexWorker.java:61)
	at java.base/java.util.concurrent.ThreadPoolExecutor.runWorker(ThreadPoolExecutor.java:1144)
	at java.base/java.lang.Thread.run(Thread.java:1583)`)
];
/** Java crashes: an exception escapes `main` during startup; the JVM exits with code 1. */
var JAVA_CRASHES = [trace(`org.springframework.context.ApplicationContextException: Failed to start bean 'webServerStartStop'
	at org.springframework.context.support.DefaultLifecycleProcessor.doStart(DefaultLifecycleProcessor.java:288)
	at org.springframework.boot.SpringApplication.run(SpringApplication.java:335)
	at com.acme.payment.PaymentApplication.main(PaymentApplication.java:12)
Caused by: org.flywaydb.core.api.FlywayException: Validate failed: Migrations have failed validation
Detected failed migration to version 42 (add settlement currency).
	at org.flywaydb.core.Flyway.lambda$migrate$0(Flyway.java:139)
	at org.flywaydb.core.Flyway.migrate(Flyway.java:124)
	... 14 common frames omitted`)];
/** Python: `Traceback (most recent call last):`, frames, the exception last. */
var PYTHON_TRACES = [
	trace(`Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/celery/app/trace.py", line 453, in trace_task
    R = retval = fun(*args, **kwargs)
                 ^^^^^^^^^^^^^^^^^^^^
  File "/app/orders/tasks.py", line 88, in process_order
    invoice = build_invoice(order)
              ^^^^^^^^^^^^^^^^^^^^
  File "/app/orders/invoice.py", line 41, in build_invoice
    total = sum(line.price * line.qty for line in order.lines)
                ~~~~~~~~~~~^~~~~~~~~~
TypeError: unsupported operand type(s) for *: 'NoneType' and 'int'`),
	trace(`Traceback (most recent call last):
  File "/app/orders/tasks.py", line 132, in sync_inventory
    resp.raise_for_status()
  File "/usr/local/lib/python3.12/site-packages/requests/models.py", line 1024, in raise_for_status
    raise HTTPError(http_error_msg, response=self)
requests.exceptions.HTTPError: 503 Server Error: Service Unavailable for url: http://inventory.production.internal/v2/stock`),
	trace(`Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec_single_context
    self.dialect.do_execute(
  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/default.py", line 924, in do_execute
    cursor.execute(statement, parameters)
psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout
CONTEXT:  while updating tuple (1183,7) in relation "orders"`, "psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout")
];
/** Python crashes: an exception at module level ends the process with code 1. */
var PYTHON_CRASHES = [trace(`Traceback (most recent call last):
  File "/app/report/main.py", line 61, in <module>
    main()
  File "/app/report/main.py", line 54, in main
    export_batch(conn, batch)
  File "/app/report/export.py", line 97, in export_batch
    s3.upload_fileobj(buf, BUCKET, key)
  File "/usr/local/lib/python3.12/site-packages/boto3/s3/inject.py", line 642, in upload_fileobj
    return future.result()
botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied`)];
// server/sources/simulator/dialects/go.ts
var SLOG_LEVEL = {
	trace: "DEBUG-4",
	debug: "DEBUG",
	info: "INFO",
	warn: "WARN",
	error: "ERROR",
	fatal: "ERROR+4"
};
var ZAP_LEVEL = {
	trace: "debug",
	debug: "debug",
	info: "info",
	warn: "warn",
	error: "error",
	fatal: "fatal"
};
var ERRORS = [
	"pq: canceling statement due to statement timeout",
	"context deadline exceeded",
	"dial tcp 10.0.21.17:5432: connect: connection refused",
	"rpc error: code = Unavailable desc = connection error",
	"read tcp 10.0.3.41:48122->10.0.21.17:6379: i/o timeout"
];
function zap(t, level, ctx, caller, rest) {
	return `{"level":"${ZAP_LEVEL[level]}","ts":"${ctx.times.iso(t)}","caller":"${caller}",${rest}}`;
}
function slog(t, level, ctx, rest) {
	return `time=${ctx.times.iso(t)} level=${SLOG_LEVEL[level]} ${rest}`;
}
function errorLine$3(rng, t, ctx, msg) {
	const err = rng.pick(ERRORS);
	if (!ctx.json) return {
		level: "error",
		message: slog(t, "error", ctx, `msg="${msg}" err="${err}"`)
	};
	const trace = rng.pick(GO_TRACES);
	return {
		level: "error",
		message: zap(t, "error", ctx, rng.pick(ctx.vocabulary.loggers), `"msg":"${msg}","error":"${err}","stacktrace":"${trace.json}"`),
		stackTrace: trace.text
	};
}
var goDialect = {
	line(t, level, text, ctx) {
		return ctx.json ? zap(t, level, ctx, "cmd/main.go:64", `"msg":"${jsonText(text)}"`) : slog(t, level, ctx, `msg="${jsonText(text)}"`);
	},
	routine(rng, t, ctx, stress) {
		const vocab = ctx.vocabulary;
		if (ctx.endpointTable.length > 0 && rng.next() < .65) {
			const endpoint = rng.pick(ctx.endpointTable);
			const path = endpoint.path(rng);
			const status = httpStatus(rng, endpoint.method, stress);
			const ms = latencyMs(rng, endpoint.p50Ms, stress);
			const level = levelForStatus(status);
			const trace = traceId(rng);
			return {
				level,
				message: ctx.json ? zap(t, level, ctx, "httpapi/middleware.go:87", `"msg":"request","method":"${endpoint.method}","path":"${path}","status":${status},"duration_ms":${ms},"trace_id":"${trace}"`) : slog(t, level, ctx, `msg=request method=${endpoint.method} path=${path} status=${status} duration=${ms}ms trace_id=${trace}`),
				correlationId: trace,
				metadata: {
					method: endpoint.method,
					route: endpoint.route,
					status,
					durationMs: ms
				}
			};
		}
		const level = rollLevel(rng.next(), stress);
		if (level === "error") return errorLine$3(rng, t, ctx, "request failed");
		const text = (level === "warn" ? rng.pick(vocab.warnings) : level === "debug" ? rng.pick(vocab.debug) : rng.pick(vocab.events))(rng);
		return {
			level,
			message: ctx.json ? zap(t, level, ctx, rng.pick(vocab.loggers), `"msg":"${text}"`) : slog(t, level, ctx, `msg="${text}"`)
		};
	},
	startup(ctx) {
		return [
			{
				level: "info",
				text: `starting ${ctx.serviceName} version=${ctx.version} go=go1.23.4`
			},
			{
				level: "info",
				text: "loaded configuration from environment"
			},
			{
				level: "info",
				text: "connected to postgres host=db.internal:5432 pool_max=20"
			},
			{
				level: "info",
				text: "http server listening addr=:8080"
			}
		];
	},
	shutdown() {
		return [
			{
				level: "info",
				text: "received signal, shutting down signal=terminated"
			},
			{
				level: "info",
				text: "http server stopped, drained in-flight requests"
			},
			{
				level: "info",
				text: "database pool closed"
			}
		];
	},
	crash(rng) {
		const trace = rng.pick(GO_CRASHES);
		return {
			message: trace.headline,
			stackTrace: trace.text,
			exitCode: 2
		};
	},
	healthFailure(rng, t, ctx) {
		return errorLine$3(rng, t, ctx, "readiness check failed: database ping");
	}
};
// server/sources/simulator/dialects/java.ts
var LEVEL_TEXT = {
	trace: "TRACE",
	debug: "DEBUG",
	info: " INFO",
	warn: " WARN",
	error: "ERROR",
	fatal: "ERROR"
};
var LEVEL_COLOUR = {
	trace: ANSI.green,
	debug: ANSI.green,
	info: ANSI.green,
	warn: ANSI.yellow,
	error: ANSI.red,
	fatal: ANSI.red
};
/** Spring pads logger names to 40 columns (`%-40.40logger{39}`); pad each name once. */
var padded = /* @__PURE__ */ new Map();
function pad40(logger) {
	let out = padded.get(logger);
	if (out === void 0) {
		out = logger.length >= 40 ? logger.slice(logger.length - 39) : logger.padEnd(40);
		padded.set(logger, out);
	}
	return out;
}
var THREADS = Array.from({ length: 10 }, (_, i) => `nio-8080-exec-${i + 1}`);
var WORKER_THREADS = Array.from({ length: 4 }, (_, i) => `indexer-${i + 1}`);
function frame(t, level, text, ctx, logger, thread, stackJson) {
	if (ctx.json) return `{"@timestamp":"${ctx.times.iso(t)}","severity":"${LEVEL_TEXT[level].trim()}","service":"${ctx.serviceName}","logger_name":"${logger}","thread_name":"${thread}","message":"${text}"${stackJson === void 0 ? "" : `,"stack_trace":"${stackJson}"`}}`;
	if (ctx.ansi) return `${ANSI.faint}${ctx.times.iso(t)}${ANSI.resetFg} ${LEVEL_COLOUR[level]}${LEVEL_TEXT[level]}${ANSI.resetFg} ${ANSI.magenta}1${ANSI.resetFg} ${ANSI.faint}--- [${ctx.serviceName}] [${thread.padStart(15)}] ${ANSI.resetFg}${ANSI.cyan}${pad40(logger)}${ANSI.resetFg} ${ANSI.faint}:${ANSI.resetFg} ${text}`;
	return `${ctx.times.iso(t)} ${LEVEL_TEXT[level]} 1 --- [${ctx.serviceName}] [${thread.padStart(15)}] ${pad40(logger)} : ${text}`;
}
function threadFor(rng, ctx) {
	return rng.pick(ctx.endpointTable.length > 0 ? THREADS : WORKER_THREADS);
}
function errorLine$2(rng, t, ctx, msg) {
	const trace = rng.pick(ctx.vocabulary.traces ?? JAVA_TRACES);
	const logger = rng.pick(ctx.vocabulary.loggers);
	const thread = threadFor(rng, ctx);
	return {
		level: "error",
		message: ctx.json ? frame(t, "error", jsonText(`${msg}: ${trace.headline}`), ctx, logger, thread, trace.json) : frame(t, "error", `${msg}\n${trace.text}`, ctx, logger, thread),
		stackTrace: trace.text
	};
}
var javaDialect = {
	line(t, level, text, ctx, logger) {
		return frame(t, level, ctx.json ? jsonText(text) : text, ctx, logger ?? `c.a.${ctx.appName}`, "main");
	},
	routine(rng, t, ctx, stress) {
		const vocab = ctx.vocabulary;
		const level = rollLevel(rng.next(), stress);
		if (level === "error") return errorLine$2(rng, t, ctx, "Request processing failed");
		return {
			level,
			message: frame(t, level, (level === "warn" ? rng.pick(vocab.warnings) : level === "debug" ? rng.pick(vocab.debug) : rng.pick(vocab.events))(rng), ctx, rng.pick(vocab.loggers), threadFor(rng, ctx))
		};
	},
	startup(ctx) {
		const main = `c.a.${ctx.appName}`;
		const web = ctx.endpointTable.length > 0;
		const lines = [
			{
				level: "info",
				logger: main,
				text: `Starting ${ctx.appName} v${ctx.version} using Java 21.0.5 with PID 1 (/app/app.jar started by app in /app)`
			},
			{
				level: "info",
				logger: main,
				text: "The following 1 profile is active: \"prod\""
			},
			{
				level: "info",
				logger: "com.zaxxer.hikari.HikariDataSource",
				text: "HikariPool-1 - Starting..."
			},
			{
				level: "info",
				logger: "com.zaxxer.hikari.HikariDataSource",
				text: "HikariPool-1 - Start completed."
			}
		];
		if (web) {
			lines.splice(2, 0, {
				level: "info",
				logger: "o.s.b.w.embedded.tomcat.TomcatWebServer",
				text: "Tomcat initialized with port 8080 (http)"
			});
			lines.push({
				level: "info",
				logger: "o.s.b.w.embedded.tomcat.TomcatWebServer",
				text: "Tomcat started on port 8080 (http) with context path '/'"
			});
		}
		lines.push({
			level: "info",
			logger: main,
			text: `Started ${ctx.appName} in 7.412 seconds (process running for 8.108)`
		});
		return lines;
	},
	shutdown(ctx) {
		return [
			{
				level: "info",
				logger: "o.s.b.w.e.tomcat.GracefulShutdown",
				text: "Commencing graceful shutdown. Waiting for active requests to complete"
			},
			{
				level: "info",
				logger: "o.s.b.w.e.tomcat.GracefulShutdown",
				text: "Graceful shutdown complete"
			},
			{
				level: "info",
				logger: "j.LocalContainerEntityManagerFactoryBean",
				text: "Closing JPA EntityManagerFactory for persistence unit 'default'"
			},
			{
				level: "info",
				logger: "com.zaxxer.hikari.HikariDataSource",
				text: `HikariPool-1 - Shutdown completed. (${ctx.appName})`
			}
		];
	},
	crash(rng, t, ctx) {
		const trace = rng.pick(JAVA_CRASHES);
		const logger = "o.s.boot.SpringApplication";
		return {
			message: ctx.json ? frame(t, "error", "Application run failed", ctx, logger, "main", trace.json) : frame(t, "error", `Application run failed\n${trace.text}`, ctx, logger, "main"),
			stackTrace: trace.text,
			exitCode: 1
		};
	},
	healthFailure(rng, t, ctx) {
		const trace = JAVA_TRACES[0];
		const thread = threadFor(rng, ctx);
		const logger = "o.s.b.a.jdbc.DataSourceHealthIndicator";
		const msg = "DataSource health check failed";
		return {
			level: "warn",
			message: ctx.json ? frame(t, "warn", msg, ctx, logger, thread, trace.json) : frame(t, "warn", `${msg}\n${trace.text}`, ctx, logger, thread),
			stackTrace: trace.text
		};
	}
};
// server/sources/simulator/dialects/nginx.ts
/** Client addresses from the documentation ranges (RFC 5737), with a few heavy hitters. */
var CLIENTS = (() => {
	const out = [];
	for (let i = 0; i < 48; i++) {
		const net = [
			"203.0.113",
			"198.51.100",
			"192.0.2"
		][i % 3];
		out.push(`${net}.${(i * 37 + 11) % 254 || 1}`);
	}
	return [
		...out,
		...out.slice(0, 6),
		...out.slice(0, 6),
		...out.slice(0, 3)
	];
})();
var USER_AGENTS = [
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	"Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	"curl/8.5.0",
	"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
];
function referer(rng, host) {
	const r = rng.next();
	return r < .35 ? "-" : r < .8 ? `https://${host}/` : "https://www.google.com/";
}
var nginxDialect = {
	line(t, level, text, ctx) {
		const tag = level === "error" || level === "fatal" ? "error" : level === "warn" ? "warn" : "notice";
		return `${ctx.times.nginx(t)} [${tag}] 1#1: ${text}`;
	},
	routine(rng, t, ctx, stress) {
		const endpoint = rng.pick(ctx.endpointTable);
		const path = endpoint.path(rng);
		const probe = endpoint.route === "/healthz";
		const client = probe ? "10.0.0.2" : rng.pick(CLIENTS);
		if (rng.next() < .002 + .02 * stress) {
			const conn = 1e3 + rng.int(9e5);
			return {
				level: "error",
				message: `${ctx.times.nginx(t)} [error] 29#29: *${conn} upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${client}, server: _, request: "${endpoint.method} ${path} HTTP/1.1", upstream: "http://127.0.0.1:3000${path}", host: "${ctx.vocabulary.host}"`
			};
		}
		const status = httpStatus(rng, endpoint.method, stress);
		const bytes = status === 304 || status === 204 ? 0 : Math.max(0, Math.round(endpoint.bytes * (.6 + .8 * rng.next())));
		const agent = probe ? "ELB-HealthChecker/2.0" : rng.pick(USER_AGENTS);
		return {
			level: levelForStatus(status),
			message: `${client} - - [${ctx.times.clf(t)}] "${endpoint.method} ${path} HTTP/1.1" ${status} ${bytes} "${probe ? "-" : referer(rng, ctx.vocabulary.host)}" "${agent}"`,
			metadata: {
				method: endpoint.method,
				route: endpoint.route,
				status,
				bytes,
				durationMs: latencyMs(rng, endpoint.p50Ms, stress)
			}
		};
	},
	startup() {
		return [
			{
				level: "info",
				text: "/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform configuration"
			},
			{
				level: "info",
				text: "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh"
			},
			{
				level: "info",
				text: "/docker-entrypoint.sh: Configuration complete; ready for start up"
			},
			{
				level: "info",
				text: "using the \"epoll\" event method"
			},
			{
				level: "info",
				text: "nginx/1.27.3"
			},
			{
				level: "info",
				text: "start worker processes"
			}
		];
	},
	shutdown() {
		return [
			{
				level: "info",
				text: "signal 15 (SIGTERM) received from 1, exiting"
			},
			{
				level: "info",
				text: "gracefully shutting down"
			},
			{
				level: "info",
				text: "exit"
			}
		];
	},
	crash(_rng, t, ctx) {
		const text = `[emerg] 1#1: host not found in upstream "app:3000" in /etc/nginx/conf.d/default.conf:12`;
		return {
			message: `${ctx.times.nginx(t)} ${text}`,
			stackTrace: text,
			exitCode: 1
		};
	},
	healthFailure(rng, t, ctx) {
		return {
			level: "error",
			message: `${ctx.times.nginx(t)} [error] 29#29: *${1e3 + rng.int(9e5)} connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.2, server: _, request: "GET /healthz HTTP/1.1", upstream: "http://127.0.0.1:3000/healthz"`
		};
	}
};
// server/sources/simulator/dialects/node.ts
var PINO_LEVEL = {
	trace: 10,
	debug: 20,
	info: 30,
	warn: 40,
	error: 50,
	fatal: 60
};
var PRETTY_LEVEL = {
	trace: `${ANSI.faint}TRACE${ANSI.reset}`,
	debug: `\u001b[34mDEBUG${ANSI.reset}`,
	info: `${ANSI.green}INFO${ANSI.reset}`,
	warn: `${ANSI.yellow}WARN${ANSI.reset}`,
	error: `${ANSI.red}ERROR${ANSI.reset}`,
	fatal: `\u001b[41mFATAL${ANSI.reset}`
};
/** morgan `dev` colours the status by class. */
function statusColour(status) {
	return status >= 500 ? ANSI.red : status >= 400 ? ANSI.yellow : status >= 300 ? ANSI.cyan : ANSI.green;
}
function pino(t, level, ctx, rest) {
	return `{"level":${PINO_LEVEL[level]},"time":${t},"pid":1,"hostname":"${ctx.hostname}",${rest}}`;
}
function pretty(t, level, text, ctx) {
	return `[${ctx.times.iso(t).slice(11, 23)}] ${PRETTY_LEVEL[level]}: ${text}`;
}
function errorLine$1(rng, t, ctx, msg) {
	const trace = rng.pick(NODE_TRACES);
	const colon = trace.headline.indexOf(":");
	const type = colon > 0 ? trace.headline.slice(0, colon) : "Error";
	return {
		level: "error",
		message: ctx.json ? pino(t, "error", ctx, `"err":{"type":"${type}","message":"${jsonText(trace.headline.slice(colon + 2))}","stack":"${trace.json}"},"msg":"${msg}"`) : pretty(t, "error", `${msg}: ${trace.headline}`, ctx),
		stackTrace: trace.text
	};
}
var nodeDialect = {
	line(t, level, text, ctx) {
		return ctx.json ? pino(t, level, ctx, `"msg":"${jsonText(text)}"`) : pretty(t, level, text, ctx);
	},
	routine(rng, t, ctx, stress) {
		const vocab = ctx.vocabulary;
		if (ctx.endpointTable.length > 0 && rng.next() < .6) {
			const endpoint = rng.pick(ctx.endpointTable);
			const path = endpoint.path(rng);
			const status = httpStatus(rng, endpoint.method, stress);
			const ms = latencyMs(rng, endpoint.p50Ms, stress);
			const level = levelForStatus(status);
			if (!ctx.json) {
				const bytes = Math.round(endpoint.bytes * (.6 + .8 * rng.next()));
				return {
					level,
					message: `${ANSI.reset}${endpoint.method} ${path} ${statusColour(status)}${status}${ANSI.reset} ${ms.toFixed(3)} ms - ${bytes}${ANSI.reset}`
				};
			}
			const reqId = traceId(rng);
			return {
				level,
				message: pino(t, level, ctx, `"reqId":"${reqId}","req":{"method":"${endpoint.method}","url":"${path}"},"res":{"statusCode":${status}},"responseTime":${ms},"msg":"request completed"`),
				correlationId: reqId,
				metadata: {
					method: endpoint.method,
					route: endpoint.route,
					status,
					durationMs: ms
				}
			};
		}
		const level = rollLevel(rng.next(), stress);
		if (level === "error") return errorLine$1(rng, t, ctx, "unhandled error in request handler");
		const text = (level === "warn" ? rng.pick(vocab.warnings) : level === "debug" ? rng.pick(vocab.debug) : rng.pick(vocab.events))(rng);
		return {
			level,
			message: ctx.json ? pino(t, level, ctx, `"module":"${rng.pick(vocab.loggers)}","msg":"${text}"`) : pretty(t, level, text, ctx)
		};
	},
	startup(ctx) {
		return [
			{
				level: "info",
				text: `> ${ctx.serviceName}@${ctx.version} start`
			},
			{
				level: "info",
				text: "> node --enable-source-maps dist/server.js"
			},
			{
				level: "info",
				text: `${ctx.serviceName} ${ctx.version} starting (node v20.18.1, NODE_ENV=production)`
			},
			{
				level: "info",
				text: "Connected to redis at sessions.internal:6379"
			},
			{
				level: "info",
				text: "Server listening at http://0.0.0.0:3000"
			}
		];
	},
	shutdown() {
		return [
			{
				level: "info",
				text: "SIGTERM received, closing HTTP server"
			},
			{
				level: "info",
				text: "HTTP server closed, 0 connections left"
			},
			{
				level: "info",
				text: "Shutdown complete"
			}
		];
	},
	crash(rng, t, ctx) {
		const trace = rng.pick(NODE_CRASHES);
		return {
			message: ctx.json ? pino(t, "fatal", ctx, `"err":{"stack":"${trace.json}"},"msg":"${jsonText(trace.headline)}"`) : trace.headline,
			stackTrace: trace.text,
			exitCode: 1
		};
	},
	healthFailure(rng, t, ctx) {
		return errorLine$1(rng, t, ctx, "health check dependency failed");
	}
};
// server/sources/simulator/dialects/python.ts
var CELERY_LEVEL = {
	trace: "DEBUG",
	debug: "DEBUG",
	info: "INFO",
	warn: "WARNING",
	error: "ERROR",
	fatal: "CRITICAL"
};
var STRUCTLOG_LEVEL = {
	trace: "debug",
	debug: "debug",
	info: "info",
	warn: "warning",
	error: "error",
	fatal: "critical"
};
var POOL = Array.from({ length: 4 }, (_, i) => `ForkPoolWorker-${i + 1}`);
function celery(t, level, ctx, proc, text) {
	return `[${ctx.times.python(t)}: ${CELERY_LEVEL[level]}/${proc}] ${text}`;
}
function structlog(t, level, ctx, logger, text, extra = "") {
	return `{"event": "${text}", "level": "${STRUCTLOG_LEVEL[level]}", "logger": "${logger}", "timestamp": "${ctx.times.iso(t)}"${extra}}`;
}
function errorLine(rng, t, ctx) {
	const trace = rng.pick(ctx.vocabulary.traces ?? PYTHON_TRACES);
	const logger = rng.pick(ctx.vocabulary.loggers);
	return {
		level: "error",
		message: ctx.json ? structlog(t, "error", ctx, logger, "batch failed", `, "exception": "${trace.json}"`) : celery(t, "error", ctx, rng.pick(POOL), `Task ${logger}[${uuid(rng)}] raised unexpected: ${trace.headline}\n${trace.text}`),
		stackTrace: trace.text
	};
}
// server/sources/simulator/dialects/index.ts
/** Dialect by runtime. */
var DIALECTS = {
	nginx: nginxDialect,
	node: nodeDialect,
	go: goDialect,
	java: javaDialect,
	python: {
		line(t, level, text, ctx, logger) {
			return ctx.json ? structlog(t, level, ctx, logger ?? ctx.serviceName, jsonText(text)) : celery(t, level, ctx, "MainProcess", text);
		},
		routine(rng, t, ctx, stress) {
			const vocab = ctx.vocabulary;
			const level = rollLevel(rng.next(), stress);
			if (level === "error") return errorLine(rng, t, ctx);
			if (!ctx.json && level === "info" && rng.next() < .6) {
				const task = rng.pick(vocab.loggers);
				const id = uuid(rng);
				return {
					level,
					message: rng.next() < .5 ? celery(t, "info", ctx, "MainProcess", `Task ${task}[${id}] received`) : celery(t, "info", ctx, rng.pick(POOL), `Task ${task}[${id}] succeeded in ${(.02 + rng.exponential(.3) * (1 + 3 * stress)).toFixed(3)}s: None`),
					correlationId: id,
					metadata: { task }
				};
			}
			const text = (level === "warn" ? rng.pick(vocab.warnings) : level === "debug" ? rng.pick(vocab.debug) : rng.pick(vocab.events))(rng);
			return {
				level,
				message: ctx.json ? structlog(t, level, ctx, rng.pick(vocab.loggers), text) : celery(t, level, ctx, rng.pick(POOL), text)
			};
		},
		startup(ctx) {
			if (ctx.json) return [
				{
					level: "info",
					text: `starting ${ctx.serviceName} ${ctx.version}`
				},
				{
					level: "info",
					text: "connected to warehouse (postgresql://warehouse.internal:5432/analytics)"
				},
				{
					level: "info",
					text: "export window resolved"
				}
			];
			return [
				{
					level: "info",
					text: `celery@${ctx.hostname} v5.4.0 (opalescent) starting`
				},
				{
					level: "info",
					text: "Connected to redis://orders-redis.internal:6379/0"
				},
				{
					level: "info",
					text: "mingle: searching for neighbors"
				},
				{
					level: "info",
					text: "mingle: all alone"
				},
				{
					level: "info",
					text: `celery@${ctx.hostname} ready.`
				}
			];
		},
		shutdown(ctx) {
			if (ctx.json) return [{
				level: "info",
				text: "received SIGTERM, flushing and exiting"
			}];
			return [{
				level: "info",
				text: "worker: Warm shutdown (MainProcess)"
			}, {
				level: "info",
				text: "Waiting for running tasks to complete"
			}];
		},
		crash(rng, t, ctx) {
			const trace = rng.pick(PYTHON_CRASHES);
			return {
				message: ctx.json ? structlog(t, "fatal", ctx, ctx.serviceName, "job failed", `, "exception": "${trace.json}"`) : trace.headline,
				stackTrace: trace.text,
				exitCode: 1
			};
		},
		healthFailure(rng, t, ctx) {
			return errorLine(rng, t, ctx);
		}
	}
};
// server/sources/simulator/lifecycle.ts
/**
* Where a task may go from each status. Forward skips that ECS really makes are listed; the ones
* it does not (PROVISIONING to RUNNING: a task always pulls its image in PENDING) are not.
*/
var LEGAL_TRANSITIONS = {
	PROVISIONING: [
		"PENDING",
		"DEPROVISIONING",
		"STOPPED"
	],
	PENDING: [
		"ACTIVATING",
		"RUNNING",
		"STOPPING",
		"DEPROVISIONING",
		"STOPPED"
	],
	ACTIVATING: [
		"RUNNING",
		"DEACTIVATING",
		"STOPPING",
		"DEPROVISIONING",
		"STOPPED"
	],
	RUNNING: [
		"DEACTIVATING",
		"STOPPING",
		"DEPROVISIONING",
		"STOPPED"
	],
	DEACTIVATING: [
		"STOPPING",
		"DEPROVISIONING",
		"STOPPED"
	],
	STOPPING: ["DEPROVISIONING", "STOPPED"],
	DEPROVISIONING: ["STOPPED"],
	STOPPED: ["DELETED"],
	DELETED: []
};
/** Whether ECS can move a task from `from` to `to` in one step. */
function isLegalTransition(from, to) {
	return LEGAL_TRANSITIONS[from].includes(to);
}
/**
* How long each step takes, in virtual milliseconds [min, max]. Shorter than real ECS (a real
* load balancer drains for minutes) so that a demo shows whole lifecycles within a minute, but in
* the same proportions: image pulls are the slow part of a start, draining the slow part of a stop.
*/
var PHASE_DURATION_MS = {
	/** PROVISIONING: attaching the ENI (Fargate) or finding a container instance (EC2). */
	provisioning: [2e3, 6e3],
	/** PENDING: pulling the image and starting containers. */
	pending: [4e3, 14e3],
	/** ACTIVATING: registering with the load balancer and service discovery. */
	activating: [1500, 4e3],
	/** From RUNNING until the first container health check passes. */
	healthGrace: [4e3, 1e4],
	/** From the stop request until DEACTIVATING is reported. */
	stopRequested: [300, 1200],
	/** DEACTIVATING: draining connections from the load balancer. */
	deactivating: [5e3, 15e3],
	/** STOPPING: SIGTERM, then the container exits. */
	stopping: [1e3, 4e3],
	/** DEPROVISIONING: detaching the ENI. */
	deprovisioning: [1500, 5e3],
	/** How long a STOPPED task stays visible before ECS forgets it (real ECS: about an hour). */
	retainStopped: [18e4, 36e4]
};
// server/sources/simulator/metrics.ts
/** A compressed "day": long enough to look like a trend, short enough to see in a demo. */
var DAY_MS = 144e4;
/**
* The time-of-day factor for a service at virtual time `t`: a slow wave plus a faster ripple, mean
* 1 over a day. `phase` shifts services apart so they do not peak together.
*/
function dayWave(t, phase) {
	return 1 + .3 * Math.sin(2 * Math.PI * t / DAY_MS + phase) + .06 * Math.sin(2 * Math.PI * t / 97e3 + 3 * phase);
}
function round1(x) {
	return Math.round(x * 10) / 10;
}
/** The metric model of one task; keep one per task and call `sample` once per second. */
var TaskMetricsModel = class {
	rng;
	profile;
	cpuNoise = 0;
	memoryNoise = 0;
	leakPerMs;
	/**
	* @param rng the task's own random stream (so tasks do not perturb each other)
	* @param profile the service's behaviour
	*/
	constructor(rng, profile) {
		this.rng = rng;
		this.profile = profile;
		this.leakPerMs = profile.leakMiBPerMinute * rng.between(.85, 1.15) / 6e4;
	}
	/** The memory the leak alone has added after `uptimeMs`. */
	leakAfter(uptimeMs) {
		return this.leakPerMs * uptimeMs;
	}
	/** One sample after `uptimeMs` of running, under `load`. */
	sample(uptimeMs, load) {
		const p = this.profile;
		const rng = this.rng;
		this.cpuNoise += -.25 * this.cpuNoise + (.06 * p.cpuPercent + .4) * rng.normal();
		this.memoryNoise += -.1 * this.memoryNoise + .006 * p.memoryMiB * rng.normal();
		const warmCpu = 30 * Math.exp(-uptimeMs / 15e3);
		const warmMemory = .55 + .45 * (1 - Math.exp(-uptimeMs / 4e4));
		const cpu = p.cpuPercent * load.wave * (1 + 1.8 * load.spike) + 20 * load.stress + warmCpu + this.cpuNoise;
		const memory = p.memoryMiB * warmMemory * (1 + .08 * load.spike) + this.memoryNoise + this.leakAfter(uptimeMs);
		return {
			cpu: round1(Math.min(100, Math.max(.1, cpu))),
			memory: round1(Math.min(p.memoryLimitMiB, Math.max(8, memory)))
		};
	}
};
function short(taskId) {
	return taskId.slice(0, 8);
}
function base(id, t, type, priority, resourceId, title, message) {
	return {
		id,
		type,
		title,
		message,
		timestamp: new Date(t),
		priority,
		source: "ecs",
		resourceId,
		read: false
	};
}
/** A task stopped without anyone asking (crash, failed health checks, a failed job). */
function taskStoppedUnexpectedly(id, t, task, reason, exitCode) {
	const exit = exitCode === void 0 ? "" : ` (exit code ${exitCode})`;
	return base(id, t, "error", "high", task.taskArn, `Task stopped unexpectedly: ${task.serviceName}`, `Task ${short(task.taskId)} of ${task.serviceName} in ${task.cluster} stopped: ${reason}${exit}.`);
}
/** The kernel killed a container at its memory limit. */
function outOfMemory(id, t, task, containerName, limitMiB) {
	return base(id, t, "error", "critical", task.taskArn, `Out of memory: ${task.serviceName}`, `Container ${containerName} of task ${short(task.taskId)} in ${task.cluster} was killed at its ${limitMiB} MiB memory limit (exit code 137). OutOfMemoryError: Container killed due to memory usage.`);
}
/** A container health check has failed enough times to mark the container unhealthy. */
function healthCheckFailing(id, t, task, containerName) {
	return base(id, t, "warning", "high", task.taskArn, `Health check failing: ${task.serviceName}`, `Container ${containerName} of task ${short(task.taskId)} in ${task.cluster} is UNHEALTHY (3 consecutive health check failures). ECS will replace the task if it does not recover.`);
}
/** A rolling deployment began. */
function deploymentStarted(id, t, d) {
	return base(id, t, "info", "normal", `service:${d.serviceName}`, `Deployment started: ${d.serviceName}`, `${d.deploymentId} is rolling out ${d.family}:${d.revision} to ${d.taskCount} task${d.taskCount === 1 ? "" : "s"} in ${d.cluster}.`);
}
/** Every task of the new revision is healthy and the old ones are gone. */
function deploymentCompleted(id, t, d) {
	return base(id, t, "success", "normal", `service:${d.serviceName}`, `Deployment completed: ${d.serviceName}`, `${d.deploymentId} completed: ${d.serviceName} in ${d.cluster} runs ${d.family}:${d.revision} on ${d.taskCount} task${d.taskCount === 1 ? "" : "s"} and has reached a steady state.`);
}
/** The deployment circuit breaker gave up and rolled back. */
function deploymentFailed(id, t, d, reason, rolledBackTo) {
	return base(id, t, "error", "high", `service:${d.serviceName}`, `Deployment failed: ${d.serviceName}`, `${d.deploymentId} (${d.family}:${d.revision}) failed in ${d.cluster}: ${reason} Rolled back to ${d.family}:${rolledBackTo}.`);
}
// server/sources/simulator/prng.ts
/** splitmix32: spreads a 32-bit seed over the whole state so that seeds 1 and 2 look unrelated. */
function splitmix32(state) {
	let s = state >>> 0;
	return () => {
		s = s + 2654435769 >>> 0;
		let z = s;
		z = Math.imul(z ^ z >>> 16, 2246822507);
		z = Math.imul(z ^ z >>> 13, 3266489909);
		return (z ^ z >>> 16) >>> 0;
	};
}
var Sfc32 = class Sfc32 {
	a;
	b;
	c;
	d;
	constructor(seed) {
		const mix = splitmix32(seed);
		this.a = mix();
		this.b = mix();
		this.c = mix();
		this.d = 1;
		for (let i = 0; i < 12; i++) this.uint32();
	}
	uint32() {
		const t = (this.a + this.b | 0) + this.d | 0;
		this.d = this.d + 1 | 0;
		this.a = this.b ^ this.b >>> 9;
		this.b = this.c + (this.c << 3) | 0;
		this.c = this.c << 21 | this.c >>> 11;
		this.c = this.c + t | 0;
		return t >>> 0;
	}
	next() {
		return this.uint32() / 4294967296;
	}
	int(n) {
		return Math.floor(this.next() * n);
	}
	intBetween(min, max) {
		return min + Math.floor(this.next() * (max - min + 1));
	}
	between(min, max) {
		return min + this.next() * (max - min);
	}
	chance(p) {
		return this.next() < p;
	}
	pick(items) {
		if (items.length === 0) throw new RangeError("pick() needs a non-empty list");
		return items[Math.floor(this.next() * items.length)];
	}
	normal() {
		const u = 1 - this.next();
		const v = this.next();
		return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
	}
	exponential(mean) {
		return -Math.log(1 - this.next()) * mean;
	}
	hex(length) {
		let out = "";
		while (out.length < length) out += this.uint32().toString(16).padStart(8, "0");
		return out.length === length ? out : out.slice(0, length);
	}
	digits(length) {
		let out = String(1 + this.int(9));
		while (out.length < length) out += String(this.uint32() % 1e6).padStart(6, "0");
		return out.slice(0, length);
	}
	fork() {
		return new Sfc32(this.uint32());
	}
};
/**
* A seeded generator. Seeds are taken modulo 2^32; non-integers are truncated so `1.5` and `1`
* give the same stream rather than a silently different one.
*/
function createRng(seed) {
	if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
	return new Sfc32(Math.trunc(seed) >>> 0);
}
// server/sources/simulator/scheduler.ts
/** A min-heap of actions keyed by (virtual time, scheduling order). */
var Scheduler = class {
	heap = [];
	order = 0;
	/** Number of actions still waiting. */
	get size() {
		return this.heap.length;
	}
	/** Run `action` when the clock reaches `time` (virtual epoch milliseconds). */
	at(time, action) {
		const entry = {
			time,
			order: this.order++,
			action
		};
		const heap = this.heap;
		let i = heap.push(entry) - 1;
		while (i > 0) {
			const parent = i - 1 >> 1;
			const p = heap[parent];
			if (!before(entry, p)) break;
			heap[i] = p;
			i = parent;
		}
		heap[i] = entry;
	}
	/** The time of the earliest waiting action, or `Infinity` when none waits. */
	peekTime() {
		const top = this.heap[0];
		return top === void 0 ? Infinity : top.time;
	}
	/** Remove and return the earliest waiting action, with its time. */
	pop() {
		const heap = this.heap;
		const top = heap[0];
		if (top === void 0) return void 0;
		const last = heap.pop();
		if (heap.length > 0) {
			let i = 0;
			const n = heap.length;
			for (;;) {
				const left = 2 * i + 1;
				if (left >= n) break;
				const right = left + 1;
				let child = left;
				if (right < n && before(heap[right], heap[left])) child = right;
				const c = heap[child];
				if (!before(c, last)) break;
				heap[i] = c;
				i = child;
			}
			heap[i] = last;
		}
		return top;
	}
};
function before(a, b) {
	return a.time < b.time || a.time === b.time && a.order < b.order;
}
// server/sources/simulator/time-format.ts
/**
* Timestamps in the formats real services print (nginx's `[26/Nov/2026:10:00:00 +0000]`, Spring
* Boot's ISO, Python logging's comma before the milliseconds). Formatting a date is the most
* expensive step of a log line, and at 50,000 lines a second many lines share a millisecond, so
* each format caches its last result.
*/
var MONTHS = [
	"Jan",
	"Feb",
	"Mar",
	"Apr",
	"May",
	"Jun",
	"Jul",
	"Aug",
	"Sep",
	"Oct",
	"Nov",
	"Dec"
];
function pad2(n) {
	return n < 10 ? `0${n}` : String(n);
}
/** Cached formatters for one stream of (mostly increasing) timestamps. All output is in UTC. */
var TimeFormats = class {
	isoAt = NaN;
	isoText = "";
	clfSecond = NaN;
	clfText = "";
	nginxSecond = NaN;
	nginxText = "";
	/** `2026-11-26T10:00:00.123Z`, as `Date.prototype.toISOString`. */
	iso(t) {
		if (t !== this.isoAt) {
			this.isoAt = t;
			this.isoText = new Date(t).toISOString();
		}
		return this.isoText;
	}
	/** `2026-11-26 10:00:00.123` (Spring Boot's and Go's log layout without the zone). */
	spaced(t) {
		const iso = this.iso(t);
		return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
	}
	/** `2026-11-26 10:00:00,123` (Python's `logging` default `asctime`). */
	python(t) {
		const iso = this.iso(t);
		return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
	}
	/** `26/Nov/2026:10:00:00 +0000` (Apache/nginx common and combined log formats). */
	clf(t) {
		const second = Math.floor(t / 1e3);
		if (second !== this.clfSecond) {
			this.clfSecond = second;
			const d = /* @__PURE__ */ new Date(second * 1e3);
			this.clfText = `${pad2(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} +0000`;
		}
		return this.clfText;
	}
	/** `2026/11/26 10:00:00` (nginx's error log). */
	nginx(t) {
		const second = Math.floor(t / 1e3);
		if (second !== this.nginxSecond) {
			this.nginxSecond = second;
			const iso = (/* @__PURE__ */ new Date(second * 1e3)).toISOString();
			this.nginxText = `${iso.slice(0, 4)}/${iso.slice(5, 7)}/${iso.slice(8, 10)} ${iso.slice(11, 19)}`;
		}
		return this.nginxText;
	}
};
var ARN_PREFIX = `arn:aws:ecs:us-east-1:000000000000`;
/** `arn:aws:ecs:us-east-1:000000000000:cluster/production` */
function clusterArn(cluster) {
	return `${ARN_PREFIX}:cluster/${cluster}`;
}
/** `arn:aws:ecs:us-east-1:000000000000:service/production/web-frontend` */
function serviceArn(cluster, service) {
	return `${ARN_PREFIX}:service/${cluster}/${service}`;
}
/** `arn:aws:ecs:us-east-1:000000000000:task/production/<32 hex>` */
function taskArn(cluster, taskId) {
	return `${ARN_PREFIX}:task/${cluster}/${taskId}`;
}
/** `arn:aws:ecs:us-east-1:000000000000:task-definition/web-frontend:42` */
function taskDefinitionArn(family, revision) {
	return `${ARN_PREFIX}:task-definition/${family}:${revision}`;
}
var SLUGS = [
	"merino-crew-sweater",
	"trail-runner-gtx",
	"ceramic-pour-over-set",
	"linen-duvet-cover",
	"waxed-canvas-tote",
	"walnut-desk-organizer",
	"wool-blend-beanie",
	"titanium-camp-mug"
];
function id(rng) {
	return 1e4 + rng.int(9e4);
}
function money(rng) {
	return (5 + rng.int(4e4) / 100).toFixed(2);
}
function route(method, path, p50Ms, bytes, weight) {
	return {
		method,
		route: path,
		path: () => path,
		p50Ms,
		bytes,
		weight
	};
}
function routeWith(method, routeName, path, p50Ms, bytes, weight) {
	return {
		method,
		route: routeName,
		path,
		p50Ms,
		bytes,
		weight
	};
}
var webVocabulary = {
	host: "shop.example.com",
	endpoints: [
		route("GET", "/", 35, 18400, 6),
		route("GET", "/products", 42, 24100, 4),
		routeWith("GET", "/products/:slug", (r) => `/products/${r.pick(SLUGS)}`, 48, 31e3, 5),
		route("GET", "/cart", 26, 6200, 3),
		route("POST", "/api/cart/items", 61, 512, 2),
		route("POST", "/checkout", 180, 2048, 1),
		route("GET", "/static/js/app.8f3c2a1b.js", 2, 214e3, 5),
		route("GET", "/static/css/main.41d9e0c7.css", 2, 38e3, 3),
		route("GET", "/healthz", 1, 2, 2)
	],
	events: [
		(r) => `Rendered /products/${r.pick(SLUGS)} in ${20 + r.int(60)}ms (cache ${r.chance(.7) ? "hit" : "miss"})`,
		(r) => `Session refreshed for user u_${id(r)}`,
		() => "Feature flags refreshed (212 flags)",
		(r) => `Cart updated for session s_${r.hex(12)}: ${1 + r.int(6)} items`,
		() => "SSR page cache warmed: 128 pages"
	],
	warnings: [
		(r) => `Slow upstream response from api: GET /v1/catalog took ${900 + r.int(2500)}ms`,
		(r) => `Session store latency above threshold: ${200 + r.int(400)}ms`,
		() => "Client sent deprecated header X-Forwarded-Host, ignoring"
	],
	debug: [(r) => `cache lookup key=page:/products/${r.pick(SLUGS)} hit=${r.chance(.7)}`, (r) => `fetch GET http://api.production.internal:8080/v1/catalog ${10 + r.int(40)}ms`],
	loggers: [
		"http",
		"ssr",
		"session",
		"cart"
	]
};
var apiVocabulary = {
	host: "api.example.com",
	endpoints: [
		routeWith("GET", "/v1/orders/{id}", (r) => `/v1/orders/${id(r)}`, 6, 1800, 6),
		routeWith("GET", "/v1/orders", (r) => `/v1/orders?customer=c_${id(r)}&limit=20`, 14, 9600, 3),
		route("POST", "/v1/orders", 38, 1200, 2),
		route("GET", "/v1/catalog", 9, 48e3, 4),
		routeWith("GET", "/v1/customers/{id}", (r) => `/v1/customers/c_${id(r)}`, 5, 900, 2),
		route("POST", "/v1/checkout", 95, 700, 1),
		route("GET", "/healthz", 1, 15, 2)
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
	debug: [(r) => `cache hit key=customer:c_${id(r)}`, (r) => `db pool stats open=${4 + r.int(16)} idle=${r.int(6)} wait_count=0`],
	loggers: [
		"orders/handler.go:61",
		"store/orders.go:142",
		"checkout/service.go:203",
		"catalog/cache.go:77"
	]
};
var paymentVocabulary = {
	host: "payments.internal",
	endpoints: [route("POST", "/payments/authorize", 120, 800, 1)],
	events: [
		(r) => `Authorized payment pay_${r.hex(12)} for order ${id(r)} (amount=${money(r)} EUR) in ${40 + r.int(180)} ms`,
		(r) => `Captured payment pay_${r.hex(12)} (amount=${money(r)} EUR)`,
		(r) => `Refund re_${r.hex(12)} processed for order ${id(r)}`,
		(r) => `Webhook evt_${r.hex(14)} from acquirer acknowledged`
	],
	warnings: [
		(r) => `Acquirer response slow: ${1500 + r.int(3e3)} ms for authorize`,
		(r) => `3-D Secure challenge timed out for pay_${r.hex(12)}`,
		(r) => `HikariPool-1 - Thread starvation or clock leap detected (housekeeper delta=${40 + r.int(30)}s).`
	],
	debug: [(r) => `Idempotency key ${r.hex(8)}-${r.hex(4)} stored`, (r) => `Fraud score ${r.int(100)} for card fingerprint fp_${r.hex(10)}`],
	loggers: [
		"c.a.payment.web.PaymentController",
		"c.a.payment.service.PaymentService",
		"c.a.payment.acquirer.AcquirerClient",
		"c.a.payment.webhook.WebhookHandler"
	],
	traces: [JAVA_TRACES[0], JAVA_TRACES[1]].filter((t) => t !== void 0)
};
var orderWorkerVocabulary = {
	host: "orders.internal",
	endpoints: [],
	events: [
		(r) => `Processing order ${id(r)}: ${1 + r.int(6)} line items`,
		(r) => `Invoice INV-2026-${id(r)} rendered (${1 + r.int(3)} pages)`,
		(r) => `Inventory sync: ${200 + r.int(400)} SKUs updated`,
		(r) => `Confirmation email queued for order ${id(r)}`
	],
	warnings: [
		(r) => `Retrying orders.tasks.sync_inventory in 30s: HTTPError(503 Service Unavailable) (retry ${1 + r.int(3)}/5)`,
		(r) => `Order ${id(r)} has no shipping address, parking for manual review`,
		(r) => `Soft time limit (${r.chance(.5) ? 60 : 120}s) exceeded for orders.tasks.generate_invoice`
	],
	debug: [(r) => `Prefetched ${r.int(8)} messages from queue orders`, (r) => `Redis pipeline flushed: ${1 + r.int(40)} commands`],
	loggers: [
		"orders.tasks.process_order",
		"orders.tasks.send_confirmation",
		"orders.tasks.sync_inventory",
		"orders.tasks.generate_invoice"
	],
	traces: PYTHON_TRACES
};
var reportVocabulary = {
	host: "reports.internal",
	endpoints: [],
	events: [
		(r) => `exported batch ${1 + r.int(20)}/20 (5000 rows)`,
		(r) => `query finished in ${(1 + r.next() * 6).toFixed(1)}s (${4e4 + r.int(2e4)} rows)`,
		(r) => `uploaded part ${1 + r.int(8)} to s3://acme-reports/daily/part-${r.int(8)}.parquet`
	],
	warnings: [(r) => `warehouse replica lag ${20 + r.int(60)}s, results may be stale`],
	debug: [(r) => `fetched ${r.int(5e3)} rows from cursor daily_orders`],
	loggers: [
		"report.export",
		"report.query",
		"report.upload"
	],
	traces: [PYTHON_TRACES[2]].filter((t) => t !== void 0)
};
var thumbnailVocabulary = {
	host: "img.staging.example.com",
	endpoints: [
		routeWith("GET", "/thumbnails/:id", (r) => `/thumbnails/${r.hex(16)}.jpg?w=${r.pick([
			"160",
			"320",
			"640"
		])}`, 24, 18e3, 8),
		route("POST", "/resize", 140, 64e3, 2),
		route("GET", "/healthz", 1, 2, 1)
	],
	events: [
		(r) => `Resized 1920x1080 -> ${r.pick([
			"160x90",
			"320x180",
			"640x360"
		])} in ${30 + r.int(120)}ms (cache miss)`,
		(r) => `Cache hit ratio ${(80 + r.next() * 18).toFixed(1)}% over last 60s`,
		(r) => `Purged ${r.int(400)} expired thumbnails from cache`
	],
	warnings: [() => "Source image larger than 20 MB, downscaling in two passes", (r) => `libvips operation cache near capacity (${88 + r.int(11)}%)`],
	debug: [(r) => `vips threads=${2 + r.int(3)} queue=${r.int(10)}`],
	loggers: [
		"resize",
		"cache",
		"http"
	]
};
var searchVocabulary = {
	host: "search.staging.internal",
	endpoints: [],
	events: [
		(r) => `Indexed batch ${1e3 + r.int(9e3)} (500 docs) in ${200 + r.int(600)} ms`,
		(r) => `Refreshed index products-v7 (${(.3 + r.next()).toFixed(1)} s)`,
		(r) => `Consumed 500 change events from products-cdc (lag ${r.int(50)})`
	],
	warnings: [(r) => `Bulk request throttled by cluster, backing off ${500 * (1 + r.int(4))} ms`, (r) => `Consumer lag ${1e3 + r.int(5e3)} above threshold 1000`],
	debug: [(r) => `Bulk payload ${200 + r.int(800)} KiB`],
	loggers: [
		"c.a.search.IndexWorker",
		"c.a.search.CdcConsumer",
		"c.a.search.IndexAdmin"
	],
	traces: [JAVA_TRACES[2], JAVA_TRACES[0]].filter((t) => t !== void 0)
};
var flagsVocabulary = {
	host: "flags.staging.internal",
	endpoints: [
		route("GET", "/v1/flags", 2, 14e3, 5),
		route("POST", "/v1/evaluate", 3, 400, 4),
		route("GET", "/healthz", 1, 15, 1)
	],
	events: [
		(r) => `flag snapshot refreshed flags=212 version=${8800 + r.int(100)}`,
		(r) => `client connected sdk=${r.pick([
			"node-2.3.1",
			"go-1.9.0",
			"java-4.2.2"
		])} env=staging`,
		(r) => `flag updated key=checkout.${r.pick([
			"new-flow",
			"apple-pay",
			"express"
		])} by=ci`
	],
	warnings: [(r) => `stale snapshot served age=${30 + r.int(60)}s`],
	debug: [(r) => `evaluation cache size=${r.int(5e3)}`],
	loggers: ["sync/poller.go:112", "api/evaluate.go:40"]
};
/** Every service and scheduled job in the simulated account. */
var SERVICES = [
	{
		name: "web-frontend",
		cluster: "production",
		kind: "service",
		family: "web-frontend",
		revision: 41,
		version: "2.14",
		appName: "web-frontend",
		desiredCount: 3,
		launchType: "FARGATE",
		cpu: "512",
		memory: "1024",
		containers: [{
			name: "app",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/web-frontend",
			runtime: "node",
			json: true,
			logWeight: 1.2,
			healthCheck: true
		}, {
			name: "nginx",
			image: "public.ecr.aws/nginx/nginx:1.27",
			runtime: "nginx",
			logWeight: 2.4,
			healthCheck: false
		}],
		vocabulary: webVocabulary,
		cpuPercent: 18,
		memoryMiB: 310,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 50,
		healthIncidentEveryMinutes: 0
	},
	{
		name: "api",
		cluster: "production",
		kind: "service",
		family: "api",
		revision: 87,
		version: "1.42",
		appName: "api",
		desiredCount: 2,
		launchType: "FARGATE",
		cpu: "1024",
		memory: "2048",
		containers: [{
			name: "api",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/api",
			runtime: "go",
			json: true,
			logWeight: 2.6,
			healthCheck: true
		}],
		vocabulary: apiVocabulary,
		cpuPercent: 24,
		memoryMiB: 180,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 90,
		healthIncidentEveryMinutes: 0
	},
	{
		name: "payment-service",
		cluster: "production",
		kind: "service",
		family: "payment-service",
		revision: 23,
		version: "3.8",
		appName: "PaymentApplication",
		desiredCount: 2,
		launchType: "EC2",
		cpu: "1024",
		memory: "2048",
		containers: [{
			name: "payment",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/payment-service",
			runtime: "java",
			ansi: true,
			logWeight: 1.4,
			healthCheck: true
		}],
		vocabulary: paymentVocabulary,
		cpuPercent: 30,
		memoryMiB: 1180,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 14
	},
	{
		name: "order-worker",
		cluster: "production",
		kind: "service",
		family: "order-worker",
		revision: 56,
		version: "5.3",
		appName: "orders",
		desiredCount: 2,
		launchType: "EC2",
		cpu: "512",
		memory: "1024",
		containers: [{
			name: "worker",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/order-worker",
			runtime: "python",
			logWeight: 1.3,
			healthCheck: false
		}],
		vocabulary: orderWorkerVocabulary,
		cpuPercent: 35,
		memoryMiB: 260,
		leakMiBPerMinute: 62,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 0
	},
	{
		name: "nightly-report",
		cluster: "production",
		kind: "scheduled",
		family: "nightly-report",
		revision: 12,
		version: "1.6",
		appName: "report",
		desiredCount: 0,
		launchType: "FARGATE",
		cpu: "256",
		memory: "512",
		containers: [{
			name: "report",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/nightly-report",
			runtime: "python",
			json: true,
			logWeight: 1.5,
			healthCheck: false
		}],
		vocabulary: reportVocabulary,
		cpuPercent: 70,
		memoryMiB: 210,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 0,
		schedule: {
			everyMs: [3e5, 54e4],
			runMs: [6e4, 15e4],
			failureRate: .12
		}
	},
	{
		name: "thumbnail-service",
		cluster: "staging",
		kind: "service",
		family: "thumbnail-service",
		revision: 9,
		version: "0.9",
		appName: "thumbnailer",
		desiredCount: 1,
		launchType: "FARGATE",
		cpu: "512",
		memory: "1024",
		containers: [{
			name: "thumbnailer",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/thumbnail-service",
			runtime: "node",
			ansi: true,
			logWeight: 1.1,
			healthCheck: true
		}],
		vocabulary: thumbnailVocabulary,
		cpuPercent: 20,
		memoryMiB: 240,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 35,
		healthIncidentEveryMinutes: 0
	},
	{
		name: "search-indexer",
		cluster: "staging",
		kind: "service",
		family: "search-indexer",
		revision: 31,
		version: "4.1",
		appName: "SearchIndexerApplication",
		desiredCount: 1,
		launchType: "EC2",
		cpu: "1024",
		memory: "2048",
		containers: [{
			name: "indexer",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/search-indexer",
			runtime: "java",
			json: true,
			logWeight: .9,
			healthCheck: true
		}],
		vocabulary: searchVocabulary,
		cpuPercent: 40,
		memoryMiB: 1350,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 0,
		healthIncidentEveryMinutes: 25
	},
	{
		name: "feature-flags",
		cluster: "staging",
		kind: "service",
		family: "feature-flags",
		revision: 17,
		version: "1.9",
		appName: "flags",
		desiredCount: 1,
		launchType: "FARGATE",
		cpu: "256",
		memory: "512",
		containers: [{
			name: "flags",
			image: "000000000000.dkr.ecr.us-east-1.amazonaws.com/feature-flags",
			runtime: "go",
			logWeight: .6,
			healthCheck: true
		}],
		vocabulary: flagsVocabulary,
		cpuPercent: 6,
		memoryMiB: 48,
		leakMiBPerMinute: 0,
		crashEveryMinutes: 120,
		healthIncidentEveryMinutes: 0
	}
];
/** Virtual start time when none is given: 2026-11-26T09:00:00Z. */
var DEFAULT_START_TIME = Date.UTC(2026, 10, 26, 9, 0, 0);
/** How often ECS rolls out a new revision somewhere, in virtual ms [min, max]. */
var DEPLOYMENT_EVERY_MS = [18e4, 36e4];
/** Share of deployments whose new revision cannot start (bad image tag, failing migration). */
var DEPLOYMENT_FAILURE_RATE = .12;
/** Tasks of a new revision that may fail before the circuit breaker rolls back. */
var CIRCUIT_BREAKER_THRESHOLD = 3;
/** How often some service sees a traffic spike, and how long and strong it is. */
var SPIKE_EVERY_MS = [9e4, 24e4];
var SPIKE_DURATION_MS = [2e4, 9e4];
var SPIKE_INTENSITY = [.4, 1.1];
/** Health check interval (ECS allows 5 to 300 s) and the failures that make a container UNHEALTHY. */
var HEALTH_CHECK_INTERVAL_MS = 5e3;
var HEALTH_CHECK_RETRIES = 3;
/** Chance that a failing health check recovers before ECS replaces the task. */
var HEALTH_RECOVERY_RATE = .6;
/** Build a world. Nothing happens until `advance` is called. */
function createWorld(options = {}) {
	return new EcsWorld(options);
}
var NULL_SINK = {
	log() {},
	metrics() {},
	notification() {},
	task() {}
};
function between(rng, range) {
	return rng.between(range[0], range[1]);
}
var EcsWorld = class {
	/** Lifecycle decisions. Separate streams keep, say, the log rate from changing the lifecycle. */
	rng;
	/** Log line content and timing. */
	logRng;
	/** Seeds each task's metric stream. */
	metricRng;
	times = new TimeFormats();
	scheduler = new Scheduler();
	services = [];
	/** Tasks ECS knows, in creation order (Map iteration order keeps runs reproducible). */
	tasksByArn = /* @__PURE__ */ new Map();
	idPrefix;
	clock;
	pendingMs = 0;
	budget = 0;
	rate;
	sink = NULL_SINK;
	quiet = false;
	logCount = 0;
	notificationCount = 0;
	/** The service of the latest deployment. */
	lastDeployed;
	/** Tasks that existed before the first advance; announced as `created` when it is called. */
	unannounced = [];
	emitterCount = 0;
	emitterTotal = 0;
	emitterTasks = [];
	emitterContainers = [];
	emitterCumulative = [];
	emitterStress = [];
	constructor(options) {
		const seed = options.seed ?? 1;
		const startTime = Math.floor(options.startTime ?? DEFAULT_START_TIME);
		if (!Number.isFinite(startTime)) throw new RangeError("startTime must be finite");
		this.rate = checkRate(options.logRate ?? 20);
		this.rng = createRng(seed);
		this.logRng = this.rng.fork();
		this.metricRng = this.rng.fork();
		this.clock = startTime;
		this.idPrefix = `sim-${(Math.trunc(seed) >>> 0).toString(36)}-${startTime.toString(36)}-`;
		for (const spec of SERVICES) this.services.push({
			spec,
			clusterArn: clusterArn(spec.cluster),
			arn: serviceArn(spec.cluster, spec.name),
			endpointTable: weightTable(spec.vocabulary.endpoints),
			wavePhase: this.rng.between(0, 2 * Math.PI),
			eventSource: Object.freeze({
				type: "system",
				name: "ecs",
				identifier: serviceArn(spec.cluster, spec.name)
			}),
			revision: spec.revision,
			latestRevision: spec.revision,
			tasks: [],
			deployment: void 0,
			spike: void 0
		});
		this.populate();
		this.scheduleRecurring();
	}
	get now() {
		return this.clock;
	}
	get logRate() {
		return this.rate;
	}
	setLogRate(linesPerSecond) {
		this.rate = checkRate(linesPerSecond);
	}
	advance(ms, sink, options) {
		if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance() needs ms >= 0, got ${ms}`);
		this.sink = sink;
		this.quiet = options?.quiet ?? false;
		try {
			if (this.unannounced.length > 0) {
				for (const task of this.unannounced) this.emitTask("created", task);
				this.unannounced = [];
			}
			this.pendingMs += ms;
			while (this.pendingMs >= 10) {
				this.pendingMs -= 10;
				this.runQuantum();
			}
		} finally {
			this.sink = NULL_SINK;
			this.quiet = false;
		}
	}
	tasks() {
		const out = [];
		for (const task of this.tasksByArn.values()) out.push(this.snapshot(task));
		return out;
	}
	/**
	* One quantum [clock, clock + QUANTUM_MS): routine log lines at spread-out instants, with due
	* actions run in between so log timestamps never go backwards.
	*/
	runQuantum() {
		const start = this.clock;
		const end = start + 10;
		let lines = 0;
		if (this.quiet) this.budget = 0;
		else if (this.rate > 0) {
			const wave = 1 + .2 * Math.sin(2 * Math.PI * start / DAY_MS);
			const jitter = this.logRng.next() + this.logRng.next();
			this.budget += this.rate * 10 / 1e3 * wave * jitter;
			if (this.budget >= 1) {
				lines = Math.floor(this.budget);
				this.budget -= lines;
			}
		}
		if (lines > 0) this.rebuildEmitters(start);
		for (let i = 0; i < lines; i++) {
			const t = start + Math.floor((i + this.logRng.next()) * 10 / lines);
			if (this.scheduler.peekTime() <= t) {
				this.runDue(t);
				this.rebuildEmitters(t);
			}
			this.clock = t;
			if (this.emitterCount > 0) this.routineLine(t);
		}
		this.runDue(end - 1);
		this.clock = end;
	}
	/** Run every action due at or before `limit`, in time order. */
	runDue(limit) {
		for (;;) {
			if (this.scheduler.peekTime() > limit) return;
			const entry = this.scheduler.pop();
			if (entry === void 0) return;
			this.clock = entry.time;
			entry.action();
		}
	}
	/** Do `action` after `delayMs` of virtual time (rounded to whole milliseconds). */
	after(delayMs, action) {
		this.scheduler.at(this.clock + Math.max(0, Math.round(delayMs)), action);
	}
	afterRange(range, action) {
		this.after(between(this.rng, range), action);
	}
	/** Services start at their desired count, running for a while already, as an account would be. */
	populate() {
		for (const service of this.services) {
			if (service.spec.kind !== "service") continue;
			for (let i = 0; i < service.spec.desiredCount; i++) {
				const uptime = service.spec.leakMiBPerMinute > 0 ? this.rng.between(12e4, 48e4) : this.rng.between(18e5, 108e6);
				const startedAt = Math.round(this.clock - uptime);
				const task = this.createTask(service, service.revision, void 0, {
					running: true,
					createdAt: startedAt - Math.round(this.rng.between(15e3, 4e4)),
					startedAt
				});
				this.unannounced.push(task);
				this.scheduleHazards(task);
			}
		}
	}
	scheduleRecurring() {
		const firstSecond = Math.ceil(this.clock / 1e3) * 1e3;
		this.scheduler.at(firstSecond, () => this.sampleMetrics());
		this.afterRange([4e4, 75e3], () => this.startDeployment());
		this.afterRange([2e4, 6e4], () => this.startSpike());
		for (const service of this.services) if (service.spec.kind === "scheduled") this.afterRange([6e4, 12e4], () => this.runJob(service));
	}
	createTask(service, revision, deployment, start) {
		const spec = service.spec;
		const rng = this.rng;
		const id = rng.hex(32);
		const arn = taskArn(spec.cluster, id);
		const hostname = `ip-10-0-${rng.int(64)}-${1 + rng.int(254)}.ec2.internal`;
		const version = `${spec.version}.${revision}`;
		const containers = spec.containers.map((cs) => {
			const runtimeId = spec.launchType === "FARGATE" ? `${id}-${rng.digits(10)}` : rng.hex(64);
			return {
				spec: cs,
				runtimeId,
				dialect: DIALECTS[cs.runtime],
				ctx: {
					serviceName: spec.name,
					containerName: cs.name,
					hostname,
					version,
					appName: spec.appName,
					ansi: cs.ansi ?? false,
					json: cs.json ?? false,
					vocabulary: spec.vocabulary,
					endpointTable: service.endpointTable,
					times: this.times
				},
				source: Object.freeze({
					type: "container",
					name: cs.name,
					identifier: runtimeId
				}),
				lastStatus: start.running ? "RUNNING" : "PENDING",
				exitCode: void 0,
				healthStatus: cs.healthCheck ? start.running ? "HEALTHY" : "UNKNOWN" : void 0
			};
		});
		const primary = containers[0];
		if (primary === void 0) throw new Error(`service ${spec.name} has no containers`);
		const state = {
			taskArn: arn,
			clusterArn: service.clusterArn,
			taskDefinitionArn: taskDefinitionArn(spec.family, revision),
			group: spec.kind === "service" ? `service:${spec.name}` : `family:${spec.family}`,
			lastStatus: start.running ? "RUNNING" : "PROVISIONING",
			desiredStatus: "RUNNING",
			launchType: spec.launchType,
			cpu: spec.cpu,
			memory: spec.memory,
			createdAt: new Date(start.createdAt)
		};
		if (start.startedAt !== void 0) state.startedAt = new Date(start.startedAt);
		const task = {
			arn,
			id,
			service,
			revision,
			deployment,
			failure: deployment?.failMode,
			containers,
			primary,
			metrics: new TaskMetricsModel(this.metricRng.fork(), {
				cpuPercent: spec.cpuPercent,
				memoryMiB: spec.memoryMiB,
				memoryLimitMiB: Number(spec.memory),
				leakMiBPerMinute: spec.leakMiBPerMinute
			}),
			state,
			startedAtMs: start.startedAt ?? start.createdAt,
			healthy: start.running,
			exited: false,
			stopRequested: false,
			stress: 0,
			memoryWarnings: 0
		};
		this.tasksByArn.set(arn, task);
		service.tasks.push(task);
		return task;
	}
	/** Start `count` tasks of `revision`: PROVISIONING, then up the lifecycle. */
	launch(service, count, revision, deployment) {
		const started = [];
		for (let i = 0; i < count; i++) {
			const task = this.createTask(service, revision, deployment, {
				running: false,
				createdAt: this.clock
			});
			started.push(task);
			this.emitTask("created", task);
			this.afterRange(PHASE_DURATION_MS.provisioning, () => this.toPending(task));
		}
		if (service.spec.kind === "service" && started.length > 0) {
			const list = started.map((t) => `(task ${t.id})`).join(" ");
			this.serviceEvent(service, "info", `(service ${service.spec.name}) has started ${started.length} tasks: ${list}.`);
		}
	}
	toPending(task) {
		if (task.stopRequested) return;
		this.setStatus(task, "PENDING");
		this.afterRange(PHASE_DURATION_MS.pending, () => this.pulled(task));
	}
	/** The image pull finished (or failed); containers start. */
	pulled(task) {
		if (task.stopRequested) return;
		if (task.failure === "pull") {
			this.failToStart(task);
			return;
		}
		for (const c of task.containers) c.lastStatus = "RUNNING";
		this.setStatus(task, "ACTIVATING", {}, true);
		for (const c of task.containers) this.sayLines(task, c, c.dialect.startup(c.ctx), 100, 400);
		this.afterRange(PHASE_DURATION_MS.activating, () => this.toRunning(task));
	}
	toRunning(task) {
		if (task.stopRequested) return;
		task.startedAtMs = this.clock;
		this.setStatus(task, "RUNNING", { startedAt: new Date(this.clock) });
		if (task.failure === "crashloop") {
			this.afterRange([3e3, 8e3], () => this.exit(task, "startup"));
			return;
		}
		if (task.containers.some((c) => c.spec.healthCheck)) this.afterRange(PHASE_DURATION_MS.healthGrace, () => this.becomeHealthy(task));
		else {
			task.healthy = true;
			this.onHealthy(task);
		}
		this.scheduleHazards(task);
	}
	/** What can happen to a running task later: crashes, health incidents, the end of a job. */
	scheduleHazards(task) {
		const spec = task.service.spec;
		if (spec.crashEveryMinutes > 0) this.after(this.rng.exponential(spec.crashEveryMinutes * 6e4), () => this.exit(task, "crash"));
		if (spec.healthIncidentEveryMinutes > 0) this.after(this.rng.exponential(spec.healthIncidentEveryMinutes * 6e4), () => this.healthIncident(task));
		if (spec.schedule !== void 0) {
			const failed = this.rng.chance(spec.schedule.failureRate);
			this.afterRange(spec.schedule.runMs, () => this.exit(task, failed ? "jobFailure" : "complete"));
		}
	}
	becomeHealthy(task) {
		if (task.stopRequested || task.exited) return;
		for (const c of task.containers) if (c.spec.healthCheck) c.healthStatus = "HEALTHY";
		task.healthy = true;
		this.emitTask("updated", task, { containers: this.containerViews(task) });
		this.onHealthy(task);
	}
	/** The image could not be pulled: the task stops without ever running. */
	failToStart(task) {
		const spec = task.service.spec;
		const reason = `CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref ${`${task.primary.spec.image}:${task.primary.ctx.version}`}: not found`;
		this.requestStop(task, reason, "TaskFailedToStart");
		for (const c of task.containers) c.lastStatus = "STOPPED";
		this.serviceEvent(task.service, "warn", `(service ${spec.name}) (task ${task.id}) failed to start: ${reason}`);
		this.onTaskLost(task);
		if (spec.launchType === "FARGATE") {
			this.setStatus(task, "DEPROVISIONING", {}, true);
			this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
		} else this.toStopped(task);
	}
	/**
	* The essential container exited on its own: a crash, the OOM killer, or a job that finished.
	* ECS notices, sets desiredStatus to STOPPED and takes the task down without draining.
	*/
	exit(task, kind) {
		if (task.exited || task.stopRequested || task.state.lastStatus !== "RUNNING") return;
		const c = task.primary;
		const limit = Number(task.service.spec.memory);
		let exitCode;
		let reason = "Essential container in task exited";
		if (kind === "oom") {
			exitCode = 137;
			reason = "OutOfMemoryError: Container killed due to memory usage";
			this.agentLog(task, "error", `Task ${task.id}: container ${c.spec.name} was killed by the OOM killer (memory usage reached the ${limit} MiB limit); exit code 137`);
		} else if (kind === "complete") {
			exitCode = 0;
			this.containerLog(task, c, this.clock, {
				level: "info",
				message: c.dialect.line(this.clock, "info", `report complete: ${4e4 + this.rng.int(2e4)} rows exported`, c.ctx)
			});
		} else {
			const failure = c.dialect.crash(this.rng, this.clock, c.ctx);
			exitCode = failure.exitCode;
			this.containerLog(task, c, this.clock, {
				level: "fatal",
				message: failure.message,
				stackTrace: failure.stackTrace
			});
		}
		task.exited = true;
		c.lastStatus = "STOPPED";
		c.exitCode = exitCode;
		this.afterRange([300, 900], () => {
			this.requestStop(task, reason, "EssentialContainerExited", true);
			const facts = this.facts(task);
			if (kind === "oom") this.sink.notification(outOfMemory(this.notificationId(), this.clock, facts, c.spec.name, limit));
			else if (kind === "crash" || kind === "jobFailure") this.sink.notification(taskStoppedUnexpectedly(this.notificationId(), this.clock, facts, reason, exitCode));
			if (task.service.spec.kind === "service") {
				this.serviceEvent(task.service, "info", `(service ${task.service.spec.name}) has stopped 1 running tasks: (task ${task.id}).`);
				this.onTaskLost(task);
			}
			this.afterRange([800, 2e3], () => {
				this.setStatus(task, "STOPPING");
				this.afterRange(PHASE_DURATION_MS.stopping, () => this.containersExited(task));
			});
		});
	}
	/**
	* Someone asked the task to stop (a deployment, the scheduler replacing an unhealthy task):
	* drain it from the load balancer, SIGTERM, wait, release the ENI.
	*/
	stop(task, reason, stopCode = "ServiceSchedulerInitiated") {
		if (task.stopRequested || task.exited) return;
		this.requestStop(task, reason, stopCode);
		this.afterRange(PHASE_DURATION_MS.stopRequested, () => {
			switch (task.state.lastStatus) {
				case "RUNNING":
				case "ACTIVATING":
					this.setStatus(task, "DEACTIVATING");
					this.afterRange(PHASE_DURATION_MS.deactivating, () => this.toStopping(task));
					break;
				case "PENDING":
					this.toStopping(task);
					break;
				case "PROVISIONING":
					this.setStatus(task, "DEPROVISIONING");
					this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
			}
		});
	}
	toStopping(task) {
		this.setStatus(task, "STOPPING");
		for (const c of task.containers) if (c.lastStatus === "RUNNING") this.sayLines(task, c, c.dialect.shutdown(c.ctx), 50, 250);
		this.afterRange(PHASE_DURATION_MS.stopping, () => this.containersExited(task));
	}
	/** Every container is down (SIGTERM'd ones exit 0, or 143 for a JVM); the ENI goes next. */
	containersExited(task) {
		for (const c of task.containers) {
			if (c.lastStatus === "RUNNING") c.exitCode = c.spec.runtime === "java" ? 143 : 0;
			c.lastStatus = "STOPPED";
		}
		this.setStatus(task, "DEPROVISIONING", {}, true);
		this.afterRange(PHASE_DURATION_MS.deprovisioning, () => this.toStopped(task));
	}
	toStopped(task) {
		for (const c of task.containers) c.lastStatus = "STOPPED";
		this.setStatus(task, "STOPPED", { stoppedAt: new Date(this.clock) }, true);
		this.afterRange(PHASE_DURATION_MS.retainStopped, () => this.forget(task));
		const deployment = task.service.deployment;
		if (deployment !== void 0 && deployment.oldTasks.has(task)) this.checkDeployment(task.service);
	}
	/** ECS forgets a stopped task after a while; the dashboard drops it. */
	forget(task) {
		this.emitTask("deleted", task);
		this.tasksByArn.delete(task.arn);
		const tasks = task.service.tasks;
		const i = tasks.indexOf(task);
		if (i !== -1) tasks.splice(i, 1);
	}
	/** desiredStatus RUNNING -> STOPPED, with the reason ECS shows. */
	requestStop(task, reason, stopCode, withContainers = false) {
		task.stopRequested = true;
		task.state.desiredStatus = "STOPPED";
		task.state.stoppedReason = reason;
		task.state.stopCode = stopCode;
		const changes = {
			desiredStatus: "STOPPED",
			stoppedReason: reason,
			stopCode
		};
		if (withContainers) changes.containers = this.containerViews(task);
		this.emitTask("updated", task, changes);
	}
	/** A dependency fails; health checks fail; the task recovers or ECS replaces it. */
	healthIncident(task) {
		if (task.exited || task.stopRequested || task.state.lastStatus !== "RUNNING") return;
		const c = task.primary;
		task.stress = 1;
		let failures = 0;
		const check = () => {
			if (task.stress === 0 || task.exited || task.stopRequested) return;
			this.containerLog(task, c, this.clock, c.dialect.healthFailure(this.logRng, this.clock, c.ctx));
			failures++;
			if (failures === HEALTH_CHECK_RETRIES) {
				c.healthStatus = "UNHEALTHY";
				this.emitTask("updated", task, { containers: this.containerViews(task) });
				this.sink.notification(healthCheckFailing(this.notificationId(), this.clock, this.facts(task), c.spec.name));
			}
			this.after(HEALTH_CHECK_INTERVAL_MS, check);
		};
		check();
		const recovers = this.rng.chance(HEALTH_RECOVERY_RATE);
		this.afterRange([25e3, 5e4], () => {
			if (task.exited || task.stopRequested) return;
			if (recovers) {
				task.stress = 0;
				this.containerLog(task, c, this.clock, {
					level: "info",
					message: c.dialect.line(this.clock, "info", "Dependency recovered, health check passing", c.ctx)
				});
				if (c.healthStatus === "UNHEALTHY") {
					c.healthStatus = "HEALTHY";
					this.emitTask("updated", task, { containers: this.containerViews(task) });
				}
				this.after(this.rng.exponential(task.service.spec.healthIncidentEveryMinutes * 6e4), () => this.healthIncident(task));
				return;
			}
			const reason = "Task failed container health checks";
			this.sink.notification(taskStoppedUnexpectedly(this.notificationId(), this.clock, this.facts(task), reason));
			this.stop(task, reason);
			this.serviceEvent(task.service, "warn", `(service ${task.service.spec.name}) has stopped 1 running tasks: (task ${task.id}). Reason: ${reason}.`);
			this.onTaskLost(task);
		});
	}
	/** A task went away without a deployment asking: count it, and have the scheduler react. */
	onTaskLost(task) {
		const service = task.service;
		if (service.spec.kind !== "service") return;
		const deployment = service.deployment;
		if (deployment !== void 0 && task.deployment === deployment && !task.healthy) {
			deployment.failures++;
			if (deployment.failures >= CIRCUIT_BREAKER_THRESHOLD) {
				this.afterRange([1e3, 3e3], () => this.failDeployment(service, deployment));
				return;
			}
		}
		this.afterRange([2e3, 6e3], () => this.reconcile(service));
	}
	/** Start tasks until the service (or its deployment) has its desired count again. */
	reconcile(service) {
		const deployment = service.deployment;
		let active = 0;
		for (const task of service.tasks) {
			if (task.stopRequested) continue;
			if (deployment === void 0 || task.deployment === deployment) active++;
		}
		const missing = service.spec.desiredCount - active;
		if (missing > 0) this.launch(service, missing, deployment?.to ?? service.revision, deployment);
	}
	/** A new task is serving: retire one old task, and see whether the rollout is complete. */
	onHealthy(task) {
		const service = task.service;
		const deployment = service.deployment;
		if (deployment === void 0 || task.deployment !== deployment) return;
		for (const old of deployment.oldTasks) if (!old.stopRequested && !old.exited) {
			this.stop(old, `Scaling activity initiated by (deployment ${deployment.id})`);
			this.serviceEvent(service, "info", `(service ${service.spec.name}) has stopped 1 running tasks: (task ${old.id}).`);
			break;
		}
		this.checkDeployment(service);
	}
	checkDeployment(service) {
		const deployment = service.deployment;
		if (deployment === void 0) return;
		let serving = 0;
		for (const task of service.tasks) if (task.deployment === deployment && task.healthy && !task.stopRequested && !task.exited) serving++;
		if (serving < service.spec.desiredCount) return;
		let oldRemaining = false;
		for (const old of deployment.oldTasks) {
			if (!old.stopRequested && !old.exited) this.stop(old, `Scaling activity initiated by (deployment ${deployment.id})`);
			if (old.state.lastStatus !== "STOPPED") oldRemaining = true;
		}
		if (oldRemaining) return;
		service.revision = deployment.to;
		service.deployment = void 0;
		this.sink.notification(deploymentCompleted(this.notificationId(), this.clock, this.deploymentFacts(service, deployment)));
		const name = service.spec.name;
		this.serviceEvent(service, "info", `(service ${name}) (deployment ${deployment.id}) deployment completed.`);
		this.serviceEvent(service, "info", `(service ${name}) has reached a steady state.`);
	}
	/** Roll out the next revision of a random service: new tasks first, then retire the old. */
	startDeployment() {
		this.afterRange(DEPLOYMENT_EVERY_MS, () => this.startDeployment());
		const candidates = this.services.filter((s) => s.spec.kind === "service" && s.deployment === void 0 && s !== this.lastDeployed);
		if (candidates.length === 0) return;
		const service = this.rng.pick(candidates);
		const mayFail = this.lastDeployed !== void 0;
		this.lastDeployed = service;
		service.latestRevision++;
		const failMode = mayFail && this.rng.chance(DEPLOYMENT_FAILURE_RATE) ? this.rng.pick(["pull", "crashloop"]) : void 0;
		const deployment = {
			id: `ecs-svc/${this.rng.digits(19)}`,
			from: service.revision,
			to: service.latestRevision,
			failMode,
			oldTasks: new Set(service.tasks.filter((t) => !t.stopRequested && !t.exited)),
			failures: 0
		};
		service.deployment = deployment;
		this.sink.notification(deploymentStarted(this.notificationId(), this.clock, this.deploymentFacts(service, deployment)));
		this.launch(service, service.spec.desiredCount, deployment.to, deployment);
	}
	/** The circuit breaker trips: stop what is left of the new revision and restore the old one. */
	failDeployment(service, deployment) {
		if (service.deployment !== deployment) return;
		service.deployment = void 0;
		const reason = deployment.failMode === "pull" ? "tasks failed to start (CannotPullContainerError)." : "tasks failed to start (essential container exited).";
		this.sink.notification(deploymentFailed(this.notificationId(), this.clock, this.deploymentFacts(service, deployment), reason, deployment.from));
		const name = service.spec.name;
		const rollback = `ecs-svc/${this.rng.digits(19)}`;
		this.serviceEvent(service, "error", `(service ${name}) (deployment ${deployment.id}) deployment failed: ${reason} Rolling back to ${service.spec.family}:${deployment.from} (deployment ${rollback}).`);
		for (const task of service.tasks) if (task.deployment === deployment) this.stop(task, `Scaling activity initiated by (deployment ${rollback})`);
		this.afterRange([1e3, 3e3], () => this.reconcile(service));
	}
	/** EventBridge starts the scheduled job; it runs, writes its report and exits. */
	runJob(service) {
		const schedule = service.spec.schedule;
		if (schedule === void 0) return;
		this.afterRange(schedule.everyMs, () => this.runJob(service));
		this.launch(service, 1, service.revision);
	}
	startSpike() {
		this.afterRange(SPIKE_EVERY_MS, () => this.startSpike());
		const candidates = this.services.filter((s) => s.spec.kind === "service" && s.spike === void 0);
		if (candidates.length === 0) return;
		const service = this.rng.pick(candidates);
		const duration = Math.round(between(this.rng, SPIKE_DURATION_MS));
		const spike = {
			start: this.clock,
			end: this.clock + duration,
			intensity: between(this.rng, SPIKE_INTENSITY)
		};
		service.spike = spike;
		this.after(duration, () => {
			if (service.spike === spike) service.spike = void 0;
		});
	}
	/** The spike's strength at `t`: ramps up, holds, ramps down. */
	spikeLevel(service, t) {
		const spike = service.spike;
		if (spike === void 0 || t < spike.start || t >= spike.end) return 0;
		const f = (t - spike.start) / (spike.end - spike.start);
		const ramp = f < .2 ? f / .2 : f > .7 ? (1 - f) / .3 : 1;
		return spike.intensity * ramp;
	}
	/** Once per virtual second: one sample per running task; the leak may end in the OOM killer. */
	sampleMetrics() {
		const t = this.clock;
		this.scheduler.at(t + 1e3, () => this.sampleMetrics());
		for (const task of this.tasksByArn.values()) {
			if (task.state.lastStatus !== "RUNNING" || task.exited) continue;
			const service = task.service;
			const sample = task.metrics.sample(t - task.startedAtMs, {
				wave: dayWave(t, service.wavePhase),
				spike: this.spikeLevel(service, t),
				stress: task.stress
			});
			if (!this.quiet) {
				const at = new Date(t);
				this.sink.metrics({
					resourceId: task.arn,
					metrics: {
						resourceId: task.arn,
						taskId: task.arn,
						serviceName: service.spec.name,
						cpu: {
							name: "cpu",
							unit: "percent",
							points: [{
								timestamp: at,
								value: sample.cpu
							}]
						},
						memory: {
							name: "memory",
							unit: "MiB",
							points: [{
								timestamp: at,
								value: sample.memory
							}]
						}
					}
				});
			}
			if (task.metrics.profile.leakMiBPerMinute > 0) this.watchMemory(task, sample.memory);
		}
	}
	/** The leaky worker notices its own memory before the kernel does. */
	watchMemory(task, memory) {
		const limit = task.metrics.profile.memoryLimitMiB;
		if (memory >= limit) {
			this.exit(task, "oom");
			return;
		}
		const next = [.8, .92][task.memoryWarnings];
		if (next === void 0 || memory < limit * next) return;
		task.memoryWarnings++;
		const c = task.primary;
		const text = `Worker memory usage ${Math.round(memory)} MiB is ${Math.round(memory / limit * 100)}% of the task limit (${limit} MiB); consider --max-tasks-per-child`;
		this.containerLog(task, c, this.clock, {
			level: "warn",
			message: c.dialect.line(this.clock, "warn", text, c.ctx),
			metadata: {
				memoryMiB: Math.round(memory),
				limitMiB: limit
			}
		});
	}
	/** Running containers and their weights for the routine-line pick, at time `t`. */
	rebuildEmitters(t) {
		let n = 0;
		let total = 0;
		for (const task of this.tasksByArn.values()) {
			if (task.state.lastStatus !== "RUNNING" || task.exited) continue;
			const service = task.service;
			const spike = this.spikeLevel(service, t);
			const load = dayWave(t, service.wavePhase) * (1 + spike);
			const stress = Math.max(task.stress, .5 * spike);
			for (const c of task.containers) {
				if (c.lastStatus !== "RUNNING") continue;
				total += c.spec.logWeight * load;
				this.emitterTasks[n] = task;
				this.emitterContainers[n] = c;
				this.emitterCumulative[n] = total;
				this.emitterStress[n] = stress;
				n++;
			}
		}
		this.emitterCount = n;
		this.emitterTotal = total;
	}
	routineLine(t) {
		const r = this.logRng.next() * this.emitterTotal;
		const cumulative = this.emitterCumulative;
		let i = 0;
		const last = this.emitterCount - 1;
		while (i < last && cumulative[i] <= r) i++;
		const task = this.emitterTasks[i];
		const c = this.emitterContainers[i];
		this.writeLog(task, c, t, c.dialect.routine(this.logRng, t, c.ctx, this.emitterStress[i]));
	}
	/** A non-routine line (startup, crash, warning): it counts against the rate budget. */
	containerLog(task, c, t, parts) {
		this.spend();
		this.writeLog(task, c, t, parts);
	}
	writeLog(task, c, t, parts) {
		const entry = {
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(t),
			level: parts.level,
			source: c.source,
			message: parts.message,
			taskId: task.arn,
			containerId: c.runtimeId,
			serviceName: task.service.spec.name,
			clusterArn: task.service.clusterArn
		};
		if (parts.metadata !== void 0) entry.metadata = parts.metadata;
		if (parts.stackTrace !== void 0) entry.stackTrace = parts.stackTrace;
		if (parts.correlationId !== void 0) entry.correlationId = parts.correlationId;
		this.sink.log(entry);
	}
	/** Lines said one after another from now, `minGap` to `maxGap` ms apart. */
	sayLines(task, c, lines, minGap, maxGap) {
		let offset = 0;
		for (const said of lines) {
			offset += this.rng.between(minGap, maxGap);
			this.after(offset, () => {
				if (c.lastStatus === "STOPPED") return;
				this.containerLog(task, c, this.clock, {
					level: said.level,
					message: c.dialect.line(this.clock, said.level, said.text, c.ctx, said.logger)
				});
			});
		}
	}
	/** An ECS service event, as the console's Events tab shows it. */
	serviceEvent(service, level, text) {
		this.spend();
		this.sink.log({
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(this.clock),
			level,
			source: service.eventSource,
			message: text,
			serviceName: service.spec.name,
			clusterArn: service.clusterArn
		});
	}
	/** A line from the ECS agent about one task (what the container cannot say itself). */
	agentLog(task, level, text) {
		this.spend();
		this.sink.log({
			id: this.idPrefix + (this.logCount++).toString(36),
			timestamp: new Date(this.clock),
			level,
			source: {
				type: "system",
				name: "ecs-agent",
				identifier: task.id
			},
			message: text,
			taskId: task.arn,
			containerId: task.primary.runtimeId,
			serviceName: task.service.spec.name,
			clusterArn: task.service.clusterArn
		});
	}
	/**
	* Event lines take the place of routine ones so the total stays at the configured rate. The
	* floor keeps a burst of events from silencing routine logs for more than about a second.
	*/
	spend() {
		if (!this.quiet) this.budget = Math.max(this.budget - 1, -this.rate);
	}
	setStatus(task, to, extra = {}, withContainers = false) {
		const from = task.state.lastStatus;
		if (!isLegalTransition(from, to)) throw new Error(`simulator bug: illegal ECS transition ${from} -> ${to} for ${task.arn}`);
		task.state.lastStatus = to;
		Object.assign(task.state, extra);
		const changes = {
			lastStatus: to,
			...extra
		};
		if (withContainers) changes.containers = this.containerViews(task);
		this.emitTask("status_changed", task, changes, from);
	}
	emitTask(type, task, changes, previousStatus) {
		const update = {
			taskId: task.arn,
			updateType: type,
			task: this.snapshot(task),
			timestamp: new Date(this.clock)
		};
		if (changes !== void 0) update.changes = changes;
		if (previousStatus !== void 0) update.previousStatus = previousStatus;
		this.sink.task(update);
	}
	/** A copy the receiver may keep: later changes to the task do not show through. */
	snapshot(task) {
		return {
			...task.state,
			containers: this.containerViews(task)
		};
	}
	containerViews(task) {
		return task.containers.map((c) => {
			const view = {
				name: c.spec.name,
				lastStatus: c.lastStatus
			};
			if (c.exitCode !== void 0) view.exitCode = c.exitCode;
			if (c.healthStatus !== void 0) view.healthStatus = c.healthStatus;
			return view;
		});
	}
	notificationId() {
		return `${this.idPrefix}n${(this.notificationCount++).toString(36)}`;
	}
	facts(task) {
		return {
			taskArn: task.arn,
			taskId: task.id,
			serviceName: task.service.spec.name,
			cluster: task.service.spec.cluster
		};
	}
	deploymentFacts(service, deployment) {
		return {
			serviceName: service.spec.name,
			cluster: service.spec.cluster,
			deploymentId: deployment.id,
			family: service.spec.family,
			revision: deployment.to,
			taskCount: service.spec.desiredCount
		};
	}
};
function checkRate(rate) {
	if (!Number.isFinite(rate) || rate < 0) throw new RangeError(`logRate must be a finite number >= 0, got ${rate}`);
	return rate;
}
/**
* The built-in KECS simulator: two clusters, eight services, about a dozen tasks with deployments,
* crashes, an OOM-killed leaky worker, logs, metrics and notifications.
*/
function createSimulator(options = {}) {
	const tickMs = options.tickMs ?? 50;
	if (!Number.isFinite(tickMs) || tickMs <= 0) throw new RangeError(`tickMs must be > 0, got ${tickMs}`);
	const world = createWorld({
		seed: options.seed ?? 1,
		logRate: options.logRate ?? 20,
		startTime: options.startTime ?? Date.now()
	});
	const createdAt = performance.now();
	let timer;
	let started = false;
	let health = {
		status: "healthy",
		since: /* @__PURE__ */ new Date()
	};
	return {
		name: "simulator",
		providesMetrics: true,
		start(sink) {
			if (started) throw new Error("simulator already started");
			started = true;
			world.advance(0, sink);
			let last = createdAt;
			timer = setInterval(() => {
				const now = performance.now();
				let elapsed = now - last;
				last = now;
				try {
					if (elapsed > 5e3) {
						world.advance(elapsed - tickMs, sink, { quiet: true });
						elapsed = tickMs;
					}
					world.advance(elapsed, sink);
					if (health.status !== "healthy") health = {
						status: "healthy",
						since: /* @__PURE__ */ new Date()
					};
				} catch (error) {
					const detail = error instanceof Error ? error.message : String(error);
					if (health.status !== "degraded" || health.detail !== detail) health = {
						status: "degraded",
						detail,
						since: /* @__PURE__ */ new Date()
					};
				}
			}, tickMs);
			timer.unref();
		},
		stop() {
			if (timer !== void 0) clearInterval(timer);
			timer = void 0;
		},
		tasks() {
			return world.tasks();
		},
		health() {
			return health;
		}
	};
}
// server/main.ts
/**
* The production entry, bundled to `build-gateway/main.js` (vite.gateway.config.ts) and run by
* `npm start`. Reads the configuration from the environment, loads the built SvelteKit handler,
* starts the gateway with the built-in simulator, and prints exactly one line to stdout:
* `listening on http://HOST:PORT` (tests parse it to find the port when `PORT=0`).
*
* The handler is `build/handler.js` beside `build-gateway/` (resolved from this bundle's own
* location, so the working directory does not matter), or the path given as the first
* argument, relative to the working directory. Without a build the hub still runs, and the
* app's pages are 404s (a warning says so on stderr).
*
* SIGTERM and SIGINT close every client with 1001 (going away: clients retry), then exit 0.
*/
/** Where the built app's handler is, relative to this bundle (`build-gateway/main.js`). */
var HANDLER_FROM_BUNDLE = "../build/handler.js";
async function loadHandler(path) {
	const url = path === void 0 ? new URL(HANDLER_FROM_BUNDLE, import.meta.url) : pathToFileURL(resolve(process.cwd(), path));
	try {
		const mod = await import(
			/* @vite-ignore */
			url.href
);
		if (typeof mod.handler !== "function") throw new Error(`${url.pathname} exports no handler`);
		return mod.handler;
	} catch (error) {
		if (error.code === "ERR_MODULE_NOT_FOUND" && String(error).includes(url.pathname)) {
			console.error(`warning: ${url.pathname} not found (run \`npm run build\`); serving the hub only`);
			return;
		}
		throw error;
	}
}
async function main() {
	let config;
	try {
		config = loadConfig(process.env);
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(2);
		}
		throw error;
	}
	const handler = await loadHandler(process.argv[2]);
	const source = createSimulator({
		seed: config.simSeed,
		logRate: config.simLogRate
	});
	const gateway = await startGateway({
		host: config.host,
		port: config.port,
		token: config.token,
		allowedOrigins: config.allowedOrigins,
		faults: config.faults,
		source,
		handler
	});
	console.log(`listening on ${gateway.url}`);
	let stopping = false;
	const stop = () => {
		if (stopping) return;
		stopping = true;
		gateway.close().then(() => process.exit(0), (error) => {
			console.error("shutdown failed:", error);
			process.exit(1);
		});
	};
	process.on("SIGTERM", stop);
	process.on("SIGINT", stop);
}
main().catch((error) => {
	console.error(error);
	process.exit(1);
});
export {};

//# sourceMappingURL=main.js.map