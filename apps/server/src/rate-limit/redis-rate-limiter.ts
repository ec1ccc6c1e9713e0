import type Redis from 'ioredis'
import type { RateLimitDecision, RateLimiter, RateLimitPolicy, RateLimitRefund } from './rate-limiter.ts'

/**
 * The sliding-window counter of `sliding-window.ts`, line for line, as one Lua
 * script over one small hash per (group, client): `w` (fixed-window index),
 * `c` (its count), `p` (the previous window's count). Constant memory per key,
 * whatever the request rate; the key expires once both windows are past.
 *
 * The script runs atomically, so replicas sharing the Redis share the limit:
 * N replicas together allow `limit`, not N × `limit`. Time comes from Redis
 * (`TIME`), so replica clock skew cannot widen a window. An optional second key
 * is given back one request first (a refund, see `RateLimitRefund`) in the
 * same round trip.
 */
const SLIDING_WINDOW_COUNTER_SCRIPT = `
local limit = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local now = tonumber(ARGV[3])
if now == nil then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
if #KEYS > 1 then
  local rw = tonumber(ARGV[4])
  local r = redis.call('HMGET', KEYS[2], 'w', 'c', 'p')
  local sw = tonumber(r[1])
  if sw == rw and (tonumber(r[2]) or 0) > 0 then
    redis.call('HINCRBY', KEYS[2], 'c', -1)
  elseif sw == rw + 1 and (tonumber(r[3]) or 0) > 0 then
    redis.call('HINCRBY', KEYS[2], 'p', -1)
  end
end
local key = KEYS[1]
local window = math.floor(now / w)
local s = redis.call('HMGET', key, 'w', 'c', 'p')
local sw = tonumber(s[1])
local c = tonumber(s[2]) or 0
local p = tonumber(s[3]) or 0
if sw == nil or sw < window - 1 then
  c = 0
  p = 0
elseif sw == window - 1 then
  p = c
  c = 0
else
  window = sw
end
local elapsed = math.min(w, math.max(0, now - window * w))
local weighted = p * (w - elapsed) + (c + 1) * w
if weighted <= limit * w then
  redis.call('HSET', key, 'w', window, 'c', c + 1, 'p', p)
  redis.call('PEXPIRE', key, 2 * w - elapsed)
  return {1, math.floor((limit * w - weighted) / w), 0, window}
end
local retry
if c + 1 <= limit then
  retry = w - math.floor(((limit - c - 1) * w) / p) - elapsed
else
  retry = w - elapsed + (w - math.floor(((limit - 1) * w) / c))
end
if retry < 1 then retry = 1 end
return {0, 0, retry, window}
`

export interface RedisRateLimiterOptions {
  /** Prefix of the limiter's keys. Defaults to `'jackpot:ratelimit:'`. */
  keyPrefix?: string
  /**
   * Clock in milliseconds. Defaults to Redis's own (`TIME`), the same for every
   * replica; a test passes one to compare decisions with the memory limiter's.
   */
  now?: () => number
}

export class RedisRateLimiter implements RateLimiter {
  private readonly keyPrefix: string
  private readonly now: (() => number) | undefined

  constructor(
    private readonly redis: Redis,
    options: RedisRateLimiterOptions = {},
  ) {
    this.keyPrefix = options.keyPrefix ?? 'jackpot:ratelimit:'
    this.now = options.now
  }

  async consume(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): Promise<RateLimitDecision> {
    const keys = [this.keyOf(key, policy)]
    const args: (string | number)[] = [policy.limit, policy.windowMs, this.now?.() ?? '']
    if (refund !== undefined) {
      keys.push(this.keyOf(refund.key, policy))
      args.push(refund.window)
    }
    const reply = (await this.redis.eval(SLIDING_WINDOW_COUNTER_SCRIPT, keys.length, ...keys, ...args)) as [
      number,
      number,
      number,
      number,
    ]
    return {
      allowed: reply[0] === 1,
      limit: policy.limit,
      remaining: reply[1],
      retryAfterMs: reply[2],
      source: 'redis',
      window: reply[3],
    }
  }

  /** The Redis key holding `key`'s counts under `policy`. */
  keyOf(key: string, policy: RateLimitPolicy): string {
    return `${this.keyPrefix}${policy.group}:${key}`
  }
}
