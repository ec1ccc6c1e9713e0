import { type Tracer, trace } from '@opentelemetry/api'
import { Elysia } from 'elysia'
import { requestFacts, wrapEachHandle } from '../elysia/request-facts.ts'
import { serverSpans } from '../elysia/server-spans.ts'
import { getRequestContext } from '../logger/request-context.ts'

/** Options of {@link requestTracing}. */
export interface RequestTracingOptions {
  /** The tracer spans come from: `createTracing().tracer`, or any OpenTelemetry tracer. Required. */
  tracer: Tracer
  /** Answer every request with its server span's `traceparent`. Defaults to true. */
  responseHeader?: boolean
}

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
  return (
    new Elysia({ name: '@jackpot/observability/tracing' })
      // `wrap` receives Elysia's whole request handling; the span goes around it.
      .wrap(wrapEachHandle(serverSpans(options.tracer)))
      // Records the route and error the span is named and marked after.
      .use(requestFacts())
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
  )
}
