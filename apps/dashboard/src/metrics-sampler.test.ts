import { describe, expect, test } from 'bun:test'
import { MetricsSampler } from './metrics-sampler.ts'

/** `/metrics` text of a server that answered `pools` pool reads (all in ≤ 5 ms) and `errors` 5xx contributions. */
function metricsText({
  pools,
  errors,
  hits = 0,
  misses = 0,
}: {
  pools: number
  errors: number
  hits?: number
  misses?: number
}) {
  const route = 'http_request_method="GET",http_response_status_code="200",http_route="/api/v1/pools"'
  const failed =
    'http_request_method="POST",http_response_status_code="503",http_route="/api/v1/contributions"'
  return [
    `http_server_request_duration_seconds_count{${route}} ${pools}`,
    `http_server_request_duration_seconds_bucket{${route},le="0.005"} ${pools}`,
    `http_server_request_duration_seconds_bucket{${route},le="+Inf"} ${pools}`,
    `http_server_request_duration_seconds_count{${failed}} ${errors}`,
    `http_server_request_duration_seconds_count{http_request_method="GET",http_response_status_code="200",http_route="/health"} 999`,
    `cache_requests_total{cache="pools",level="l1",result="hit"} ${hits}`,
    `cache_requests_total{cache="pools",level="l1",result="miss"} ${misses}`,
    'circuit_breaker_state{breaker="database",state="closed"} 1',
    'circuit_breaker_state{breaker="database",state="open"} 0',
    'jackpot_pool_stream_subscribers 3',
  ].join('\n')
}

function scripted(texts: (string | Error)[]) {
  let now = 0
  let index = 0
  const sampler = new MetricsSampler({
    now: () => now,
    scrape: async () => {
      const next = texts[index++]!
      if (next instanceof Error) throw next
      return next
    },
  })
  return {
    sampler,
    async scrapeAt(ms: number) {
      now = ms
      await sampler.sample()
    },
  }
}

describe('MetricsSampler', () => {
  test('turns two scrapes of API counters into requests/s, 5xx ratio and p95, leaving health out', async () => {
    const { sampler, scrapeAt } = scripted([
      metricsText({ pools: 100, errors: 0 }),
      metricsText({ pools: 190, errors: 10, hits: 95, misses: 5 }),
    ])
    await scrapeAt(0)
    expect(sampler.points()).toEqual([])
    await scrapeAt(5_000)
    const [point] = sampler.points()
    expect(point?.requestsPerSecond).toBe(20) // (90 reads + 10 errors) / 5 s
    expect(point?.errorRate).toBe(0.1)
    expect(point?.p95Ms.pool_query).toBeCloseTo(4.75) // 95th of 90 in (0, 5 ms]
    expect(point?.p95Ms.contribution).toBeNull() // no contribution buckets
    expect(sampler.summary()).toMatchObject({
      cacheHitRatio: 0.95,
      breakers: [{ name: 'database', state: 'closed' }],
      streamSubscribers: 3,
      error: null,
    })
  })

  test('reports a failed scrape and starts afresh instead of averaging across the gap', async () => {
    const { sampler, scrapeAt } = scripted([
      metricsText({ pools: 100, errors: 0 }),
      new Error('connection refused'),
      metricsText({ pools: 5, errors: 0 }),
      metricsText({ pools: 15, errors: 0 }),
    ])
    await scrapeAt(0)
    await scrapeAt(5_000)
    expect(sampler.summary().error).toBe('connection refused')
    await scrapeAt(10_000) // a restarted server: counters from zero
    expect(sampler.points()).toEqual([])
    await scrapeAt(15_000)
    expect(sampler.points().map((p) => p.requestsPerSecond)).toEqual([2])
    expect(sampler.summary().error).toBeNull()
  })
})
