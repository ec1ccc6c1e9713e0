/// <reference types="k6" />
/**
 * The requests the scripts send, each tagged with its SLA `operation`
 * (loadtests/sla.ts) so thresholds apply per operation.
 */
import { check } from 'k6'
import http, { type RefinedResponse, type ResponseType } from 'k6/http'
import { Rate } from 'k6/metrics'
import { K6_METRICS, type Operation } from '../sla.ts'
import type { Target } from './target.ts'

/** Share of requests that timed out (k6 error code 1050). */
const timeouts = new Rate(K6_METRICS.timeouts)
/** Share of pool reads the edge answered from its cache (X-Cache-Status HIT/STALE/UPDATING/REVALIDATED). */
const poolCacheHits = new Rate(K6_METRICS.poolCacheHits)

const EDGE_HITS = new Set(['HIT', 'STALE', 'UPDATING', 'REVALIDATED'])
const REQUEST_TIMEOUT = '10s'

function record(response: RefinedResponse<ResponseType | undefined>, expected: number, what: string): void {
  timeouts.add(response.error_code === 1050)
  check(response, { [`${what} answers ${expected}`]: (r) => r.status === expected })
}

function uniqueKey(kind: string): string {
  return `k6-${kind}-${__VU}-${__ITER}-${Date.now()}-${Math.random().toString(36).slice(2)}`
}

function tags(operation: Operation, name: string) {
  return { operation, name }
}

export function contribute(target: Target, wagerCents: number): void {
  const response = http.post(
    `${target.baseUrl}/api/v1/contributions`,
    JSON.stringify({
      gameId: `k6-game-${__VU % 20}`,
      playerId: `k6-player-${__VU}`,
      wagerCents,
      currency: target.currency,
    }),
    {
      headers: {
        'content-type': 'application/json',
        'x-api-key': target.apiKey,
        'idempotency-key': uniqueKey('contribution'),
      },
      tags: tags('contribution', 'POST /api/v1/contributions'),
      timeout: REQUEST_TIMEOUT,
    },
  )
  record(response, 201, 'contribution')
}

export function win(target: Target, pool: string): void {
  const response = http.post(
    `${target.baseUrl}/api/v1/wins`,
    JSON.stringify({ pool, gameId: `k6-game-${__VU % 20}`, playerId: `k6-player-${__VU}` }),
    {
      headers: {
        'content-type': 'application/json',
        'x-api-key': target.apiKey,
        'idempotency-key': uniqueKey('win'),
      },
      tags: tags('win', 'POST /api/v1/wins'),
      timeout: REQUEST_TIMEOUT,
    },
  )
  record(response, 201, 'win')
}

/** `GET /api/v1/pools`, or one pool when `slug` is given. */
export function readPools(target: Target, slug?: string): void {
  const path = slug ? `/api/v1/pools/${slug}` : '/api/v1/pools'
  const response = http.get(`${target.baseUrl}${path}`, {
    tags: tags('pool_query', slug ? 'GET /api/v1/pools/:slug' : 'GET /api/v1/pools'),
    timeout: REQUEST_TIMEOUT,
  })
  record(response, 200, 'pool read')
  const cacheStatus = response.headers['X-Cache-Status']
  if (cacheStatus !== undefined) poolCacheHits.add(EDGE_HITS.has(cacheStatus))
}
