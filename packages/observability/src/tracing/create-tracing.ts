import {
  type Attributes,
  context,
  propagation,
  type TextMapPropagator,
  type Tracer,
  trace,
} from '@opentelemetry/api'
import { W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import {
  BatchSpanProcessor,
  ParentBasedSampler,
  type SpanExporter,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from '@opentelemetry/sdk-trace'
import { AsyncContextManager } from './async-context-manager.ts'

/** Options of {@link createTracing}. */
export interface TracingOptions {
  /** `service.name` of every span. Required. */
  service: string
  /** `service.version`. Defaults to none. */
  version?: string
  /** More resource attributes, e.g. `{ 'deployment.environment.name': 'prod' }`. Defaults to none. */
  attributes?: Attributes
  /** OTLP/HTTP (JSON) traces endpoint. Defaults to `'http://localhost:4318/v1/traces'` (a local collector, Jaeger or Tempo). */
  url?: string
  /** Headers of every export request, e.g. an API key. Defaults to none. */
  headers?: Record<string, string>
  /**
   * Share of traces started here that are recorded, 0…1. A request arriving with a
   * sampled `traceparent` follows its caller's decision. Defaults to 1.
   */
  sampleRatio?: number
  /**
   * Become the global tracer provider, context manager (AsyncLocalStorage) and W3C
   * propagator, so `trace.getTracer()` anywhere (database clients, the logger's
   * `trace_id`) sees these spans. The first registration in a process wins. Defaults to true.
   */
  global?: boolean
  /** Where spans go instead of OTLP, e.g. the SDK's `InMemorySpanExporter` in tests. */
  exporter?: SpanExporter
}

/** Tracing built by {@link createTracing}. */
export interface Tracing {
  /** Tracer named after the service; hand it to the Elysia plugin's `tracer` option. */
  readonly tracer: Tracer
  /** The W3C `traceparent`/`tracestate` propagator. */
  readonly propagator: TextMapPropagator
  readonly provider: TracerProvider
  /** Exports the spans waiting in the batch now. */
  forceFlush(): Promise<void>
  /** Exports what is left, stops the exporter and releases the global registration. */
  shutdown(): Promise<void>
}

const defaults = {
  url: 'http://localhost:4318/v1/traces',
  sampleRatio: 1,
  global: true,
} satisfies Partial<TracingOptions>

/**
 * OpenTelemetry tracing exported over OTLP/HTTP, on `@opentelemetry/sdk-trace` (the
 * SDK 3 name of `sdk-trace-base`) with a batch span processor: spans leave the
 * process in the background, never on the request path. Optional: nothing in this
 * package starts spans unless given the tracer, and `@opentelemetry/sdk-trace` and
 * `@opentelemetry/exporter-trace-otlp-http` are optional peer dependencies needed
 * only by this subpath.
 *
 * @example
 * const tracing = createTracing({ service: 'shop', version: '1.0.0', url: 'http://jaeger:4318/v1/traces' })
 * app.use(observability({ service: 'shop' })).use(requestTracing({ tracer: tracing.tracer }))
 * process.on('SIGTERM', () => tracing.shutdown())
 */
export function createTracing(options: TracingOptions): Tracing {
  const config = { ...defaults, ...options }
  const exporter =
    config.exporter ??
    new OTLPTraceExporter({
      url: config.url,
      ...(config.headers === undefined ? {} : { headers: config.headers }),
    })
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      'service.name': config.service,
      ...(config.version === undefined ? {} : { 'service.version': config.version }),
      ...config.attributes,
    }),
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(config.sampleRatio) }),
    spanProcessors: [new BatchSpanProcessor({ exporter })],
  })
  const propagator = new W3CTraceContextPropagator()
  const contextManager = new AsyncContextManager()
  let registered = false
  if (config.global) {
    registered = trace.setGlobalTracerProvider(provider)
    if (registered) {
      context.setGlobalContextManager(contextManager)
      propagation.setGlobalPropagator(propagator)
    }
  }
  return {
    tracer: provider.getTracer(config.service, config.version),
    propagator,
    provider,
    forceFlush: () => provider.forceFlush(),
    async shutdown() {
      if (registered) {
        trace.disable()
        context.disable()
        propagation.disable()
        registered = false
      }
      await provider.shutdown()
    },
  }
}
