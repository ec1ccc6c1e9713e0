import { ObservabilityError } from './observability-error.ts'

/**
 * The one shape of "took too long" errors: what overran and its limit. Not exported:
 * callers match {@link CircuitTimeoutError} or {@link HealthCheckTimeoutError}.
 */
export abstract class OverrunError<Code extends string> extends ObservabilityError<Code> {
  constructor(
    code: Code,
    what: string,
    /** The limit that was overrun, in ms. */
    readonly timeoutMs: number,
  ) {
    super(code, `${what} timed out after ${timeoutMs} ms`)
  }
}
