export { batchObservables, type ObservableSpec, type ObserveBatch } from './batch-observables.ts'
export {
  createMetrics,
  type Metrics,
  type MetricsOptions,
  PROMETHEUS_CONTENT_TYPE,
} from './create-metrics.ts'
export {
  type DatabaseInterceptor,
  type DatabaseInterceptorOptions,
  databaseInterceptor,
} from './database-interceptor.ts'
export { getMeter } from './get-meter.ts'
export { type HttpRequestRecord, type HttpServerMetrics, httpServerMetrics } from './http-server-metrics.ts'
export { type RuntimeMetricsOptions, runtimeMetrics } from './runtime-metrics.ts'
