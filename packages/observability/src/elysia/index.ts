export { type RequestTracingOptions, requestTracing } from '../tracing/request-tracing.ts'
export { type HealthRoutesOptions, healthRoutes } from './health-routes.ts'
export { type ObservabilityOptions, observability } from './observability-plugin.ts'
export { isValidRequestId, REQUEST_ID_HEADER } from './request-id.ts'
