/// <reference types="k6" />
/**
 * Contributions at a steady arrival rate: holds the contribution SLA.
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=$(bun run cli token --role admin --sub k6) loadtests/contributions.k6.ts
 */
import type { Options } from 'k6/options'
import { contribute } from './lib/jackpot-requests.ts'
import { steadyArrivals } from './lib/steady-arrivals.ts'
import { releaseTarget, resolveTarget, type Target } from './lib/target.ts'
import { slaThresholds } from './sla.ts'

export const options: Options = {
  scenarios: {
    contributions: steadyArrivals({ rate: Number(__ENV.RATE ?? 200), preAllocatedVUs: 50, maxVUs: 300 }),
  },
  thresholds: slaThresholds(['contribution']),
}

export function setup(): Target {
  // No pool reads: the public rate limit does not apply.
  return resolveTarget({ readsPerSecond: 0 })
}

export function teardown(target: Target): void {
  releaseTarget(target)
}

export default function (target: Target): void {
  contribute(target, 100 + Math.floor(Math.random() * 4900))
}
