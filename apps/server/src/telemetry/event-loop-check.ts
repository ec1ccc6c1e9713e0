import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { HealthCheck } from '@jackpot/observability'

/** Options of {@link eventLoopCheck}. */
export interface EventLoopCheckOptions {
  /** A p99 event-loop delay above this, since the previous probe, warns. Defaults to 1 000 ms. */
  warnMs?: number
}

/**
 * The liveness check: in-process only, as a liveness probe must be (one that
 * pinged PostgreSQL would restart every replica whenever the database blips). It
 * reports the p99 event-loop delay since the previous probe and warns when the
 * loop is badly blocked. It never fails: a process slow enough to miss the probe's
 * deadline fails it anyway, and a busy but working process is better left running.
 *
 * @example
 * const loop = eventLoopCheck()
 * health.register(loop.check)
 * // on shutdown
 * loop.stop()
 */
export function eventLoopCheck(options: EventLoopCheckOptions = {}): { check: HealthCheck; stop(): void } {
  const warnMs = options.warnMs ?? 1_000
  const delay = monitorEventLoopDelay({ resolution: 20 })
  delay.enable()
  let lastMs = 0
  const check: HealthCheck = {
    name: 'event-loop',
    kinds: ['live'],
    critical: false,
    componentType: 'system',
    run: async () => {
      // Two probes close together leave no samples: repeat the last figure.
      if (delay.count > 0) {
        lastMs = Math.round(delay.percentile(99) / 1e5) / 10
        delay.reset()
      }
      return {
        status: lastMs > warnMs ? 'warn' : 'pass',
        observedValue: lastMs,
        observedUnit: 'ms',
        ...(lastMs > warnMs && { output: `p99 event-loop delay ${lastMs} ms since the previous probe` }),
      }
    },
  }
  return { check, stop: () => delay.disable() }
}
