import { describe, expect, test } from 'bun:test'
import { OPERATIONS, SLA, slaThresholds } from './sla.ts'

describe('slaThresholds', () => {
  test('holds each operation to its own p95 and every script to the error budgets', () => {
    expect(slaThresholds(['contribution', 'pool_query'])).toEqual({
      'http_req_duration{operation:contribution}': [`p(95)<${OPERATIONS.contribution.p95Ms}`],
      'http_req_duration{operation:pool_query}': [`p(95)<${OPERATIONS.pool_query.p95Ms}`],
      http_req_failed: [`rate<${SLA.maxErrorRate}`],
      timeouts: [`rate<${SLA.maxTimeoutRate}`],
    })
  })

  test('adds the draw-rush p95 over every request and the cache hit ratio on request', () => {
    const thresholds = slaThresholds(['win'], { drawRush: true, poolCacheHits: true })
    expect(thresholds.http_req_duration).toEqual([`p(95)<${SLA.drawRush.p95Ms}`])
    expect(thresholds.pool_cache_hits).toEqual([`rate>${SLA.minPoolCacheHitRatio}`])
  })

  test('writes numbers the way k6 parses them, never in exponent notation', () => {
    const conditions = Object.values(slaThresholds(['contribution'], { poolCacheHits: true })).flat()
    for (const condition of conditions) expect(condition).toMatch(/^(p\(95\)|rate)[<>]\d+(\.\d+)?$/)
  })
})
