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
  /**
   * Any endpoint under the draw-rush profile; the profile holds `peakRequestsPerSecond`
   * with a 2× spike (loadtests/draw-rush-stages.ts).
   */
  drawRush: { p95Ms: 200, concurrentUsers: 500, peakRequestsPerSecond: 1000 },
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

/** What a load run measured, for {@link slaVerdict}. */
export interface MeasuredRun {
  /** p95 latency per operation the run exercised, in ms. */
  p95Ms: Partial<Record<Operation, number>>
  /** p95 over every request, in ms. */
  overallP95Ms: number
  requests: number
  /** Requests that failed: an unexpected status, no answer, or a timeout. */
  errors: number
  timeouts: number
}

/** One SLA line of a verdict. */
export interface SlaCheck {
  name: string
  limit: string
  measured: string
  held: boolean
}

/**
 * The SLA verdict for a run measured outside k6 (the benches): the same targets
 * {@link slaThresholds} gives k6, line by line.
 *
 * @example
 * slaVerdict({ p95Ms: { contribution: 12 }, overallP95Ms: 12, requests: 1000, errors: 0, timeouts: 0 }, { drawRush: true })
 */
export function slaVerdict(run: MeasuredRun, options: { drawRush?: boolean } = {}): SlaCheck[] {
  const checks: SlaCheck[] = []
  for (const [operation, p95] of Object.entries(run.p95Ms) as [Operation, number][]) {
    const limit = OPERATIONS[operation].p95Ms
    checks.push({
      name: `${operation} p95`,
      limit: `< ${limit} ms`,
      measured: `${p95.toFixed(1)} ms`,
      held: p95 < limit,
    })
  }
  if (options.drawRush) {
    const limit = SLA.drawRush.p95Ms
    checks.push({
      name: 'every request p95',
      limit: `< ${limit} ms`,
      measured: `${run.overallP95Ms.toFixed(1)} ms`,
      held: run.overallP95Ms < limit,
    })
  }
  const rate = (count: number) => (run.requests > 0 ? count / run.requests : 1)
  const percent = (value: number) => `${(value * 100).toFixed(3)} %`
  checks.push({
    name: 'errors',
    limit: `< ${percent(SLA.maxErrorRate)}`,
    measured: percent(rate(run.errors)),
    held: run.requests > 0 && rate(run.errors) < SLA.maxErrorRate,
  })
  checks.push({
    name: 'timeouts',
    limit: `< ${percent(SLA.maxTimeoutRate)}`,
    measured: percent(rate(run.timeouts)),
    held: run.requests > 0 && rate(run.timeouts) < SLA.maxTimeoutRate,
  })
  return checks
}
