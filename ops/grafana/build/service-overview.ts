import { OPERATIONS, type Operation, SLA } from '../../../loadtests/sla.ts'
import { type DashboardSpec, type PanelSpec, SERVER } from './dashboard-builder.ts'

const API = `${SERVER}, http_route=~"/api/.+"`
const RATE = '[$__rate_interval]'

/** `http_route` + method selector of one SLA operation, the same one the recording rules use. */
export function operationSelector(operation: Operation): string {
  const { method, routes } = OPERATIONS[operation]
  const route = routes.length === 1 ? `http_route="${routes[0]}"` : `http_route=~"${routes.join('|')}"`
  return `${SERVER}, ${route}, http_request_method="${method}"`
}

const OPERATION_TITLES: Record<Operation, string> = {
  contribution: 'Contribution',
  win: 'Win',
  pool_query: 'Pool query',
}

function slaPanel(operation: Operation): PanelSpec {
  const { p95Ms } = OPERATIONS[operation]
  return {
    title: `${OPERATION_TITLES[operation]} p95 (SLA < ${p95Ms} ms)`,
    description: `95th percentile of ${OPERATIONS[operation].method} ${OPERATIONS[operation].routes.join(', ')} against the SLA from loadtests/sla.ts (red line).`,
    width: 8,
    unit: 's',
    limit: { value: p95Ms / 1000 },
    alerts: ['LatencyBudgetBurnFast', 'LatencyBudgetBurnSlow'],
    queries: [
      {
        expr: `histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{${operationSelector(operation)}}${RATE})))`,
        legend: 'p95',
      },
    ],
  }
}

