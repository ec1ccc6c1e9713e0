import { afterAll, beforeAll, expect, test } from 'bun:test'
import { type JackpotStore, openJackpot } from '@jackpot/domain'
import { createTestPostgresDatabase, type TestPostgresDatabase } from '@jackpot/domain/testing'
import { testServices } from '@jackpot/test-kit'
import { createPoolCache, type PoolCache } from '../../src/pool-cache/index.ts'
import type { PoolSnapshot } from '../../src/pool-cache/pool-snapshot.ts'
import { parseAnnouncement, poolRevisionChannel } from '../../src/pool-stream/pool-revision-channel.ts'
import { createRedisClients, type RedisClients } from '../../src/redis/index.ts'
import { within } from './support/cluster-client.ts'
import { describeWith, uniquePrefix } from './support/cluster-services.ts'

// Two replicas (two stores on one PostgreSQL, each with its own Redis connections and pool
// cache), wired as buildServer wires them: a change on A is pushed to B's snapshot listeners
// (what feeds B's pool stream) through the revision channel, with no read from B's side asked for.

test('an announcement from this replica, or a malformed one, is not heard as news', () => {
  expect(parseAnnouncement('{"o":"other","r":42}', 'mine')).toBe(42)
  expect(parseAnnouncement('{"o":"mine","r":42}', 'mine')).toBeUndefined()
  expect(parseAnnouncement('{"o":"other","r":"42"}', 'mine')).toBeUndefined()
  expect(parseAnnouncement('not json', 'mine')).toBeUndefined()
})

await describeWith('pool revision channel over Redis', { postgres: true, redis: true }, () => {
  let database: TestPostgresDatabase
  const stores: JackpotStore[] = []
  const connections: RedisClients[] = []
  const closers: (() => Promise<void> | void)[] = []

  beforeAll(async () => {
    database = await createTestPostgresDatabase()
    for (let i = 0; i < 2; i++) stores.push(await openJackpot({ databaseUrl: database.url, poolSize: 2 }))
  }, 30_000)

  afterAll(async () => {
    for (const close of closers.reverse()) await close()
    await Promise.all(connections.map((redis) => redis.close()))
    await Promise.all(stores.map((store) => store.close()))
    await database?.drop()
  })

  const replica = (store: JackpotStore, prefix: string): PoolCache => {
    const redis = createRedisClients(testServices().redisUrl)
    connections.push(redis)
    // A TTL far beyond the test: only the push can bring the other replica's change.
    const cache = createPoolCache({ store, redis, prefix: `${prefix}:pool-cache`, ttlMs: 60_000 })
    const channel = poolRevisionChannel({
      commands: redis.commands,
      subscriber: redis.subscriber,
      channel: `${prefix}:pool-stream`,
    })
    const stopAnnouncing = cache.onShared((snapshot) => channel.publish(snapshot.revision))
    const stopHearing = channel.onRevision((revision) => void cache.catchUp(revision))
    closers.push(() => cache.close())
    closers.push(() => {
      stopAnnouncing()
      stopHearing()
      return channel.close()
    })
    return cache
  }

  test('a contribution committed on one replica moves the other replica’s snapshot listeners forward at once', async () => {
    const prefix = uniquePrefix('pool-revisions')
    const a = replica(stores[0]!, prefix)
    const b = replica(stores[1]!, prefix)
    const before = await b.snapshot()
    await a.snapshot()
    const heard: PoolSnapshot[] = []
    b.onSnapshot((snapshot) => heard.push(snapshot))
    // Both subscriber connections subscribed before the change.
    await Bun.sleep(200)

    await stores[0]!.contribute({
      idempotencyKey: crypto.randomUUID(),
      gameId: 'revision-channel-test',
      wagerCents: 40_000n,
      currency: 'EUR',
    })
    await within(2_000, async () => heard.length > 0, 'B heard the change')
    const after = heard.at(-1)!
    expect(after.revision).toBeGreaterThan(before.revision)
    expect(after.revision).toBe(a.latest()!.revision)
    expect(after.list.body).toBe(a.latest()!.list.body)
  }, 30_000)
})
