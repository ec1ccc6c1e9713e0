import { describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DASHBOARD_SPECS, DASHBOARDS_DIR, renderDashboard } from '../grafana/build/build-dashboards.ts'
import { buildDashboard } from '../grafana/build/dashboard-builder.ts'
import { queryPanels } from '../grafana/build/grafana-model.ts'
import { runbookFile } from '../runbooks/runbook-url.ts'
import {
  dashboardQueries,
  leftoverVariables,
  loadDashboards,
  substituteVariables,
} from '../verify/dashboard-queries.ts'
import { allRules } from './support/rule-files.ts'
import { REPO_ROOT, runTool } from './support/run-tool.ts'

const dashboards = loadDashboards()
const datasource = Bun.YAML.parse(
  readFileSync(join(REPO_ROOT, 'ops/grafana/provisioning/datasources/prometheus.yml'), 'utf8'),
) as { datasources: { uid: string; type: string }[] }

describe('provisioned Grafana dashboards', () => {
  test('are exactly what ops/grafana/build generates (run build-dashboards.ts after editing)', () => {
    for (const [file, spec] of Object.entries(DASHBOARD_SPECS)) {
      expect(readFileSync(join(DASHBOARDS_DIR, file), 'utf8'), file).toBe(
        renderDashboard(buildDashboard(spec)),
      )
    }
    expect(dashboards.map((d) => d.file).sort()).toEqual(Object.keys(DASHBOARD_SPECS).sort())
  })

  test('name the provisioned datasource by uid and carry no DS_ import placeholder', () => {
    const [provisioned] = datasource.datasources
    expect(provisioned).toMatchObject({ uid: 'prometheus', type: 'prometheus' })
    for (const { file, dashboard } of dashboards) {
      expect(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')).not.toContain('${DS_')
      for (const panel of queryPanels(dashboard)) {
        expect(panel.datasource, `${file}: ${panel.title}`).toEqual({
          type: 'prometheus',
          uid: provisioned!.uid,
        })
        for (const target of panel.targets ?? []) expect(target.datasource.uid).toBe(provisioned!.uid)
      }
    }
  })

  test('have unique uids and an instance variable over the scraped server replicas', () => {
    expect(new Set(dashboards.map((d) => d.dashboard.uid)).size).toBe(dashboards.length)
    for (const { dashboard } of dashboards) {
      const instance = dashboard.templating.list.find((variable) => variable.name === 'instance')
      expect(instance?.query.query).toBe('label_values(up{job="jackpot-server"}, instance)')
      for (const panel of queryPanels(dashboard)) {
        for (const target of panel.targets ?? []) {
          // Per-job recorded totals and the edge (not a replica) are the only unfiltered ones.
          if (
            !target.expr.includes('job:jackpot_pool_amount') &&
            !target.expr.includes('job:slo_') &&
            !target.expr.includes('job="jackpot-edge"')
          )
            expect(target.expr).toContain('instance=~"$instance"')
        }
      }
    }
  })

  test('show what the issue lists on each dashboard', () => {
    const metricsOf = (uid: string) =>
      dashboards
        .find((d) => d.dashboard.uid === uid)!
        .dashboard.panels.flatMap((panel) => panel.targets ?? [])
        .map((target) => target.expr)
        .join('\n')
    const expectations: Record<string, string[]> = {
      'jackpot-service-overview': [
        'http_server_request_duration_seconds_count',
        'http_server_request_duration_seconds_bucket',
        'nodejs_eventloop_delay_p99_seconds',
        'http_server_active_requests',
      ],
      'jackpot-business': [
        'jackpot_pool_amount_cents',
        'jackpot_contributions_total',
        'jackpot_wins_total',
        'jackpot_paid_out_cents_total',
        'jackpot_contributed_cents_total',
        'jackpot_ledger_verified_timestamp_seconds',
        'jackpot_ledger_mismatches_total',
      ],
      'jackpot-dependencies': [
        'db_client_operation_duration_seconds_bucket',
        'circuit_breaker_state',
        'cache_requests_total',
        'cache_l2_errors_total',
        'edge_requests_total',
      ],
      'jackpot-runtime': [
        'process_memory_usage_bytes',
        'process_cpu_time_seconds_total',
        'nodejs_eventloop_delay_mean_seconds',
      ],
    }
    for (const [uid, metrics] of Object.entries(expectations)) {
      for (const metric of metrics) expect(metricsOf(uid), uid).toContain(metric)
    }
  })

  test('show money in currency units, firing alerts on the overview and pools, and link to each other', () => {
    for (const { dashboard } of dashboards) {
      for (const panel of queryPanels(dashboard)) {
        const money = (panel.targets ?? []).some((t) => /_cents/.test(t.expr) && t.expr.includes('/ 100'))
        if (money)
          expect(panel.fieldConfig?.defaults.unit, `${dashboard.title}: ${panel.title}`).toStartWith(
            'currency',
          )
      }
      expect(JSON.stringify(dashboard.links)).toContain('"keepTime":true')
    }
    for (const uid of ['jackpot-service-overview', 'jackpot-business']) {
      const annotations = dashboards.find((d) => d.dashboard.uid === uid)!.dashboard.annotations.list
      expect(annotations.map((a) => a.expr)).toContain('ALERTS{alertstate="firing"}')
    }
    const overview = dashboards.find((d) => d.dashboard.uid === 'jackpot-service-overview')!.dashboard
    const exprs = queryPanels(overview).flatMap((p) => (p.targets ?? []).map((t) => t.expr))
    expect(exprs.some((e) => e.includes('job:slo_errors_per_request:ratio_rate3d'))).toBe(true)
    expect(exprs.some((e) => e.includes('job:slo_errors_per_request:ratio_rate1h'))).toBe(true)
  })

  test('link to each other: every dashboard carries the tags the dashboards link lists', () => {
    for (const { dashboard } of dashboards) {
      const links = dashboard.links as { type: string; tags: string[]; includeVars?: boolean }[]
      const list = links.find((link) => link.type === 'dashboards')
      expect(list, dashboard.title).toBeDefined()
      expect(list?.includeVars, dashboard.title).toBe(true)
      // Grafana lists the dashboards carrying all of the link's tags: so every other one.
      for (const other of dashboards)
        for (const tag of list?.tags ?? []) expect(other.dashboard.tags, other.dashboard.title).toContain(tag)
    }
  })

  test('panels link to the runbooks of the alerts they show, and every alert has such a panel', () => {
    const alertNames = allRules().flatMap((rule) => (rule.alert === undefined ? [] : [rule.alert]))
    const linked = new Set<string>()
    for (const { dashboard } of dashboards) {
      for (const panel of queryPanels(dashboard)) {
        const where = `${dashboard.title}: ${panel.title}`
        for (const link of panel.links ?? []) {
          const file = runbookFile(link.url)
          expect(file, `${where}: ${link.url}`).toBeDefined()
          expect(existsSync(join(REPO_ROOT, 'ops/runbooks', file ?? '')), `${where}: ${link.url}`).toBe(true)
          linked.add(file?.replace(/\.md$/, '') ?? '')
        }
        // A panel whose text names an alert is where that alert is read: it links the runbook.
        const text = `${panel.title} ${panel.description ?? ''}`
        for (const alert of alertNames.filter((name) => new RegExp(`\\b${name}\\b`).test(text)))
          expect(
            (panel.links ?? []).map((link) => link.url),
            `${where} names ${alert}`,
          ).toContainEqual(expect.stringContaining(`/${alert}.md`))
      }
    }
    // An alert no panel shows: give the panel with its signal `alerts: ['<name>']` in ops/grafana/build.
    expect(alertNames.filter((name) => !linked.has(name))).toEqual([])
  })

  test('lay panels out without overlaps inside the 24-column grid', () => {
    for (const { dashboard } of dashboards) {
      const boxes = dashboard.panels.map((panel) => panel.gridPos)
      for (const [i, a] of boxes.entries()) {
        expect(a.x + a.w).toBeLessThanOrEqual(24)
        for (const b of boxes.slice(i + 1)) {
          const overlap = a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
          expect(overlap, `${dashboard.title}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`).toBe(false)
        }
      }
    }
  })

  // Live data is ops/verify's job; this catches PromQL syntax errors without a
  // Prometheus: every query, variables substituted, as a recording rule for promtool.
  test('every panel query is valid PromQL once variables are substituted', () => {
    const queries = dashboardQueries()
    expect(queries.length).toBeGreaterThan(30)
    const values = {
      instance: ['server-1:3000', 'server-2:3000'],
      rateInterval: '40s',
      interval: '10s',
      range: '1h',
    }
    const rules = queries.map((query, index) => {
      const expr = substituteVariables(query.expr, values)
      expect(leftoverVariables(expr), `${query.dashboard}: ${query.panel}`).toEqual([])
      return { record: `panel:query_${index}`, expr }
    })
    const dir = mkdtempSync(join(tmpdir(), 'jackpot-dashboards-'))
    try {
      const file = join(dir, 'panels.yml')
      // JSON is valid YAML: no hand-rolled YAML quoting of PromQL.
      writeFileSync(file, JSON.stringify({ groups: [{ name: 'panels', rules }] }))
      const { exitCode, output } = runTool(['promtool', 'check', 'rules', file])
      expect(exitCode, output).toBe(0)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('substituteVariables', () => {
  const values = { instance: ['127.0.0.1:3000'], rateInterval: '15s', interval: '5s', range: '5m' }

  test('replaces $__rate_interval whole rather than as $__interval', () => {
    expect(substituteVariables('rate(x[$__rate_interval]) + rate(x[$__interval])', values)).toBe(
      'rate(x[15s]) + rate(x[5s])',
    )
  })

  test('escapes instance values and joins several into an alternation, like Grafana', () => {
    expect(substituteVariables('x{instance=~"$instance"}', values)).toBe(
      'x{instance=~"127\\\\.0\\\\.0\\\\.1:3000"}',
    )
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own ${name} variable syntax
    expect(substituteVariables('x{instance=~"${instance}"}', { ...values, instance: ['a:1', 'b:2'] })).toBe(
      'x{instance=~"(a:1|b:2)"}',
    )
  })
})
