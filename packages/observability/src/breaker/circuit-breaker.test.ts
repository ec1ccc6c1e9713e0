import { describe, expect, test } from 'bun:test'
import { manualBreaker } from '../../test/support/manual-breaker.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { CircuitBreaker, circuitBreaker } from './circuit-breaker.ts'
import type { CircuitBreakerOptions } from './circuit-breaker-options.ts'
import { BrokenCircuitError, CircuitBreakerOptionError } from './errors.ts'

/** The state-machine suite's breaker: a 10-call window that opens at 50 % of 4 calls. */
function setup(options: Partial<CircuitBreakerOptions> = {}) {
  const context = manualBreaker({
    slidingWindow: { type: 'count', size: 10 },
    minimumCalls: 4,
    failureRateThreshold: 50,
    openStateWaitMs: 1_000,
    permittedCallsInHalfOpen: 3,
    ...options,
  })
  const open = async () => {
    for (let i = 0; i < 4; i++) await context.fail()
    expect(context.breaker.state).toBe('open')
  }
  return { ...context, open }
}

describe('circuit breaker state machine', () => {
  test('stays closed and passes results through while calls succeed', async () => {
    const { breaker, succeed } = setup()
    expect(await succeed()).toBe('ok')
    expect(breaker.state).toBe('closed')
  })

  test('opens after failing calls once the window holds minimumCalls', async () => {
    const { breaker, succeed, fail } = setup()
    await succeed()
    await succeed()
    await fail()
    expect(breaker.state).toBe('closed') // 3 calls < minimumCalls 4
    await fail() // 2 of 4 failed = 50 %
    expect(breaker.state).toBe('open')
  })

  test('does not open below minimumCalls however many of them fail', async () => {
    const { breaker, fail } = setup({ minimumCalls: 5 })
    for (let i = 0; i < 4; i++) await fail()
    expect(breaker.state).toBe('closed')
    await fail()
    expect(breaker.state).toBe('open')
  })

  test('does not open while the failure rate stays under the threshold', async () => {
    const { breaker, succeed, fail } = setup({ failureRateThreshold: 60 })
    for (let i = 0; i < 5; i++) await succeed()
    for (let i = 0; i < 5; i++) await fail() // 50 % of 10
    expect(breaker.state).toBe('closed')
    await fail() // the oldest success drops out: 6 of 10
    expect(breaker.state).toBe('open')
  })

  test('counts slow successful calls towards the slow-call rate and opens on it', async () => {
    const { clock, breaker, takes } = setup({ slowCallDurationMs: 100, slowCallRateThreshold: 75 })
    const calls = [takes(101), takes(101), takes(150), takes(100)]
    await clock.tick(150)
    expect(await Promise.all(calls)).toEqual(['late', 'late', 'late', 'late'])
    expect(breaker.snapshot()).toMatchObject({ state: 'open', slowCallRate: 75, failureRate: 0 })
  })

  test('does not count a call lasting exactly slowCallDurationMs as slow', async () => {
    const { clock, breaker, takes } = setup({ slowCallDurationMs: 100, slowCallRateThreshold: 25 })
    const calls = [takes(100), takes(100), takes(100), takes(100)]
    await clock.tick(100)
    await Promise.all(calls)
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', slowCalls: 0 })
  })

  test('counts slow failures as both failed and slow', async () => {
    const { clock, breaker, takes, succeed } = setup({ slowCallDurationMs: 10, failureRateThreshold: 100 })
    const slowFailure = takes(20, 'reject')
    await clock.tick(20)
    await slowFailure
    await succeed()
    expect(breaker.snapshot()).toMatchObject({ bufferedCalls: 2, failedCalls: 1, slowCalls: 1 })
  })

  test('a time-based window forgets the buckets of older seconds', async () => {
    const { clock, breaker, succeed, fail } = setup({ slidingWindow: { type: 'time', size: 5 } })
    await fail()
    await fail()
    await fail()
    expect(breaker.snapshot().bufferedCalls).toBe(3)
    await clock.tick(5_000) // those three fall out of the 5-second window
    expect(breaker.snapshot().bufferedCalls).toBe(0)
    await fail()
    await succeed()
    await succeed()
    await succeed()
    expect(breaker.state).toBe('closed') // 1 of 4 failed, not 4 of 7
    await clock.tick(1_000)
    await fail()
    await fail()
    expect(breaker.state).toBe('open') // 3 of 6 within the window
  })

  test('rejects with BrokenCircuitError carrying the time until half-open, without calling', async () => {
    const { clock, breaker, open } = setup()
    await open()
    await clock.tick(400)
    let called = false
    const error = await breaker
      .execute(async () => {
        called = true
      })
      .catch((thrown: unknown) => thrown)
    expect(called).toBe(false)
    expect(error).toBeInstanceOf(BrokenCircuitError)
    expect(error).toMatchObject({ code: 'E_CIRCUIT_OPEN', breaker: 'db', state: 'open', retryAfterMs: 600 })
    expect((error as BrokenCircuitError).cause).toEqual(new Error('db down'))
    expect(breaker.snapshot().notPermittedCalls).toBe(1)
  })

  test('goes half-open once openStateWaitMs has passed', async () => {
    const { clock, breaker, open } = setup()
    await open()
    await clock.tick(999)
    expect(breaker.state).toBe('open')
    await clock.tick(1)
    expect(breaker.state).toBe('half_open')
  })

  describe('half-open with 3 permitted calls', () => {
    const halfOpen = async () => {
      const context = setup()
      await context.open()
      await context.clock.tick(1_000)
      return context
    }

    test('rejects a fourth concurrent call while the three probes run', async () => {
      const { breaker, takes } = await halfOpen()
      const probes = [takes(10), takes(10), takes(10)]
      const fourth = await breaker.execute(async () => 'ok').catch((error: unknown) => error)
      expect(fourth).toBeInstanceOf(BrokenCircuitError)
      expect(fourth).toMatchObject({ state: 'half_open' })
      expect(probes).toHaveLength(3)
    })

    test('stays half-open until every probe completed, then closes when they succeeded', async () => {
      const { clock, breaker, takes, succeed } = await halfOpen()
      const probes = [takes(10), takes(20), takes(30)]
      await clock.tick(20)
      expect(breaker.state).toBe('half_open')
      await clock.tick(10)
      expect(await Promise.all(probes)).toEqual(['late', 'late', 'late'])
      expect(breaker.state).toBe('closed')
      expect(breaker.snapshot().bufferedCalls).toBe(0) // closed starts with an empty window
      expect(await succeed()).toBe('ok')
    })

    test('opens again when the probes fail, waiting the full openStateWaitMs', async () => {
      const { clock, breaker, takes } = await halfOpen()
      const probes = [takes(10, 'reject'), takes(10, 'reject'), takes(10)]
      await clock.tick(10)
      await Promise.all(probes)
      expect(breaker.state).toBe('open')
      expect(breaker.snapshot().retryAfterMs).toBe(1_000)
    })

    test('opens again when the probes are too slow even though they succeed', async () => {
      const context = setup({ slowCallDurationMs: 50, slowCallRateThreshold: 50 })
      await context.open()
      await context.clock.tick(1_000)
      const probes = [context.takes(60), context.takes(60), context.takes(10)]
      await context.clock.tick(60)
      expect(await Promise.all(probes)).toEqual(['late', 'late', 'late'])
      expect(context.breaker.state).toBe('open')
    })

    test('ignores the outcome of a call admitted before the breaker opened', async () => {
      const { clock, breaker, takes, fail } = setup()
      const straggler = takes(2_000, 'reject')
      for (let i = 0; i < 4; i++) await fail()
      await clock.tick(1_000)
      const probes = [takes(5_000), takes(5_000), takes(5_000)]
      await clock.tick(1_000) // the straggler fails now, during half-open
      await straggler
      expect(breaker.snapshot()).toMatchObject({ state: 'half_open', bufferedCalls: 0 })
      await clock.tick(4_000)
      await Promise.all(probes)
      expect(breaker.state).toBe('closed')
    })

    test('opens again after maxHalfOpenMs when probes never complete', async () => {
      const context = setup({ maxHalfOpenMs: 5_000 })
      await context.open()
      await context.clock.tick(1_000)
      void context.breaker.execute(() => new Promise(() => {}))
      await context.clock.tick(5_000)
      expect(context.breaker.state).toBe('open')
    })
  })

  test('caps minimumCalls at the size of a count window', async () => {
    const { breaker, fail } = setup({ slidingWindow: { type: 'count', size: 2 }, minimumCalls: 100 })
    await fail()
    await fail()
    expect(breaker.state).toBe('open')
    expect(breaker.snapshot().minimumCalls).toBe(2)
  })

  test('rejects options out of range, naming the option', () => {
    expect(() => circuitBreaker({ name: 'x', registry: false, failureRateThreshold: 0 })).toThrow(
      CircuitBreakerOptionError,
    )
    expect(() =>
      circuitBreaker({ name: 'x', registry: false, slidingWindow: { type: 'count', size: 0.5 } }),
    ).toThrow('circuit breaker option "slidingWindow.size" must be an integer ≥ 1, received 0.5')
    expect(() => circuitBreaker({ name: 'x', registry: false, timeoutMs: 0 })).toThrow(
      CircuitBreakerOptionError,
    )
    // A plain JavaScript caller may pass a string: 'false' would otherwise read as true.
    const abortCalls = 'false' as unknown as boolean
    expect(() => circuitBreaker({ name: 'x', registry: false, abortCalls })).toThrow(
      'circuit breaker option "abortCalls" must be true or false, received false',
    )
  })

  test('uses the resilience4j defaults', async () => {
    const clock = new ManualClock()
    const breaker = new CircuitBreaker({ name: 'defaults', clock, registry: false })
    for (let i = 0; i < 99; i++) await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {})
    expect(breaker.snapshot()).toMatchObject({ state: 'closed', minimumCalls: 100 })
    await breaker.execute(() => Promise.reject(new Error('x'))).catch(() => {})
    expect(breaker.snapshot()).toMatchObject({ state: 'open', retryAfterMs: 60_000 })
  })
})
