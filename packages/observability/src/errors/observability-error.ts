/**
 * The base of every error this SDK raises: one shape everywhere, a stable `code`
 * to switch on (never the message) and the underlying error in `cause`. Catch the
 * base to tell the SDK's refusals (an open breaker, a timeout, a cache fault)
 * from your own errors; match a subclass to tell them apart.
 *
 * @example
 * try { await breaker.execute(() => query()) } catch (error) {
 *   if (error instanceof BrokenCircuitError) return serveStale()
 *   if (error instanceof ObservabilityError) log.warn({ code: error.code }, 'dependency refused')
 *   throw error
 * }
 */
export abstract class ObservabilityError<Code extends string = string> extends Error {
  /** Stable identifier, `E_…`; part of the public API, its meaning never changes. */
  readonly code: Code

  constructor(code: Code, message: string, options?: ErrorOptions) {
    super(message, options)
    this.code = code
  }
}
