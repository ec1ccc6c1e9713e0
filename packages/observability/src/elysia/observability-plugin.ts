import { Elysia } from 'elysia'
import { HealthRegistry } from '../health/index.ts'
import { accessLog, createLogger, type Logger, runWithRequestContext } from '../logger/index.ts'
import { createMetrics, type Metrics, PROMETHEUS_CONTENT_TYPE } from '../metrics/index.ts'
import { healthRoutes } from './health-routes.ts'
import { pathOf } from './path-of.ts'
import { errorOf, requestFacts, routedPathOf, routeOf, wrapEachHandle } from './request-facts.ts'
import { isValidRequestId, REQUEST_ID_HEADER } from './request-id.ts'

/** Options of {@link observability}. */
export interface ObservabilityOptions {
  /** Service name for the default logger, metrics and health registry. Defaults to `'unknown_service'`. */
  service?: string
  /** Service version for the defaults above. Defaults to none. */
  version?: string
  /** Logger for access and error lines. Defaults to `createLogger({ service, version })`. */
  logger?: Logger
  /**
   * Metrics for the HTTP instruments and `/metrics`; `false` records none and serves
   * no `/metrics`. Defaults to `createMetrics({ service, version })`, shut down on stop.
   */
  metrics?: Metrics | false
  /**
   * Registry behind the health routes; `false` serves none. Defaults to a new
   * `HealthRegistry({ service, version })`, closed on stop.
   */
  health?: HealthRegistry | false
  /** Checks with a route of their own, e.g. `['database', 'jackpot']`. Defaults to none. */
  healthChecks?: readonly string[]
  /** Path of the Prometheus endpoint. Defaults to `'/metrics'`. */
  metricsPath?: string
  /** Base path of the health routes. Defaults to `'/health'`. */
  healthPath?: string
  /** Header the request id is read from and echoed in. Defaults to `'x-request-id'`. */
  requestIdHeader?: string
  /**
   * Makes a request id when the client sent no valid one. Defaults to
   * `crypto.randomUUID()`: measured cheaper under Bun than a random prefix and a
   * counter, whose string is a rope that echoing the id and writing the access
   * line must each flatten (profiled at ~19 % of the plugin's requests without an
   * access line, against ~10 % for the UUID, its header included).
   */
  generateRequestId?: () => string
  /**
   * Also write access-log lines for the metrics and health routes, which scrapers
   * and probes hit every few seconds. They are always measured. Defaults to false.
   */
  logOperationalRoutes?: boolean
}

const defaultRequestId = () => crypto.randomUUID()

/**
 * One `.use()` that makes an Elysia app observable: a request id per request
 * (from a valid `X-Request-Id`, else generated; echoed back) held in the request
 * context so every log line of the request carries it; one access-log line per
 * request with method, route template, status and duration — at `error` level with
 * the error and its stack for 5xx, so a failure is logged exactly once; the OTel
 * HTTP server metrics (unmatched requests get no `http.route`); and the `/metrics`
 * and `/health/*` routes.
 *
 * It wraps Elysia's request handling (`wrap`, as `@elysiajs/opentelemetry` does),
 * so it sees the response the client gets — whatever produced it: a handler, an
 * error hook, or another plugin's `onRequest` answering early (a rate limiter's 429)
 * — and the request context spans the whole request without leaking out of it.
 * Durations end when the response is ready to send, before a streamed body.
 *
 * @example
 * const app = new Elysia()
 *   .use(observability({ service: 'jackpot', logger, metrics, health, healthChecks: ['database'] }))
 *   .get('/items/:id', ({ params }) => getItem(params.id))
 */
export function observability(options: ObservabilityOptions = {}) {
  const service = options.service ?? 'unknown_service'
  const identity = { service, ...(options.version === undefined ? {} : { version: options.version }) }
  const logger = options.logger ?? createLogger(identity)
  const access = accessLog(logger)
  const ownMetrics = options.metrics === undefined
  const metrics = options.metrics === undefined ? createMetrics(identity) : options.metrics
  const ownHealth = options.health === undefined
  const health = options.health === undefined ? new HealthRegistry(identity) : options.health
  const header = (options.requestIdHeader ?? REQUEST_ID_HEADER).toLowerCase()
  const generate = options.generateRequestId ?? defaultRequestId
  const metricsPath = options.metricsPath ?? '/metrics'
  const healthPath = options.healthPath ?? '/health'
  const logOperational = options.logOperationalRoutes ?? false
  const http = metrics === false ? undefined : metrics.http
  const isOperational = (route: string | undefined) =>
    route !== undefined &&
    (route === metricsPath || route === healthPath || route.startsWith(`${healthPath}/`))

  const finish = (
    request: Request,
    requestId: string,
    started: number,
    response: Response | undefined,
    thrown?: unknown,
  ): Response | undefined => {
    const durationMs = performance.now() - started
    const status = response?.status ?? 500
    const route = routeOf(request)
    const { method } = request
    http?.requestEnded(method)
    http?.recordRequest({ method, route, status, durationSeconds: durationMs / 1000 })
    if ((logOperational || !isOperational(route)) && access.enabled(status)) {
      access.write({
        requestId,
        method,
        route,
        // Elysia's own path, computed for routing; an unmatched request's is parsed here.
        path: routedPathOf(request) ?? pathOf(request.url),
        status,
        durationMs,
        error: thrown ?? errorOf(request),
      })
    }
    return response === undefined ? undefined : withRequestId(response, header, requestId)
  }

  /** Elysia's whole request handling (`handle`) with the plugin around it. */
  const observe = (handle: (request: Request) => unknown) => (request: Request) => {
    const incoming = request.headers.get(header)
    const requestId = incoming !== null && isValidRequestId(incoming) ? incoming : generate()
    const started = performance.now()
    http?.requestStarted(request.method)
    let result: unknown
    try {
      result = runWithRequestContext({ requestId }, handle, request)
    } catch (error) {
      finish(request, requestId, started, undefined, error)
      throw error
    }
    if (result instanceof Response) return finish(request, requestId, started, result)
    return Promise.resolve(result).then(
      (response) => finish(request, requestId, started, response instanceof Response ? response : undefined),
      (error: unknown) => {
        finish(request, requestId, started, undefined, error)
        throw error
      },
    )
  }
  const app = new Elysia({ name: '@jackpot/observability' })
    // `wrap` receives Elysia's whole request handling as `handle`; returning a
    // wrapped version gives an "around" hook that Elysia's lifecycle lacks.
    .wrap(wrapEachHandle(observe))
    .use(requestFacts())

  if (metrics !== false) {
    app.get(
      metricsPath,
      async () =>
        new Response(await metrics.render(), {
          headers: { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' },
        }),
      {
        detail: {
          tags: ['operations'],
          summary: 'Prometheus metrics',
          responses: {
            200: {
              description: 'Prometheus text exposition format',
              content: { [PROMETHEUS_CONTENT_TYPE]: {} },
            },
          },
        },
      },
    )
  }
  if (health !== false) {
    app.use(healthRoutes(health, { path: healthPath, checks: options.healthChecks ?? [] }))
  }
  app.onStop(async () => {
    if (ownHealth && health !== false) health.close()
    if (ownMetrics && metrics !== false) await metrics.shutdown()
  })
  return app
}

/** The response with the request id header; a response with immutable headers (a proxied `fetch`) is copied. */
function withRequestId(response: Response, header: string, requestId: string): Response {
  try {
    response.headers.set(header, requestId)
    return response
  } catch {
    const copy = new Response(response.body, response)
    copy.headers.set(header, requestId)
    return copy
  }
}
