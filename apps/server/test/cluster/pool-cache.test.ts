import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type JackpotStore, openJackpot, type Pool, PoolNotFoundError } from '@jackpot/domain'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@jackpot/domain/testing'
import { type CacheBus, memoryBus } from '@jackpot/observability/cache'
import { ManualClock } from '@jackpot/observability/testing'
import { freePort, testServices } from '@jackpot/test-kit'
import {
  createPoolCache,
  type PoolCache,
  type PoolCacheOptions,
  type PoolSource,
} from '../../src/pool-cache/index.ts'
import { createRedisClients, type RedisClients } from '../../src/redis/index.ts'
import { within } from './support/cluster-client.ts'
import { describeWith, uniquePrefix } from './support/cluster-services.ts'

// PoolCache on a real PostgreSQL database (two stores on it stand for two replicas), once
// in memory only (replicas linked by an in-process bus) and once over the real Redis
// (each replica with its own connections, one key prefix per test).

type ReplicaOptions = Omit<PoolCacheOptions, 'store' | 'redis' | 'bus' | 'prefix'> & {
  /** L1-only: the bus linking this replica to others. Replicas given none are linked to each other. */
  bus?: CacheBus
}

interface Mode {
  name: string
  redis: boolean
}

const MODES: Mode[] = [
  { name: 'L1 only', redis: false },
  { name: 'L1 + Redis', redis: true },
]

let database: TestPostgresDatabase
let storeA: JackpotStore
let storeB: JackpotStore

const contribute = (store: JackpotStore) =>
  store.contribute({
    idempotencyKey: crypto.randomUUID(),
    gameId: 'pool-cache-test',
    wagerCents: 40_000n,
    currency: 'EUR',
  })

const mega = (body: string) =>
  (JSON.parse(body) as { pools: { slug: string; amountCents: number }[] }).pools.find(
    (pool) => pool.slug === 'mega',
  )!.amountCents

/** A source answering with the pools it is given (a slow replica's old read), or failing. */
function scriptedSource(store: JackpotStore) {
  let answer: Pool[] | undefined
  let failing = false
  const source: PoolSource = {
    listPools: async () => {
      if (failing) throw new Error('database unreachable')
      return answer ?? store.listPools()
    },
    onPoolsChanged: (listener) => store.onPoolsChanged(listener),
  }
  return {
    source,
    answerWith: (pools: Pool[] | undefined) => {
      answer = pools
    },
    fail: (on: boolean) => {
      failing = on
    },
  }
}

