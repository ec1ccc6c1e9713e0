import type { Config } from '@jackpot/config'
import type { DatabaseInterceptor } from '@jackpot/domain'
import { getRequestContext } from '@jackpot/observability'
import { createTracing, type Tracing } from '@jackpot/observability/tracing'
import { SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import { Elysia } from 'elysia'
import { SERVER_VERSION } from './server-version.ts'

/** Tracing of the server, built by {@link createServerTracing} when `TRACING_ENABLED` is true. */
export interface ServerTracing {
  /** Hand to the observability plugin's `tracer`: a server span per request. */
  readonly tracer: Tracer
  /** Wraps the store's interceptor so each database call is a child span of the active span. */
  traced(interceptor: DatabaseInterceptor): DatabaseInterceptor
  /**
   * Plugin that answers every traced request with its `traceparent` (so a caller
   * holds the trace id) and puts the request id on the server span as `request.id`
   * (so a trace is found from an `X-Request-Id`). Use it after the observability plugin.
   */
  plugin(): ReturnType<typeof traceContext>
  /** Exports the spans batched so far. */
  forceFlush(): Promise<void>
  /** Exports the spans still batched and releases the global registration. */
  shutdown(): Promise<void>
}

/**
 * The server's tracing from `config`, or undefined when `TRACING_ENABLED` is false —
 * then nothing is built and no request, database call or write batch does any
 * tracing work beyond the no-op global tracer. Spans go over OTLP/HTTP to
 * `OTEL_EXPORTER_OTLP_ENDPOINT/v1/traces` (Jaeger's 4318 in compose), a
 * `TRACING_SAMPLE_RATIO` share of new traces recorded.
 *
 * @example
 * const tracing = createServerTracing(config)
 * const telemetry = createServerObservability({ config, tracer: tracing?.tracer })
 */
export function createServerTracing(config: Config): ServerTracing | undefined {
  if (!config.TRACING_ENABLED) return undefined
  const tracing: Tracing = createTracing({
    service: config.SERVICE_NAME,
    version: SERVER_VERSION,
    attributes: { 'deployment.environment.name': config.NODE_ENV },
    url: `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`,
    sampleRatio: config.TRACING_SAMPLE_RATIO,
  })
  const { tracer } = tracing
  return {
    tracer,
    traced: (interceptor) => tracedInterceptor(tracer, interceptor),
    plugin: traceContext,
    forceFlush: () => tracing.forceFlush(),
    shutdown: () => tracing.shutdown(),
  }
}

/** See {@link ServerTracing.plugin}. onRequest runs inside the observability plugin's wrap, where the span is active. */
function traceContext() {
  return new Elysia({ name: 'jackpot/trace-context' }).onRequest(({ set }) => {
    const span = trace.getActiveSpan()
    if (span === undefined) return
    const { traceId, spanId, traceFlags } = span.spanContext()
    set.headers.traceparent = `00-${traceId}-${spanId}-0${traceFlags.toString(16)}`
    const requestId = getRequestContext()?.requestId
    if (typeof requestId === 'string') span.setAttribute('request.id', requestId)
  })
}

/**
 * Each database call made under an active span (a request's, a write batch's) is a
 * CLIENT span named after the store's operation (`pools.list`, `contribution.write`),
 * around the breaker, so a refused call shows as a failed span. Calls with no active
 * span (the background health ping) open no trace of their own.
 */
export function tracedInterceptor(tracer: Tracer, interceptor: DatabaseInterceptor): DatabaseInterceptor {
  return <T>(operation: string, call: () => Promise<T>): Promise<T> => {
    if (trace.getActiveSpan() === undefined) return interceptor(operation, call)
    return tracer.startActiveSpan(
      operation,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'db.system.name': 'postgresql', 'db.operation.name': operation },
      },
      async (span) => {
        try {
          return await interceptor(operation, call)
        } catch (error) {
          span.setAttribute('error.type', error instanceof Error ? error.constructor.name : 'unknown')
          if (error instanceof Error) span.recordException(error)
          span.setStatus({ code: SpanStatusCode.ERROR })
          throw error
        } finally {
          span.end()
        }
      },
    )
  }
}
