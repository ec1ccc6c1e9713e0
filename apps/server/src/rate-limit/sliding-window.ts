import type { RateLimitPolicy } from './rate-limiter.ts'

/**
 * What a sliding-window counter keeps per client: the request counts of the
 * current fixed window and of the one before it. Three numbers, however many
 * requests the client sends.
 */
export interface WindowCounts {
  /** Index of the current fixed window, `floor(now / windowMs)`. */
  window: number
  current: number
  previous: number
}

/** The outcome of {@link slidingWindow}; `counts` is what to store when `allowed`. */
export interface SlidingWindowOutcome {
  allowed: boolean
  remaining: number
  retryAfterMs: number
  counts: WindowCounts
}

/**
 * Moves `counts` to the fixed window of `now`: the current count becomes the
 * previous one after one window, and both are forgotten after two.
 */
export function rollTo(counts: WindowCounts | undefined, now: number, windowMs: number): WindowCounts {
  const window = Math.floor(now / windowMs)
  if (counts === undefined || counts.window < window - 1) return { window, current: 0, previous: 0 }
  if (counts.window === window - 1) return { window, current: 0, previous: counts.current }
  // counts.window >= window: a clock that went back is treated as still in the stored window.
  return counts
}

/**
 * The sliding-window counter decision (the algorithm Cloudflare and nginx use
 * for distributed limits): the requests of the last `windowMs` are estimated as
 * `previous × (share of the previous window still inside the sliding one) +
 * current`, and a request is allowed while that estimate plus itself stays
 * within the limit. All arithmetic is on integers scaled by `windowMs`, so the
 * Redis Lua script (`redis-rate-limiter.ts`), which repeats this function line
 * for line, decides exactly the same.
 *
 * The approximation: it assumes the previous window's requests were evenly
 * spread. A burst at the very end of the previous window is under-weighted
 * (the client may get up to `limit` in a little less than a window), a burst at
 * its start over-weighted (the client waits a little longer); it never allows
 * more than `limit` within one fixed window.
 *
 * @example
 * slidingWindow(undefined, 0, { group: 'g', limit: 5, windowMs: 1000 })
 * // { allowed: true, remaining: 4, retryAfterMs: 0, counts: { window: 0, current: 1, previous: 0 } }
 */
export function slidingWindow(
  stored: WindowCounts | undefined,
  now: number,
  policy: RateLimitPolicy,
): SlidingWindowOutcome {
  const { limit, windowMs: w } = policy
  const counts = rollTo(stored, now, w)
  const elapsed = Math.min(w, Math.max(0, now - counts.window * w))
  // estimate × w, for the count with this request included
  const weighted = counts.previous * (w - elapsed) + (counts.current + 1) * w
  if (weighted <= limit * w) {
    return {
      allowed: true,
      remaining: Math.floor((limit * w - weighted) / w),
      retryAfterMs: 0,
      counts: { window: counts.window, current: counts.current + 1, previous: counts.previous },
    }
  }
  let retryAfterMs: number
  if (counts.current + 1 <= limit) {
    // Wait for enough of the previous window to slide out: previous × (w - e) ≤ (limit - current - 1) × w.
    const slideOut = w - Math.floor(((limit - counts.current - 1) * w) / counts.previous)
    retryAfterMs = slideOut - elapsed
  } else {
    // The current window alone is full: wait for the next one, then for this one to slide out.
    retryAfterMs = w - elapsed + (w - Math.floor(((limit - 1) * w) / counts.current))
  }
  return { allowed: false, remaining: 0, retryAfterMs: Math.max(1, retryAfterMs), counts }
}

/** Gives back one request counted in `window` (no-op once that window left the sliding one). */
export function refundTo(counts: WindowCounts | undefined, window: number): void {
  if (counts === undefined) return
  if (counts.window === window && counts.current > 0) counts.current--
  else if (counts.window === window + 1 && counts.previous > 0) counts.previous--
}
