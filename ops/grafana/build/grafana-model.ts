/**
 * Just enough of Grafana's dashboard JSON model to generate the provisioned
 * dashboards, and to read them back in tests and in ops/verify.
 */

/** The provisioned Prometheus datasource (ops/grafana/provisioning/datasources/prometheus.yml). */
export const DATASOURCE: DatasourceRef = { type: 'prometheus', uid: 'prometheus' }

export interface DatasourceRef {
  type: string
  uid: string
}

export interface PanelTarget {
  refId: string
  datasource: DatasourceRef
  expr: string
  legendFormat: string
  range: boolean
  instant: boolean
}

export interface Threshold {
  color: string
  value: number | null
}

export interface GridPos {
  x: number
  y: number
  w: number
  h: number
}

export interface Panel {
  id: number
  type: 'timeseries' | 'stat' | 'row' | 'text'
  title: string
  description?: string
  gridPos: GridPos
  datasource?: DatasourceRef
  targets?: PanelTarget[]
  fieldConfig?: {
    defaults: Record<string, unknown>
    overrides: unknown[]
  }
  options?: Record<string, unknown>
  collapsed?: boolean
  panels?: Panel[]
  links?: PanelLink[]
}

/** A link in a panel's header menu. */
export interface PanelLink {
  title: string
  url: string
  targetBlank?: boolean
}

/** An annotation query: here, Prometheus's ALERTS series drawn on every time series panel. */
export interface AnnotationQuery {
  name: string
  datasource: DatasourceRef
  enable: boolean
  hide?: boolean
  iconColor: string
  expr?: string
  step?: string
  titleFormat?: string
  textFormat?: string
  tagKeys?: string
  useValueForTime?: boolean
  builtIn?: number
  type?: string
}

export interface TemplateVariable {
  name: string
  label: string
  type: 'query'
  datasource: DatasourceRef
  definition: string
  query: { query: string; refId: string; qryType: number }
  refresh: number
  includeAll: boolean
  multi: boolean
  allValue: string
  current: Record<string, unknown>
  sort: number
  regex: string
  options: unknown[]
}

export interface Dashboard {
  uid: string
  title: string
  description: string
  tags: string[]
  timezone: string
  editable: boolean
  graphTooltip: number
  refresh: string
  schemaVersion: number
  version: number
  time: { from: string; to: string }
  templating: { list: TemplateVariable[] }
  annotations: { list: AnnotationQuery[] }
  links: unknown[]
  panels: Panel[]
}

/** Every panel that queries Prometheus, rows included or not. */
export function queryPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => (panel.type === 'row' ? (panel.panels ?? []) : [panel]))
}
