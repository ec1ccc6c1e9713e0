import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { ManualClock } from '@jackpot/observability/testing'
import { type PrivateRedis, startPrivateRedis } from '../../../../ops/cluster/private-redis.ts'
import type { RateLimitPolicy } from '../../src/rate-limit/index.ts'
import { sharedRateLimiter } from '../../src/rate-limit/shared-rate-limiter.ts'
import {
  createRedisClients,
  type RedisClients,
  redisBreaker,
  startRedisHeartbeat,
} from '../../src/redis/index.ts'
import { within } from './support/cluster-client.ts'
import { describeWith, uniquePrefix } from './support/cluster-services.ts'

describe('Redis heartbeat and breaker (controlled clock)', () => {
  const setup = () => {
    const clock = new ManualClock()
    const breaker = redisBreaker({ name: `heartbeat-${crypto.randomUUID()}`, clock, registry: false })
    const redis = { up: false, pings: 0, hang: false }
    const client = {
      ping: () => {
        redis.pings++
        if (redis.hang) return new Promise<never>(() => {})
        return redis.up ? Promise.resolve('PONG') : Promise.reject(new Error('connect ECONNREFUSED'))
      },
    }
    const stop = startRedisHeartbeat({ client, breaker, clock })
    return { clock, breaker, redis, stop }
  }

  test('with no traffic at all, a dead Redis opens the breaker within two pings (500 ms)', async () => {
    const { clock, breaker, redis, stop } = setup()
    await clock.tick(250)
    expect(redis.pings).toBe(1)
    expect(breaker.state).toBe('closed')
    await clock.tick(250)
    expect(redis.pings).toBe(2)
    expect(breaker.state).toBe('open')
    // While open the pings are refused by the breaker, not sent to Redis.
    await clock.tick(750)
    expect(redis.pings).toBe(2)
    stop()
    breaker.dispose()
  })

  test('once Redis answers, the first ping after the open wait closes the breaker', async () => {
    const { clock, breaker, redis, stop } = setup()
    await clock.tick(500)
    expect(breaker.state).toBe('open')
    redis.up = true
    await clock.tick(750)
    expect(breaker.state).toBe('open')
    await clock.tick(250)
    expect(breaker.state).toBe('closed')
    expect(redis.pings).toBe(3)
    stop()
    breaker.dispose()
  })

  test('pings never overlap, and stop() ends them', async () => {
    const { clock, breaker, redis, stop } = setup()
    redis.hang = true
    await clock.tick(5_000)
    expect(redis.pings).toBe(1)
    stop()
    redis.hang = false
    await clock.tick(5_000)
    expect(redis.pings).toBe(1)
    expect(clock.pendingTimers).toBe(0)
    breaker.dispose()
  })
})

await describeWith('Redis outage (private redis-server)', { redisServer: true }, () => {
  let server: PrivateRedis
  const clients: RedisClients[] = []
  const connect = () => {
    const redis = createRedisClients(server.url)
    clients.push(redis)
    return redis
  }
  const ready = (redis: RedisClients) =>
    within(5_000, async () => redis.commands.status === 'ready', 'Redis client ready', 20)

  beforeAll(async () => {
    server = await startPrivateRedis()
  })
  afterAll(async () => {
    await Promise.all(clients.map((redis) => redis.close()))
    await server?.stop()
  })

  test('the fail-fast clients refuse a command at once when Redis is gone, and reconnect when it is back', async () => {
    const redis = connect()
    await ready(redis)
    expect(await redis.commands.ping()).toBe('PONG')
    await server.kill()
    // ioredis' defaults would queue the command and retry for over a minute.
    const outcome = await Promise.race([
      redis.commands.get('any').then(
        () => 'answered',
        () => 'refused',
      ),
      Bun.sleep(2_000).then(() => 'still waiting'),
    ])
    expect(outcome).toBe('refused')
    await server.restart()
    await ready(redis)
    expect(await redis.commands.ping()).toBe('PONG')
    await redis.close()
    await redis.close()
  })

  test('the shared rate limiter decides per replica while Redis is down and shares the limit again once back', async () => {
    if (!server.running) await server.restart()
    const [redisA, redisB] = [connect(), connect()]
    await Promise.all([ready(redisA), ready(redisB)])
    const clock = new ManualClock(Date.now())
    const warnings: string[] = []
    const logger = { warn: (_: unknown, message: string) => warnings.push(message), info: () => {} }
    const keyPrefix = `${uniquePrefix('rate-limit')}:`
    const a = sharedRateLimiter({ redis: redisA.commands, keyPrefix, clock, logger })
    const b = sharedRateLimiter({ redis: redisB.commands, keyPrefix, clock })
    const policy: RateLimitPolicy = { group: 'outage', limit: 10, windowMs: 60_000 }
    const burst = async (client: string, count: number) => {
      const decisions = []
      for (let i = 0; i < count; i++)
        decisions.push(await (i % 2 === 0 ? a : b).limiter.consume(client, policy))
      return decisions
    }

    const shared = await burst('client-1', 30)
    expect(shared.filter((decision) => decision.allowed)).toHaveLength(10)
    expect(shared.every((decision) => decision.source === 'redis')).toBe(true)

    await server.kill()
    const alone = await burst('client-2', 40)
    // Each replica now allows the limit on its own: never more, and no request failed.
    expect(alone.every((decision) => decision.source === 'local')).toBe(true)
    expect(alone.filter((decision) => decision.allowed)).toHaveLength(20)
    expect(a.breaker.state).toBe('open')
    expect(warnings).toEqual(['rate limit: Redis unavailable, limits are per replica'])

    await server.restart()
    await Promise.all([ready(redisA), ready(redisB)])
    await clock.tick(1_000) // the breakers' open wait
    const back = await burst('client-3', 30)
    expect(back.every((decision) => decision.source === 'redis')).toBe(true)
    expect(back.filter((decision) => decision.allowed)).toHaveLength(10)
    expect(a.breaker.state).toBe('closed')
    await a.close()
    await b.close()
  })
})
