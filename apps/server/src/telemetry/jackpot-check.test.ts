import { describe, expect, test } from 'bun:test'
import { DatabaseUnavailableError, type JackpotStore, PoolNotFoundError } from '@jackpot/domain'
import { BrokenCircuitError, HealthRegistry } from '@jackpot/observability'
import { ManualClock } from '@jackpot/observability/testing'
import { JackpotActivity } from './jackpot-activity.ts'
import { jackpotCheck } from './jackpot-check.ts'

const START = Date.parse('2025-03-01T12:00:00.000Z')

/** A store that answers pool reads and ledger stats from what the test sets, counting the calls. */
function fakeStore(last: { lastContributionAt: Date | null; lastWinAt: Date | null }) {
  const calls = { listPools: 0, stats: 0 }
  let failure: Error | undefined
  const store = {
    listPools: async () => {
      calls.listPools++
      if (failure) throw failure
      return [{ slug: 'minor' }, { slug: 'major' }, { slug: 'mega' }]
    },
    stats: async () => {
      calls.stats++
      return last
    },
  } as unknown as Pick<JackpotStore, 'listPools' | 'stats'>
  return {
    store,
    calls,
    failWith(error: Error | undefined) {
      failure = error
    },
  }
}

function setup(options: { minSuccessRate?: number; ttlMs?: number } = {}) {
  const clock = new ManualClock(START)
  const activity = new JackpotActivity({ clock, windowMs: 60_000 })
  const fake = fakeStore({ lastContributionAt: new Date(START - 60_000), lastWinAt: null })
  const health = new HealthRegistry({ clock })
  health.register(jackpotCheck(fake.store, activity, options))
  const report = async () => {
    const result = await health.run({ names: ['jackpot'] })
    return { ...result, entry: result.body.checks.jackpot![0]! }
  }
  return { clock, activity, fake, health, report }
}

describe('jackpotCheck', () => {
  test('passes with the pool count, the last contribution and win, and no success rate before any call', async () => {
    const { report } = setup()
    const { status, httpStatus, entry } = await report()
    expect({ status, httpStatus }).toEqual({ status: 'pass', httpStatus: 200 })
    expect(entry).toMatchObject({
      status: 'pass',
      observedValue: {
        pools: 3,
        lastContributionAt: '2025-03-01T11:59:00.000Z',
        lastWinAt: null,
        successRatePercent: null,
        calls: 0,
        windowSeconds: 60,
      },
    })
    expect(entry.output).toBeUndefined()
  })

  test('reads the ledger stats once, then follows the calls this replica sees', async () => {
    const { report, activity, fake, clock } = setup({ ttlMs: 0 })
    await report()
    clock.advance(1_000)
    activity.succeeded('win', new Date(clock.now()))
    activity.succeeded('contribution', new Date(clock.now()))
    const { entry } = await report()
    expect(fake.calls.stats).toBe(1)
    expect(entry.observedValue).toMatchObject({
      lastContributionAt: '2025-03-01T12:00:01.000Z',
      lastWinAt: '2025-03-01T12:00:01.000Z',
      successRatePercent: 100,
      calls: 2,
    })
  })

  test('warns, without failing the report, when the recent success rate falls below the floor', async () => {
    const { report, activity, clock } = setup({ minSuccessRate: 0.95, ttlMs: 0 })
    for (let i = 0; i < 18; i++) activity.succeeded('contribution', new Date(clock.now()))
    activity.failed(new DatabaseUnavailableError('down'))
    activity.failed(new BrokenCircuitError('database', 'open', 1_000))
    const { status, httpStatus, entry } = await report()
    expect({ status, httpStatus }).toEqual({ status: 'warn', httpStatus: 200 })
    expect(entry.status).toBe('warn')
    expect(entry.observedValue).toMatchObject({ successRatePercent: 90, calls: 20 })
    expect(entry.output).toBe('only 90 % of 20 contribution and win calls succeeded recently')
  })

  test('does not count a jackpot rule\u2019s refusal against the success rate', async () => {
    const { report, activity, clock } = setup({ ttlMs: 0 })
    activity.succeeded('contribution', new Date(clock.now()))
    for (let i = 0; i < 10; i++) activity.failed(new PoolNotFoundError('nope'))
    const { entry } = await report()
    expect(entry).toMatchObject({ status: 'pass', observedValue: { successRatePercent: 100, calls: 1 } })
  })

  test('forgets outcomes older than the window', async () => {
    const { report, activity, clock } = setup({ ttlMs: 0 })
    for (let i = 0; i < 5; i++) activity.failed(new DatabaseUnavailableError('down'))
    clock.advance(61_000)
    activity.succeeded('win', new Date(clock.now()))
    const { entry } = await report()
    expect(entry).toMatchObject({ status: 'pass', observedValue: { successRatePercent: 100, calls: 1 } })
  })

  test('fails with the error code only when the pools cannot be read, still as a non-critical check', async () => {
    const { report, fake } = setup({ ttlMs: 0 })
    fake.failWith(
      new BrokenCircuitError('database', 'open', 3_000, {
        cause: new Error('connect ECONNREFUSED db.internal:5432'),
      }),
    )
    const { status, httpStatus, entry } = await report()
    expect({ status, httpStatus }).toEqual({ status: 'warn', httpStatus: 200 })
    expect(entry).toMatchObject({ status: 'fail', output: 'pools are not readable (E_CIRCUIT_OPEN)' })
    expect(JSON.stringify(entry)).not.toContain('db.internal')
  })

  test('reuses its result for the TTL, so frequent probes cost one pool read per period', async () => {
    const { report, fake, clock } = setup({ ttlMs: 5_000 })
    await report()
    clock.advance(4_999)
    await report()
    expect(fake.calls.listPools).toBe(1)
    clock.advance(1)
    await report()
    expect(fake.calls.listPools).toBe(2)
  })

  test('decides no probe: readiness and liveness leave it out', async () => {
    const { health, fake } = setup()
    fake.failWith(new DatabaseUnavailableError('down'))
    for (const kind of ['ready', 'live', 'startup'] as const) {
      const { body } = await health.run({ kind })
      expect(Object.keys(body.checks)).not.toContain('jackpot')
    }
  })
})
