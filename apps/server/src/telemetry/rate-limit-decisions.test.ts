import { describe, expect, test } from 'bun:test'
import type { Metrics } from '@jackpot/observability'
import { metricSeries, privateMetricsPerTest } from '@jackpot/test-kit'
import { rateLimitDecisions } from './rate-limit-decisions.ts'

const privateMetrics = privateMetricsPerTest('decisions-test')

function counting() {
  const metrics = privateMetrics()
  return { metrics, onDecision: rateLimitDecisions(metrics.meter) }
}

const decision = (allowed: boolean) => ({
  allowed,
  limit: 2,
  remaining: allowed ? 1 : 0,
  retryAfterMs: 0,
  source: 'local' as const,
  window: 0,
})

const series = (metrics: Metrics) => metricSeries(metrics, 'rate_limit_decisions_total')

describe('rateLimitDecisions', () => {
  test('exports no series before the first decision', async () => {
    const { metrics } = counting()
    expect(await series(metrics)).toEqual([])
  })

  test('counts decisions by group and outcome, cumulatively across scrapes', async () => {
    const { metrics, onDecision } = counting()
    onDecision('public', decision(true))
    onDecision('public', decision(true))
    onDecision('game', decision(false))
    expect((await series(metrics)).sort()).toEqual([
      'rate_limit_decisions_total{group="game",decision="limited"} 1',
      'rate_limit_decisions_total{group="public",decision="allowed"} 2',
    ])
    onDecision('public', decision(false))
    onDecision('public', decision(true))
    expect((await series(metrics)).sort()).toEqual([
      'rate_limit_decisions_total{group="game",decision="limited"} 1',
      'rate_limit_decisions_total{group="public",decision="allowed"} 3',
      'rate_limit_decisions_total{group="public",decision="limited"} 1',
    ])
  })
})
