import { describe, expect, test } from 'bun:test'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { RUNBOOK_BASE_URL, runbookFile, runbookUrl } from '../runbooks/runbook-url.ts'
import { allRules, loadRuleFiles, loadRuleTests, type PrometheusRule } from './support/rule-files.ts'
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

  test('each carries a severity the Alertmanager routes and a summary', () => {
    for (const alert of alerts) {
      const where = `alert ${alert.alert}`
      expect(['critical', 'warning'], where).toContain(alert.labels?.severity ?? '')
      expect(alert.annotations?.summary?.length ?? 0, where).toBeGreaterThan(10)
    }
  })

  test('every alert of every rule file links its runbook, and the linked page exists', () => {
    const files = loadRuleFiles()
    expect(files.length).toBeGreaterThanOrEqual(3)
    const alertsOfAllFiles = files.flatMap((file) =>
      file.groups.flatMap((group) => group.rules.filter((rule) => rule.alert !== undefined)),
    )
    expect(alertsOfAllFiles.length).toBe(alerts.length)
    expect(runbookProblems(alertsOfAllFiles)).toEqual([])
  })

  test('the runbook check fails an alert without runbook_url, or linking a page that does not exist', () => {
    const base = { expr: 'up == 0', labels: { severity: 'critical' } }
    expect(
      runbookProblems([
        { ...base, alert: 'NoLink', annotations: { summary: 'no runbook_url at all' } },
        { ...base, alert: 'OldStyle', annotations: { runbook: 'ops/runbooks/ServiceDown.md' } },
        { ...base, alert: 'Missing', annotations: { runbook_url: runbookUrl('NoSuchRunbook') } },
        {
          ...base,
          alert: 'Elsewhere',
          annotations: { runbook_url: 'https://wiki.example.com/ServiceDown.md' },
        },
        { ...base, alert: 'ServiceDown', annotations: { runbook_url: runbookUrl('ServiceDown') } },
      ]),
    ).toEqual([
      'NoLink: no annotations.runbook_url',
      'OldStyle: no annotations.runbook_url',
      `Missing: ${runbookUrl('NoSuchRunbook')} links ops/runbooks/NoSuchRunbook.md, which does not exist`,
      `Elsewhere: https://wiki.example.com/ServiceDown.md is not a page under ${RUNBOOK_BASE_URL}`,
    ])
  })

  test('runbook links point at the repository the packages are published from', () => {
    const manifest = JSON.parse(readFileSync(join(REPO_ROOT, 'packages/observability/package.json'), 'utf8'))
    const repository = String(manifest.repository.url)
      .replace(/^git\+/, '')
      .replace(/\.git$/, '')
    expect(RUNBOOK_BASE_URL).toBe(`${repository}/blob/main/ops/runbooks/`)
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

/** Every alert whose runbook_url is missing, foreign, or names a page ops/runbooks/ does not have. */
function runbookProblems(rules: PrometheusRule[]): string[] {
  const problems: string[] = []
  for (const rule of rules) {
    const url = rule.annotations?.runbook_url
    if (url === undefined) {
      problems.push(`${rule.alert}: no annotations.runbook_url`)
      continue
    }
    const file = runbookFile(url)
    if (file === undefined) problems.push(`${rule.alert}: ${url} is not a page under ${RUNBOOK_BASE_URL}`)
    else if (!existsSync(join(REPO_ROOT, 'ops/runbooks', file)))
      problems.push(`${rule.alert}: ${url} links ops/runbooks/${file}, which does not exist`)
  }
  return problems
}
