export { ObservabilityError } from '../errors/observability-error.ts'
export { type AccessLog, type AccessRecord, accessLog } from './access-log.ts'
export {
  type BatchedDestination,
  type BatchedDestinationOptions,
  batchedDestination,
} from './batched-destination.ts'
export { createLogger, type Logger, type LoggerOptions } from './create-logger.ts'
export { LoggerError, type LoggerErrorCode } from './logger-error.ts'
export type { LoggerPort } from './logger-port.ts'
export { createSecretRedactor, DEFAULT_REDACT_KEYS, REDACTED } from './redact-secrets.ts'
export { getRequestContext, type RequestContext, runWithRequestContext } from './request-context.ts'
