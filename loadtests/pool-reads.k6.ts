/// <reference types="k6" />
/**
 * Players' screens polling pool amounts, the hottest read: holds the pool
 * query SLA and, through the edge, the cache hit ratio. An open model: reads
 * arrive at RATE per second whether or not the server keeps up (a closed loop
 * of VUs would slow down with the server and hide its queueing).
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=… loadtests/pool-reads.k6.ts
 * Against a replica directly (no edge, no X-Cache-Status), the hit-ratio threshold has no samples.
 */

import type { Options } from 'k6/options'
import { readPools } from './lib/jackpot-requests.ts'
import { steadyArrivals } from './lib/steady-arrivals.ts'
import { releaseTarget, resolveTarget, type Target } from './lib/target.ts'
import { slaThresholds } from './sla.ts'

const RATE = Number(__ENV.RATE ?? 200)

export const options: Options = {
  scenarios: {
    // A read takes milliseconds; the spare VUs absorb a slow patch without delaying arrivals.
    screens: steadyArrivals({ rate: RATE, preAllocatedVUs: 20, maxVUs: 400 }),
  },
  thresholds: slaThresholds(['pool_query'], { poolCacheHits: true }),
}

export function setup(): Target {
  return resolveTarget({ readsPerSecond: RATE })
}

export default function (target: Target): void {
  if (Math.random() < 0.5) readPools(target)
  else readPools(target, target.pools[Math.floor(Math.random() * target.pools.length)])
}

export function teardown(target: Target): void {
  releaseTarget(target)
}
