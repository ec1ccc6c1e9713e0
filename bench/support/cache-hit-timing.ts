/**
 * What the cache benches (cache-l1, cache-tiered) share: the payload they cache,
 * and how a side's figure is taken — mitata's p50 of one call per measure, then
 * the median over alternating rounds, so drift on a shared machine hits every side.
 */
import { do_not_optimize, measure } from 'mitata'

/** Each measure runs for at least 150 ms of CPU time. */
const PER_MEASURE = { min_cpu_time: 150e6 }

/** The cached value: the pool list the server caches, three pools. */
export const CACHED_POOLS = {
  pools: [
    { slug: 'minor', amountCents: '125000', currency: 'EUR', version: 3 },
    { slug: 'major', amountCents: '2500000', currency: 'EUR', version: 7 },
    { slug: 'mega', amountCents: '125000000', currency: 'EUR', version: 11 },
  ],
}

/** Whether `value` is {@link CACHED_POOLS} (a hit), compared as JSON. */
export const isCachedPools = (value: unknown): boolean =>
  JSON.stringify(value) === JSON.stringify(CACHED_POOLS)

/** The median of `values` (the upper one of an even count). */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

/** mitata's p50, in ns, of one awaited `call`. */
export async function p50Ns(call: () => Promise<unknown>): Promise<number> {
  const stats = await measure(async () => {
    do_not_optimize(await call())
  }, PER_MEASURE)
  return stats.p50
}
