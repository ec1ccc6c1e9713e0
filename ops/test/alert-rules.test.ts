import { describe, expect, test } from 'bun:test'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { allRules, loadRuleTests } from './support/rule-files.ts'
import { REPO_ROOT } from './support/run-tool.ts'

const alerts = allRules().filter((rule) => rule.alert !== undefined)
const cases = loadRuleTests().flatMap((file) =>
  file.tests.flatMap((unitTest) => unitTest.alert_rule_test ?? []),
)

describe('alert rules', () => {
  test('cover every alert of the operations guide and the SLO burn rates', () => {
    const names = alerts.map((alert) => alert.alert)
    for (const expected of [
      'ServiceDown',
      'ResponseTimeHigh',
      'ResponseTimeCritical',
      'ErrorRateHigh',
      'ErrorRateCritical',
      'DatabaseLatencyHigh',
      'JackpotBelowFloor',
      'MemoryHigh',
      'CircuitBreakerOpen',
      'ErrorBudgetBurnFast',
      'ErrorBudgetBurnSlow',
      'LatencyBudgetBurnFast',
      'LatencyBudgetBurnSlow',
    ]) {
      expect(names).toContain(expected)
    }
    expect(new Set(names).size).toBe(names.length)
  })

  test('each carries a severity the Alertmanager routes, a summary and an existing runbook', () => {
    for (const alert of alerts) {
      const where = `alert ${alert.alert}`
      expect(['critical', 'warning'], where).toContain(alert.labels?.severity ?? '')
      expect(alert.annotations?.summary?.length ?? 0, where).toBeGreaterThan(10)
      expect(alert.annotations?.runbook, where).toBe(`ops/runbooks/${alert.alert}.md`)
      expect(existsSync(join(REPO_ROOT, alert.annotations?.runbook ?? '')), where).toBe(true)
    }
  })

  test('each fires in at least one promtool case and stays quiet in another', () => {
    const missing: string[] = []
    for (const alert of alerts) {
      const own = cases.filter((c) => c.alertname === alert.alert)
      if (!own.some((c) => (c.exp_alerts?.length ?? 0) > 0)) missing.push(`${alert.alert}: no firing case`)
      if (!own.some((c) => (c.exp_alerts?.length ?? 0) === 0)) missing.push(`${alert.alert}: no quiet case`)
    }
    expect(missing).toEqual([])
  })

  test('no promtool case names an alert that does not exist', () => {
    const names = new Set(alerts.map((alert) => alert.alert))
    expect(cases.map((c) => c.alertname).filter((name) => !names.has(name))).toEqual([])
  })
})
