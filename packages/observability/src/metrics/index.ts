export {
  createMetrics,
  type Metrics,
  type MetricsOptions,
  PROMETHEUS_CONTENT_TYPE,
} from './create-metrics.ts'
export {
  type DatabaseInterceptor,
  type DatabaseInterceptorOptions,
  DB_OPERATION_DURATION_BUCKETS,
  databaseInterceptor,
} from './database-interceptor.ts'
export { DEFAULT_METER_NAME, getMeter } from './get-meter.ts'
export {
  HTTP_SERVER_DURATION_BUCKETS,
  type HttpRequestRecord,
  type HttpServerMetrics,
  httpServerMetrics,
  normalizeHttpMethod,
} from './http-server-metrics.ts'
export { type RuntimeMetricsOptions, runtimeMetrics } from './runtime-metrics.ts'
