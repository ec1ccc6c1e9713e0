import type Redis from 'ioredis'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy } from './rate-limiter.ts'

/**
 * Exact sliding-window log in Redis, one sorted set per (group, client).
 * The whole check-and-add runs as one Lua script, so replicas sharing the Redis
 * share the limit: N replicas together allow `limit`, not N × `limit`.
 * Time comes from Redis (`TIME`), so replica clock skew cannot widen a window.
 */
const SLIDING_WINDOW_SCRIPT = `
local key = KEYS[1]
local limit = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local member = ARGV[3]
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return {1, limit - count - 1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
local retry = tonumber(oldest[2]) + window - now
if retry < 1 then retry = 1 end
return {0, 0, retry}
`

export class RedisRateLimiter implements RateLimiter {
  private sequence = 0
  private readonly memberPrefix = crypto.randomUUID()

  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix = 'jackpot:ratelimit:',
  ) {}

  async consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision> {
    // The member must be unique across replicas, or two hits in the same ms would count once.
    const member = `${this.memberPrefix}:${++this.sequence}`
    const reply = (await this.redis.eval(
      SLIDING_WINDOW_SCRIPT,
      1,
      `${this.keyPrefix}${policy.group}:${key}`,
      policy.limit,
      policy.windowMs,
      member,
    )) as [number, number, number]
    return {
      allowed: reply[0] === 1,
      limit: policy.limit,
      remaining: reply[1],
      retryAfterMs: reply[2],
      source: 'redis',
    }
  }
}
