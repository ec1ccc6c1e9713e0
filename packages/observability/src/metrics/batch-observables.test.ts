import { afterEach, describe, expect, test } from 'bun:test'
import { parseSamples } from '../../test/support/prometheus-text.ts'
import { batchObservables } from './batch-observables.ts'
import { createMetrics, type Metrics } from './create-metrics.ts'

let metrics: Metrics
afterEach(() => metrics.shutdown())

const samplesOf = async (name: string) =>
  parseSamples(await metrics.render())
    .filter((sample) => sample.name === name)
    .map(({ labels, value }) => ({ labels, value }))

describe('batchObservables', () => {
  test('reads every instrument from one callback per collection, as gauges and counters by kind', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    let collections = 0
    batchObservables(
      metrics.meter,
      {
        queued: { name: 'jobs.queued', description: 'Jobs waiting.', unit: '{job}' },
        done: { name: 'jobs.done', description: 'Jobs finished.', unit: '{job}', kind: 'counter' },
      },
      (observe) => {
        collections++
        observe('queued', 3, { queue: 'mail' })
        observe('queued', 1, { queue: 'sms' })
        observe('done', 40)
      },
    )
    expect(await samplesOf('jobs_queued')).toEqual([
      { labels: { queue: 'mail' }, value: 3 },
      { labels: { queue: 'sms' }, value: 1 },
    ])
    expect(await samplesOf('jobs_done_total')).toEqual([{ labels: {}, value: 40 }])
    // Two renders above: the callback ran once for each, not once per instrument.
    expect(collections).toBe(2)
  })

  test('no longer runs the callback once the returned function is called', async () => {
    metrics = createMetrics({ service: 'svc', global: false, runtime: false })
    let collections = 0
    const stop = batchObservables(
      metrics.meter,
      { level: { name: 'tank.level', description: 'Tank level.', unit: '1' } },
      (observe) => {
        collections++
        observe('level', 7)
      },
    )
    expect(await samplesOf('tank_level')).toEqual([{ labels: {}, value: 7 }])
    stop()
    await metrics.render()
    expect(collections).toBe(1)
  })
})
