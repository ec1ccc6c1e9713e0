import { type DatabaseOperation, DatabaseUnavailableError } from '@jackpot/domain'
import {
  BrokenCircuitError,
  type CircuitBreaker,
  type CircuitBreakerRegistry,
  CircuitTimeoutError,
  type Clock,
  type DatabaseInterceptor,
  databaseInterceptor,
  type Metrics,
} from '@jackpot/observability'
import { type BreakerTuning, tunedBreaker } from './tuned-breaker.ts'

/** Name of the database breaker in metrics (`breaker="database"`), the registry and health output. */
export const DATABASE_BREAKER = 'database'

/**
 * The database breaker's tuning. resilience4j's defaults (100 calls, 60 s open) would
 * let a dead database cost a minute of piled-up requests; these open after a handful
 * of failures and probe again within seconds.
 */
export const DATABASE_BREAKER_DEFAULTS = {
  /** The last 20 calls are judged; half of them failing (the SDK's default rate) opens it. */
  slidingWindow: { type: 'count', size: 20 },
  /** Not before 5 calls, so one blip at start-up cannot open it. */
  minimumCalls: 5,
  /** A query slower than 2 s (the database latency alert's bound) counts as slow… */
  slowCallDurationMs: 2_000,
  /** …and the breaker opens when most of the window is that slow. */
  slowCallRateThreshold: 80,
  /** Open for 4 s, then probe. */
  openStateWaitMs: 4_000,
  /**
   * Ten probes decide whether it closes (resilience4j's default). A write request makes
   * two to four database calls (key check, key touch, the write, the pool cache's reload),
   * so three probes would be one request's worth: every request beside it would get a
   * 503 although the database is back.
   */
  permittedCallsInHalfOpen: 10,
  /**
   * A call hanging on a dead connection fails after 3 s instead of postgres.js's own minutes
   * (failed at its deadline, not cancelled: the store's calls take no signal).
   */
  timeoutMs: 3_000,
} as const satisfies BreakerTuning

/**
 * Whether `error` is the database breaker refusing a call (open, or the call overran
 * its timeout): the one place the server decides a breaker's refusal means "the
 * database is unavailable". Matched by class and breaker name, never by message:
 * the Redis breakers (cache, rate limiter) raise the same classes, and an open Redis
 * breaker says nothing about the database.
 *
 * @example
 * if (isDatabaseRefusal(error)) answer503('The database is unavailable')
 */
export function isDatabaseRefusal(error: unknown): error is BrokenCircuitError | CircuitTimeoutError {
  return (
    (error instanceof BrokenCircuitError || error instanceof CircuitTimeoutError) &&
    error.breaker === DATABASE_BREAKER
  )
}

/** Options of {@link databaseGuard}. */
export interface DatabaseGuardOptions {
  /** Meter for `db.client.operation.duration` and the breaker's metrics. */
  meter: Metrics['meter']
  /** `db.system.name`. Defaults to `'postgresql'` (PGlite is PostgreSQL too). */
  system?: string
  /** Overrides of {@link DATABASE_BREAKER_DEFAULTS}. Defaults to none. */
  breaker?: BreakerTuning
  /** Time source of the breaker. Defaults to the system clock. */
  clock?: Clock
  /** Registry the breaker joins (health checks, dashboard). Defaults to the SDK's default registry. */
  registry?: CircuitBreakerRegistry
}

/** The store's interceptor and the breaker inside it. */
export interface DatabaseGuard {
  breaker: CircuitBreaker
  /** Pass as `openJackpot({ interceptor })`. */
  interceptor: DatabaseInterceptor
}

/** Operations that bypass the breaker; see {@link databaseGuard}. */
const UNGUARDED: ReadonlySet<DatabaseOperation> = new Set(['ping', 'setup'])

/**
 * Every database call of the store, timed (`db_client_operation_duration_seconds`)
 * and run through a circuit breaker: once PostgreSQL fails or stalls, calls are
 * refused at once with `BrokenCircuitError` (the server answers 503 with
 * `Retry-After`) instead of each waiting for its own timeout, and half-open probes
 * let traffic back in when it answers again.
 *
 * Only connection failures and timeouts count against the breaker: a query error
 * (a constraint, a bug) says nothing about whether the database is up. `ping` (the
 * readiness check) and `setup` (start-up) bypass it: readiness must report the
 * database itself, not the breaker's memory of it — otherwise a breaker opened by
 * an outage would keep the replica out of rotation, with no traffic left to probe
 * it closed; and migrations at start-up may rightly take longer than any query.
 *
 * @example
 * const guard = databaseGuard({ meter: metrics.meter })
 * const store = await openJackpot({ databaseUrl, interceptor: guard.interceptor })
 */
export function databaseGuard(options: DatabaseGuardOptions): DatabaseGuard {
  const timed = databaseInterceptor(options.meter, { system: options.system ?? 'postgresql' })
  const breaker = tunedBreaker(
    { ...DATABASE_BREAKER_DEFAULTS, isFailure: (error) => error instanceof DatabaseUnavailableError },
    {
      name: DATABASE_BREAKER,
      meter: options.meter,
      clock: options.clock,
      registry: options.registry,
      overrides: options.breaker,
    },
  )
  const interceptor = <T>(operation: string, call: () => Promise<T>): Promise<T> =>
    UNGUARDED.has(operation as DatabaseOperation)
      ? timed(operation, call)
      : breaker.execute(() => timed(operation, call))
  return { breaker, interceptor }
}
