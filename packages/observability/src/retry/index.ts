export type { Clock } from '../clock/clock.ts'
export { ObservabilityError } from '../errors/observability-error.ts'
export { type RetryEvent, RetryOptionError, type RetryOptions, retry } from './retry.ts'
