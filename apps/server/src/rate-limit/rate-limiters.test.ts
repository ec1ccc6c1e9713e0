import { afterAll, describe, expect, test } from 'bun:test'
import { describeWithServices, redisNeed, seededRandom, testServices } from '@jackpot/test-kit'
import Redis from 'ioredis'
import { FallbackRateLimiter } from './fallback-rate-limiter.ts'
import { MemoryRateLimiter } from './memory-rate-limiter.ts'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'
import { RedisRateLimiter } from './redis-rate-limiter.ts'

const policy: RateLimitPolicy = { group: 'test', limit: 5, windowMs: 60_000 }

/** Behaviour every limiter shares, whatever its store. `fresh` gives a limiter and a group nobody used. */
function limiterCases(fresh: () => { limiter: RateLimiter; policy: RateLimitPolicy }) {
  test('allows exactly the limit, then refuses with the time until a slot frees', async () => {
    const { limiter, policy } = fresh()
    const decisions: RateLimitDecision[] = []
    for (let i = 0; i < 7; i++) decisions.push(await limiter.consume('client', policy))
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false])
    expect(decisions.map((d) => d.remaining)).toEqual([4, 3, 2, 1, 0, 0, 0])
    expect(decisions[5]!.retryAfterMs).toBeGreaterThan(0)
    expect(decisions[5]!.retryAfterMs).toBeLessThanOrEqual(2 * policy.windowMs)
  })

  test('keeps separate budgets per client and per group', async () => {
    const { limiter, policy } = fresh()
    for (let i = 0; i < 5; i++) await limiter.consume('a', policy)
    expect((await limiter.consume('a', policy)).allowed).toBe(false)
    expect((await limiter.consume('b', policy)).allowed).toBe(true)
    expect((await limiter.consume('a', { ...policy, group: `${policy.group}-other` })).allowed).toBe(true)
  })

  test('a refund gives one request back to another key in the same call', async () => {
    const { limiter, policy } = fresh()
    const reservations: RateLimitDecision[] = []
    for (let i = 0; i < 5; i++) reservations.push(await limiter.consume('ip', policy))
    expect((await limiter.consume('ip', policy)).allowed).toBe(false)
    const first = reservations[0]!
    const moved = await limiter.consume('principal', policy, {
      key: 'ip',
      window: first.window,
      source: first.source,
    })
    expect(moved.allowed).toBe(true)
    expect((await limiter.consume('ip', policy)).allowed).toBe(true)
    expect((await limiter.consume('ip', policy)).allowed).toBe(false)
  })
}

describe('MemoryRateLimiter', () => {
  limiterCases(() => ({ limiter: new MemoryRateLimiter(), policy }))

  test('keeps three numbers per key however many requests it counts', () => {
    let now = 0
    const limiter = new MemoryRateLimiter({ now: () => now })
    const busy: RateLimitPolicy = { group: 'busy', limit: 1_000_000, windowMs: 1000 }
    for (; now < 10_000; now += 1) limiter.consumeSync('client', busy)
    expect(limiter.size).toBe(1)
    const counts = limiter.countsOf('client', busy)
    expect(Object.keys(counts ?? {}).sort()).toEqual(['current', 'previous', 'window'])
    expect(Object.values(counts ?? {}).every((value) => typeof value === 'number')).toBe(true)
    expect(counts).toEqual({ window: 9, current: 1000, previous: 1000 })
  })

  test('forgets the least recently used clients beyond maxKeys', () => {
    const limiter = new MemoryRateLimiter({ now: () => 0, maxKeys: 2 })
    for (let i = 0; i < 5; i++) limiter.consumeSync('a', policy)
    limiter.consumeSync('b', policy)
    limiter.consumeSync('c', policy)
    expect(limiter.size).toBe(2)
    // 'a' was evicted, so its budget starts afresh.
    expect(limiter.consumeSync('a', policy).allowed).toBe(true)
  })
})

