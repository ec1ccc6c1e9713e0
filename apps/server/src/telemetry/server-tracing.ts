import type { Config } from '@jackpot/config'
import type { DatabaseInterceptor } from '@jackpot/observability'
import { requestTracing } from '@jackpot/observability/elysia'
import { createTracing, type Tracing } from '@jackpot/observability/tracing'
import { SpanKind, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api'
import { SERVER_VERSION } from './server-version.ts'

/** Tracing of the server, built by {@link createServerTracing} when `TRACING_ENABLED` is true. */
export interface ServerTracing {
  /** Spans of the server: its requests' (through `plugin`) and its database calls'. */
  readonly tracer: Tracer
  /** Wraps the store's interceptor so each database call is a child span of the active span. */
  traced(interceptor: DatabaseInterceptor): DatabaseInterceptor
  /**
   * The SDK's `requestTracing` plugin: a server span per request named after its
   * route, continuing an incoming `traceparent`, answered with its own `traceparent`,
   * with the request id as `request.id` (a trace is found from an `X-Request-Id`).
   * Used after the observability plugin, so the access line carries `trace_id`.
   */
  plugin(): ReturnType<typeof requestTracing>
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
 * const app = new Elysia().use(telemetry.plugin()).use(tracing?.plugin() ?? new Elysia())
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
    plugin: () => requestTracing({ tracer }),
    forceFlush: () => tracing.forceFlush(),
    shutdown: () => tracing.shutdown(),
  }
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
