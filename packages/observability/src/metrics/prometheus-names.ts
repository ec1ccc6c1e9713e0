import type { MetricData, ResourceMetrics } from '@opentelemetry/sdk-metrics'

/**
 * Prometheus spelling of the OTel units we suffix, per the OpenTelemetry →
 * Prometheus compatibility spec. Annotations like `{request}` and other units get
 * no suffix. The bundled serializer (exporter-prometheus 0.301) only appends
 * `_total`, so without this `http.server.request.duration` (unit `s`) would be
 * exported as `http_server_request_duration` instead of `…_seconds`.
 */
const UNIT_SUFFIXES: Readonly<Record<string, string>> = {
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  '%': 'percent',
}

const sanitize = (name: string) => name.replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_')

/** The OTel name with its unit suffix added when the name does not already end with it. */
export function prometheusBaseName(name: string, unit: string): string {
  const suffix = UNIT_SUFFIXES[unit]
  if (suffix === undefined) return name
  const bare = sanitize(name).replace(/_total$/, '')
  return bare.endsWith(`_${suffix}`) ? name : `${name}_${suffix}`
}

function withSuffix(metric: MetricData): MetricData {
  const name = prometheusBaseName(metric.descriptor.name, metric.descriptor.unit)
  return name === metric.descriptor.name ? metric : { ...metric, descriptor: { ...metric.descriptor, name } }
}

/**
 * A copy of collected metrics whose names carry their unit suffix, ready for the
 * Prometheus serializer (which then adds `_total` to monotonic sums).
 */
export function withPrometheusUnitSuffixes(resourceMetrics: ResourceMetrics): ResourceMetrics {
  return {
    ...resourceMetrics,
    scopeMetrics: resourceMetrics.scopeMetrics.map((scope) => ({
      ...scope,
      metrics: scope.metrics.map(withSuffix),
    })),
  }
}
