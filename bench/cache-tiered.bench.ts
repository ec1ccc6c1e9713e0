/**
 * Hits on a two-level cache (memory + Redis) on the same Redis:
 * `MultiLevelCache` from @jackpot/observability against bentocache's tiered
 * store (memory driver + redis driver + redis bus), with a bare ioredis `GET`
 * of the same payload as the anchor (the floor for any Redis read).
 *
 *   bun run bench/cache-tiered.bench.ts            # Redis at 127.0.0.1:6379
 *   REDIS_URL=redis://host:6379 bun run bench/cache-tiered.bench.ts
 *
 * Scenarios, `get` of a cached key:
 * - L1+L2 hit: both levels configured, the value in both (served from memory);
 * - L2-only hit: the memory level off (ours: `l1.maxEntries: 0`; bentocache: a
 *   store with only the redis layer), so every read goes to Redis — one read
 *   at a time (latency), then 16 different keys at once (time per batch).
 *
 * Defaults otherwise (ours: breaker + 250 ms command timeout, tag versions
 * re-read every second; bentocache: its defaults). No metrics or loggers.
 * Alternating rounds, median over rounds of mitata's p50 ns per call.
 */
import { multiLevelCache } from '@jackpot/observability/cache'
import { deleteKeysUnder } from '@jackpot/test-kit'
import { BentoCache, bentostore } from 'bentocache'
import { memoryDriver } from 'bentocache/drivers/memory'
import { redisBusDriver, redisDriver } from 'bentocache/drivers/redis'
import { Redis } from 'ioredis'
import { CACHED_POOLS, isCachedPools, median, p50Ns } from './support/cache-hit-timing.ts'

const ROUNDS = 9
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
const parsed = new URL(REDIS_URL)
const connection = { host: parsed.hostname, port: Number(parsed.port || 6379) }
const RUN = `bench:${Date.now().toString(36)}`
const KEY = 'pools:all'

const oursTiered = multiLevelCache({ name: 'bench-tiered', prefix: `${RUN}:ours`, redis: { url: REDIS_URL } })
const oursL2Only = multiLevelCache({
  name: 'bench-l2',
  prefix: `${RUN}:ours`,
  redis: { url: REDIS_URL },
  l1: { maxEntries: 0 },
})
const bentoTiered = new BentoCache({
  default: 'tiered',
  prefix: `${RUN}:bento`,
  stores: {
    tiered: bentostore()
      .useL1Layer(memoryDriver({ maxItems: 10_000 }))
      .useL2Layer(redisDriver({ connection }))
      .useBus(redisBusDriver({ connection })),
  },
})
const bentoL2Only = new BentoCache({
  default: 'redis',
  prefix: `${RUN}:bento`,
  stores: { redis: bentostore().useL2Layer(redisDriver({ connection })) },
})
const raw = new Redis(REDIS_URL)

await oursTiered.set(KEY, CACHED_POOLS, { ttlMs: 3_600_000 })
await bentoTiered.set({ key: KEY, value: CACHED_POOLS, ttl: '1h' })
await bentoL2Only.set({ key: KEY, value: CACHED_POOLS, ttl: '1h' })
await raw.set(`${RUN}:raw`, JSON.stringify(CACHED_POOLS), 'PX', 3_600_000)
// 16 keys read at once: with requests in flight the event loop never sleeps, which
// takes the machine's wake-up latency (sequential reads swing 25 ↔ 110 µs) out of the figures.
const BATCH = Array.from({ length: 16 }, (_, index) => `batch:${index}`)
for (const key of BATCH) {
  await oursL2Only.set(key, CACHED_POOLS, { ttlMs: 3_600_000 })
  await bentoL2Only.set({ key, value: CACHED_POOLS, ttl: '1h' })
  await raw.set(`${RUN}:raw:${key}`, JSON.stringify(CACHED_POOLS), 'PX', 3_600_000)
}
const all = async (reads: Promise<unknown>[]) => {
  const values = await Promise.all(reads)
  return values.every(isCachedPools) ? CACHED_POOLS : undefined
}

