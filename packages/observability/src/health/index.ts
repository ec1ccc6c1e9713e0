export type { Clock } from '../clock/clock.ts'
export { ObservabilityError } from '../errors/observability-error.ts'
export { type CircuitBreakersCheckOptions, circuitBreakersCheck } from './circuit-breakers-check.ts'
export {
  type CheckKind,
  type CheckOutcome,
  HEALTH_CONTENT_TYPE,
  type HealthBody,
  type HealthCheck,
  type HealthCheckEntry,
  type HealthReport,
  type HealthStatus,
} from './health-check.ts'
export { DuplicateHealthCheckError, HealthCheckTimeoutError } from './health-check-error.ts'
export {
  HealthRegistry,
  type HealthRegistryOptions,
  type HealthRunFilter,
  SHUTDOWN_CHECK,
} from './health-registry.ts'
