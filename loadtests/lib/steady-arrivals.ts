import type { ConstantArrivalRateScenario } from 'k6/options'

/** What differs between the steady scenarios: the rate, the VU pool and, with several scenarios, the function run. */
export interface SteadyArrivals {
  /** Iterations started per second, whether or not the server keeps up (an open model). */
  rate: number
  /** VUs ready at the start. */
  preAllocatedVUs: number
  /** VUs k6 may add when iterations queue up. */
  maxVUs: number
  /** Exported function the scenario runs; the default export when omitted. */
  exec?: string
}

/**
 * A constant-arrival-rate scenario per second over `DURATION` (default 2 m),
 * the one shape every steady load script uses.
 *
 * @example
 * scenarios: { contributions: steadyArrivals({ rate: Number(__ENV.RATE ?? 200), preAllocatedVUs: 50, maxVUs: 300 }) }
 */
export function steadyArrivals({ exec, ...arrivals }: SteadyArrivals): ConstantArrivalRateScenario {
  return {
    executor: 'constant-arrival-rate',
    ...(exec === undefined ? {} : { exec }),
    timeUnit: '1s',
    duration: __ENV.DURATION ?? '2m',
    ...arrivals,
  }
}
