import { describe, test } from 'bun:test'
import { appendFileSync } from 'node:fs'
import { serviceAnswers, testServices, UNAVAILABLE_REPORT } from '@jackpot/config'

/** Where the Redis suites run, and whether a missing Redis must fail them (CI). */
export interface RedisForTests {
  url: string
  host: string
  port: number
  /** Whether a TCP connection could be opened. */
  available: boolean
  required: boolean
}

/** Probes the test Redis once (a TCP connect with a short timeout). */
export async function redisForTests(): Promise<RedisForTests> {
  const services = testServices()
  const parsed = new URL(services.redisUrl)
  const host = parsed.hostname || '127.0.0.1'
  const port = Number(parsed.port || 6379)
  const available = await serviceAnswers(services.redisUrl, 6379)
  return { url: services.redisUrl, host, port, available, required: services.servicesRequired }
}

/**
 * Says plainly that a suite did not run (Redis missing outside CI): prints the
 * line and appends it to the report `bun run test` prints at the end. The
 * SDK cannot depend on `@jackpot/domain/testing`, so this mirrors its helper.
 */
export function reportUnavailable(line: string): void {
  console.warn(`[not run] ${line}`)
  appendFileSync(UNAVAILABLE_REPORT, `${line}\n`)
}

/** A prefix no other run uses, so suites share the real Redis without clashing. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${crypto.randomUUID()}`
}

/**
 * Declares `body` when the test Redis is reachable; otherwise fails under CI
 * (a missing service must never pass silently there) or reports the suite as
 * not run.
 *
 * @example
 * await describeWithRedis('cache outages', (redis) => { test('…', async () => { … }) })
 */
export async function describeWithRedis(name: string, body: (redis: RedisForTests) => void): Promise<void> {
  const redis = await redisForTests()
  if (redis.available) {
    describe(name, () => body(redis))
  } else if (redis.required) {
    test(`${name}: Redis is reachable (CI=true)`, () => {
      throw new Error(`no Redis at ${redis.url}: "${name}" must run under CI`)
    })
  } else {
    reportUnavailable(`observability ${name}: no Redis at ${redis.url}`)
  }
}

/**
 * Removes what a test left under its prefix (tag version counters have no TTL).
 * Tests may SCAN; the cache itself never does.
 */
export async function deleteKeysUnder(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    let cursor = '0'
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500)
      if (keys.length > 0) await redis.del(...keys)
      cursor = next
    } while (cursor !== '0')
  } finally {
    redis.disconnect()
  }
}
