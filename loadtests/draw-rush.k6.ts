/// <reference types="k6" />
/**
 * The draw rush: the moment a big jackpot is about to drop, 500+ players poll
 * the pools while game servers keep contributing and a few wins land.
 * Every endpoint must keep p95 < 200 ms (and each operation its own SLA).
 *   k6 run -e BASE_URL=http://localhost:8080 -e ADMIN_TOKEN=… loadtests/draw-rush.k6.ts
 */

import { sleep } from 'k6'
import type { Options } from 'k6/options'
import { contribute, readPools, win } from './lib/jackpot-requests.ts'
import { resolveTarget, type Target } from './lib/target.ts'
import { SLA, slaThresholds } from './sla.ts'

const PEAK = Number(__ENV.PEAK_VUS ?? SLA.drawRush.concurrentUsers)

export const options: Options = {
  scenarios: {
    players: {
      executor: 'ramping-vus',
      exec: 'player',
      startVUs: 0,
      stages: [
        { duration: '30s', target: Math.round(PEAK / 5) },
        { duration: '30s', target: PEAK },
        { duration: __ENV.HOLD ?? '2m', target: PEAK },
        { duration: '20s', target: 0 },
      ],
    },
    games: {
      executor: 'constant-arrival-rate',
      exec: 'game',
      rate: Number(__ENV.CONTRIBUTION_RATE ?? 300),
      timeUnit: '1s',
      duration: '3m20s',
      preAllocatedVUs: 50,
      maxVUs: 400,
    },
  },
  thresholds: slaThresholds(['pool_query', 'contribution', 'win'], { drawRush: true }),
}

export function setup(): Target {
  return resolveTarget()
}

export function player(target: Target): void {
  readPools(target, Math.random() < 0.7 ? 'mega' : undefined)
  sleep(0.5 + Math.random() * 0.5)
}

export function game(target: Target): void {
  // Roughly one win per thousand rounds.
  if (Math.random() < 0.001) win(target, target.pools[Math.floor(Math.random() * target.pools.length)]!)
  else contribute(target, 100 + Math.floor(Math.random() * 9900))
}
