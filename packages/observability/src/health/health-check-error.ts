import { ObservabilityError } from '../errors/observability-error.ts'
import { OverrunError } from '../errors/overrun-error.ts'

/** The abort reason a check's signal carries when the check overruns its `timeoutMs`. */
export class HealthCheckTimeoutError extends OverrunError<'E_HEALTH_CHECK_TIMEOUT'> {
  static readonly code = 'E_HEALTH_CHECK_TIMEOUT'
  override readonly name = 'HealthCheckTimeoutError'

  constructor(
    readonly check: string,
    timeoutMs: number,
  ) {
    super(HealthCheckTimeoutError.code, `health check "${check}"`, timeoutMs)
  }
}

/** Thrown by {@link HealthRegistry.register} for a name already registered. */
export class DuplicateHealthCheckError extends ObservabilityError<'E_HEALTH_CHECK_DUPLICATE'> {
  static readonly code = 'E_HEALTH_CHECK_DUPLICATE'
  override readonly name = 'DuplicateHealthCheckError'

  constructor(readonly check: string) {
    super(DuplicateHealthCheckError.code, `a health check named "${check}" is already registered`)
  }
}
