import { afterEach } from 'bun:test'
import { createMetrics, type Metrics } from '@jackpot/observability'

/**
 * A maker of private `Metrics` for one test file: not global and without runtime
 * instruments, because several live in one test process, and each one made is shut
 * down after the test that made it (its readers would otherwise keep the process up).
 *
 * @example
 * const privateMetrics = privateMetricsPerTest('gauges-test')
 * test('…', () => { const metrics = privateMetrics() })
 */
export function privateMetricsPerTest(service: string): () => Metrics {
  const opened: Metrics[] = []
  afterEach(async () => {
    for (const metrics of opened.splice(0)) await metrics.shutdown()
  })
  return () => {
    const metrics = createMetrics({ service, global: false, runtime: false })
    opened.push(metrics)
    return metrics
  }
}
