import { Elysia } from 'elysia'
import { HealthRegistry } from '../health/index.ts'
import { logFlat, logRendered, renderedKey } from '../logger/flat-line.ts'
import { createLogger, type Logger, runWithRequestContext } from '../logger/index.ts'
import { quote } from '../logger/json-fragment.ts'
import { normalizeHttpMethod } from '../metrics/http-server-metrics.ts'
import { createMetrics, type Metrics, PROMETHEUS_CONTENT_TYPE } from '../metrics/index.ts'
import { healthRoutes } from './health-routes.ts'
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
  /** Makes a request id when the client sent no valid one. Defaults to `crypto.randomUUID`. */
  generateRequestId?: () => string
  /**
   * Also write access-log lines for the metrics and health routes, which scrapers
   * and probes hit every few seconds. They are always measured. Defaults to false.
   */
  logOperationalRoutes?: boolean
}

/** What the hooks learn about a request while Elysia handles it. */
interface InFlight {
  /** Matched route template; set by onTransform, or by onError for parse errors. */
  route?: string | undefined
  error?: unknown
}

// Raw paths only go to logs (never to metric labels); capped so a hostile URL
// cannot bloat a log line.
const MAX_LOGGED_PATH = 512

/** `/items/42` from `http://host/items/42?x=1`, without the cost of `new URL()`. */
function pathOf(url: string): string {
  const start = url.indexOf('/', url.indexOf('//') + 2)
  if (start === -1) return '/'
  const query = url.indexOf('?', start)
  return url.slice(start, query === -1 ? Math.min(url.length, start + MAX_LOGGED_PATH) : query)
}

const ACCESS_FIELDS = ['requestId', 'method', 'route', 'path', 'status', 'durationMs'] as const
type AccessKeys = Record<(typeof ACCESS_FIELDS)[number], string>

/**
 * Renders the fields of the access line of a successful request as a JSON fragment
 * for `logRendered`, or undefined when `logger` cannot take one (not built by
 * `createLogger`, or configured to redact one of the fields): then the caller logs
 * the fields as an object. The method-and-route and status parts repeat on every
 * request and are rendered once per combination (bounded: route templates, known
 * methods, status codes); an access line is written per request, and building it
 * field by field measured about a third of the plugin's own CPU.
 */
