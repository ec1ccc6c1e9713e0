/**
 * The one behaviour suite of MultiLevelCache, run on every configuration:
 * L1 only (multi-level-cache.test.ts) and L1 + real Redis
 * (multi-level-cache.redis.test.ts). Time-based behaviour (TTL, jitter, grace,
 * soft timeouts) runs on a ManualClock; only effects crossing a real socket
 * are awaited with `eventually`.
 */
import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { ManualClock } from '../clock/manual-clock.ts'
import type { Metrics } from '../metrics/index.ts'
import type { MultiLevelCacheOptions } from './cache-options.ts'
import { CacheError } from './errors.ts'
import { type MultiLevelCache, multiLevelCache } from './multi-level-cache.ts'
import { jsonWithBigIntSerializer } from './serializer.ts'
import { eventually, sample, testMetrics } from './test-support/cache-test-kit.ts'

/** One configuration the suite runs on. */
export interface CacheSuiteTarget {
  label: string
  hasL2: boolean
  /** Fresh state per test: caches built by one context are replicas of each other. */
  setup(): Promise<CacheSuiteContext>
}

export interface CacheSuiteContext {
  clock: ManualClock
  metrics: Metrics
  /** A new cache instance ("replica") sharing prefix, clock, metrics and bus with the others of this test. */
  replica(options?: MultiLevelCacheOptions): MultiLevelCache
  close(): Promise<void>
}

/**
 * A suite context on a fresh ManualClock and private metrics: its replicas are caches
 * named `suite` built with `shared` (what links them: a bus, or a Redis URL and prefix).
 * `close` closes them all, then runs `cleanup`.
 */
export function suiteContext(
  shared: MultiLevelCacheOptions,
  cleanup: () => Promise<void> = async () => {},
): CacheSuiteContext {
  const clock = new ManualClock()
  const metrics = testMetrics()
  const replicas: MultiLevelCache[] = []
  return {
    clock,
    metrics,
    replica(options) {
      const replica = multiLevelCache({ name: 'suite', clock, meter: metrics.meter, ...shared, ...options })
      replicas.push(replica)
      return replica
    },
    async close() {
      await Promise.all(replicas.map((replica) => replica.close()))
      await metrics.shutdown()
      await cleanup()
    },
  }
}

