import { describe, expect, test } from 'bun:test'
import { OPERATIONS, SLA, slaThresholds, slaVerdict } from './sla.ts'

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

describe('slaVerdict', () => {
  const run = {
    p95Ms: { contribution: 80, pool_query: 60 },
    overallP95Ms: 70,
    requests: 10_000,
    errors: 5,
    timeouts: 2,
  }

  test('holds each measured figure against the same targets the k6 thresholds use', () => {
    const verdict = Object.fromEntries(slaVerdict(run, { drawRush: true }).map((c) => [c.name, c.held]))
    expect(verdict).toEqual({
      'contribution p95': 80 < OPERATIONS.contribution.p95Ms,
      'pool_query p95': 60 < OPERATIONS.pool_query.p95Ms,
      'every request p95': 70 < SLA.drawRush.p95Ms,
      errors: 5 / 10_000 < SLA.maxErrorRate,
      timeouts: 2 / 10_000 < SLA.maxTimeoutRate,
    })
    expect(verdict['pool_query p95']).toBe(false)
  })

  test('a run without requests holds nothing', () => {
    const verdict = slaVerdict({ p95Ms: {}, overallP95Ms: 0, requests: 0, errors: 0, timeouts: 0 })
    expect(verdict.map((check) => check.held)).toEqual([false, false])
  })
})
