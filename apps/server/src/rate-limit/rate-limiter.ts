/**
 * A limit of `limit` requests in any sliding window of `windowMs`, counted
 * with a sliding-window counter (see `sliding-window.ts`): constant memory per
 * client, at the price of assuming the previous window's requests were spread
 * evenly over it.
 */
export interface RateLimitPolicy {
  /** Route group the policy belongs to, e.g. 'public', 'game', 'staff'. Part of the key. */
  group: string
  limit: number
  windowMs: number
  /**
   * Whom the budget belongs to: the client IP, or the verified principal (API key,
   * token subject) once the auth plugin has checked the credential; until then, and
   * for good when the credential fails, the request counts against its IP.
   * Defaults to 'ip'.
   */
  by?: 'ip' | 'principal'
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
  /** The fixed window (`floor(now / windowMs)`) the request was counted in; what a refund gives back to. */
  window: number
}

/**
 * One request counted earlier under `key` (same policy), given back: a request
 * charged to its client IP until its credential was verified is then charged
 * to the principal instead.
 */
export interface RateLimitRefund {
  key: string
  window: number
  source: 'redis' | 'local'
}

export interface RateLimiter {
  /** Counts one request under `key` if the policy allows it; gives `refund` back first. */
  consume(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): Promise<RateLimitDecision>
  /**
   * The same decision, synchronously, from a limiter that decides in memory:
   * the plugin then spares every request a promise. Absent when a decision
   * needs I/O (Redis).
   */
  consumeSync?(key: string, policy: RateLimitPolicy, refund?: RateLimitRefund): RateLimitDecision
}
