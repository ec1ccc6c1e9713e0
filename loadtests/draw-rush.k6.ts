/// <reference types="k6" />
/**
 * The draw rush: the moment a big jackpot is about to drop, players' screens
 * poll the pools while game servers keep contributing and a few wins land.
 * Arrivals follow the shared stage table (loadtests/draw-rush-stages.ts: ramp,
 * 2× spike, read burst; 70 % reads, 28 % contributions, 2 % wins), scaled so
 * the hold level is PEAK_RPS requests/s. bench/draw-rush.bench.ts runs the same table.
 * Every endpoint must keep p95 < 200 ms (and each operation its own SLA).
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=… -e PEAK_RPS=1000 loadtests/draw-rush.k6.ts
 */

import type { Options, Scenario } from 'k6/options'
import { DRAW_RUSH_STAGES, highestTotalRate, k6ArrivalStages, stageRate } from './draw-rush-stages.ts'
import { contribute, readPools, win } from './lib/jackpot-requests.ts'
import { releaseTarget, resolveTarget, type Target } from './lib/target.ts'
import { type Operation, SLA, slaThresholds } from './sla.ts'

const PEAK = Number(__ENV.PEAK_RPS ?? SLA.drawRush.peakRequestsPerSecond)

/** One open-model scenario per operation, each following its column of the stage table. */
function arrivals(operation: Operation, exec: string, maxVUs: number): Scenario {
  return {
    executor: 'ramping-arrival-rate',
    exec,
    startRate: 0,
    timeUnit: '1m',
    stages: k6ArrivalStages(operation, PEAK),
    preAllocatedVUs: Math.max(5, Math.ceil(maxVUs / 10)),
    maxVUs,
  }
}

// Enough VUs for the spike at ~0.5 s per request: beyond that the server is far past its SLA anyway.
const vusFor = (share: number) => Math.max(10, Math.ceil(highestTotalRate(PEAK) * share * 0.5))

export const options: Options = {
  scenarios: {
    screens: arrivals('pool_query', 'screen', vusFor(0.7)),
    contributions: arrivals('contribution', 'contribution', vusFor(0.28)),
    wins: arrivals('win', 'jackpotWin', vusFor(0.02)),
  },
  thresholds: slaThresholds(['pool_query', 'contribution', 'win'], { drawRush: true }),
}

export function setup(): Target {
  const readsPerSecond = Math.max(...DRAW_RUSH_STAGES.map((stage) => stageRate(stage, 'pool_query', PEAK)))
  return resolveTarget({ readsPerSecond })
}

export function screen(target: Target): void {
  // Most screens show the big one.
  readPools(target, Math.random() < 0.7 ? 'mega' : undefined)
}

export function contribution(target: Target): void {
  contribute(target, 100 + Math.floor(Math.random() * 9900))
}

export function jackpotWin(target: Target): void {
  win(target, target.pools[Math.floor(Math.random() * target.pools.length)]!)
}

export function teardown(target: Target): void {
  releaseTarget(target)
}
