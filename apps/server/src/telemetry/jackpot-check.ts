import type { JackpotStore } from '@jackpot/domain'
import type { HealthCheck } from '@jackpot/observability'
import type { JackpotActivity } from './jackpot-activity.ts'

/** Options of {@link jackpotCheck}. */
export interface JackpotCheckOptions {
  /** Below this recent success rate (0–1) the check warns. Defaults to 0.95. */
  minSuccessRate?: number
  /** A result is reused this long, so frequent probes cost one pool read per period. Defaults to 5 s. */
  ttlMs?: number
  /** Defaults to 2 s. */
  timeoutMs?: number
}

const defaults = { minSuccessRate: 0.95, ttlMs: 5_000, timeoutMs: 2_000 }

/**
 * The non-critical `jackpot` check: the pools can be read (through the database
 * breaker, so an open breaker shows here), when this replica last saw a
 * contribution and a win (read once from the pools' `last_contribution_at` /
 * `last_win_at`, O(1) whatever the history, then kept in process), and the success rate of contribution and win calls over the
 * activity's window. It warns rather than fails the report: the `database` check
 * already decides readiness, and quiet tables are not an outage.
 *
 * Its `observedValue` is an object: `pools`, `lastContributionAt`, `lastWinAt`
 * (ISO 8601 or null), `successRatePercent` (null without calls), `calls` and
 * `windowSeconds`.
 *
 * @example
 * health.register(jackpotCheck(store, activity))
 */
export function jackpotCheck(
  store: Pick<JackpotStore, 'listPools' | 'stats'>,
  activity: JackpotActivity,
  options: JackpotCheckOptions = {},
): HealthCheck {
  const { minSuccessRate, ttlMs, timeoutMs } = { ...defaults, ...options }
  let seeded = false
  return {
    name: 'jackpot',
    // No probe kind: readiness is the database's call, and an open breaker (which
    // fails the pool read) must not keep a recovered replica out of rotation.
    kinds: [],
    critical: false,
    componentType: 'component',
    ttlMs,
    timeoutMs,
    run: async () => {
      let pools: number
      try {
        pools = (await store.listPools()).length
        if (!seeded) {
          // stats() reads the rollups and the pools' last-activity columns (its cost does not
          // grow with the ledger); after that the activity tracker keeps the times in process.
          activity.seed(await store.stats())
          seeded = true
        }
      } catch (error) {
        // The message may name hosts; the code says enough (E_CIRCUIT_OPEN, E_DATABASE_UNAVAILABLE).
        const code = (error as { code?: unknown } | null)?.code
        return {
          status: 'fail',
          output: `pools are not readable (${typeof code === 'string' ? code : 'error'})`,
        }
      }
      const { lastContributionAt, lastWinAt, succeeded, failed, successRate } = activity.summary()
      const percent = successRate === null ? null : Math.round(successRate * 1000) / 10
      const degraded = successRate !== null && successRate < minSuccessRate
      return {
        status: degraded ? 'warn' : 'pass',
        // A structured value (the health draft allows any JSON): a passing entry carries no output.
        observedValue: {
          pools,
          lastContributionAt: lastContributionAt?.toISOString() ?? null,
          lastWinAt: lastWinAt?.toISOString() ?? null,
          successRatePercent: percent,
          calls: succeeded + failed,
          windowSeconds: Math.round(activity.windowMs / 1000),
        },
        ...(degraded && {
          output: `only ${percent} % of ${succeeded + failed} contribution and win calls succeeded recently`,
        }),
      }
    },
  }
}
