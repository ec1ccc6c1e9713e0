import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { type Dashboard, queryPanels } from '../grafana/build/grafana-model.ts'

/** One PromQL query of one dashboard panel. */
export interface PanelQuery {
  dashboard: string
  panel: string
  refId: string
  /** Instant (stat panels) or range (time series). */
  instant: boolean
  /** As written in the dashboard, with Grafana variables. */
  expr: string
}

/** Values for Grafana's variables in a query, as the dashboard would send them. */
export interface VariableValues {
  /** Selected values of `$instance`; Grafana joins a multi-value selection into a regex alternation. */
  instance: string[]
  /** `$__rate_interval`, e.g. '15s'. */
  rateInterval: string
  /** `$__interval`, e.g. '5s'. */
  interval: string
  /** `$__range`, e.g. '5m'. */
  range: string
}

export const DASHBOARDS_DIR = join(import.meta.dir, '..', 'grafana', 'dashboards')

/** Every provisioned dashboard JSON, parsed, with its file name. */
export function loadDashboards(dir: string = DASHBOARDS_DIR): { file: string; dashboard: Dashboard }[] {
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, dashboard: JSON.parse(readFileSync(join(dir, file), 'utf8')) as Dashboard }))
}

/**
 * Every panel target of every dashboard in `dir`.
 *
 * @example
 * for (const query of dashboardQueries()) console.log(query.dashboard, query.panel, query.expr)
 */
export function dashboardQueries(dir: string = DASHBOARDS_DIR): PanelQuery[] {
  return loadDashboards(dir).flatMap(({ dashboard }) =>
    queryPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        dashboard: dashboard.title,
        panel: panel.title,
        refId: target.refId,
        instant: target.instant,
        expr: target.expr,
      })),
    ),
  )
}

// Grafana's Prometheus datasource escapes regex metacharacters in multi-value
// variables so "127.0.0.1:3000" matches itself only.
function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}]/g, '\\\\$&')
}

/**
 * Replaces Grafana variables the way a dashboard refresh does. Longest names
 * first, so `$__rate_interval` is not eaten by `$__interval`.
 *
 * @example
 * substituteVariables('rate(x{instance=~"$instance"}[$__rate_interval])',
 *   { instance: ['a:1'], rateInterval: '15s', interval: '5s', range: '5m' })
 * // 'rate(x{instance=~"a:1"}[15s])'
 */
export function substituteVariables(expr: string, values: VariableValues): string {
  const instance =
    values.instance.length === 1
      ? escapeRegex(values.instance[0]!)
      : `(${values.instance.map(escapeRegex).join('|')})`
  return expr
    .replaceAll('$__rate_interval', values.rateInterval)
    .replaceAll('$__interval', values.interval)
    .replaceAll('$__range', values.range)
    .replace(/\$\{instance\}|\$instance\b/g, () => instance)
}

/** Variables a query still contains after substitution: a dashboard using one verify does not know. */
export function leftoverVariables(expr: string): string[] {
  return [...expr.matchAll(/\$\{?[A-Za-z_][A-Za-z0-9_]*\}?/g)].map((match) => match[0])
}
