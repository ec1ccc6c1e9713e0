import { ObservabilityError } from '../errors/observability-error.ts'

/** Stable codes of the errors the logger raises. */
export type LoggerErrorCode = 'E_PRETTY_UNAVAILABLE'

/**
 * Raised when a logger cannot be built as configured, e.g. `pretty: true`
 * without the optional `pino-pretty` peer dependency installed.
 */
export class LoggerError extends ObservabilityError<LoggerErrorCode> {
  override readonly name = 'LoggerError'
}
