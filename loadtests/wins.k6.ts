/// <reference types="k6" />
/**
 * Wins under background contributions: holds the win SLA while pools keep
 * changing (a win contends with contributions on the same pool row).
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=… loadtests/wins.k6.ts
 */
import type { Options } from 'k6/options'
import { contribute, win } from './lib/jackpot-requests.ts'
import { steadyArrivals } from './lib/steady-arrivals.ts'
import { releaseTarget, resolveTarget, type Target } from './lib/target.ts'
import { slaThresholds } from './sla.ts'

export const options: Options = {
  scenarios: {
    wins: steadyArrivals({ exec: 'wins', rate: Number(__ENV.RATE ?? 20), preAllocatedVUs: 20, maxVUs: 100 }),
    contributions: steadyArrivals({ exec: 'contributions', rate: 100, preAllocatedVUs: 30, maxVUs: 200 }),
  },
  thresholds: slaThresholds(['win', 'contribution']),
}

export function setup(): Target {
  // No pool reads: the public rate limit does not apply.
  return resolveTarget({ readsPerSecond: 0 })
}

export function teardown(target: Target): void {
  releaseTarget(target)
}

export function wins(target: Target): void {
  win(target, target.pools[Math.floor(Math.random() * target.pools.length)]!)
}

export function contributions(target: Target): void {
  contribute(target, 100 + Math.floor(Math.random() * 4900))
}
