/**
 * The service-level targets of DESIGN.md ("SLAs"), in one place. Every k6
 * script takes its thresholds from here, and so do the benchmarks and the
 * Grafana dashboards' SLA lines (ops/grafana). The Prometheus rules cannot
 * import TypeScript; ops/test/sla-consistency.test.ts fails when they drift.
 *
 * Pure data and functions: k6 and Bun both load this file.
 */

/** An operation with its own latency SLA; the k6 `operation` tag and the recording rules' `operation` label. */
export type Operation = 'contribution' | 'win' | 'pool_query'

export interface OperationSla {
  /** HTTP method and Elysia route template, as in the `http_route` metric label. */
  method: 'GET' | 'POST'
  routes: readonly string[]
  /** The 95th percentile must stay under this, in milliseconds. */
  p95Ms: number
}

export const OPERATIONS: Readonly<Record<Operation, OperationSla>> = {
  contribution: { method: 'POST', routes: ['/api/v1/contributions'], p95Ms: 100 },
  win: { method: 'POST', routes: ['/api/v1/wins'], p95Ms: 150 },
  pool_query: { method: 'GET', routes: ['/api/v1/pools', '/api/v1/pools/:slug'], p95Ms: 50 },
}

export const SLA = {
  operations: OPERATIONS,
  /** Any endpoint under the draw-rush profile. */
  drawRush: { p95Ms: 200, concurrentUsers: 500 },
  /** Share of requests that may fail (5xx or no answer): 0.1 %. */
  maxErrorRate: 0.001,
  /** Share of requests that may time out: 0.01 %. */
  maxTimeoutRate: 0.0001,
  /** Pool reads served from a cache: at least 80 %, aiming for 99 %. */
  minPoolCacheHitRatio: 0.8,
  aimPoolCacheHitRatio: 0.99,
} as const

/** k6 threshold map: metric expression → conditions (the shape of `options.thresholds`). */
export type Thresholds = Record<string, string[]>

/** Names of the custom k6 metrics the scripts record (loadtests/lib/metrics.ts). */
export const K6_METRICS = {
  timeouts: 'timeouts',
  poolCacheHits: 'pool_cache_hits',
} as const

/**
 * The k6 thresholds for a script exercising the given operations: p95 per
 * operation (requests tagged `operation`), the error and timeout rates, and
 * optionally the draw-rush p95 over every request and the pool cache hit ratio.
 *
 * @example
 * export const options = { thresholds: slaThresholds(['contribution']) }
 * // { 'http_req_duration{operation:contribution}': ['p(95)<100'], http_req_failed: ['rate<0.001'], timeouts: ['rate<0.0001'] }
 */
export function slaThresholds(
  operations: readonly Operation[],
  options: { drawRush?: boolean; poolCacheHits?: boolean } = {},
): Thresholds {
  const thresholds: Thresholds = {}
  for (const operation of operations) {
    thresholds[`http_req_duration{operation:${operation}}`] = [`p(95)<${OPERATIONS[operation].p95Ms}`]
  }
  if (options.drawRush) thresholds.http_req_duration = [`p(95)<${SLA.drawRush.p95Ms}`]
  thresholds.http_req_failed = [`rate<${SLA.maxErrorRate}`]
  thresholds[K6_METRICS.timeouts] = [`rate<${SLA.maxTimeoutRate}`]
  if (options.poolCacheHits) thresholds[K6_METRICS.poolCacheHits] = [`rate>${SLA.minPoolCacheHitRatio}`]
  return thresholds
}
