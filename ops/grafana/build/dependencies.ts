import { SLA } from '../../../loadtests/sla.ts'
import { EDGE_HIT_STATUSES } from '../../edge-metrics/edge-log-line.ts'
import { type DashboardSpec, EDGE, SERVER } from './dashboard-builder.ts'

const RATE = '[$__rate_interval]'
/** Edge answers from the pool-read cache (every other location logs cache status NONE). */
const EDGE_CACHED = `${EDGE}, cache_status!="NONE"`
const EDGE_HITS = `${EDGE}, cache_status=~"${EDGE_HIT_STATUSES.join('|')}"`

/** Database, circuit breakers, multi-level cache and Redis. */
export const dependencies: DashboardSpec = {
  uid: 'jackpot-dependencies',
  title: 'Jackpot · Dependencies',
  description:
    'Database latency, circuit breakers, cache hit ratios per level, Redis errors, the invalidation bus and the nginx edge.',
  tags: ['dependencies'],
  rows: [
    {
      title: 'Database',
      panels: [
        {
          title: 'Database p95 by operation (alert at 2 s)',
          description: 'db.client.operation.duration p95 per operation; DatabaseLatencyHigh fires above 2 s.',
          width: 12,
          unit: 's',
          limit: { value: 2 },
          alerts: ['DatabaseLatencyHigh'],
          queries: [
            {
              expr: `histogram_quantile(0.95, sum by (db_operation_name, le) (rate(db_client_operation_duration_seconds_bucket{${SERVER}}${RATE})))`,
              legend: '{{db_operation_name}}',
            },
          ],
        },
        {
          title: 'Database operations per second',
          description: 'Operations per second by name; failed ones carry error_type.',
          width: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (db_operation_name) (rate(db_client_operation_duration_seconds_count{${SERVER}}${RATE}))`,
              legend: '{{db_operation_name}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Circuit breakers',
      panels: [
        {
          title: 'Replicas per breaker state',
          description: 'How many replicas see each breaker closed, open, half-open or isolated.',
          width: 12,
          alerts: ['CircuitBreakerOpen'],
          decimals: 0,
          queries: [
            {
              expr: `sum by (breaker, state) (circuit_breaker_state{${SERVER}})`,
              legend: '{{breaker}} {{state}}',
            },
          ],
        },
        {
          title: 'Breaker calls per second by outcome',
          description: 'success, failure, slow_success, slow_failure, rejected (open), timeout.',
          width: 12,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (breaker, outcome) (rate(circuit_breaker_calls_total{${SERVER}}${RATE}))`,
              legend: '{{breaker}} {{outcome}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Cache',
      panels: [
        {
          title: `Hit ratio per cache and level (SLA > ${SLA.minPoolCacheHitRatio * 100} %)`,
          description: 'Hits over lookups at each level: L1 in memory, L2 in Redis (L2 only sees L1 misses).',
          width: 12,
          unit: 'percentunit',
          min: 0,
          max: 1,
          limit: { value: SLA.minPoolCacheHitRatio, above: 'good' },
          queries: [
            {
              expr: `(sum by (cache, level) (rate(cache_requests_total{${SERVER}, result="hit"}${RATE})) or sum by (cache, level) (rate(cache_requests_total{${SERVER}}${RATE})) * 0) / sum by (cache, level) (rate(cache_requests_total{${SERVER}}${RATE}))`,
              legend: '{{cache}} {{level}}',
            },
          ],
        },
        {
          title: 'Overall hit ratio per cache',
          description: 'A hit at either level over all lookups (every lookup starts at L1).',
          width: 12,
          alerts: ['CacheHitRatioLow'],
          unit: 'percentunit',
          min: 0,
          max: 1,
          limit: { value: SLA.minPoolCacheHitRatio, above: 'good' },
          queries: [
            {
              expr: `(sum by (cache) (rate(cache_requests_total{${SERVER}, result="hit"}${RATE})) or sum by (cache) (rate(cache_requests_total{${SERVER}, level="l1"}${RATE})) * 0) / sum by (cache) (rate(cache_requests_total{${SERVER}, level="l1"}${RATE}))`,
              legend: '{{cache}}',
            },
          ],
        },
        {
          title: 'Factory calls per second',
          description:
            'Loads from the source of truth after a miss at every level (single-flight: one per key).',
          width: 8,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cache) (rate(cache_factory_calls_total{${SERVER}}${RATE}))`,
              legend: '{{cache}}',
            },
          ],
        },
        {
          title: 'Redis (L2) errors per second',
          description:
            'L2 failures (timeouts, connection loss, breaker rejections); L1 keeps serving meanwhile.',
          width: 8,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cache) (rate(cache_l2_errors_total{${SERVER}}${RATE})) or sum by (cache) (rate(cache_requests_total{${SERVER}, level="l2"}${RATE})) * 0`,
              legend: '{{cache}}',
            },
          ],
        },
        {
          title: 'Invalidation bus messages per second',
          description: 'Cross-replica L1 invalidations sent and received over Redis pub/sub.',
          width: 8,
          unit: 'ops',
          queries: [
            {
              expr: `sum by (cache, direction) (rate(cache_bus_messages_total{${SERVER}}${RATE}))`,
              legend: '{{cache}} {{direction}}',
            },
          ],
        },
      ],
    },
    {
      title: 'Edge (nginx)',
      panels: [
        {
          title: `Edge hit ratio on pool reads (SLA > ${SLA.minPoolCacheHitRatio * 100} %)`,
          description:
            'Pool reads the edge answered from its cache (HIT, or STALE/UPDATING while it refreshes) over all pool reads it saw. ' +
            'From the edge access log via ops/edge-metrics (job jackpot-edge); the server never sees these requests.',
          width: 12,
          unit: 'percentunit',
          min: 0,
          max: 1,
          limit: { value: SLA.minPoolCacheHitRatio, above: 'good' },
          queries: [
            {
              expr: `(sum(rate(edge_requests_total{${EDGE_HITS}}${RATE})) or sum(rate(edge_requests_total{${EDGE_CACHED}}${RATE})) * 0) / sum(rate(edge_requests_total{${EDGE_CACHED}}${RATE}))`,
              legend: 'edge hit ratio',
            },
          ],
        },
        {
          title: 'Edge answers per second by cache status',
          description:
            'NONE: not a cached location (writes, health, docs). MISS/EXPIRED/REVALIDATED reached a replica.',
          width: 12,
          unit: 'reqps',
          queries: [
            {
              expr: `sum by (cache_status) (rate(edge_requests_total{${EDGE}}${RATE}))`,
              legend: '{{cache_status}}',
            },
          ],
        },
      ],
    },
  ],
}
