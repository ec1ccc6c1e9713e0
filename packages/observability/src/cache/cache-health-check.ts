import type { CheckOutcome, HealthCheck } from '../health/index.ts'
import type { CacheBus } from './bus/cache-bus.ts'
import type { RedisL2 } from './redis-l2.ts'

/** Options of {@link cacheHealthCheck}. */
export interface CacheHealthCheckOptions {
  /** Check name in the health report. */
  name: string
  l2: RedisL2 | undefined
  bus: CacheBus | undefined
  /** Bound of the PING. */
  pingTimeoutMs: number
}

/**
 * The cache's readiness check. Never critical: with Redis down the cache keeps
 * serving from L1 and its callers' factories, so the service is degraded
 * (`warn`, HTTP 200), not unavailable.
 */
export function cacheHealthCheck(options: CacheHealthCheckOptions): HealthCheck {
  const { l2, bus } = options
  return {
    name: options.name,
    kinds: ['ready'],
    critical: false,
    componentType: 'datastore',
    async run(signal): Promise<CheckOutcome> {
      if (l2 === undefined) return { status: 'pass', output: 'L1 only (no Redis configured)' }
      const state = l2.breaker.state
      if (state === 'open' || state === 'isolated') {
        return { status: 'warn', output: `Redis circuit breaker ${state}: serving from L1` }
      }
      let roundTripMs: number
      try {
        roundTripMs = await withTimeout(l2.ping(), options.pingTimeoutMs, signal)
      } catch (error) {
        return { status: 'warn', output: `Redis unreachable: ${describe(error)}; serving from L1` }
      }
      const measured = { observedValue: Math.round(roundTripMs * 100) / 100, observedUnit: 'ms' }
      if (bus !== undefined && !bus.connected) {
        return { status: 'warn', ...measured, output: 'invalidation bus disconnected' }
      }
      return { status: 'pass', ...measured }
    },
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

// ioredis cannot abort a command; a client without a command timeout must not hang the check.
function withTimeout<T>(promise: Promise<T>, timeoutMs: number, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const fail = () => reject(new Error(`no PING reply within ${timeoutMs} ms`))
    const timer = setTimeout(fail, timeoutMs)
    signal.addEventListener('abort', fail, { once: true })
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer)
      signal.removeEventListener('abort', fail)
    })
  })
}
