import { describe, expect, test } from 'bun:test'
import {
  DatabaseUnavailableError,
  InvalidCommandError,
  openJackpot,
  PoolNotFoundError,
} from '@jackpot/domain'
import { BrokenCircuitError, CircuitBreakerRegistry, CircuitTimeoutError } from '@jackpot/observability'
import { ManualClock } from '@jackpot/observability/testing'
import { privateMetricsPerTest } from '@jackpot/test-kit'
import {
  DATABASE_BREAKER,
  DATABASE_BREAKER_DEFAULTS,
  databaseGuard,
  isDatabaseRefusal,
} from './database-guard.ts'

const privateMetrics = privateMetricsPerTest('guard-test')

function guarded(breaker: Parameters<typeof databaseGuard>[0]['breaker'] = {}) {
  const clock = new ManualClock(1_000_000)
  const metrics = privateMetrics()
  const registry = new CircuitBreakerRegistry()
  const guard = databaseGuard({ meter: metrics.meter, clock, registry, breaker })
  return { ...guard, clock, metrics, registry }
}

const unavailable = () => new DatabaseUnavailableError('The database is unavailable: connect ECONNREFUSED')

/** Lets the promise callbacks the breaker chained run. */
const settle = () => new Promise((resolve) => setImmediate(resolve))

describe('databaseGuard', () => {
  test('opens after the minimum number of calls once half of them found the database unavailable', async () => {
    const { interceptor, breaker } = guarded()
    let reached = 0
    const failing = () => {
      reached++
      return Promise.reject(unavailable())
    }
    for (let i = 0; i < DATABASE_BREAKER_DEFAULTS.minimumCalls - 1; i++) {
      await expect(interceptor('pools.list', failing)).rejects.toBeInstanceOf(DatabaseUnavailableError)
    }
    expect(breaker.state).toBe('closed')
    await expect(interceptor('pools.list', failing)).rejects.toBeInstanceOf(DatabaseUnavailableError)
    expect(breaker.state).toBe('open')

    // Open: refused at once, without reaching the database, with the time until the next probe.
    const refused = interceptor('contribution.write', failing)
    await expect(refused).rejects.toBeInstanceOf(BrokenCircuitError)
    await expect(refused).rejects.toMatchObject({
      code: 'E_CIRCUIT_OPEN',
      breaker: DATABASE_BREAKER,
      retryAfterMs: DATABASE_BREAKER_DEFAULTS.openStateWaitMs,
    })
    expect(reached).toBe(DATABASE_BREAKER_DEFAULTS.minimumCalls)
  })

  test('counts a call that overruns its timeout as a failure and fails it with E_CIRCUIT_TIMEOUT', async () => {
    const { interceptor, breaker, clock } = guarded()
    const hanging = () => new Promise<never>(() => {})
    const calls = Array.from({ length: DATABASE_BREAKER_DEFAULTS.minimumCalls }, () =>
      interceptor('win.write', hanging),
    )
    for (const call of calls) call.catch(() => {})
    clock.advance(DATABASE_BREAKER_DEFAULTS.timeoutMs - 1)
    await settle()
    expect(breaker.state).toBe('closed')
    clock.advance(1)
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(CircuitTimeoutError)
    expect(breaker.state).toBe('open')
  })

  test('stays closed when the database answers with a refusal: rule violations and query errors are not outages', async () => {
    const { interceptor, breaker } = guarded()
    const refusals = [
      new PoolNotFoundError('nope'),
      new InvalidCommandError('wagerCents must be positive', 'wagerCents'),
      Object.assign(new Error('duplicate key value violates unique constraint'), { code: '23505' }),
    ]
    for (let i = 0; i < 30; i++) {
      const error = refusals[i % refusals.length]
      await expect(interceptor('contribution.write', () => Promise.reject(error))).rejects.toBe(error)
    }
    expect(breaker.state).toBe('closed')
    expect(breaker.snapshot().failedCalls).toBe(0)
  })

  test('half-opens after its wait and closes when the probes succeed', async () => {
    const { interceptor, breaker, clock } = guarded()
    for (let i = 0; i < DATABASE_BREAKER_DEFAULTS.minimumCalls; i++) {
      await interceptor('pools.list', () => Promise.reject(unavailable())).catch(() => {})
    }
    expect(breaker.state).toBe('open')
    clock.advance(DATABASE_BREAKER_DEFAULTS.openStateWaitMs)
    expect(breaker.state).toBe('half_open')
    // Every permitted probe gets through (a write request is several calls), then it closes.
    for (let i = 0; i < DATABASE_BREAKER_DEFAULTS.permittedCallsInHalfOpen; i++) {
      expect(await interceptor('api_keys.authenticate', async () => i)).toBe(i)
    }
    expect(breaker.state).toBe('closed')
  })

  test('lets ping and setup through an open breaker, and their failures never open it', async () => {
    const { interceptor, breaker } = guarded()
    for (let i = 0; i < 20; i++) {
      await expect(interceptor('ping', () => Promise.reject(unavailable()))).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      )
      await expect(interceptor('setup', () => Promise.reject(unavailable()))).rejects.toBeInstanceOf(
        DatabaseUnavailableError,
      )
    }
    expect(breaker.state).toBe('closed')

    const isolation = breaker.isolate()
    // Readiness must see the database itself, not the breaker's memory of it.
    expect(await interceptor('ping', async () => 'pong')).toBe('pong')
    expect(await interceptor('setup', async () => 'migrated')).toBe('migrated')
    await expect(interceptor('pools.list', async () => [])).rejects.toBeInstanceOf(BrokenCircuitError)
    isolation.dispose()
  })

  test('times every call, bypassed or not, in db_client_operation_duration_seconds by operation', async () => {
    const { interceptor, metrics } = guarded()
    await interceptor('pools.list', async () => [])
    await interceptor('ping', async () => 1)
    await interceptor('contribution.write', () => Promise.reject(unavailable())).catch(() => {})
    const text = await metrics.render()
    const count = (labels: string) =>
      text
        .split('\n')
        .find((line) => line.startsWith(`db_client_operation_duration_seconds_count{${labels}}`))
    expect(count('db_system_name="postgresql",db_operation_name="pools.list"')).toEndWith(' 1')
    expect(count('db_system_name="postgresql",db_operation_name="ping"')).toEndWith(' 1')
    expect(
      count(
        'db_system_name="postgresql",db_operation_name="contribution.write",error_type="E_DATABASE_UNAVAILABLE"',
      ),
    ).toEndWith(' 1')
    expect(text).toContain('circuit_breaker_state{breaker="database",state="closed"} 1')
  })

  test('joins the given registry under the name "database"', () => {
    const { registry, breaker } = guarded()
    expect(registry.get(DATABASE_BREAKER)).toBe(breaker)
  })

  test('on a real store, requests for unknown pools leave the breaker closed', async () => {
    const { interceptor, breaker } = guarded()
    const store = await openJackpot({ pgliteDataDir: 'memory://', interceptor })
    try {
      for (let i = 0; i < 12; i++) {
        await expect(store.getPool(`missing-${i}`)).rejects.toBeInstanceOf(PoolNotFoundError)
        await expect(
          store.win({ idempotencyKey: `w-${i}`, pool: 'missing', gameId: 'g', playerId: 'p' }),
        ).rejects.toBeInstanceOf(PoolNotFoundError)
      }
      expect(breaker.state).toBe('closed')
      expect(breaker.snapshot()).toMatchObject({ failedCalls: 0 })
      expect((await store.listPools()).length).toBe(3)
    } finally {
      await store.close()
    }
  }, 60_000)
})

