import { describe, expect, test } from 'bun:test'
import type { RateLimitPolicy } from './rate-limiter.ts'
import { refundTo, slidingWindow, type WindowCounts } from './sliding-window.ts'

const policy: RateLimitPolicy = { group: 'test', limit: 10, windowMs: 1000 }

/** Sends `count` requests at `now`, keeping the state the way a limiter does; returns how many passed. */
function send(state: { counts?: WindowCounts }, now: number, count: number, p = policy): number {
  let allowed = 0
  for (let i = 0; i < count; i++) {
    const outcome = slidingWindow(state.counts, now, p)
    state.counts = outcome.counts
    if (outcome.allowed) allowed++
  }
  return allowed
}

describe('slidingWindow', () => {
  test('allows the limit in a fresh window, counting the remaining slots down to 0', () => {
    const remaining: number[] = []
    let counts: WindowCounts | undefined
    for (let i = 0; i < 11; i++) {
      const outcome = slidingWindow(counts, 5_250, policy)
      counts = outcome.counts
      remaining.push(outcome.remaining)
    }
    expect(remaining).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0])
    expect(counts).toEqual({ window: 5, current: 10, previous: 0 })
  })

  test('weighs the previous window by the share of it still inside the sliding window', () => {
    const state: { counts?: WindowCounts } = {}
    expect(send(state, 0, 10)).toBe(10) // window 0 full
    // At 1 250 ms, 75 % of window 0 is still inside the last second: 10 × 0.75 = 7.5 → 2 slots.
    expect(send(state, 1_250, 5)).toBe(2)
    // At 1 800 ms only 20 % is: 10 × 0.2 + 2 = 4 → 6 more.
    expect(send(state, 1_800, 10)).toBe(6)
  })

  test('never allows more than the limit within one fixed window, however the requests are spread', () => {
    const state: { counts?: WindowCounts } = {}
    let total = 0
    for (let now = 2_000; now < 3_000; now += 7) total += send(state, now, 3)
    expect(total).toBe(10)
  })

  test('forgets everything after two windows', () => {
    const state: { counts?: WindowCounts } = {}
    send(state, 0, 10)
    expect(send(state, 2_000, 12)).toBe(10)
  })

  test('a refusal says when the next request would pass, and it does then, not a millisecond before', () => {
    for (const [at, burst] of [
      [0, 10],
      [1_250, 10],
      [600, 4],
    ] as const) {
      const state: { counts?: WindowCounts } = {}
      send(state, at, burst)
      // fill whatever the burst left, at 1 400 ms, then get refused
      send(state, 1_400, 20)
      const refused = slidingWindow(state.counts, 1_400, policy)
      expect(refused.allowed).toBe(false)
      expect(slidingWindow(state.counts, 1_400 + refused.retryAfterMs - 1, policy).allowed).toBe(false)
      expect(slidingWindow(state.counts, 1_400 + refused.retryAfterMs, policy).allowed).toBe(true)
    }
  })

  test('a refund gives back one request of the window it was counted in, also after that window rolled over', () => {
    const state: { counts?: WindowCounts } = {}
    send(state, 500, 3)
    refundTo(state.counts, 0)
    expect(state.counts).toEqual({ window: 0, current: 2, previous: 0 })
    send(state, 1_100, 1) // rolls: window 0's 2 are now the previous window
    refundTo(state.counts, 0)
    expect(state.counts).toEqual({ window: 1, current: 1, previous: 1 })
    refundTo(state.counts, 7) // long gone: nothing to give back
    expect(state.counts).toEqual({ window: 1, current: 1, previous: 1 })
  })
})
