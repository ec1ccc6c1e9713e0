/**
 * Cost of an in-memory cache hit: `MultiLevelCache` (L1 only) from
 * @jackpot/observability against bentocache (memory driver) and cache-manager 7
 * (its default Keyv in-memory store), for `get` and for `getOrSet` on a key
 * that is cached.
 *
 *   bun run bench/cache-l1.bench.ts
 *
 * Set-ups are each library's documented default plus a 10 000-entry bound.
 * bentocache's memory driver serializes entries by default (`serialize: true`)
 * and parses them on every hit; ours and cache-manager hand out the stored
 * object, so bentocache is also measured with `serialize: false` to compare like
 * with like. No metrics, loggers or listeners on any side.
 *
 * Each operation is measured in alternating rounds (ours, then each anchor) so
 * drift on a shared machine hits every side; the figure per side is the median
 * over rounds of mitata's p50 ns per call. Target: faster than both bentocache
 * and cache-manager.
 */
import { multiLevelCache } from '@jackpot/observability/cache'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { createCache } from 'cache-manager'
import { CACHED_POOLS, isCachedPools, median, p50Ns } from './support/cache-hit-timing.ts'

const ROUNDS = 11
const KEY = 'pools:all'
const factory = async () => CACHED_POOLS

interface Side {
  name: string
  get: () => Promise<unknown>
  getOrSet: () => Promise<unknown>
}

const ours = multiLevelCache({ name: 'bench-l1', l1: { maxEntries: 10_000 }, ttlMs: 3_600_000 })
const bento = (serialize: boolean) =>
  new BentoCache({
    default: 'memory',
    stores: { memory: bentostore().useL1Layer(memoryDriver({ maxItems: 10_000, serialize })) },
  })
const bentoDefault = bento(true)
const bentoRaw = bento(false)
const manager = createCache()

await ours.set(KEY, CACHED_POOLS, { ttlMs: 3_600_000 })
await bentoDefault.set({ key: KEY, value: CACHED_POOLS, ttl: '1h' })
await bentoRaw.set({ key: KEY, value: CACHED_POOLS, ttl: '1h' })
await manager.set(KEY, CACHED_POOLS, 3_600_000)

const sides: Side[] = [
  {
    name: '@jackpot/observability',
    get: () => ours.get(KEY),
    getOrSet: () => ours.getOrSet(KEY, factory, { ttlMs: 3_600_000 }),
  },
  {
    name: 'bentocache (default)',
    get: () => bentoDefault.get({ key: KEY }),
    getOrSet: () => bentoDefault.getOrSet({ key: KEY, factory, ttl: '1h' }),
  },
  {
    name: 'bentocache (serialize off)',
    get: () => bentoRaw.get({ key: KEY }),
    getOrSet: () => bentoRaw.getOrSet({ key: KEY, factory, ttl: '1h' }),
  },
  {
    name: 'cache-manager 7',
    get: () => manager.get(KEY),
    getOrSet: () => manager.wrap(KEY, factory, 3_600_000),
  },
]

// Every side must really hit: a miss would make it look fast or slow for the wrong reason.
for (const side of sides) {
  for (const operation of ['get', 'getOrSet'] as const) {
    const value = await side[operation]()
    if (!isCachedPools(value)) throw new Error(`${side.name} ${operation} missed`)
  }
}

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
console.log(`cache L1 hit bench — ${new Date().toISOString()} — ${runtime}`)
let allMet = true
for (const operation of ['get', 'getOrSet'] as const) {
  const samples = new Map<string, number[]>(sides.map((side) => [side.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    for (const side of sides) samples.get(side.name)?.push(await p50Ns(side[operation]))
  }
  const oursNs = median(samples.get('@jackpot/observability') ?? [])
  console.log(`\n${operation} hit: median of p50 ns per call over ${ROUNDS} rounds`)
  for (const side of sides) {
    const ns = median(samples.get(side.name) ?? [])
    const ratio = side === sides[0] ? '' : `  → ours is ${(ns / oursNs).toFixed(2)}× faster`
    console.log(`  ${side.name.padEnd(28)} ${ns.toFixed(0).padStart(7)} ns${ratio}`)
    if (side !== sides[0]) allMet &&= oursNs < ns
  }
}
console.log(`\ntarget (L1 hit faster than bentocache and cache-manager): ${allMet ? 'met' : 'NOT met'}`)

await Promise.all([
  ours.close(),
  bentoDefault.disconnectAll(),
  bentoRaw.disconnectAll(),
  manager.disconnect(),
])
