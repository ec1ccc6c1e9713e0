import { type Tracer, trace } from '@opentelemetry/api'
import { Elysia } from 'elysia'
import { serverSpans } from '../elysia/server-spans.ts'
import { getRequestContext } from '../logger/request-context.ts'

/** Options of {@link requestTracing}. */
export interface RequestTracingOptions {
  /** The tracer spans come from: `createTracing().tracer`, or any OpenTelemetry tracer. Required. */
  tracer: Tracer
  /** Answer every request with its server span's `traceparent`. Defaults to true. */
  responseHeader?: boolean
}

// What the hooks learn about a request, on the Request itself (the one object the
// wrapper and the hooks share). Symbols of their own: independent of the observability plugin.
const ROUTE = Symbol('@jackpot/observability/tracing route')
const ERROR = Symbol('@jackpot/observability/tracing error')
type Traced = Request & { [ROUTE]?: string; [ERROR]?: unknown }

/**
 * An Elysia plugin that opens a SERVER span per request — continuing the trace of
 * an incoming W3C `traceparent`, named `GET /items/:id` after the route template,
 * with the status (and the error of a 5xx) — and makes it the active span while
 * Elysia and the handler run, so database spans become its children and log lines
 * carry `trace_id`/`span_id`. The response carries the span's `traceparent`, and the
 * span carries the request id as `request.id` (the one `observability()` put in the
 * request context), so a slow request's trace is found from its `X-Request-Id`.
 *
 * Use it **after** `observability()`: Elysia runs the wrapper registered last
 * outermost, so the span is then active while the access line is written too.
 * Without it (no tracing) the request path holds no tracing code at all. Exported from
 * `./elysia`, not `./tracing`, so that tracing without Elysia needs no Elysia installed.
 *
 * @example
 * const tracing = createTracing({ service: 'shop' })
 * const app = new Elysia()
 *   .use(observability({ service: 'shop' }))
 *   .use(requestTracing({ tracer: tracing.tracer }))
 */
export function requestTracing(options: RequestTracingOptions) {
  const responseHeader = options.responseHeader ?? true
  // The plugin's hooks record the route and error; the wrapper passes the request through.
  const observe = serverSpans(
    options.tracer,
    (handle) => handle,
    (request) => ({ route: (request as Traced)[ROUTE], error: (request as Traced)[ERROR] }),
  )
  let wrappedHandle: ((request: Request) => unknown) | undefined
  let observed: ((request: Request) => unknown) | undefined

  return (
    new Elysia({ name: '@jackpot/observability/tracing' })
      // `wrap` receives Elysia's whole request handling; built once per `handle`.
      .wrap((handle: (request: Request) => unknown) => {
        if (handle !== wrappedHandle || observed === undefined) {
          wrappedHandle = handle
          observed = observe(handle)
        }
        return observed
      })
      // Runs inside the wrapper, where the server span and the request context are active.
      .onRequest(({ set }) => {
        const span = trace.getActiveSpan()
        if (span === undefined) return
        const requestId = getRequestContext()?.requestId
        if (typeof requestId === 'string') span.setAttribute('request.id', requestId)
        if (responseHeader) {
          const { traceId, spanId, traceFlags } = span.spanContext()
          set.headers.traceparent = `00-${traceId}-${spanId}-0${traceFlags.toString(16)}`
        }
      })
      .onTransform({ as: 'global' }, ({ request, route }) => {
        ;(request as Traced)[ROUTE] = route
      })
      .onError({ as: 'global' }, ({ request, route, error }) => {
        const traced = request as Traced
        traced[ERROR] = error
        traced[ROUTE] ??= route || undefined
      })
  )
}
