import { type Clock, systemClock } from '@jackpot/observability'

/** Options of {@link RecentOutcomes}. */
export interface RecentOutcomesOptions {
  /** How far back the rate looks. Defaults to 5 minutes. */
  windowMs?: number
  /** Granularity: the window slides by one bucket at a time. Defaults to 10 s. */
  bucketMs?: number
  /** Defaults to the system clock. */
  clock?: Clock
}

const defaults = { windowMs: 5 * 60_000, bucketMs: 10_000 }

interface Bucket {
  /** Start of the bucket's span, epoch ms; -1 when unused. */
  start: number
  succeeded: number
  failed: number
}

/**
 * Successes and failures of the last few minutes in a ring of time buckets: O(1)
 * to record, O(buckets) to read, constant memory whatever the traffic.
 *
 * @example
 * const outcomes = new RecentOutcomes({ windowMs: 300_000 })
 * outcomes.record(true)
 * outcomes.summary() // { succeeded: 1, failed: 0, successRate: 1 }
 */
export class RecentOutcomes {
  readonly #bucketMs: number
  readonly #clock: Clock
  readonly #buckets: Bucket[]

  constructor(options: RecentOutcomesOptions = {}) {
    const { windowMs, bucketMs } = { ...defaults, ...options }
    this.#bucketMs = bucketMs
    this.#clock = options.clock ?? systemClock
    const count = Math.max(1, Math.ceil(windowMs / bucketMs))
    this.#buckets = Array.from({ length: count }, () => ({ start: -1, succeeded: 0, failed: 0 }))
  }

  record(succeeded: boolean): void {
    const start = Math.floor(this.#clock.now() / this.#bucketMs) * this.#bucketMs
    const bucket = this.#buckets[(start / this.#bucketMs) % this.#buckets.length]!
    if (bucket.start !== start) {
      bucket.start = start
      bucket.succeeded = 0
      bucket.failed = 0
    }
    if (succeeded) bucket.succeeded++
    else bucket.failed++
  }

  /** Totals over the window; `successRate` is null when nothing was recorded. */
  summary(): { succeeded: number; failed: number; successRate: number | null } {
    const oldest = this.#clock.now() - this.#buckets.length * this.#bucketMs
    let succeeded = 0
    let failed = 0
    for (const bucket of this.#buckets) {
      if (bucket.start < 0 || bucket.start <= oldest) continue
      succeeded += bucket.succeeded
      failed += bucket.failed
    }
    const total = succeeded + failed
    return { succeeded, failed, successRate: total === 0 ? null : succeeded / total }
  }
}
