import { describe, expect, test } from 'bun:test'
import { OPERATIONS, type Operation, SLA } from '../../loadtests/sla.ts'
import { allRules } from './support/rule-files.ts'

// Prometheus rules cannot import loadtests/sla.ts, so they repeat its numbers;
// this keeps the two from drifting apart.
const rules = allRules()
const operations = Object.keys(OPERATIONS) as Operation[]

describe('Prometheus rules agree with loadtests/sla.ts', () => {
  test('each operation’s slow-request ratio counts requests over its own SLA bucket', () => {
    const slow = rules.filter(
      (rule) => rule.record === 'operation:slo_slow_requests_per_request:ratio_rate5m',
    )
    expect(slow.map((rule) => rule.labels?.operation).sort()).toEqual([...operations].sort())
    for (const operation of operations) {
      const rule = slow.find((candidate) => candidate.labels?.operation === operation)!
      expect(rule.expr).toContain(`le="${OPERATIONS[operation].p95Ms / 1000}"`)
    }
  })

  test('each operation’s p95 and SLO rules select exactly its routes and method', () => {
    for (const operation of operations) {
      const { method, routes } = OPERATIONS[operation]
      const own = rules.filter((rule) => rule.labels?.operation === operation)
      expect(own.length).toBeGreaterThan(7)
      const selector = routes.length === 1 ? `http_route="${routes[0]}"` : `http_route=~"${routes.join('|')}"`
      for (const rule of own) {
        expect(rule.expr).toContain(selector)
        expect(rule.expr).toContain(`http_request_method="${method}"`)
      }
    }
  })

  test('burn-rate alerts spend the budgets the SLAs allow', () => {
    const alert = (name: string) => rules.find((rule) => rule.alert === name)!.expr
    // p95 under the SLA leaves 5 % of requests as the latency budget.
    expect(alert('LatencyBudgetBurnFast')).toContain('(14.4 * 0.05)')
    expect(alert('ErrorBudgetBurnFast')).toContain(`(14.4 * ${SLA.maxErrorRate})`)
    expect(alert('ErrorBudgetBurnSlow')).toContain(`> ${SLA.maxErrorRate} and`)
  })

  test('the cache alert uses the pool cache hit-ratio SLA', () => {
    const cache = rules.find((rule) => rule.alert === 'CacheHitRatioLow')!
    expect(cache.expr).toContain(`< ${SLA.minPoolCacheHitRatio}`)
  })
})
