/**
 * Stack traces as each runtime prints them, for the errors and crashes the simulated services
 * write. They are fixed text chosen from a small catalogue rather than generated, because an
 * operator recognises a real trace (frame syntax, indentation, "Caused by", "goroutine N
 * [running]") and because precomputed text costs nothing per log line. The JSON-escaped form is
 * computed once, for dialects that embed the trace in a JSON line.
 */

/** One trace: its exception line and the full text. */
export interface StackTrace {
	/** The exception line, e.g. `TypeError: Cannot read properties of undefined (reading 'id')`. */
	readonly headline: string;
	/** The whole trace as the runtime prints it, headline included. */
	readonly text: string;
	/** `text` escaped for the inside of a JSON string (no surrounding quotes). */
	readonly json: string;
}

/** The exception line: Python prints it last, Node after the source excerpt, Java and Go first. */
const EXCEPTION_LINE = /^(?:panic: |[\w.$]*(?:Error|Exception)\b)/;

function trace(text: string, headline?: string): StackTrace {
	const lines = text.split('\n');
	return {
		headline: headline ?? lines.find((l) => EXCEPTION_LINE.test(l)) ?? lines[0] ?? text,
		text,
		json: JSON.stringify(text).slice(1, -1)
	};
}

/** Node.js: `Error: message` then `    at fn (file:line:col)` frames. */
export const NODE_TRACES: readonly StackTrace[] = [
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
export const NODE_CRASHES: readonly StackTrace[] = [
	trace(`/app/dist/services/session.js:143
      const userId = session.user.id;
                                  ^

TypeError: Cannot read properties of null (reading 'id')
    at SessionStore.touch (/app/dist/services/session.js:143:35)
    at /app/dist/middleware/session.js:58:17
    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)

Node.js v20.18.1`),
	trace(`node:internal/process/promises:391
    triggerUncaughtException(err, true /* fromPromise */);
    ^

Error: Redis connection to sessions.production.internal:6379 failed - connect ETIMEDOUT
    at RedisClient.onError (/app/node_modules/redis/dist/lib/client/index.js:612:21)
    at Socket.<anonymous> (/app/node_modules/redis/dist/lib/client/socket.js:198:42)
    at Socket.emit (node:events:519:28)
    at emitErrorNT (node:internal/streams/destroy:169:8)

Node.js v20.18.1`)
];

/** Go: zap's `stacktrace` field (function, then tab-indented file:line). */
export const GO_TRACES: readonly StackTrace[] = [
	trace(`github.com/acme/api/internal/store.(*OrderStore).List
	/src/internal/store/orders.go:142
github.com/acme/api/internal/orders.(*Handler).List
	/src/internal/orders/handler.go:88
net/http.HandlerFunc.ServeHTTP
	/usr/local/go/src/net/http/server.go:2220
github.com/acme/api/internal/httpapi.Logging.func1
	/src/internal/httpapi/middleware.go:71`),
	trace(`github.com/acme/api/internal/clients.(*PaymentClient).Capture
	/src/internal/clients/payment.go:97
github.com/acme/api/internal/checkout.(*Service).Complete
	/src/internal/checkout/service.go:203
github.com/acme/api/internal/checkout.(*Handler).Post
	/src/internal/checkout/handler.go:54`)
];

/** Go panics: the runtime prints the panic and every goroutine, then exits with code 2. */
export const GO_CRASHES: readonly StackTrace[] = [
	trace(`panic: runtime error: invalid memory address or nil pointer dereference
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
	/usr/local/go/src/net/http/server.go:3360 +0x4b4`),
	trace(`panic: assignment to entry in nil map

goroutine 88 [running]:
github.com/acme/flags/internal/cache.(*Store).Put(...)
	/src/internal/cache/store.go:44
github.com/acme/flags/internal/sync.(*Poller).refresh(0xc00012e0c0, {0xa91f40, 0xc0000b8000})
	/src/internal/sync/poller.go:112 +0x2f5
github.com/acme/flags/internal/sync.(*Poller).Run(0xc00012e0c0, {0xa91f40, 0xc0000b8000})
	/src/internal/sync/poller.go:67 +0x10b
created by main.main in goroutine 1
	/src/cmd/flags/main.go:58 +0x6a5`)
];

/** Java: `Exception: message`, tab-indented `at` frames, `Caused by:` chains. */
export const JAVA_TRACES: readonly StackTrace[] = [
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
export const JAVA_CRASHES: readonly StackTrace[] = [
	trace(`org.springframework.context.ApplicationContextException: Failed to start bean 'webServerStartStop'
	at org.springframework.context.support.DefaultLifecycleProcessor.doStart(DefaultLifecycleProcessor.java:288)
	at org.springframework.boot.SpringApplication.run(SpringApplication.java:335)
	at com.acme.payment.PaymentApplication.main(PaymentApplication.java:12)
Caused by: org.flywaydb.core.api.FlywayException: Validate failed: Migrations have failed validation
Detected failed migration to version 42 (add settlement currency).
	at org.flywaydb.core.Flyway.lambda$migrate$0(Flyway.java:139)
	at org.flywaydb.core.Flyway.migrate(Flyway.java:124)
	... 14 common frames omitted`)
];

/** Python: `Traceback (most recent call last):`, frames, the exception last. */
export const PYTHON_TRACES: readonly StackTrace[] = [
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
	trace(
		`Traceback (most recent call last):
  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/base.py", line 1967, in _exec_single_context
    self.dialect.do_execute(
  File "/usr/local/lib/python3.12/site-packages/sqlalchemy/engine/default.py", line 924, in do_execute
    cursor.execute(statement, parameters)
psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout
CONTEXT:  while updating tuple (1183,7) in relation "orders"`,
		'psycopg2.errors.LockNotAvailable: canceling statement due to lock timeout'
	)
];

/** Python crashes: an exception at module level ends the process with code 1. */
export const PYTHON_CRASHES: readonly StackTrace[] = [
	trace(`Traceback (most recent call last):
  File "/app/report/main.py", line 61, in <module>
    main()
  File "/app/report/main.py", line 54, in main
    export_batch(conn, batch)
  File "/app/report/export.py", line 97, in export_batch
    s3.upload_fileobj(buf, BUCKET, key)
  File "/usr/local/lib/python3.12/site-packages/boto3/s3/inject.py", line 642, in upload_fileobj
    return future.result()
botocore.exceptions.ClientError: An error occurred (AccessDenied) when calling the PutObject operation: Access Denied`)
];
