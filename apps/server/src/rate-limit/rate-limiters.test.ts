import { afterAll, describe, expect, test } from 'bun:test'
import { appendFileSync } from 'node:fs'
import { serviceAnswers, testServices, UNAVAILABLE_REPORT } from '@jackpot/config'
import Redis from 'ioredis'
import { FallbackRateLimiter } from './fallback-rate-limiter.ts'
import { MemoryRateLimiter } from './memory-rate-limiter.ts'
import type { RateLimitPolicy } from './rate-limiter.ts'
import { RedisRateLimiter } from './redis-rate-limiter.ts'

const policy: RateLimitPolicy = { group: 'test', limit: 5, windowMs: 1000 }

describe('MemoryRateLimiter', () => {
  test('allows exactly the limit within a window, then refuses with the time until a slot frees', () => {
    let now = 10_000
    const limiter = new MemoryRateLimiter({ now: () => now })
    const decisions = Array.from({ length: 7 }, () => limiter.consumeSync('client', policy))
    expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, true, true, false, false])
    expect(decisions[4]?.remaining).toBe(0)
    expect(decisions[5]?.retryAfterMs).toBe(1000)

    now += 400
    expect(limiter.consumeSync('client', policy).retryAfterMs).toBe(600)
    now += 600
    expect(limiter.consumeSync('client', policy).allowed).toBe(true)
  })

  test('keeps separate windows per client and per group', () => {
    const limiter = new MemoryRateLimiter({ now: () => 0 })
    for (let i = 0; i < 5; i++) limiter.consumeSync('a', policy)
    expect(limiter.consumeSync('a', policy).allowed).toBe(false)
    expect(limiter.consumeSync('b', policy).allowed).toBe(true)
    expect(limiter.consumeSync('a', { ...policy, group: 'other' }).allowed).toBe(true)
  })

  test('slides exactly: each expired request frees one slot, however many expired before', () => {
    let now = 0
    const limiter = new MemoryRateLimiter({ now: () => now })
    const busy: RateLimitPolicy = { group: 'busy', limit: 100, windowMs: 1000 }
    const consume = (count: number) =>
      Array.from({ length: count }, () => limiter.consumeSync('client', busy)).filter((d) => d.allowed).length
    for (; now < 100; now++) expect(consume(1)).toBe(1) // one request per ms, t = 0..99
    now = 500
    expect(consume(1)).toBe(0)
    now = 1000 // the request of t = 0 left the window
    expect(consume(2)).toBe(1)
    now = 1060 // those of t = 1..60 too
    expect(consume(61)).toBe(60)
    now = 5000 // all of them
    expect(consume(150)).toBe(100)
  })

  test('forgets the least recently used clients beyond maxKeys', () => {
    const limiter = new MemoryRateLimiter({ now: () => 0, maxKeys: 2 })
    for (let i = 0; i < 5; i++) limiter.consumeSync('a', policy)
    limiter.consumeSync('b', policy)
    limiter.consumeSync('c', policy)
    // 'a' was evicted, so its window starts afresh.
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
})

// End-to-end against the real Redis: two connections stand in for two replicas.
const services = testServices()
const redisUp = await serviceAnswers(services.redisUrl, 6379)

if (redisUp || services.servicesRequired) {
  describe('RedisRateLimiter (real Redis)', () => {
    const replicas = [new Redis(services.redisUrl), new Redis(services.redisUrl)]
    afterAll(() => {
      for (const redis of replicas) redis.disconnect()
    })

    test('two replicas sharing Redis allow the limit in total, not twice it', async () => {
      if (!redisUp)
        throw new Error(`Redis is required under CI=true but not reachable at ${services.redisUrl}`)
      const shared: RateLimitPolicy = { group: `e2e-${crypto.randomUUID()}`, limit: 50, windowMs: 60_000 }
      const [a, b] = replicas.map((redis) => new RedisRateLimiter(redis))
      const decisions = await Promise.all(
        Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? a : b)!.consume('game-server-1', shared)),
      )
      expect(decisions.filter((d) => d.allowed)).toHaveLength(50)
      const refused = decisions.find((d) => !d.allowed)
      expect(refused?.retryAfterMs).toBeGreaterThan(0)
      expect(refused?.source).toBe('redis')
    })
  })
} else {
  const line = `apps/server rate-limit Redis suite: no Redis at ${services.redisUrl}`
  appendFileSync(UNAVAILABLE_REPORT, `${line}\n`)
  console.warn(`not run: ${line}`)
}