const deferred = <T>() => {
  let resolve!: (value: T) => void
  let reject!: (error: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}

/**
 * Advances the clock in small steps until `promise` settles: for timers set
 * after real I/O (an L2 read) whose exact moment the test cannot know.
 */
async function tickUntilSettled<T>(clock: ManualClock, promise: Promise<T>): Promise<T> {
  let settled = false
  promise.then(
    () => {
      settled = true
    },
    () => {
      settled = true
    },
  )
  await eventually(async () => {
    await clock.tick(10)
    return settled
  })
  return promise
}

export function multiLevelCacheSuite(target: CacheSuiteTarget): void {
  describe(`MultiLevelCache (${target.label})`, () => {
    let context: CacheSuiteContext
    let clock: ManualClock
    let cache: MultiLevelCache
    const requests = (level: string, result: string) =>
      sample(context.metrics, 'cache_requests_total', { cache: 'suite', level, result })

    beforeEach(async () => {
      context = await target.setup()
      clock = context.clock
      cache = context.replica()
    })

    afterEach(async () => {
      await context.close()
    })

    test('returns undefined for a missing key and the value once set', async () => {
      expect(await cache.get('missing')).toBeUndefined()
      await cache.set('pool', { slug: 'mega', amount: 10 })
      expect(await cache.get<{ slug: string; amount: number }>('pool')).toEqual({ slug: 'mega', amount: 10 })
    })

    test('hands out values as they read back from their serialized form, in every mode', async () => {
      const at = new Date(0)
      await cache.set('dated', { at, skipped: undefined })
      expect(await cache.get('dated')).toEqual({ at: at.toISOString() })
    })

    test('exports factory calls and L2 errors at zero before either happens', async () => {
      // The series must exist (sample() reads a missing one as 0 too).
      const text = await context.metrics.render()
      expect(text).toMatch(/^cache_factory_calls_total\{[^}]*cache="suite"[^}]*\} 0$/m)
      expect(text).toMatch(/^cache_l2_errors_total\{[^}]*cache="suite"[^}]*\} 0$/m)
    })

    test('getOrSet runs the factory on a miss, then serves the cached value', async () => {
      let calls = 0
      const factory = async () => ++calls
      expect(await cache.getOrSet('k', factory)).toBe(1)
      expect(await cache.getOrSet('k', factory)).toBe(1)
      expect(calls).toBe(1)
      expect(await requests('l1', 'hit')).toBe(1)
      expect(await sample(context.metrics, 'cache_factory_calls_total', { cache: 'suite' })).toBe(1)
    })

    test('1 000 concurrent getOrSet calls on a cold key run the factory once', async () => {
      let calls = 0
      const gate = deferred<void>()
      const factory = async () => {
        calls++
        await gate.promise
        return { computed: true }
      }
      const pending = Array.from({ length: 1_000 }, () => cache.getOrSet('cold', factory))
      // Let every caller reach the flight before the factory may finish.
      await eventually(() => calls > 0)
      gate.resolve()
      const results = await Promise.all(pending)
      expect(calls).toBe(1)
      expect(results.every((result) => result === results[0])).toBe(true)
      expect(results[0]).toEqual({ computed: true })
      expect(await sample(context.metrics, 'cache_factory_calls_total', { cache: 'suite' })).toBe(1)
    })

    test('an entry expires after its TTL and the factory runs again', async () => {
      let calls = 0
      const factory = async () => ++calls
      await cache.getOrSet('k', factory, { ttlMs: 1_000 })
      clock.advance(999)
      expect(await cache.getOrSet('k', factory, { ttlMs: 1_000 })).toBe(1)
      clock.advance(1)
      expect(await cache.getOrSet('k', factory, { ttlMs: 1_000 })).toBe(2)
    })

    test('jitter takes a random fraction off the TTL', async () => {
      const jittered = context.replica({ random: () => 0.5 })
      let calls = 0
      const factory = async () => ++calls
      await jittered.getOrSet('k', factory, { ttlMs: 1_000, jitter: 0.1 })
      clock.advance(949)
      expect(await jittered.getOrSet('k', factory, { ttlMs: 1_000, jitter: 0.1 })).toBe(1)
      clock.advance(1)
      expect(await jittered.getOrSet('k', factory, { ttlMs: 1_000, jitter: 0.1 })).toBe(2)
    })

    test('within the grace period a failing factory is answered with the stale value', async () => {
      const options = { ttlMs: 1_000, graceMs: 10_000 }
      await cache.getOrSet('k', async () => 'fresh', options)
      clock.advance(5_000)
      const failing = async (): Promise<string> => {
        throw new Error('database down')
      }
      expect(await cache.getOrSet('k', failing, options)).toBe('fresh')
      clock.advance(6_000)
      await expect(cache.getOrSet('k', failing, options)).rejects.toThrow('database down')
    })

    test('after a factory failure the stale value is served without retrying during the back-off', async () => {
      const backoff = context.replica({ graceBackoffMs: 2_000 })
      const options = { ttlMs: 1_000, graceMs: 60_000 }
      await backoff.getOrSet('k', async () => 'v1', options)
      clock.advance(1_000)
      let attempts = 0
      const failing = async (): Promise<string> => {
        attempts++
        throw new Error('down')
      }
      expect(await backoff.getOrSet('k', failing, options)).toBe('v1')
      expect(await backoff.getOrSet('k', failing, options)).toBe('v1')
      expect(attempts).toBe(1)
      clock.advance(2_000)
      expect(await backoff.getOrSet('k', async () => 'v2', options)).toBe('v2')
    })

    test('a factory slower than the soft timeout is answered with the stale value and refreshes in the background', async () => {
      const options = { ttlMs: 1_000, graceMs: 60_000, softTimeoutMs: 100 }
      await cache.getOrSet('k', async () => 'v1', options)
      clock.advance(1_000)
      const slow = deferred<string>()
      let started = 0
      const answer = cache.getOrSet(
        'k',
        () => {
          started++
          return slow.promise
        },
        options,
      )
      await eventually(() => started === 1)
      await clock.tick(100)
      expect(await answer).toBe('v1')
      // A second caller meanwhile joins the running refresh instead of starting another.
      const second = cache.getOrSet('k', async () => 'never', options)
      expect(await tickUntilSettled(clock, second)).toBe('v1')
      slow.resolve('v2')
      await eventually(async () => (await cache.get('k')) === 'v2')
      expect(started).toBe(1)
    })

    test('get returns a value past its TTL only when allowed to, and only within the grace period', async () => {
      await cache.set('k', 'v', { ttlMs: 1_000, graceMs: 5_000 })
      clock.advance(2_000)
      expect(await cache.get('k')).toBeUndefined()
      expect(await cache.get('k', { allowStale: true })).toBe('v')
      clock.advance(4_000)
      expect(await cache.get('k', { allowStale: true })).toBeUndefined()
    })

    test('the factory receives the stale value and may override the TTL', async () => {
      await cache.getOrSet('k', async () => 'v1', { ttlMs: 1_000, graceMs: 5_000 })
      clock.advance(1_000)
      let seen: string | undefined
      await cache.getOrSet<string>(
        'k',
        async (ctx) => {
          seen = ctx.staleValue
          ctx.setTtl(10_000)
          return 'v2'
        },
        { ttlMs: 1_000, graceMs: 5_000 },
      )
      expect(seen).toBe('v1')
      clock.advance(9_999)
      expect(await cache.get('k')).toBe('v2')
    })

    test('a null or undefined result is cached for negativeTtlMs only', async () => {
      let calls = 0
      const nothing = async () => {
        calls++
        return null
      }
      expect(await cache.getOrSet('ghost', nothing, { negativeTtlMs: 500 })).toBeNull()
      expect(await cache.getOrSet('ghost', nothing, { negativeTtlMs: 500 })).toBeNull()
      expect(calls).toBe(1)
      clock.advance(500)
      await cache.getOrSet('ghost', nothing, { negativeTtlMs: 500 })
      expect(calls).toBe(2)
      let undefinedCalls = 0
      const none = async () => {
        undefinedCalls++
        return undefined
      }
      await cache.getOrSet('void', none)
      await cache.getOrSet('void', none)
      expect(undefinedCalls).toBe(2) // negativeTtlMs defaults to 0: not cached
    })

    test('namespaces keep the same key apart and clear only themselves', async () => {
      const pools = cache.namespace('pools')
      const users = cache.namespace('users')
      await pools.set('a', 'pool')
      await users.set('a', 'user')
      await cache.set('a', 'root')
      expect(await pools.get('a')).toBe('pool')
      expect(await users.get('a')).toBe('user')
      await pools.clear()
      expect(await pools.get('a')).toBeUndefined()
      expect(await users.get('a')).toBe('user')
      expect(await cache.get('a')).toBe('root')
      await pools.set('a', 'pool again')
      expect(await pools.get('a')).toBe('pool again')
    })

    test('clearing the root clears every namespace, nested ones included', async () => {
      const nested = cache.namespace('pools').namespace('archive')
      await nested.set('a', 1)
      await cache.set('b', 2)
      await cache.clear()
      expect(await nested.get('a')).toBeUndefined()
      expect(await cache.get('b')).toBeUndefined()
    })

    test('refuses a namespace name that could collide with another path', () => {
      expect(() => cache.namespace('a:b')).toThrow(CacheError)
      expect(() => cache.namespace('')).toThrow(CacheError)
    })

    test('invalidateTags drops the tagged entries in every namespace and keeps the others', async () => {
      const pools = cache.namespace('pools')
      await pools.set('mega', 1, { tags: ['pools', 'mega'] })
      await pools.set('minor', 2, { tags: ['pools'] })
      await cache.set('unrelated', 3, { tags: ['other'] })
      await cache.invalidateTags(['mega'])
      expect(await pools.get('mega')).toBeUndefined()
      expect(await pools.get('minor')).toBe(2)
      await cache.invalidateTags(['pools'])
      expect(await pools.get('minor')).toBeUndefined()
      expect(await cache.get('unrelated')).toBe(3)
    })

    test('a result computed while its tag was invalidated is not served afterwards', async () => {
      const gate = deferred<string>()
      let started = false
      const answer = cache.getOrSet(
        'k',
        () => {
          started = true
          return gate.promise
        },
        { tags: ['t'] },
      )
      await eventually(() => started)
      await cache.invalidateTags(['t'])
      gate.resolve('computed before the change')
      expect(await answer).toBe('computed before the change')
      expect(await cache.getOrSet('k', async () => 'recomputed', { tags: ['t'] })).toBe('recomputed')
    })

    test('a result computed while its key was deleted is not stored', async () => {
      const gate = deferred<string>()
      let started = false
      const answer = cache.getOrSet('k', () => {
        started = true
        return gate.promise
      })
      await eventually(() => started)
      await cache.delete('k')
      gate.resolve('old')
      expect(await answer).toBe('old')
      expect(await cache.get('k')).toBeUndefined()
    })

    test('delete removes the value', async () => {
      await cache.set('k', 'v')
      await cache.delete('k')
      expect(await cache.get('k')).toBeUndefined()
    })

    test("set on one replica stops another replica's L1 from serving the old value", async () => {
      const other = context.replica()
      await other.getOrSet('k', async () => 'old')
      await cache.set('k', 'new')
      const expected = target.hasL2 ? 'new' : undefined
      await eventually(async () => (await other.get('k')) === expected)
      expect(await other.get('k')).toBe(expected as string)
    })

    test("delete on one replica removes the key from another replica's L1", async () => {
      const other = context.replica()
      await other.getOrSet('k', async () => 'v')
      await cache.delete('k')
      await eventually(async () => (await other.get('k')) === undefined)
      const messages = (direction: string) =>
        sample(context.metrics, 'cache_bus_messages_total', { cache: 'suite', direction })
      expect(await messages('sent')).toBeGreaterThanOrEqual(1)
      expect(await messages('received')).toBeGreaterThanOrEqual(1)
    })

    test('invalidateTags on one replica invalidates the tagged entries of another', async () => {
      const other = context.replica()
      await other.getOrSet('k', async () => 'v', { tags: ['pools'] })
      await cache.invalidateTags(['pools'])
      await eventually(async () => (await other.get('k')) === undefined)
      let calls = 0
      await other.getOrSet('k', async () => `v${++calls}`, { tags: ['pools'] })
      expect(calls).toBe(1)
    })

    test('L1 evicts by entry count; with L2 the value is still found there', async () => {
      const small = context.replica({ l1: { maxEntries: 2 } })
      await small.set('a', 1)
      await small.set('b', 2)
      await small.set('c', 3)
      expect(await small.get('a')).toBe(target.hasL2 ? 1 : undefined)
      expect(await small.get('c')).toBe(3)
      if (target.hasL2) expect(await requests('l2', 'hit')).toBe(1)
    })

    test('L1 evicts by approximate bytes of the serialized value', async () => {
      const small = context.replica({ l1: { maxBytes: 1_000 } })
      await small.set('big1', 'x'.repeat(400))
      await small.set('big2', 'y'.repeat(400))
      expect(await requests('l1', 'miss')).toBe(0)
      expect(await small.get('big1')).toBe(target.hasL2 ? 'x'.repeat(400) : undefined)
      expect(await requests('l1', 'miss')).toBe(1)
      expect(await small.get('big2')).toBe('y'.repeat(400))
    })

    test('counts hits and misses per level', async () => {
      await cache.get('nothing')
      await cache.set('k', 1)
      await cache.get('k')
      expect(await requests('l1', 'miss')).toBe(1)
      expect(await requests('l1', 'hit')).toBe(1)
      expect(await requests('l2', 'miss')).toBe(target.hasL2 ? 1 : 0)
    })

    test('refuses bigint with the default serializer and round-trips it with the bigint one', async () => {
      await expect(cache.set('money', { cents: 5n })).rejects.toMatchObject({ code: 'E_CACHE_SERIALIZE' })
      const money = context.replica({ serializer: jsonWithBigIntSerializer })
      await money.set('money', { cents: 12_345_678_901_234_567_890n })
      expect(await money.get('money')).toEqual({ cents: 12_345_678_901_234_567_890n })
      const fresh = context.replica({ serializer: jsonWithBigIntSerializer })
      expect(await fresh.get('money')).toEqual(
        target.hasL2 ? { cents: 12_345_678_901_234_567_890n } : undefined,
      )
    })

    test('its health check is non-critical and passes when everything is up', async () => {
      const check = cache.healthCheck()
      expect(check.critical).toBe(false)
      const run = () => check.run(new AbortController().signal)
      // With Redis, the bus subscribes asynchronously after the cache is built.
      await eventually(async () => (await run())?.status === 'pass')
      const outcome = await run()
      if (target.hasL2) expect(outcome).toMatchObject({ observedUnit: 'ms' })
    })

    test('a closed cache refuses calls with E_CACHE_CLOSED', async () => {
      const closing = context.replica()
      await closing.close()
      await expect(closing.get('k')).rejects.toMatchObject({ code: 'E_CACHE_CLOSED' })
    })
  })
}
