import { DomainError, type SettledWrite } from '@jackpot/domain'
import { type Clock, OutcomeFlag, systemClock, TimeSlidingWindow } from '@jackpot/observability'

/** Options of {@link JackpotActivity}. */
export interface JackpotActivityOptions {
  /** How far back the success rate looks, in whole seconds. Defaults to 5 minutes. */
  windowMs?: number
  /** Defaults to the system clock. */
  clock?: Clock
}

/**
 * What the `jackpot` health check reports about traffic, kept in process: when this
 * replica last recorded a contribution and a win, and the success rate of
 * contribution and win calls over the last few minutes.
 *
 * A refusal by a jackpot rule (conflict, unknown pool, invalid command) is the
 * client's mistake, so it counts neither way; anything else thrown (database
 * unavailable, breaker open, timeout) is a failure.
 *
 * @example
 * const activity = new JackpotActivity()
 * store.onWritesSettled((writes) => activity.record(writes))
 * activity.summary().successRate // 1 once a write succeeded
 */
export class JackpotActivity {
  /** One bucket per second, constant memory whatever the traffic: the breaker's own window. */
  readonly #outcomes: TimeSlidingWindow
  readonly #clock: Clock
  readonly windowMs: number
  #lastContributionAt: Date | null = null
  #lastWinAt: Date | null = null

  constructor(options: JackpotActivityOptions = {}) {
    const seconds = Math.max(1, Math.ceil((options.windowMs ?? 5 * 60_000) / 1_000))
    this.windowMs = seconds * 1_000
    this.#outcomes = new TimeSlidingWindow(seconds)
    this.#clock = options.clock ?? systemClock
  }

  /** Records what the store's writer settled (its `onWritesSettled` event). */
  record(writes: readonly SettledWrite[]): void {
    for (const write of writes) {
      if (write.ok) this.succeeded(write.kind, write.createdAt)
      else this.failed(write.error)
    }
  }

  succeeded(kind: 'contribution' | 'win', at: Date): void {
    this.#outcomes.record(0, this.#clock.now())
    this.#noteLast(kind, at)
  }

  /** Records a failed call unless the error is a jackpot rule's refusal. */
  failed(error: unknown): void {
    if (error instanceof DomainError && error.code !== 'E_DATABASE_UNAVAILABLE') return
    this.#outcomes.record(OutcomeFlag.failed, this.#clock.now())
  }

  /** Takes last times read from the ledger (e.g. at start-up) unless newer ones are known. */
  seed(last: { lastContributionAt: Date | null; lastWinAt: Date | null }): void {
    if (last.lastContributionAt !== null) this.#noteLast('contribution', last.lastContributionAt)
    if (last.lastWinAt !== null) this.#noteLast('win', last.lastWinAt)
  }

  /** Last times, and totals over the window; `successRate` is null when nothing was recorded. */
  summary() {
    this.#outcomes.expire(this.#clock.now())
    const { total, failed } = this.#outcomes
    return {
      lastContributionAt: this.#lastContributionAt,
      lastWinAt: this.#lastWinAt,
      succeeded: total - failed,
      failed,
      successRate: total === 0 ? null : (total - failed) / total,
    }
  }

  #noteLast(kind: 'contribution' | 'win', at: Date): void {
    if (kind === 'contribution') {
      if (this.#lastContributionAt === null || at > this.#lastContributionAt) this.#lastContributionAt = at
    } else if (this.#lastWinAt === null || at > this.#lastWinAt) {
      this.#lastWinAt = at
    }
  }
}
