import { ObservabilityError } from '../errors/observability-error.ts'

/** The abort reason a check's signal carries when the check overruns its `timeoutMs`. */
export class HealthCheckTimeoutError extends ObservabilityError {
  static readonly code = 'E_HEALTH_CHECK_TIMEOUT'
  readonly code = HealthCheckTimeoutError.code
  override readonly name = 'HealthCheckTimeoutError'

  constructor(
    readonly check: string,
    readonly timeoutMs: number,
  ) {
    super(`health check "${check}" timed out after ${timeoutMs} ms`)
  }
}

/** Thrown by {@link HealthRegistry.register} for a name already registered. */
export class DuplicateHealthCheckError extends ObservabilityError {
  static readonly code = 'E_HEALTH_CHECK_DUPLICATE'
  readonly code = DuplicateHealthCheckError.code
  override readonly name = 'DuplicateHealthCheckError'

  constructor(readonly check: string) {
    super(`a health check named "${check}" is already registered`)
  }
}
