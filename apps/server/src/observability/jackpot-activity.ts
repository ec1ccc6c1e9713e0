import { DomainError } from '@jackpot/domain'
import type { Clock } from '@jackpot/observability'
import { RecentOutcomes } from './recent-outcomes.ts'

/** Options of {@link JackpotActivity}. */
export interface JackpotActivityOptions {
  /** How far back the success rate looks. Defaults to 5 minutes. */
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
 * activity.succeeded('contribution', receipt.createdAt)
 * activity.summary().successRate // 1
 */
export class JackpotActivity {
  readonly #outcomes: RecentOutcomes
  readonly windowMs: number
  #lastContributionAt: Date | null = null
  #lastWinAt: Date | null = null

  constructor(options: JackpotActivityOptions = {}) {
    this.windowMs = options.windowMs ?? 5 * 60_000
    this.#outcomes = new RecentOutcomes({
      windowMs: this.windowMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    })
  }

  succeeded(kind: 'contribution' | 'win', at: Date): void {
    this.#outcomes.record(true)
    this.#noteLast(kind, at)
  }

  /** Records a failed call unless the error is a jackpot rule's refusal. */
  failed(error: unknown): void {
    if (error instanceof DomainError && error.code !== 'E_DATABASE_UNAVAILABLE') return
    this.#outcomes.record(false)
  }

  /** Takes last times read from the ledger (e.g. at start-up) unless newer ones are known. */
  seed(last: { lastContributionAt: Date | null; lastWinAt: Date | null }): void {
    if (last.lastContributionAt !== null) this.#noteLast('contribution', last.lastContributionAt)
    if (last.lastWinAt !== null) this.#noteLast('win', last.lastWinAt)
  }

  summary() {
    return {
      lastContributionAt: this.#lastContributionAt,
      lastWinAt: this.#lastWinAt,
      ...this.#outcomes.summary(),
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
