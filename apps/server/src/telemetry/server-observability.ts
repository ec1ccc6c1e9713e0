import type { Config } from '@jackpot/config'
import type { JackpotStore } from '@jackpot/domain'
import {
  type CircuitBreaker,
  type CircuitBreakerRegistry,
  type Clock,
  circuitBreakersCheck,
  createMetrics,
  defaultBreakerRegistry,
  HealthRegistry,
  type Metrics,
} from '@jackpot/observability'
import { observability } from '@jackpot/observability/elysia'
import { createServerLogger, type ServerLogger } from '../logger.ts'
import type { RateLimitDecision } from '../rate-limit/index.ts'
import { type DatabaseGuardOptions, databaseGuard } from '../resilience/database-guard.ts'
import { type DatabaseCheckOptions, databaseCheck } from './database-check.ts'
import { eventLoopCheck } from './event-loop-check.ts'
import { JackpotActivity } from './jackpot-activity.ts'
import { type JackpotCheckOptions, jackpotCheck } from './jackpot-check.ts'
import { PoolGauges } from './pool-gauges.ts'
import { rateLimitDecisions } from './rate-limit-decisions.ts'
import { SERVER_VERSION } from './server-version.ts'
import { writeQueueCheck } from './write-queue-check.ts'

/** Checks with a route of their own under `/health/`. */
export const NAMED_HEALTH_CHECKS = ['database', 'jackpot'] as const

/** Options of {@link createServerObservability}. */
export interface ServerObservabilityOptions {
  config: Pick<Config, 'SERVICE_NAME' | 'NODE_ENV' | 'LOG_LEVEL' | 'LOG_PRETTY'>
  /** Defaults to {@link createServerLogger} for `config`. */
  logger?: ServerLogger
  /**
   * Register the metrics as OpenTelemetry's global provider (so `getMeter()` records
   * into them). Defaults to true; tests building several apps in one process pass false.
   */
  globalMetrics?: boolean
  /** Registry the database breaker joins and the `circuit-breakers` check reads. Defaults to the SDK's default one. */
  breakerRegistry?: CircuitBreakerRegistry
  /** Time source of the health registry, the breaker and the activity window. Defaults to the system clock. */
  clock?: Clock
  /** Tuning of the database breaker. Defaults to `DATABASE_BREAKER_DEFAULTS`. */
  breaker?: DatabaseGuardOptions['breaker']
  /** Defaults to a 2 s background ping with a 1.5 s timeout. */
  databaseCheck?: DatabaseCheckOptions
  /** Defaults to a 5 s result TTL and a 95 % success-rate floor. */
  jackpotCheck?: JackpotCheckOptions
}

/**
 * Everything the server observes itself with, built before the store (which needs
 * `interceptor`, `meter` and `logger`) by `buildServer`, which then `watch`es the store.
 */
export interface ServerObservability {
  logger: ServerLogger
  metrics: Metrics
  health: HealthRegistry
  /** The circuit breaker every store call goes through (see `databaseGuard`). */
  databaseBreaker: CircuitBreaker
  /** Pass to `openJackpot({ interceptor })`: times every call and runs it through the breaker. */
  interceptor: <T>(operation: string, call: () => Promise<T>) => Promise<T>
  /** For the rate limit plugin's `onDecision`: counts `rate_limit_decisions_total`. */
  onRateLimitDecision: (group: string, decision: RateLimitDecision) => void
  /**
   * Registers the `database`, `jackpot` and `write-queue` checks for `store`, and
   * feeds the pool gauges from its `onPoolsChanged` event and the jackpot activity
   * from its `onWritesSettled` event (until `close`). Resolves once the gauges hold
   * every pool (a failed first read is logged; the next change fills them). Once per
   * telemetry: `buildServer` calls it.
   */
  watch(store: JackpotStore): Promise<void>
  /** The Elysia plugin: request ids, access log, HTTP metrics, `/metrics`, `/health/*`. */
  plugin(): ReturnType<typeof observability>
  /** Stops background checks and monitors and shuts the metrics down. Idempotent. */
  close(): Promise<void>
}

/**
 * Builds the server's logger, metrics, health registry and database breaker.
 * Liveness (`/health/live`) holds only the in-process `event-loop` check, so it stays
 * 200 whatever PostgreSQL does; readiness holds `database` (critical) and the
 * registry's built-in `shutdown` check; `jackpot` and `circuit-breakers` are
 * reported by `/health` and their own routes but decide no probe.
 *
 * @example
 * const telemetry = createServerObservability({ config })
 * const store = await openJackpot({
 *   databaseUrl: config.DATABASE_URL,
 *   interceptor: telemetry.interceptor,
 *   meter: telemetry.metrics.meter,
 *   logger: telemetry.logger,
 * })
 * await telemetry.watch(store)
 */
export function createServerObservability(options: ServerObservabilityOptions): ServerObservability {
  const { config } = options
  const clock = options.clock === undefined ? {} : { clock: options.clock }
  const identity = { service: config.SERVICE_NAME, version: SERVER_VERSION }
  const logger = options.logger ?? createServerLogger(config)
  const metrics = createMetrics({
    ...identity,
    attributes: { 'deployment.environment.name': config.NODE_ENV },
    global: options.globalMetrics ?? true,
  })
  const health = new HealthRegistry({ ...identity, ...clock })
  const registry = options.breakerRegistry ?? defaultBreakerRegistry
  const guard = databaseGuard({
    meter: metrics.meter,
    registry,
    ...clock,
    ...(options.breaker === undefined ? {} : { breaker: options.breaker }),
  })
  const gauges = new PoolGauges(metrics.meter)
  const activity = new JackpotActivity(clock)
  const loop = eventLoopCheck()
  health.register(loop.check)
  health.register(circuitBreakersCheck({ registry, kinds: [] }))

  let watched = false
  const unwatch: (() => void)[] = []
  let closed = false

  return {
    logger,
    metrics,
    health,
    databaseBreaker: guard.breaker,
    interceptor: guard.interceptor,
    onRateLimitDecision: rateLimitDecisions(metrics.meter),
    async watch(store) {
      if (watched) throw new Error('createServerObservability: watch() was already called')
      watched = true
      health.register(databaseCheck(store, options.databaseCheck))
      health.register(jackpotCheck(store, activity, options.jackpotCheck))
      health.register(writeQueueCheck(store))
      unwatch.push(
        store.onPoolsChanged((_slugs, pools) => {
          if (pools !== undefined) gauges.observe(pools)
        }),
        store.onWritesSettled((writes) => activity.record(writes)),
      )
      // Pool gauges from the start rather than after the first change.
      try {
        gauges.observe(await store.listPools())
      } catch (error) {
        logger.warn({ err: error }, 'could not read the pools for the pool gauges')
      }
    },
    plugin: () =>
      observability({
        ...identity,
        logger,
        metrics,
        health,
        healthChecks: NAMED_HEALTH_CHECKS,
      }),
    async close() {
      if (closed) return
      closed = true
      for (const stop of unwatch.splice(0)) stop()
      health.close()
      loop.stop()
      guard.breaker.dispose()
      await metrics.shutdown()
    },
  }
}
