import { runbookUrl } from '../../runbooks/runbook-url.ts'
import {
  type AnnotationQuery,
  DATASOURCE,
  type Dashboard,
  type Panel,
  type PanelLink,
  type PanelTarget,
  type TemplateVariable,
  type Threshold,
} from './grafana-model.ts'

/** A query of a panel: PromQL and the series name shown in the legend. */
export interface QuerySpec {
  expr: string
  legend?: string
}

/** What a dashboard definition says about one panel; layout and ids are filled in. */
export interface PanelSpec {
  title: string
  description: string
  queries: QuerySpec[]
  /** Grafana unit id, e.g. 's', 'reqps', 'percentunit', 'bytes'. Defaults to 'short'. */
  unit?: string
  /** Width in grid columns (24 across). Defaults to 12. */
  width?: number
  /** 'timeseries' (default) or 'stat' for a single current figure. */
  kind?: 'timeseries' | 'stat'
  /** A red line (timeseries) or colour change (stat) at this value: the SLA or alert threshold. */
  limit?: { value: number; above?: 'bad' | 'good' }
  decimals?: number
  min?: number
  max?: number
  /**
   * Alerts this panel shows the signal of (alert names in ops/prometheus/rules).
   * Each becomes a link in the panel header to the alert's runbook, so the page
   * that explains a red line is one click from it. Defaults to none.
   */
  alerts?: string[]
}

export interface RowSpec {
  title: string
  panels: PanelSpec[]
}

export interface DashboardSpec {
  uid: string
  title: string
  description: string
  tags: string[]
  rows: RowSpec[]
  /** Draw Prometheus's firing alerts (the ALERTS series) on the time series. Defaults to false. */
  alertAnnotations?: boolean
}

/**
 * Firing alerts as annotations: Prometheus keeps an `ALERTS` series per firing
 * alert, so a spike on a panel lines up with the alert it caused.
 */
export const ALERT_ANNOTATION: AnnotationQuery = {
  name: 'Firing alerts',
  datasource: DATASOURCE,
  enable: true,
  iconColor: 'red',
  expr: 'ALERTS{alertstate="firing"}',
  step: '60s',
  titleFormat: '{{alertname}}',
  textFormat: '{{severity}}{{operation}}',
  tagKeys: 'alertname,severity',
  useValueForTime: false,
}

/** Panel heights in grid units. */
const HEIGHT = { timeseries: 8, stat: 4 } as const

/**
 * Every dashboard's instance picker: the scraped server replicas. Panels
 * filter with `instance=~"$instance"`; "All" matches every replica.
 */
export const INSTANCE_QUERY = 'label_values(up{job="jackpot-server"}, instance)'

/** The selector every server panel starts from. */
export const SERVER = 'job="jackpot-server", instance=~"$instance"'

/** The nginx edge (ops/edge-metrics): one per stack, not a server replica, so no instance filter. */
export const EDGE = 'job="jackpot-edge"'

function instanceVariable(): TemplateVariable {
  return {
    name: 'instance',
    label: 'Instance',
    type: 'query',
    datasource: DATASOURCE,
    definition: INSTANCE_QUERY,
    query: { query: INSTANCE_QUERY, refId: 'PrometheusVariableQueryEditor-VariableQuery', qryType: 1 },
    // 2 = on time range change, so new replicas show up without a reload.
    refresh: 2,
    includeAll: true,
    multi: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
    regex: '',
    options: [],
  }
}

function thresholds(limit: PanelSpec['limit']): { mode: 'absolute'; steps: Threshold[] } {
  if (!limit) return { mode: 'absolute', steps: [{ color: 'green', value: null }] }
  const [below, above] = limit.above === 'good' ? ['red', 'green'] : ['green', 'red']
  return {
    mode: 'absolute',
    steps: [
      { color: below, value: null },
      { color: above, value: limit.value },
    ],
  }
}

