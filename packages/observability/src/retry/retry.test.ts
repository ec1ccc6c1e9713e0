import { describe, expect, test } from 'bun:test'
import { BrokenCircuitError } from '../breaker/errors.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { type RetryEvent, RetryOptionError, retry } from './retry.ts'

/** mulberry32: a small seeded PRNG, so jittered delays are reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

/** A call that fails `failures` times, then resolves; records when each attempt started. */
function flaky(clock: ManualClock, failures: number) {
  const startedAt: number[] = []
  const call = async (attempt: number) => {
    startedAt.push(clock.now())
    if (attempt <= failures) throw new Error(`attempt ${attempt} failed`)
    return `ok on ${attempt}`
  }
  return { call, startedAt }
}

describe('retry', () => {
  test('returns the first success without waiting', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 0)
    expect(await retry(call, { clock })).toBe('ok on 1')
    expect(startedAt).toEqual([0])
    expect(clock.pendingTimers).toBe(0)
  })

  test('waits random × initialDelayMs × factor^(attempt-1) between attempts', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 3)
    const result = retry(call, { clock, maxAttempts: 4, random: () => 0.5 })
    await clock.tick(349)
    expect(startedAt).toEqual([0, 50, 150]) // waits of 50, 100, then 200
    await clock.tick(1)
    expect(await result).toBe('ok on 4')
    expect(startedAt).toEqual([0, 50, 150, 350])
  })

  test('never lets the ceiling grow past maxDelayMs', async () => {
    const clock = new ManualClock()
    const delays: number[] = []
    const result = retry(() => Promise.reject(new Error('down')), {
      clock,
      maxAttempts: 4,
      initialDelayMs: 100,
      factor: 10,
      maxDelayMs: 1_000,
      random: () => 0.5,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    }).catch(() => {})
    await clock.tick(10_000)
    await result
    expect(delays).toEqual([50, 500, 500])
  })

  test('draws each wait uniformly below its ceiling (full jitter), reproducibly with a seeded random', async () => {
    const run = async () => {
      const clock = new ManualClock()
      const events: RetryEvent[] = []
      const result = retry(() => Promise.reject(new Error('down')), {
        clock,
        maxAttempts: 6,
        random: seeded(42),
        onRetry: (event) => events.push(event),
      }).catch(() => {})
      await clock.tick(60_000)
      await result
      return events.map((event) => event.delayMs)
    }
    const delays = await run()
    const draws = seeded(42)
    expect(delays).toEqual([100, 200, 400, 800, 1_600].map((ceiling) => draws() * ceiling))
    expect(await run()).toEqual(delays)
  })

  test('rejects with the last error itself after maxAttempts calls', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 10)
    const result = retry(call, { clock, maxAttempts: 3, random: () => 1 }).catch((error: unknown) => error)
    await clock.tick(1_000)
    expect(await result).toEqual(new Error('attempt 3 failed'))
    expect(startedAt).toHaveLength(3)
  })

  test('does not start a retry whose wait would end past maxElapsedMs', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 10)
    const result = retry(call, { clock, maxAttempts: 10, maxElapsedMs: 500, random: () => 1 }).catch(
      (error: unknown) => error,
    )
    await clock.tick(10_000)
    // waits 100 (ends at 100), 200 (ends at 300); the next, 400, would end at 700 > 500
    expect(startedAt).toEqual([0, 100, 300])
    expect(await result).toEqual(new Error('attempt 3 failed'))
  })

  test('stops when shouldRetry says no, telling it the attempt number', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 10)
    const asked: [string, number][] = []
    const result = retry(call, {
      clock,
      maxAttempts: 5,
      shouldRetry: (error, attempt) => {
        asked.push([(error as Error).message, attempt])
        return attempt < 2
      },
    }).catch((error: unknown) => error)
    await clock.tick(10_000)
    expect(await result).toEqual(new Error('attempt 2 failed'))
    expect(asked).toEqual([
      ['attempt 1 failed', 1],
      ['attempt 2 failed', 2],
    ])
    expect(startedAt).toHaveLength(2)
  })

  test('does not retry an open circuit breaker by default', async () => {
    const open = new BrokenCircuitError('db', 'open', 5_000)
    let calls = 0
    const result = retry(
      async () => {
        calls++
        throw open
      },
      { clock: new ManualClock() },
    )
    await expect(result).rejects.toBe(open)
    expect(calls).toBe(1)
  })

  test('rejects with the abort reason as soon as its signal aborts mid-wait', async () => {
    const clock = new ManualClock()
    const controller = new AbortController()
    const { call, startedAt } = flaky(clock, 10)
    const result = retry(call, { clock, signal: controller.signal, random: () => 1 })
    await clock.tick(50)
    controller.abort(new Error('request cancelled'))
    await expect(result).rejects.toThrow('request cancelled')
    expect(clock.pendingTimers).toBe(0)
    await clock.tick(10_000)
    expect(startedAt).toEqual([0])
  })

  test('hands its signal to each call and never calls once it is aborted', async () => {
    const controller = new AbortController()
    const seen: AbortSignal[] = []
    await retry(
      async (_, signal) => {
        seen.push(signal)
      },
      { signal: controller.signal },
    )
    expect(seen).toEqual([controller.signal])
    controller.abort(new Error('gone'))
    let called = false
    await expect(
      retry(
        async () => {
          called = true
        },
        { signal: controller.signal },
      ),
    ).rejects.toThrow('gone')
    expect(called).toBe(false)
  })

  test('rejects options out of range, naming the option', async () => {
    await expect(retry(async () => 1, { maxAttempts: 0 })).rejects.toBeInstanceOf(RetryOptionError)
    await expect(retry(async () => 1, { factor: 0.5 })).rejects.toThrow(
      'retry option "factor" must be a number ≥ 1, received 0.5',
    )
  })

  test('treats an option given as undefined as its default', async () => {
    const clock = new ManualClock()
    const { call, startedAt } = flaky(clock, 10)
    const result = retry(call, { clock, maxAttempts: undefined }).catch(() => {})
    await clock.tick(10_000)
    await result
    expect(startedAt).toHaveLength(3)
  })
})
