import type { JackpotStore } from '@jackpot/domain'
import type { HealthCheck, HealthStatus } from '@jackpot/observability'

/** Share of the write queue at which readiness starts to warn. */
export const WRITE_QUEUE_WARN_RATIO = 0.8

/**
 * The `write-queue` readiness check: how many writes wait for the group-commit
 * writer, against its limit. `warn` from 80 % full, `fail` when full (new
 * writes are then refused with 503 at once). Not critical: a saturated replica
 * still serves reads, so the check reports the saturation without taking the
 * replica out of rotation by itself. Reads memory only: no database call.
 *
 * @example
 * health.register(writeQueueCheck(store))
 */
export function writeQueueCheck(store: Pick<JackpotStore, 'writeLoad'>): HealthCheck {
  return {
    name: 'write-queue',
    kinds: ['ready'],
    critical: false,
    componentType: 'component',
    run: async () => {
      const { queued, inFlight, limit } = store.writeLoad()
      const status: HealthStatus =
        queued >= limit ? 'fail' : queued >= limit * WRITE_QUEUE_WARN_RATIO ? 'warn' : 'pass'
      return {
        status,
        observedValue: queued,
        observedUnit: 'writes',
        output: `${queued} of ${limit} queued, ${inFlight} in the batch now committing`,
      }
    },
  }
}