function targets(queries: QuerySpec[], instant: boolean): PanelTarget[] {
  return queries.map((query, index) => ({
    refId: String.fromCharCode(65 + index),
    datasource: DATASOURCE,
    expr: query.expr,
    legendFormat: query.legend ?? '__auto',
    range: !instant,
    instant,
  }))
}

/** A runbook link per alert, opening in a new tab so the dashboard stays put. */
function runbookLinks(alerts: string[]): PanelLink[] {
  return alerts.map((alert) => ({ title: `Runbook: ${alert}`, url: runbookUrl(alert), targetBlank: true }))
}

function panel(spec: PanelSpec, id: number, x: number, y: number): Panel {
  const kind = spec.kind ?? 'timeseries'
  const defaults: Record<string, unknown> = {
    unit: spec.unit ?? 'short',
    thresholds: thresholds(spec.limit),
    ...(spec.decimals !== undefined ? { decimals: spec.decimals } : {}),
    ...(spec.min !== undefined ? { min: spec.min } : {}),
    ...(spec.max !== undefined ? { max: spec.max } : {}),
  }
  if (kind === 'timeseries') {
    defaults.color = { mode: 'palette-classic' }
    defaults.custom = {
      drawStyle: 'line',
      lineWidth: 1,
      fillOpacity: 10,
      showPoints: 'never',
      spanNulls: false,
      thresholdsStyle: { mode: spec.limit ? 'line' : 'off' },
    }
  } else {
    defaults.color = { mode: 'thresholds' }
  }
  return {
    id,
    type: kind,
    title: spec.title,
    description: spec.description,
    datasource: DATASOURCE,
    gridPos: { x, y, w: spec.width ?? 12, h: HEIGHT[kind] },
    targets: targets(spec.queries, kind === 'stat'),
    ...(spec.alerts?.length ? { links: runbookLinks(spec.alerts) } : {}),
    fieldConfig: { defaults, overrides: [] },
    options:
      kind === 'timeseries'
        ? {
            legend: { displayMode: 'list', placement: 'bottom', showLegend: true },
            tooltip: { mode: 'multi', sort: 'desc' },
          }
        : {
            reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
            colorMode: 'value',
            graphMode: 'area',
            textMode: 'auto',
            justifyMode: 'auto',
            orientation: 'auto',
          },
  }
}

/**
 * Turns a dashboard definition into Grafana's JSON model: rows stacked
 * top to bottom, each row's panels flowing left to right across 24 columns,
 * every panel on the provisioned datasource uid, ids stable across builds.
 *
 * @example
 * const json = buildDashboard({ uid: 'jackpot-runtime', title: 'Runtime', description: '', tags: [], rows: [] })
 */
export function buildDashboard(spec: DashboardSpec): Dashboard {
  const panels: Panel[] = []
  let id = 1
  let y = 0
  for (const row of spec.rows) {
    panels.push({
      id: id++,
      type: 'row',
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: 24, h: 1 },
      panels: [],
    })
    y += 1
    let x = 0
    let rowHeight = 0
    for (const item of row.panels) {
      const width = item.width ?? 12
      if (x + width > 24) {
        y += rowHeight
        x = 0
        rowHeight = 0
      }
      const built = panel(item, id++, x, y)
      panels.push(built)
      x += width
      rowHeight = Math.max(rowHeight, built.gridPos.h)
    }
    y += rowHeight
  }
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: ['jackpot', ...spec.tags],
    timezone: 'browser',
    editable: false,
    // Shared crosshair: a spike lines up across panels.
    graphTooltip: 1,
    refresh: '10s',
    schemaVersion: 39,
    version: 1,
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [instanceVariable()] },
    annotations: { list: spec.alertAnnotations ? [ALERT_ANNOTATION] : [] },
    // Every dashboard links to the others, keeping the time range and the instance selection.
    links: [
      {
        title: 'Jackpot dashboards',
        type: 'dashboards',
        tags: ['jackpot'],
        asDropdown: false,
        includeVars: true,
        keepTime: true,
      },
    ],
    panels,
  }
}