/** RED per route, p95 per SLA operation, error ratio, saturation. */
export const serviceOverview: DashboardSpec = {
  uid: 'jackpot-service-overview',
  title: 'Jackpot · Service overview',
  description: 'Rate, errors and duration per route; SLA operations against their targets; saturation.',
  tags: ['service'],
  alertAnnotations: true,
  rows: [
    {
      title: 'Error budget (availability SLO: 5xx < 0.1 % of API requests)',
      panels: [
        {
          title: 'Error budget remaining (last 3 d)',
          description:
            'Share of the error budget left, judged over the longest recorded SLO window (job:slo_errors_per_request:ratio_rate3d). Below 0: the SLO is broken for that window.',
          width: 8,
          kind: 'stat',
          unit: 'percentunit',
          decimals: 1,
          limit: { value: 0, above: 'good' },
          alerts: ['ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'],
          queries: [
            {
              expr: `1 - max(job:slo_errors_per_request:ratio_rate3d{job="jackpot-server"}) / ${SLA.maxErrorRate}`,
              legend: 'remaining',
            },
          ],
        },
        {
          title: 'Error budget burn rate',
          description:
            'How many times faster than sustainable the budget burns, per window. ErrorBudgetBurnFast pages at 14.4× (1 h and 5 m) or 6× (6 h and 30 m); ErrorBudgetBurnSlow tickets at 3× (1 d and 2 h).',
          width: 16,
          unit: 'short',
          limit: { value: 14.4 },
          alerts: ['ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'],
          queries: [
            {
              expr: `max(job:slo_errors_per_request:ratio_rate5m{job="jackpot-server"}) / ${SLA.maxErrorRate}`,
              legend: '5m',
            },
            {
              expr: `max(job:slo_errors_per_request:ratio_rate1h{job="jackpot-server"}) / ${SLA.maxErrorRate}`,
              legend: '1h',
            },
            {
              expr: `max(job:slo_errors_per_request:ratio_rate6h{job="jackpot-server"}) / ${SLA.maxErrorRate}`,
              legend: '6h',
            },
            {
              expr: `max(job:slo_errors_per_request:ratio_rate1d{job="jackpot-server"}) / ${SLA.maxErrorRate}`,
              legend: '1d',
            },
          ],
        },
      ],
    },
    {
      title: 'SLAs',
      panels: [
        slaPanel('contribution'),
        slaPanel('win'),
        slaPanel('pool_query'),
        {
          title: `API error ratio (SLA < ${SLA.maxErrorRate * 100} %)`,
          description: 'Share of /api answers that are 5xx. Health checks and /metrics are left out.',
          width: 12,
          unit: 'percentunit',
          limit: { value: SLA.maxErrorRate },
          alerts: ['ErrorRateHigh', 'ErrorRateCritical'],
          queries: [
            {
              expr: `(sum(rate(http_server_request_duration_seconds_count{${API}, http_response_status_code=~"5.."}${RATE})) or sum(rate(http_server_request_duration_seconds_count{${API}}${RATE})) * 0) / sum(rate(http_server_request_duration_seconds_count{${API}}${RATE}))`,
              legend: '5xx ratio',
            },
          ],
        },
        {
          title: 'API requests per second',
          description: 'All /api requests per second over the selected replicas.',
          width: 6,
          kind: 'stat',
          unit: 'reqps',
          queries: [
            { expr: `sum(rate(http_server_request_duration_seconds_count{${API}}${RATE}))`, legend: 'req/s' },
          ],
        },
        {
          title: 'API p95 (alerts at 500 ms / 1 s)',
          description:
            'p95 over every /api route; ResponseTimeHigh warns above 500 ms, ResponseTimeCritical pages above 1 s.',
          width: 6,
          kind: 'stat',
          unit: 's',
          limit: { value: 0.5 },
          alerts: ['ResponseTimeHigh', 'ResponseTimeCritical'],
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (le) (rate(http_server_request_duration_seconds_bucket{${API}}${RATE})))`,
              legend: 'p95',
            },
          ],
        },
      ],
    },
    {
      title: 'Per route (RED)',
      panels: [
        {
          title: 'Requests per second by route',
          description: 'Rate: requests per second by method and route template.',
          width: 8,
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${SERVER}}${RATE}))`,
              legend: '{{http_request_method}} {{http_route}}',
            },
          ],
        },
        {
          title: '5xx per second by route',
          description: 'Errors: server errors per second by route (0 when a route has none).',
          width: 8,
          unit: 'reqps',
          alerts: ['ErrorRateHigh', 'ErrorRateCritical'],
          queries: [
            {
              expr: `sum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${SERVER}, http_response_status_code=~"5.."}${RATE})) or sum by (http_request_method, http_route) (rate(http_server_request_duration_seconds_count{${SERVER}}${RATE})) * 0`,
              legend: '{{http_request_method}} {{http_route}}',
            },
          ],
        },
        {
          title: 'p95 duration by route',
          description: 'Duration: 95th percentile per route.',
          width: 8,
          unit: 's',
          alerts: ['ResponseTimeHigh', 'ResponseTimeCritical'],
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (http_request_method, http_route, le) (rate(http_server_request_duration_seconds_bucket{${SERVER}}${RATE})))`,
              legend: '{{http_request_method}} {{http_route}}',
            },
          ],
        },
        {
          title: 'Responses per second by status',
          description: 'Every answer by status code: 4xx are client mistakes or rate limits, 5xx are ours.',
          width: 12,
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (http_response_status_code) (rate(http_server_request_duration_seconds_count{${SERVER}}${RATE}))`,
              legend: '{{http_response_status_code}}',
            },
          ],
        },
        {
          title: 'Rate-limit decisions per second',
          description:
            'Requests allowed and limited (429) per route group, shared across replicas through Redis.',
          width: 12,
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (group, decision) (rate(rate_limit_decisions_total{${SERVER}}${RATE}))`,
              legend: '{{group}} {{decision}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Saturation',
      panels: [
        {
          title: 'Event-loop delay p99',
          description: 'How long ready callbacks wait: CPU-bound work or GC pauses show here first.',
          width: 12,
          unit: 's',
          queries: [
            {
              expr: `max by (instance) (nodejs_eventloop_delay_p99_seconds{${SERVER}})`,
              legend: '{{instance}}',
            },
          ],
        },
        {
          title: 'Active requests',
          description: 'Requests in flight per replica: queueing shows as a rising line.',
          width: 12,
          unit: 'short',
          queries: [
            { expr: `sum by (instance) (http_server_active_requests{${SERVER}})`, legend: '{{instance}}' },
          ],
        },
      ],
    },
  ],
}
