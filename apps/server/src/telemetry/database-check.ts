import type { JackpotStore } from '@jackpot/domain'
import type { Clock, HealthCheck } from '@jackpot/observability'

/** Options of {@link databaseCheck}. */
export interface DatabaseCheckOptions {
  /** Background ping period: readiness follows the database within this (plus `timeoutMs`). Defaults to 2 s. */
  intervalMs?: number
  /** A ping slower than this fails the check. Defaults to 1.5 s. */
  timeoutMs?: number
  /** Measures the ping's round trip. Defaults to `performance.now`. */
  clock?: Pick<Clock, 'now'>
}

const defaults = { intervalMs: 2_000, timeoutMs: 1_500 }

/**
 * The critical `database` check (readiness and start-up): a `select 1` round trip
 * every `intervalMs` in the background, so probes read a cached result and never
 * pile queries onto a struggling database. Its output names no host or credential
 * (probes may be public): only the error's code.
 *
 * @example
 * health.register(databaseCheck(store))
 */
export function databaseCheck(
  store: Pick<JackpotStore, 'ping' | 'kind'>,
  options: DatabaseCheckOptions = {},
): HealthCheck {
  const { intervalMs, timeoutMs } = { ...defaults, ...options }
  const { clock } = options
  // Called through the clock, not detached: a class clock's `now` needs its `this`.
  const now = clock === undefined ? () => performance.now() : () => clock.now()
  return {
    name: 'database',
    kinds: ['ready', 'startup'],
    critical: true,
    componentType: 'datastore',
    intervalMs,
    timeoutMs,
    run: async () => {
      const started = now()
      try {
        await store.ping()
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code
        return {
          status: 'fail',
          output: `${store.kind} did not answer${typeof code === 'string' ? ` (${code})` : ''}`,
        }
      }
      return { observedValue: Math.round((now() - started) * 10) / 10, observedUnit: 'ms' }
    },
  }
}
