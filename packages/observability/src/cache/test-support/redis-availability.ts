import { describeWithServices, serviceAnswers, testServices } from '@jackpot/test-kit'

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

export { deleteKeysUnder, uniquePrefix } from '@jackpot/test-kit'

/**
 * Declares `body` when the test Redis is reachable; otherwise test-kit's one
 * rule (fail under CI=true, else report the suite as not run).
 *
 * @example
 * await describeWithRedis('cache outages', (redis) => { test('…', async () => { … }) })
 */
export async function describeWithRedis(name: string, body: (redis: RedisForTests) => void): Promise<void> {
  const redis = await redisForTests()
  await describeWithServices(
    `observability ${name}`,
    [{ what: `Redis at ${redis.url}`, available: () => redis.available }],
    () => body(redis),
  )
}
