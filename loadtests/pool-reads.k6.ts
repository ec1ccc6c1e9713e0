/// <reference types="k6" />
/**
 * Players' screens polling pool amounts, the hottest read: holds the pool
 * query SLA and, through the edge, the cache hit ratio.
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=… loadtests/pool-reads.k6.ts
 * Against a replica directly (no edge, no X-Cache-Status), the hit-ratio threshold has no samples.
 */

import { sleep } from 'k6'
import type { Options } from 'k6/options'
import { readPools } from './lib/jackpot-requests.ts'
import { resolveTarget, type Target } from './lib/target.ts'
import { slaThresholds } from './sla.ts'

export const options: Options = {
  scenarios: {
    screens: {
      executor: 'constant-vus',
      vus: Number(__ENV.VUS ?? 200),
      duration: __ENV.DURATION ?? '2m',
    },
  },
  thresholds: slaThresholds(['pool_query'], { poolCacheHits: true }),
}

export function setup(): Target {
  return resolveTarget()
}

export default function (target: Target): void {
  if (Math.random() < 0.5) readPools(target)
  else readPools(target, target.pools[Math.floor(Math.random() * target.pools.length)])
  // A screen refreshes about once a second.
  sleep(0.5 + Math.random())
}
