/** A limit of `limit` requests in any sliding window of `windowMs`. */
export interface RateLimitPolicy {
  /** Route group the policy belongs to, e.g. 'public', 'game', 'staff'. Part of the key. */
  group: string
  limit: number
  windowMs: number
}

export interface RateLimitDecision {
  allowed: boolean
  limit: number
  /** Requests still allowed in the current window after this one. */
  remaining: number
  /** Milliseconds until a slot frees up (0 when allowed and slots remain). */
  retryAfterMs: number
  /** Which store decided: the shared one or this replica's fallback. */
  source: 'redis' | 'local'
}

export interface RateLimiter {
  consume(key: string, policy: RateLimitPolicy): Promise<RateLimitDecision>
  /**
   * The same decision, synchronously, from a limiter that decides in memory:
   * the plugin then spares every request a promise. Absent when a decision
   * needs I/O (Redis).
   */
  consumeSync?(key: string, policy: RateLimitPolicy): RateLimitDecision
}
