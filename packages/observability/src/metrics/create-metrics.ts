import { diag, type Meter, metrics as otelMetrics } from '@opentelemetry/api'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { MeterProvider } from '@opentelemetry/sdk-metrics'
import { HttpDurationAggregation } from './http-duration-aggregation.ts'
import { activeRequests, type HttpServerMetrics } from './http-server-metrics.ts'
import { withPrometheusUnitSuffixes } from './prometheus-names.ts'
import { runtimeMetrics } from './runtime-metrics.ts'

/** Content type of the Prometheus text exposition format served by `/metrics`. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/** Options of {@link createMetrics}. */
export interface MetricsOptions {
  /** `service.name` of the resource (shown in `target_info`) and name of {@link Metrics.meter}. */
  service: string
  /** `service.version` of the resource. Defaults to none. */
  version?: string
  /** More resource attributes, e.g. `{ 'deployment.environment.name': 'prod' }`. Defaults to none. */
  attributes?: Record<string, string>
  /** Register the runtime gauges (event loop, memory, CPU). Defaults to true. */
  runtime?: boolean
  /**
   * Register the provider as OpenTelemetry's global one, so `getMeter()` and any
   * library using `@opentelemetry/api` record into it. Only the first registration
   * in a process wins. Defaults to true.
   */
  global?: boolean
  /** Add `otel_scope_name`/`otel_scope_version` labels to every series. Defaults to false. */
  scopeLabels?: boolean
}

/** A meter provider whose metrics are rendered on demand in Prometheus text format. */
export interface Metrics {
  /** The application's meter (named after the service). */
  meter: Meter
  meterProvider: MeterProvider
  /**
   * HTTP server metrics (`http.server.request.duration`, `http.server.active_requests`)
   * for this provider, aggregated in place rather than through an SDK histogram, so
   * recording costs a map lookup. Readers added to `meterProvider` by hand do not see
   * the duration histogram; `render()` does.
   */
  http: HttpServerMetrics
  /** Collects every instrument and renders the Prometheus text exposition. */
  render(): Promise<string>
  /** Stops runtime monitors, shuts the provider down and releases the global registration. */
  shutdown(): Promise<void>
}

const defaults = { runtime: true, global: true, scopeLabels: false } satisfies Partial<MetricsOptions>

/**
 * Creates an OpenTelemetry meter provider read by a Prometheus exporter that never
 * opens its own port: the application serves {@link Metrics.render} on its own
 * `/metrics` route. Metric names follow the OTel → Prometheus rules, units included
 * (`http.server.request.duration` → `http_server_request_duration_seconds`).
 *
 * @example
 * const metrics = createMetrics({ service: 'jackpot', version: '1.2.0' })
 * metrics.meter.createCounter('jackpot.wins').add(1, { pool: 'mega' })
 * const text = await metrics.render() // "# TYPE jackpot_wins_total counter\n…"
 */
export function createMetrics(options: MetricsOptions): Metrics {
  const config = { ...defaults, ...options }
  const httpDurations = new HttpDurationAggregation()
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [httpDurations] })
  // The exporter's own serializer is private; an identical one renders the copy
  // whose names carry their unit suffix.
  const serializer = new PrometheusSerializer(undefined, false, undefined, false, !config.scopeLabels)
  const meterProvider = new MeterProvider({
    resource: resourceFromAttributes({
      'service.name': config.service,
      ...(config.version === undefined ? {} : { 'service.version': config.version }),
      ...config.attributes,
    }),
    readers: [exporter],
  })
  const registered = config.global && otelMetrics.setGlobalMeterProvider(meterProvider)
  const meter = meterProvider.getMeter(config.service, config.version)
  const stopRuntime = config.runtime ? runtimeMetrics(meter) : () => {}
  const http: HttpServerMetrics = {
    ...activeRequests(meter),
    recordRequest: ({ method, route, status, durationSeconds }) =>
      httpDurations.record(method, status, route, durationSeconds),
  }

  return {
    meter,
    meterProvider,
    http,
    async render() {
      const { resourceMetrics, errors } = await exporter.collect()
      if (errors.length > 0) diag.error('metrics collection errors', ...errors)
      return serializer.serialize(withPrometheusUnitSuffixes(resourceMetrics))
    },
    async shutdown() {
      stopRuntime()
      if (registered && otelMetrics.getMeterProvider() === meterProvider) otelMetrics.disable()
      await meterProvider.shutdown()
    },
  }
}