describe('FallbackRateLimiter', () => {
  test("decides locally when the shared store fails, so Redis being down doesn't lift the limit", async () => {
    const failures: unknown[] = []
    const limiter = new FallbackRateLimiter(
      { consume: () => Promise.reject(new Error('ECONNREFUSED')) },
      new MemoryRateLimiter({ now: () => 0 }),
      (call) => call(new AbortController().signal),
      (error) => failures.push(error),
    )
    const decisions = await Promise.all(Array.from({ length: 6 }, () => limiter.consume('client', policy)))
    expect(decisions.filter((d) => d.allowed)).toHaveLength(5)
    expect(decisions.every((d) => d.source === 'local')).toBe(true)
    expect(failures).toHaveLength(6)
  })

  test('gives a refund back to the store that counted the request', async () => {
    const local = new MemoryRateLimiter({ now: () => 0 })
    const sharedRefunds: unknown[] = []
    const shared: RateLimiter = {
      consume: async (_key, p, refund) => {
        sharedRefunds.push(refund)
        return { allowed: true, limit: p.limit, remaining: 0, retryAfterMs: 0, source: 'redis', window: 0 }
      },
    }
    const limiter = new FallbackRateLimiter(shared, local, (call) => call(new AbortController().signal))
    // Counted locally while Redis was down…
    for (let i = 0; i < 5; i++) local.consumeSync('ip', policy)
    // …given back locally once Redis decides again; a Redis-counted one goes to Redis.
    await limiter.consume('principal', policy, { key: 'ip', window: 0, source: 'local' })
    await limiter.consume('principal', policy, { key: 'ip', window: 0, source: 'redis' })
    expect(local.countsOf('ip', policy)?.current).toBe(4)
    expect(sharedRefunds).toEqual([undefined, { key: 'ip', window: 0, source: 'redis' }])
  })
})

// End-to-end against the real Redis: two connections stand in for two replicas.
const services = testServices()

await describeWithServices('apps/server RedisRateLimiter (real Redis)', [redisNeed(services)], () => {
  const replicas = [new Redis(services.redisUrl), new Redis(services.redisUrl)]
  const keyPrefix = `jackpot-test:${crypto.randomUUID()}:ratelimit:`
  afterAll(async () => {
    const keys = await replicas[0]!.keys(`${keyPrefix}*`)
    if (keys.length > 0) await replicas[0]!.del(...keys)
    for (const redis of replicas) redis.disconnect()
  })
  limiterCases(() => {
    return {
      limiter: new RedisRateLimiter(replicas[0]!, { keyPrefix }),
      policy: { ...policy, group: `cases-${crypto.randomUUID()}` },
    }
  })

  test('two replicas sharing Redis allow the limit in total, not twice it', async () => {
    const shared: RateLimitPolicy = { group: `e2e-${crypto.randomUUID()}`, limit: 50, windowMs: 60_000 }
    const [a, b] = replicas.map((redis) => new RedisRateLimiter(redis, { keyPrefix }))
    const decisions = await Promise.all(
      Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b)!.consume('game-server-1', shared)),
    )
    // A fresh key has no previous window to weigh, so the counter is exact here: 50, not about 50.
    expect(decisions.filter((d) => d.allowed)).toHaveLength(50)
    const refused = decisions.find((d) => !d.allowed)
    expect(refused?.retryAfterMs).toBeGreaterThan(0)
    expect(refused?.source).toBe('redis')
  })

  test('holds one small key per client: its size does not grow with the requests it counts', async () => {
    const redis = replicas[0]!
    let now = 1_000_000
    const limiter = new RedisRateLimiter(redis, { keyPrefix, now: () => now })
    const busy: RateLimitPolicy = {
      group: `memory-${crypto.randomUUID()}`,
      limit: 1_000_000,
      windowMs: 1000,
    }
    const key = limiter.keyOf('client', busy)
    const sizes: number[] = []
    for (const requests of [10, 1_000, 5_000]) {
      for (let i = 0; i < requests; i++) {
        now += 1
        await limiter.consume('client', busy)
      }
      sizes.push(Number(await redis.memory('USAGE', key)))
      expect(await redis.keys(`${keyPrefix}${busy.group}:*`)).toEqual([key])
    }
    expect(sizes[1]).toBe(sizes[0])
    expect(sizes[2]).toBe(sizes[0])
    expect(await redis.hgetall(key)).toEqual({ w: String(Math.floor(now / 1000)), c: '11', p: '1000' }) // 6 010 requests, 1 ms apart from 1 000 000
  })

  test('decides exactly as the memory limiter on the same clock (the Lua script is the same algorithm)', async () => {
    const seed = Date.now()
    const random = seededRandom(seed)
    let now = 5_000_000
    const memory = new MemoryRateLimiter({ now: () => now })
    const redis = new RedisRateLimiter(replicas[1]!, { keyPrefix, now: () => now })
    const p: RateLimitPolicy = { group: `same-${crypto.randomUUID()}`, limit: 7, windowMs: 1000 }
    const last = new Map<string, RateLimitDecision>()
    for (let i = 0; i < 600; i++) {
      now += random.int(0, 120)
      const key = random.pick(['a', 'b', 'c'])
      const from = random.pick(['a', 'b', 'c'])
      const previous = last.get(from)
      const refund =
        random.next() < 0.2 && previous?.allowed && from !== key
          ? { key: from, window: previous.window, source: 'local' as const }
          : undefined
      const local = memory.consumeSync(key, p, refund)
      const shared = await redis.consume(key, p, refund && { ...refund, source: 'redis' })
      last.set(key, local)
      expect({ ...shared, source: 'local' }, `seed ${seed}, step ${i}`).toEqual(local)
    }
  })
})