interface Side {
  name: string
  get: () => Promise<unknown>
}
const anchor: Side = {
  name: 'ioredis GET + JSON.parse (anchor)',
  get: async () => JSON.parse((await raw.get(`${RUN}:raw`)) ?? 'null'),
}
const batchAnchor: Side = {
  name: '16 × (ioredis GET + JSON.parse) (anchor)',
  get: () => all(BATCH.map(async (key) => JSON.parse((await raw.get(`${RUN}:raw:${key}`)) ?? 'null'))),
}
const scenarios: { name: string; anchor: Side; ours: Side; bento: Side }[] = [
  {
    name: 'L1+L2 hit',
    anchor,
    ours: { name: '@jackpot/observability', get: () => oursTiered.get(KEY) },
    bento: { name: 'bentocache tiered', get: () => bentoTiered.get({ key: KEY }) },
  },
  {
    name: 'L2-only hit',
    anchor,
    ours: { name: '@jackpot/observability', get: () => oursL2Only.get(KEY) },
    bento: { name: 'bentocache (redis layer only)', get: () => bentoL2Only.get({ key: KEY }) },
  },
  {
    name: 'L2-only hit, 16 keys read concurrently (time per batch)',
    anchor: batchAnchor,
    ours: { name: '@jackpot/observability', get: () => all(BATCH.map((key) => oursL2Only.get(key))) },
    bento: {
      name: 'bentocache (redis layer only)',
      get: () => all(BATCH.map((key) => bentoL2Only.get({ key }))),
    },
  },
]

for (const side of scenarios.flatMap((scenario) => [scenario.anchor, scenario.ours, scenario.bento])) {
  if (!isCachedPools(await side.get())) throw new Error(`${side.name} missed`)
}

const time = (side: Side) => p50Ns(side.get)
const format = (ns: number) => (ns >= 10_000 ? `${(ns / 1_000).toFixed(1)} µs` : `${ns.toFixed(0)} ns`)

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
console.log(`cache tiered bench — ${new Date().toISOString()} — ${runtime} — ${REDIS_URL}`)
const verdicts: string[] = []
// One untimed pass so connection set-up and JIT warm-up land in no side's figures.
for (const scenario of scenarios)
  for (const side of [scenario.anchor, scenario.ours, scenario.bento]) await time(side)
for (const scenario of scenarios) {
  const samples = { anchor: [] as number[], ours: [] as number[], bento: [] as number[] }
  for (let round = 0; round < ROUNDS; round++) {
    samples.anchor.push(await time(scenario.anchor))
    samples.ours.push(await time(scenario.ours))
    samples.bento.push(await time(scenario.bento))
  }
  const [anchorNs, oursNs, bentoNs] = [median(samples.anchor), median(samples.ours), median(samples.bento)]
  console.log(`\n${scenario.name}: median of p50 per call over ${ROUNDS} rounds`)
  console.log(`  ${scenario.anchor.name.padEnd(40)} ${format(anchorNs).padStart(9)}`)
  console.log(
    `  ${scenario.ours.name.padEnd(40)} ${format(oursNs).padStart(9)}  (${(oursNs / anchorNs).toPrecision(2)}× the anchor)`,
  )
  console.log(
    `  ${scenario.bento.name.padEnd(40)} ${format(bentoNs).padStart(9)}  (${(bentoNs / anchorNs).toPrecision(2)}× the anchor; ours is ${(bentoNs / oursNs).toFixed(2)}× faster)`,
  )
  verdicts.push(`${scenario.name}: ${oursNs < bentoNs ? 'faster' : 'NOT faster'} than bentocache`)
}
console.log(`\n${verdicts.join('; ')}`)

await Promise.all([
  oursTiered.close(),
  oursL2Only.close(),
  bentoTiered.disconnectAll(),
  bentoL2Only.disconnectAll(),
])
await raw.quit()
// Leave nothing behind in the shared Redis (this run's keys only).
await deleteKeysUnder(REDIS_URL, RUN)
