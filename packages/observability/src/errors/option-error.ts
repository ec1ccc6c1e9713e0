import { ObservabilityError } from './observability-error.ts'

/**
 * The one shape of "option out of range" errors: which option of which component,
 * what it must be and what it got. Not exported: callers match the component's
 * own subclass ({@link CircuitBreakerOptionError}, {@link RetryOptionError}).
 */
export abstract class OptionError<Code extends string> extends ObservabilityError<Code> {
  constructor(
    code: Code,
    component: string,
    /** Name of the option that was out of range. */
    readonly option: string,
    expected: string,
    received: unknown,
  ) {
    super(code, `${component} option "${option}" must be ${expected}, received ${String(received)}`)
  }
}
