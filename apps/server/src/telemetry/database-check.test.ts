import { describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError } from '@jackpot/domain'
import { HealthRegistry } from '@jackpot/observability'
import { ManualClock } from '@jackpot/observability/testing'
import { databaseCheck } from './database-check.ts'

/** A store whose ping the test controls; `clock` moves by `latencyMs` during each ping. */
function pingStore(clock: ManualClock) {
  const state: { latencyMs: number; error: Error | undefined; pings: number } = {
    latencyMs: 3,
    error: undefined,
    pings: 0,
  }
  return {
    state,
    store: {
      kind: 'postgres' as const,
      ping: async () => {
        state.pings++
        clock.advance(state.latencyMs)
        if (state.error) throw state.error
      },
    },
  }
}

describe('databaseCheck', () => {
  test('passes with the ping round trip in milliseconds', async () => {
    const clock = new ManualClock(0)
    const { store, state } = pingStore(clock)
    state.latencyMs = 12
    const outcome = await databaseCheck(store, { clock }).run(new AbortController().signal)
    expect(outcome).toEqual({ observedValue: 12, observedUnit: 'ms' })
  })

  test('fails naming the error code but never the host or credentials', async () => {
    const clock = new ManualClock(0)
    const { store, state } = pingStore(clock)
    state.error = new DatabaseUnavailableError(
      'connect ECONNREFUSED postgres://app:hunter2@db.internal:5432',
      {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      },
    )
    const outcome = await databaseCheck(store, { clock }).run(new AbortController().signal)
    expect(outcome).toEqual({ status: 'fail', output: 'postgres did not answer (E_DATABASE_UNAVAILABLE)' })
  })

  test('is a critical readiness and start-up check that liveness leaves out', async () => {
    const clock = new ManualClock(0)
    const { store, state } = pingStore(clock)
    state.error = new DatabaseUnavailableError('down')
    const health = new HealthRegistry({ clock })
    health.register(databaseCheck(store, { clock, intervalMs: 1_000 }))
    await Bun.sleep(0)
    expect((await health.run({ kind: 'ready' })).httpStatus).toBe(503)
    expect((await health.run({ kind: 'startup' })).httpStatus).toBe(503)
    const live = await health.run({ kind: 'live' })
    expect(live.httpStatus).toBe(200)
    expect(Object.keys(live.body.checks)).not.toContain('database')
    health.close()
  })

  test('pings in the background every interval, so readiness follows the database without a probe querying it', async () => {
    const clock = new ManualClock(0)
    const { store, state } = pingStore(clock)
    const health = new HealthRegistry({ clock })
    health.register(databaseCheck(store, { clock, intervalMs: 1_000 }))
    await Bun.sleep(0)
    expect(state.pings).toBe(1)
    expect((await health.run({ kind: 'ready' })).status).toBe('pass')
    expect((await health.run({ kind: 'ready' })).status).toBe('pass')
    expect(state.pings).toBe(1)

    state.error = new DatabaseUnavailableError('down')
    clock.advance(1_000)
    await Bun.sleep(0)
    expect(state.pings).toBe(2)
    expect((await health.run({ kind: 'ready' })).status).toBe('fail')

    state.error = undefined
    clock.advance(1_000)
    await Bun.sleep(0)
    expect((await health.run({ kind: 'ready' })).status).toBe('pass')
    health.close()
  })
})
