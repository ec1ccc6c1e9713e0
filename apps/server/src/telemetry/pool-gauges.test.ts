import { describe, expect, test } from 'bun:test'
import { privateMetricsPerTest, metricSeries as series } from '@jackpot/test-kit'
import { PoolGauges } from './pool-gauges.ts'

const privateMetrics = privateMetricsPerTest('gauges-test')

function gauges() {
  const metrics = privateMetrics()
  return { metrics, gauges: new PoolGauges(metrics.meter) }
}

const pool = (slug: string, amountCents: bigint, reserveCents = 0n) => ({ slug, amountCents, reserveCents })

describe('PoolGauges', () => {
  test('exports no pool series before it has seen a pool', async () => {
    const { metrics } = gauges()
    expect(await series(metrics, 'jackpot_pool_amount_cents')).toEqual([])
  })

  test('exports the amount and reserve of each pool it has seen, labelled by pool', async () => {
    const { metrics, gauges: poolGauges } = gauges()
    poolGauges.observe([pool('minor', 100_010n), pool('mega', 10_000_002n, 250n)])
    expect(await series(metrics, 'jackpot_pool_amount_cents')).toEqual([
      'jackpot_pool_amount_cents{pool="minor"} 100010',
      'jackpot_pool_amount_cents{pool="mega"} 10000002',
    ])
    expect(await series(metrics, 'jackpot_pool_reserve_cents')).toEqual([
      'jackpot_pool_reserve_cents{pool="minor"} 0',
      'jackpot_pool_reserve_cents{pool="mega"} 250',
    ])
  })

  test('keeps the latest figures of a pool and leaves the others as they were', async () => {
    const { metrics, gauges: poolGauges } = gauges()
    poolGauges.observe([pool('minor', 100_000n), pool('major', 1_000_000n)])
    poolGauges.observe([pool('minor', 100_000n + 37n, 5n)])
    poolGauges.observe([pool('minor', 100_000n)])
    expect(await series(metrics, 'jackpot_pool_amount_cents')).toEqual([
      'jackpot_pool_amount_cents{pool="minor"} 100000',
      'jackpot_pool_amount_cents{pool="major"} 1000000',
    ])
    expect(poolGauges.amountOf('minor')).toBe(100_000)
    expect(poolGauges.amountOf('mega')).toBeUndefined()
  })

  test('exports the seed of pools whose seed it has seen, and follows a seed change', async () => {
    const { metrics, gauges: poolGauges } = gauges()
    poolGauges.observe([{ ...pool('minor', 100_500n), seedCents: 100_000n }, pool('major', 1_000_000n)])
    expect(await series(metrics, 'jackpot_pool_seed_cents')).toEqual([
      'jackpot_pool_seed_cents{pool="minor"} 100000',
    ])
    // A receipt carries no seed: the last one seen stays.
    poolGauges.observe([pool('minor', 100_600n)])
    expect(await series(metrics, 'jackpot_pool_seed_cents')).toEqual([
      'jackpot_pool_seed_cents{pool="minor"} 100000',
    ])
    poolGauges.observe([{ ...pool('minor', 100_600n), seedCents: 250_000n }])
    expect(await series(metrics, 'jackpot_pool_seed_cents')).toEqual([
      'jackpot_pool_seed_cents{pool="minor"} 250000',
    ])
  })

  test('reads the figures at scrape time, without asking anyone', async () => {
    const { metrics, gauges: poolGauges } = gauges()
    poolGauges.observe([pool('minor', 1n)])
    await metrics.render()
    poolGauges.observe([pool('minor', 2n)])
    expect(await series(metrics, 'jackpot_pool_amount_cents')).toEqual([
      'jackpot_pool_amount_cents{pool="minor"} 2',
    ])
  })
})