function accessLineRenderer(logger: Logger) {
  const keys = {} as AccessKeys
  for (const field of ACCESS_FIELDS) {
    const key = renderedKey(logger, field)
    if (key === undefined) return undefined
    keys[field] = key
  }
  const byRoute = new Map<string | undefined, Map<string, string>>()
  const byStatus = new Map<number, string>()
  const methodAndRoute = (method: string, route: string | undefined) => {
    const routePart = route === undefined ? '' : keys.route + quote(route)
    // A client may invent methods; only the known ones are remembered.
    if (normalizeHttpMethod(method) !== method) return keys.method + quote(method) + routePart
    let forRoute = byRoute.get(route)
    if (forRoute === undefined) {
      forRoute = new Map()
      byRoute.set(route, forRoute)
    }
    let rendered = forRoute.get(method)
    if (rendered === undefined) {
      rendered = keys.method + quote(method) + routePart
      forRoute.set(method, rendered)
    }
    return rendered
  }
  const statusAndDuration = (status: number) => {
    let rendered = byStatus.get(status)
    if (rendered === undefined) {
      rendered = `${keys.status}${status}${keys.durationMs}`
      byStatus.set(status, rendered)
    }
    return rendered
  }
  // `requestIdJson` is already a JSON string (ids are validated or generated).
  return (
    requestIdJson: string,
    method: string,
    route: string | undefined,
    path: string,
    status: number,
    durationMs: number,
  ) =>
    keys.requestId +
    requestIdJson +
    methodAndRoute(method, route) +
    keys.path +
    quote(path) +
    statusAndDuration(status) +
    String(durationMs)
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
  const ownMetrics = options.metrics === undefined
  const metrics = options.metrics === undefined ? createMetrics(identity) : options.metrics
  const ownHealth = options.health === undefined
  const health = options.health === undefined ? new HealthRegistry(identity) : options.health
  const header = (options.requestIdHeader ?? REQUEST_ID_HEADER).toLowerCase()
  const generate = options.generateRequestId ?? defaultRequestId
  // Valid incoming ids and UUIDs need no JSON escaping; a custom generator's might.
  const generatedIsSafe = generate === defaultRequestId
  const renderAccessLine = accessLineRenderer(logger)
  const metricsPath = options.metricsPath ?? '/metrics'
  const healthPath = options.healthPath ?? '/health'
  const logOperational = options.logOperationalRoutes ?? false
  const http = metrics === false ? undefined : metrics.http
  const isOperational = (route: string | undefined) =>
    route !== undefined &&
    (route === metricsPath || route === healthPath || route.startsWith(`${healthPath}/`))

  // Keyed by the Request object, the one value the wrapper and every hook share.
  const inFlight = new WeakMap<Request, InFlight>()

  const finish = (
    request: Request,
    requestId: string,
    requestIdIsSafe: boolean,
    started: number,
    response: Response | undefined,
    thrown?: unknown,
  ): Response | undefined => {
    const durationMs = performance.now() - started
    const state = inFlight.get(request)
    inFlight.delete(request)
    const status = response?.status ?? 500
    const route = state?.route
    http?.requestEnded(request.method)
    http?.recordRequest({ method: request.method, route, status, durationSeconds: durationMs / 1000 })
    const failed = status >= 500
    if ((logOperational || !isOperational(route)) && logger.isLevelEnabled(failed ? 'error' : 'info')) {
      const durationRounded = Math.round(durationMs * 1000) / 1000
      if (!failed && renderAccessLine !== undefined) {
        const idJson = requestIdIsSafe ? `"${requestId}"` : quote(requestId)
        const path = pathOf(request.url)
        const fields = renderAccessLine(idJson, request.method, route, path, status, durationRounded)
        logRendered(logger, 'info', fields, 'request completed')
        return response === undefined ? undefined : withRequestId(response, header, requestId)
      }
      const line = {
        requestId,
        method: request.method,
        route,
        path: pathOf(request.url),
        status,
        durationMs: durationRounded,
      }
      if (failed) {
        const error = thrown ?? state?.error
        logger.error(error instanceof Error ? { ...line, err: error } : line, 'request failed')
      } else {
        logFlat(logger, 'info', line, 'request completed')
      }
    }
    return response === undefined ? undefined : withRequestId(response, header, requestId)
  }

  const app = new Elysia({ name: '@jackpot/observability' })
    // `wrap` receives Elysia's whole request handling as `handle`; returning a
    // wrapped version gives an "around" hook that Elysia's lifecycle lacks.
    .wrap((handle, request: Request) => {
      const incoming = request.headers.get(header)
      const incomingIsValid = incoming !== null && isValidRequestId(incoming)
      const requestId = incomingIsValid ? incoming : generate()
      const requestIdIsSafe = incomingIsValid || generatedIsSafe
      return () => {
        const started = performance.now()
        inFlight.set(request, {})
        http?.requestStarted(request.method)
        let result: unknown
        try {
          result = runWithRequestContext({ requestId }, handle, request)
        } catch (error) {
          finish(request, requestId, requestIdIsSafe, started, undefined, error)
          throw error
        }
        if (result instanceof Response) return finish(request, requestId, requestIdIsSafe, started, result)
        return Promise.resolve(result).then(
          (response) =>
            finish(
              request,
              requestId,
              requestIdIsSafe,
              started,
              response instanceof Response ? response : undefined,
            ),
          (error: unknown) => {
            finish(request, requestId, requestIdIsSafe, started, undefined, error)
            throw error
          },
        )
      }
    })
    .onTransform({ as: 'global' }, ({ request, route }) => {
      const state = inFlight.get(request)
      if (state !== undefined) state.route = route
    })
    // Only remembers the error (and, for parse errors, the route) for the access
    // line; returning nothing leaves the response to the application's handlers.
    .onError({ as: 'global' }, ({ request, route, error }) => {
      const state = inFlight.get(request)
      if (state === undefined) return
      state.error = error
      state.route ??= route || undefined
    })

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
