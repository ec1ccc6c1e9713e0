/**
 * Redis outages, injected with a TCP proxy between one replica ("A") and the
 * real Redis: A's connections die while Redis itself, and replica "B"
 * connected directly, stay up. Cache logic runs on a ManualClock; only
 * reconnection over real sockets is awaited with `eventually`.
 */
import { afterEach, beforeEach, expect, test } from 'bun:test'
import { Redis } from 'ioredis'
import { defaultBreakerRegistry } from '../breaker/index.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import type { Metrics } from '../metrics/index.ts'
import { TcpProxy } from '../testing/tcp-proxy.ts'
import type { MultiLevelCacheOptions } from './cache-options.ts'
import { type MultiLevelCache, multiLevelCache } from './multi-level-cache.ts'
import { redisFailFastOptions } from './redis-connections.ts'
import { eventually, recordingLogger, sample, testMetrics } from './test-support/cache-test-kit.ts'
import { deleteKeysUnder, describeWithRedis, uniquePrefix } from './test-support/redis-availability.ts'

await describeWithRedis('cache Redis outages', (redis) => {
  let proxy: TcpProxy
  let clock: ManualClock
  let metrics: Metrics
  let prefix: string
  let logger: ReturnType<typeof recordingLogger>
  const caches: MultiLevelCache[] = []

  const replica = (name: string, url: string, options: MultiLevelCacheOptions = {}) => {
    const cache = multiLevelCache({
      name,
      prefix,
      clock,
      meter: metrics.meter,
      logger,
      redis: { url },
      ...options,
    })
    caches.push(cache)
    return cache
  }
  const breakerOf = (name: string) => defaultBreakerRegistry.get(`cache:${name}`)
  const healthOf = async (cache: MultiLevelCache) => cache.healthCheck().run(new AbortController().signal)
  const busConnected = async (cache: MultiLevelCache) => (await healthOf(cache))?.status === 'pass'
  const busConnections = (name: string) =>
    logger.lines.filter((line) => line.fields.cache === name && line.message === 'cache bus connected').length
  /** Replica A behind the proxy and B straight on Redis, once both buses are connected. */
  const connectedPair = async () => {
    const a = replica('a', proxy.urlFor(redis.url))
    const b = replica('b', redis.url)
    await eventually(() => busConnected(a))
    await eventually(() => busConnected(b))
    return { a, b }
  }
  /**
   * Ends the outage of replica A: waits until its two connections are relayed again
   * and its bus re-subscribed, then moves past the breaker's open-state wait so the
   * next call probes and closes it.
   */
  const restoreAndRecover = async (a: MultiLevelCache) => {
    const busConnectionsBefore = busConnections('a')
    proxy.restore()
    await eventually(() => proxy.activeConnections >= 2 && busConnections('a') > busConnectionsBefore)
    await eventually(async () => {
      await clock.tick(1_000)
      await a.get('probe')
      return breakerOf('a')?.state === 'closed'
    })
  }

  beforeEach(async () => {
    proxy = await TcpProxy.start({ host: redis.host, port: redis.port })
    clock = new ManualClock()
    metrics = testMetrics()
    prefix = uniquePrefix('outage')
    logger = recordingLogger()
  })

  afterEach(async () => {
    await Promise.all(caches.splice(0).map((cache) => cache.close()))
    await proxy.close()
    await metrics.shutdown()
    await deleteKeysUnder(redis.url, prefix)
  })

  // Reconnection backs off up to 2 s on real sockets: more than bun's default 5 s per test may be needed on a busy machine.
  const RECONNECTING_TEST_MS = 20_000

  test(
    'while Redis is unreachable L1 keeps serving, nothing is thrown, the breaker opens, errors are counted and health warns; after it returns the breaker closes and the bus works again',
    async () => {
      const { a, b } = await connectedPair()
      await a.getOrSet('hot', async () => 'cached before the outage')
      await b.getOrSet('shared', async () => 'v1')
      await a.getOrSet('shared', async () => 'unused: B stored v1 in Redis')

      proxy.cut()
      expect(await a.get('hot')).toBe('cached before the outage')
      const computed: string[] = []
      for (let index = 0; index < 6; index++) {
        computed.push(await a.getOrSet(`cold-${index}`, async () => `computed-${index}`))
      }
      expect(computed).toEqual([
        'computed-0',
        'computed-1',
        'computed-2',
        'computed-3',
        'computed-4',
        'computed-5',
      ])
      await a.set('written-during-outage', 1)
      expect(breakerOf('a')?.state).toBe('open')
      expect(await sample(metrics, 'cache_l2_errors_total', { cache: 'a' })).toBeGreaterThanOrEqual(6)
      expect(await healthOf(a)).toMatchObject({ status: 'warn' })
      expect(logger.lines.some((line) => line.message.includes('circuit opened'))).toBe(true)
      expect(await a.get('hot')).toBe('cached before the outage')

      // B changes a key A holds in L1; A cannot hear about it while cut off.
      await b.set('shared', 'v2')

      await restoreAndRecover(a)
      expect(await healthOf(a)).toMatchObject({ status: 'pass' })
      // The subscriber reconnected: A dropped its L1 instead of serving v1 for ever.
      expect(await a.get('shared')).toBe('v2')

      // Cross-replica invalidation works again without a restart.
      await a.getOrSet('after', async () => 'old')
      await b.set('after', 'new')
      await eventually(async () => (await a.get('after')) === 'new')
    },
    RECONNECTING_TEST_MS,
  )

  test(
    'deletes and tag invalidations Redis missed are replayed once it answers again',
    async () => {
      const { a, b } = await connectedPair()
      await a.set('gone', 'stale')
      await a.set('tagged', 'stale', { tags: ['pools'] })
      expect(await b.get('gone')).toBe('stale')
      expect(await b.get('tagged')).toBe('stale')

      proxy.cut()
      await a.delete('gone')
      await a.invalidateTags(['pools'])
      expect(await a.get('gone')).toBeUndefined()
      expect(await a.get('tagged')).toBeUndefined()
      expect(await b.get('gone')).toBe('stale') // B cannot know yet

      await restoreAndRecover(a) // its first successful call triggers the replay
      await eventually(async () => (await b.get('gone')) === undefined)
      await clock.tick(1_000) // past B's tag-version TTL, in case it missed the message
      await eventually(async () => (await b.get('tagged')) === undefined)
      expect(await a.get('gone')).toBeUndefined()
    },
    RECONNECTING_TEST_MS,
  )

  test('with throwOnL2Error a Redis failure reaches the caller as E_CACHE_L2 with its cause', async () => {
    const strict = replica('strict', proxy.urlFor(redis.url), { throwOnL2Error: true })
    await eventually(() => busConnected(strict))
    proxy.cut()
    const error = await strict.get('k').catch((caught: unknown) => caught)
    expect(error).toMatchObject({ code: 'E_CACHE_L2' })
    expect((error as Error).cause).toBeInstanceOf(Error)
  })

  test('a replica that missed invalidations serves old values for at most l1MaxTtlMs (keys) and tagVersionTtlMs (tags)', async () => {
    // A's commands go straight to Redis; only its bus subscriber goes through the proxy.
    const client = new Redis(redis.url, redisFailFastOptions())
    const subscriber = new Redis(proxy.urlFor(redis.url), {
      ...redisFailFastOptions(),
      enableOfflineQueue: true,
    })
    try {
      const a = replica('a', '', { redis: { client, subscriber }, l1MaxTtlMs: 5_000, tagVersionTtlMs: 1_000 })
      const b = replica('b', redis.url)
      await eventually(() => busConnected(a))
      await a.getOrSet('k', async () => 'old', { ttlMs: 60_000 })
      await a.getOrSet('t', async () => 'old', { ttlMs: 60_000, tags: ['pools'] })

      proxy.cut() // and never restored: no reconnection, so no L1 drop to hide behind
      await b.delete('k')
      await b.invalidateTags(['pools'])
      expect(await a.get('k')).toBe('old')
      expect(await a.get('t')).toBe('old')

      clock.advance(1_000)
      expect(await a.get('t')).toBeUndefined() // tag version re-read from Redis
      expect(await a.get('k')).toBe('old') // still within l1MaxTtlMs
      clock.advance(4_000)
      expect(await a.get('k')).toBeUndefined() // L1 entry older than l1MaxTtlMs: L2 asked
    } finally {
      client.disconnect()
      subscriber.disconnect()
    }
  })
})