for (const mode of MODES) {
  await describeWith(`PoolCache (${mode.name}) on PostgreSQL`, { postgres: true, redis: mode.redis }, () => {
    const opened: PoolCache[] = []
    const connections: RedisClients[] = []
    let prefix = ''
    let sharedBus: CacheBus

    beforeAll(async () => {
      if (database === undefined) {
        database = await createTestPostgresDatabase()
        storeA = await openJackpot({ databaseUrl: database.url, poolSize: 2 })
        storeB = await openJackpot({ databaseUrl: database.url, poolSize: 2 })
      }
    }, 30_000)

    afterAll(async () => {
      await Promise.all(opened.map((cache) => cache.close()))
      await Promise.all(connections.map((redis) => redis.close()))
    })

    /** A fresh set of linked replicas for one test: same key prefix / same in-process bus. */
    const linked = () => {
      prefix = uniquePrefix('pool-cache')
      sharedBus = memoryBus()
    }

    const replica = (source: PoolSource, options: ReplicaOptions = {}): PoolCache => {
      const { bus, ...rest } = options
      let cache: PoolCache
      if (mode.redis) {
        const redis = createRedisClients(testServices().redisUrl)
        connections.push(redis)
        cache = createPoolCache({ store: source, redis, prefix, ...rest })
      } else {
        cache = createPoolCache({ store: source, bus: bus ?? sharedBus, ...rest })
      }
      opened.push(cache)
      return cache
    }

    /** Lets a Redis replica's bus subscribe before the test relies on it. */
    const connected = async (...caches: PoolCache[]) => {
      for (const cache of caches) {
        await within(
          2_000,
          async () => (await cache.healthCheck().run(AbortSignal.timeout(500)))?.status === 'pass',
          'cache connected',
        )
      }
    }

    test('a change committed on one replica is served by it at once and reaches the other over the bus', async () => {
      linked()
      // A TTL far beyond the test: only read-your-writes and the bus can show the change.
      const a = replica(storeA, { ttlMs: 60_000 })
      const b = replica(storeB, { ttlMs: 60_000 })
      await connected(a, b)
      const before = await a.snapshot()
      expect((await b.snapshot()).revision).toBe(before.revision)

      await contribute(storeA)
      // Read-your-writes: the read right after the commit waits for the snapshot showing it.
      const after = await a.snapshot()
      expect(after.revision).toBeGreaterThan(before.revision)
      expect(mega(after.list.body)).toBeGreaterThan(mega(before.list.body))

      await within(2_000, async () => (await b.snapshot()).revision === after.revision, 'B sees the change')
      expect((await b.list()).etag).toBe((await a.list()).etag)
      expect((await b.pool('mega')).body).toBe((await a.pool('mega')).body)
    })

    test('never serves an older snapshot after a newer one, even when a slow replica writes one', async () => {
      linked()
      const older = await storeA.listPools()
      await contribute(storeA)
      const slow = scriptedSource(storeB)
      slow.answerWith(older)
      const reader = replica(storeA, { ttlMs: 60_000 })
      const writer = replica(slow.source, { ttlMs: 60_000 })
      await connected(reader, writer)
      const newest = await reader.snapshot()

      // The slow replica's re-read finished late: it writes the older snapshot over the newer one.
      await writer.refresh()
      for (let read = 0; read < 20; read++) {
        expect((await reader.snapshot()).revision).toBe(newest.revision)
        await Bun.sleep(10)
      }
      if (mode.redis) {
        // The reader repaired the shared entry: the slow replica now reads the newest too.
        slow.answerWith(undefined)
        await within(
          2_000,
          async () => (await writer.snapshot()).revision === newest.revision,
          'cache repaired',
        )
      }
    })

    test('the same pools have the same strong ETag on every replica, and a change gives a new one', async () => {
      // Not linked to each other (own bus, own key prefix): each renders the snapshot on its own.
      linked()
      const a = replica(storeA, { bus: memoryBus(), ttlMs: 60_000 })
      linked()
      const b = replica(storeB, { bus: memoryBus(), ttlMs: 60_000 })
      const [listA, listB] = [await a.list(), await b.list()]
      expect(listA.etag).toMatch(/^"[0-9a-z]+"$/)
      expect(listB).toEqual(listA)
      for (const slug of ['minor', 'major', 'mega']) expect(await b.pool(slug)).toEqual(await a.pool(slug))

      await contribute(storeB)
      await a.refresh()
      const [changedA, changedB] = [await a.list(), await b.list()]
      expect(changedA.etag).not.toBe(listA.etag)
      expect(changedB).toEqual(changedA)
    })

    test('while the database fails, the last snapshot is served past its TTL for the grace period, then the error', async () => {
      linked()
      const clock = new ManualClock(Date.now())
      const flaky = scriptedSource(storeA)
      const cache = replica(flaky.source, { clock, ttlMs: 1_000, graceMs: 5_000, jitter: 0 })
      const served = await cache.snapshot()

      flaky.fail(true)
      await clock.tick(1_500)
      expect((await cache.snapshot()).revision).toBe(served.revision)
      await clock.tick(2_000)
      expect((await cache.list()).etag).toBe(served.list.etag)

      await clock.tick(3_000)
      await expect(cache.snapshot()).rejects.toThrow('database unreachable')

      flaky.fail(false)
      expect((await cache.snapshot()).revision).toBeGreaterThanOrEqual(served.revision)
    })

    test('a slug no pool has is PoolNotFoundError, inherited object keys included', async () => {
      linked()
      const cache = replica(storeA)
      await expect(cache.pool('nope')).rejects.toBeInstanceOf(PoolNotFoundError)
      await expect(cache.pool('constructor')).rejects.toBeInstanceOf(PoolNotFoundError)
      expect(JSON.parse((await cache.pool('minor')).body)).toMatchObject({ slug: 'minor' })
    })

    if (!mode.redis) {
      test('a replica that missed the news serves the old snapshot for at most its TTL', async () => {
        const clock = new ManualClock(Date.now())
        // Separate buses: B never hears of A's change.
        const a = replica(storeA, { bus: memoryBus(), clock, ttlMs: 1_000, jitter: 0 })
        const b = replica(storeB, { bus: memoryBus(), clock, ttlMs: 1_000, jitter: 0 })
        const before = await b.snapshot()
        await contribute(storeA)
        const after = await a.snapshot()
        await clock.tick(500)
        expect((await b.snapshot()).revision).toBe(before.revision)
        await clock.tick(501)
        expect((await b.snapshot()).revision).toBe(after.revision)
      })
    }

    if (mode.redis) {
      test('with Redis unreachable, reads come from memory and the database and the health check warns', async () => {
        const dead = createRedisClients(`redis://127.0.0.1:${await freePort()}`)
        connections.push(dead)
        const cache = createPoolCache({ store: storeA, redis: dead, prefix: uniquePrefix('dead') })
        opened.push(cache)
        const first = await cache.snapshot()
        expect(first.revision).toBeGreaterThan(0)
        expect((await cache.list()).etag).toBe(first.list.etag)
        const health = await cache.healthCheck().run(AbortSignal.timeout(2_000))
        expect(health?.status).toBe('warn')
        expect(cache.healthCheck().critical).toBe(false)
      })
    }
  })
}

afterAll(async () => {
  await storeA?.close()
  await storeB?.close()
  await database?.drop()
})