describe('isDatabaseRefusal', () => {
  test('is true for what the database breaker refuses with, open or timed out', async () => {
    const { interceptor, clock } = guarded({ timeoutMs: 100 })
    const hanging = interceptor('pools.list', () => new Promise<never>(() => {}))
    clock.advance(100)
    const timedOut = await hanging.catch((error: unknown) => error)
    expect(timedOut).toBeInstanceOf(CircuitTimeoutError)
    expect(isDatabaseRefusal(timedOut)).toBe(true)
    expect(isDatabaseRefusal(new BrokenCircuitError(DATABASE_BREAKER, 'open', 4_000))).toBe(true)
  })

  test('is false for a Redis breaker, a lookalike error and a domain outage', () => {
    expect(isDatabaseRefusal(new BrokenCircuitError('cache:pools', 'open', 4_000))).toBe(false)
    expect(isDatabaseRefusal(new CircuitTimeoutError('rate-limit', 250))).toBe(false)
    const lookalike = Object.assign(new Error('open'), { code: 'E_CIRCUIT_OPEN', breaker: DATABASE_BREAKER })
    expect(isDatabaseRefusal(lookalike)).toBe(false)
    // Not a breaker refusal: the error handler maps it through the domain table instead.
    expect(isDatabaseRefusal(unavailable())).toBe(false)
  })

  test('an open Redis breaker inside a database call does not open the database breaker', async () => {
    const { interceptor, breaker } = guarded()
    const redisOpen = () => Promise.reject(new BrokenCircuitError('cache:pools', 'open', 2_000))
    for (let i = 0; i < DATABASE_BREAKER_DEFAULTS.minimumCalls * 2; i++) {
      await expect(interceptor('pools.list', redisOpen)).rejects.toBeInstanceOf(BrokenCircuitError)
    }
    expect(breaker.state).toBe('closed')
    expect(breaker.snapshot().failedCalls).toBe(0)
  })
})
