import type { Clock } from '../clock/index.ts'
import type { CacheMetrics } from './cache-metrics.ts'
import type { CacheLogger } from './cache-options.ts'
import { CacheError } from './errors.ts'

/** At most one L2 error line per this interval; the others are counted into the next line. */
const LOG_INTERVAL_MS = 5_000

/**
 * Counts every L2 failure, logs them without flooding (a dead Redis under load
 * fails thousands of calls a second), and throws only when asked to.
 */
export class L2ErrorReporter {
  readonly #clock: Clock
  readonly #metrics: CacheMetrics
  readonly #logger: CacheLogger | undefined
  readonly #cache: string
  readonly #throwOnError: boolean
  #lastLogAt = Number.NEGATIVE_INFINITY
  #suppressed = 0

  constructor(options: {
    clock: Clock
    metrics: CacheMetrics
    logger: CacheLogger | undefined
    cache: string
    throwOnError: boolean
  }) {
    this.#clock = options.clock
    this.#metrics = options.metrics
    this.#logger = options.logger
    this.#cache = options.cache
    this.#throwOnError = options.throwOnError
  }

  /**
   * Records a failed L2 operation. Refusals by the open breaker are counted but
   * not logged: the breaker's opening was. Throws `E_CACHE_L2` only with
   * `throwOnL2Error`; callers that must never throw (background work) pass
   * `mayThrow: false`.
   */
  report(operation: string, error: unknown, mayThrow = true): void {
    this.#metrics.l2Error()
    if (!isCircuitOpen(error)) this.#log(operation, error)
    if (this.#throwOnError && mayThrow) {
      throw new CacheError('E_CACHE_L2', `Cache "${this.#cache}" L2 ${operation} failed`, { cause: error })
    }
  }

  #log(operation: string, error: unknown): void {
    const logger = this.#logger
    if (logger === undefined) return
    const now = this.#clock.now()
    if (now - this.#lastLogAt < LOG_INTERVAL_MS) {
      this.#suppressed++
      return
    }
    const suppressed = this.#suppressed
    this.#lastLogAt = now
    this.#suppressed = 0
    logger.warn(
      { cache: this.#cache, operation, err: error, ...(suppressed > 0 ? { suppressed } : {}) },
      'cache L2 (Redis) call failed; carrying on with L1',
    )
  }
}

/** The breaker's refusal while open, recognised by its stable code. */
export function isCircuitOpen(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'E_CIRCUIT_OPEN'
  )
}
