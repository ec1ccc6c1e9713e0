import { describe, expect, test } from 'bun:test'
import { manualBreaker } from '../../test/support/manual-breaker.ts'
import { recordingClock } from '../../test/support/recording-clock.ts'
import { circuitBreaker } from './circuit-breaker.ts'
import type { CircuitBreakerOptions } from './circuit-breaker-options.ts'
import { BrokenCircuitError, CircuitTimeoutError } from './errors.ts'

class NotFoundError extends Error {}

/** Opens at 2 calls and probes with 1. */
const setup = <F = never>(options: Partial<CircuitBreakerOptions<F>> = {}) =>
  manualBreaker<F>({ minimumCalls: 2, openStateWaitMs: 1_000, permittedCallsInHalfOpen: 1, ...options })

/** Runs `call` through a breaker with a 100 ms timeout until the deadline; resolves to what the caller got. */
async function pastTimeout(
  options: Partial<CircuitBreakerOptions>,
  call: (signal: AbortSignal) => Promise<unknown>,
) {
  const { clock, breaker } = setup({ timeoutMs: 100, ...options })
  const result = breaker.execute(call).catch((error: unknown) => error)
  await clock.tick(100)
  return result
}

describe('circuit breaker calls', () => {
  describe('timeout', () => {
    test('aborts the signal given to the call and fails with CircuitTimeoutError', async () => {
      const { clock, breaker } = setup({ timeoutMs: 500 })
      let signal: AbortSignal | undefined
      const result = breaker
        .execute((given) => {
          signal = given
          return new Promise(() => {}) // ignores its signal: the caller still gets the error in time
        })
        .catch((error: unknown) => error)
      await clock.tick(499)
      expect(signal?.aborted).toBe(false)
      await clock.tick(1)
      const error = await result
      expect(error).toBeInstanceOf(CircuitTimeoutError)
      expect(error).toMatchObject({ code: 'E_CIRCUIT_TIMEOUT', breaker: 'db', timeoutMs: 500 })
      expect(signal?.aborted).toBe(true)
      expect(signal?.reason).toBe(error)
    })

    test('with abortCalls: false, fails a call at its deadline without aborting the signal it was handed', async () => {
      let seen: AbortSignal | undefined
      const result = await pastTimeout({ abortCalls: false }, (signal) => {
        seen = signal
        return new Promise(() => {})
      })
      expect(result).toBeInstanceOf(CircuitTimeoutError)
      expect(seen?.aborted).toBe(false)
    })

    test('aborts the signal of a call that declares no parameter too: the option decides, not the arity', async () => {
      let seen: AbortSignal | undefined
      const result = await pastTimeout({}, (...args: AbortSignal[]) => {
        seen = args[0]
        return new Promise(() => {})
      })
      expect(result).toBeInstanceOf(CircuitTimeoutError)
      expect(seen?.aborted).toBe(true)
    })

    test('counts timeouts as failures, opening the breaker', async () => {
      const { clock, breaker } = setup({ timeoutMs: 100 })
      const hang = () => breaker.execute(() => new Promise(() => {})).catch((error: unknown) => error)
      const calls = [hang(), hang()]
      await clock.tick(100)
      await Promise.all(calls)
      expect(breaker.snapshot()).toMatchObject({ state: 'open', failedCalls: 2 })
    })

    test('does not time out a call that settled in time, and leaves no timer behind', async () => {
      const { clock, breaker } = setup({ timeoutMs: 100 })
      const timeouts: unknown[] = []
      breaker.onTimeout((event) => timeouts.push(event))
      expect(await breaker.execute(async (signal) => signal.aborted)).toBe(false)
      await clock.tick(100)
      expect(timeouts).toEqual([])
      expect(clock.pendingTimers).toBe(0)
    })

    test('times out each of many overlapping calls at its own deadline, behind one timer', async () => {
      const { clock, breaker } = setup({ timeoutMs: 100, minimumCalls: 100 })
      const outcomes: string[] = []
      const hang = (label: string) =>
        breaker.execute(() => new Promise(() => {})).catch(() => outcomes.push(`${label}@${clock.now()}`))
      void hang('a')
      await clock.tick(30)
      void hang('b')
      const quick = breaker.execute(() => new Promise((resolve) => clock.setTimeout(() => resolve('c'), 50)))
      await clock.tick(30)
      void hang('d')
      expect(clock.pendingTimers).toBe(2) // the breaker's one timer, and the quick call's own
      await clock.tick(200)
      expect(await quick).toBe('c')
      expect(outcomes).toEqual(['a@100', 'b@130', 'd@160'])
      expect(clock.pendingTimers).toBe(0)
    })

    test("a real timer is unref'd while no call is in flight and holds the process while one is", async () => {
      const { clock, handles } = recordingClock()
      const breaker = circuitBreaker({ name: 'db', registry: false, timeoutMs: 60_000, clock })
      let release: (value: string) => void = () => {}
      const running = breaker.execute(() => new Promise<string>((resolve) => (release = resolve)))
      expect(handles).toHaveLength(1)
      expect(handles[0]?.hasRef()).toBe(true)
      release('done')
      expect(await running).toBe('done')
      expect(handles[0]?.hasRef()).toBe(false)
      const again = breaker.execute(() => new Promise<string>((resolve) => (release = resolve)))
      expect(handles).toHaveLength(1) // the armed timer is reused
      expect(handles[0]?.hasRef()).toBe(true)
      release('again')
      await again
      clearTimeout(handles[0])
    })

    test('passes a call that finishes inside the timeout through unchanged', async () => {
      const { clock, breaker } = setup({ timeoutMs: 100 })
      const result = breaker.execute(
        () => new Promise((resolve) => clock.setTimeout(() => resolve('fast'), 99)),
      )
      await clock.tick(99)
      expect(await result).toBe('fast')
    })
  })

  describe('isFailure', () => {
    test('ignores errors it rejects: rethrown as is, never opening the breaker', async () => {
      const { breaker, fail } = setup({ isFailure: (error) => !(error instanceof NotFoundError) })
      const notFound = new NotFoundError('no pool')
      for (let i = 0; i < 5; i++) expect(await fail(notFound)).toBe(notFound)
      expect(breaker.snapshot()).toMatchObject({ state: 'closed', bufferedCalls: 0 })
      await fail()
      await fail()
      expect(breaker.state).toBe('open')
    })

    test('frees the half-open probe slot of an ignored error', async () => {
      const { clock, breaker, fail } = setup({ isFailure: (error) => !(error instanceof NotFoundError) })
      await fail()
      await fail()
      await clock.tick(1_000)
      await fail(new NotFoundError('no pool'))
      expect(breaker.state).toBe('half_open')
      expect(await breaker.execute(async () => 'probe')).toBe('probe')
      expect(breaker.state).toBe('closed')
    })

    test('counts timeouts as failures whatever it says', async () => {
      const { clock, breaker } = setup({ timeoutMs: 10, isFailure: () => false })
      const calls = [0, 1].map(() => breaker.execute(() => new Promise(() => {})).catch(() => {}))
      await clock.tick(10)
      await Promise.all(calls)
      expect(breaker.state).toBe('open')
    })
  })

  describe('fallback', () => {
    test('returns its result for failures and for rejections instead of throwing', async () => {
      const seen: unknown[] = []
      const { breaker } = setup({
        fallback: (error) => {
          seen.push(error)
          return 'cached'
        },
      })
      expect(await breaker.execute(() => Promise.reject(new Error('db down')))).toBe('cached')
      expect(await breaker.execute(() => Promise.reject(new Error('db down')))).toBe('cached')
      expect(breaker.state).toBe('open')
      expect(await breaker.execute(async () => 'fresh')).toBe('cached')
      expect(seen.map((error) => (error as Error).constructor.name)).toEqual([
        'Error',
        'Error',
        'BrokenCircuitError',
      ])
    })

    test('may be async, and its own error is what the caller gets', async () => {
      const { breaker } = setup({ fallback: async () => Promise.reject(new Error('no cache either')) })
      await expect(breaker.execute(() => Promise.reject(new Error('db down')))).rejects.toThrow(
        'no cache either',
      )
    })

    test('is not used for ignored errors', async () => {
      const notFound = new NotFoundError('no pool')
      const { breaker } = setup({ isFailure: () => false, fallback: () => 'cached' })
      await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound)
    })

    test('receives a timeout as a CircuitTimeoutError', async () => {
      const { clock, breaker } = setup({ timeoutMs: 10, fallback: (error) => error })
      const result = breaker.execute(() => new Promise(() => {}))
      await clock.tick(10)
      expect(await result).toBeInstanceOf(CircuitTimeoutError)
    })
  })

  describe('isolate', () => {
    test('rejects every call until the last handle is disposed, then closes afresh', async () => {
      const { breaker, fail } = setup()
      await fail()
      const first = breaker.isolate()
      const second = breaker.isolate()
      expect(breaker.state).toBe('isolated')
      await expect(breaker.execute(async () => 'ok')).rejects.toMatchObject({
        state: 'isolated',
        retryAfterMs: 1_000,
      })
      first.dispose()
      first.dispose() // a second dispose of the same handle changes nothing
      expect(breaker.state).toBe('isolated')
      second.dispose()
      expect(breaker.snapshot()).toMatchObject({ state: 'closed', bufferedCalls: 0 })
      expect(await breaker.execute(async () => 'ok')).toBe('ok')
    })

    test('stays isolated past the open-state wait', async () => {
      const { clock, breaker } = setup()
      breaker.isolate()
      await clock.tick(60_000)
      expect(breaker.state).toBe('isolated')
    })
  })

  describe("the caller's signal", () => {
    test.each([
      ['aborts the call and rejects with its reason at once, recording nothing', true],
      [
        'with abortCalls: false, still rejects at once with its reason, leaving the call its inert signal',
        false,
      ],
    ])('%s', async (_, abortCalls) => {
      const { breaker } = setup({ abortCalls })
      const controller = new AbortController()
      let inner: AbortSignal | undefined
      const result = breaker.execute((signal) => {
        inner = signal
        return new Promise(() => {})
      }, controller.signal)
      controller.abort(new Error('client went away'))
      await expect(result).rejects.toThrow('client went away')
      expect(inner?.aborted).toBe(abortCalls)
      expect(breaker.snapshot().bufferedCalls).toBe(0)
    })

    test('does not call at all when already aborted', async () => {
      const { breaker } = setup()
      let called = false
      const reason = new Error('gone')
      const result = breaker.execute(async () => {
        called = true
      }, AbortSignal.abort(reason))
      await expect(result).rejects.toBe(reason)
      expect(called).toBe(false)
    })

    test('leaves calls that finish before it aborts to be judged as usual', async () => {
      const { breaker } = setup()
      const controller = new AbortController()
      await breaker.execute(() => Promise.reject(new Error('a')), controller.signal).catch(() => {})
      await breaker.execute(() => Promise.reject(new Error('b')), controller.signal).catch(() => {})
      controller.abort()
      expect(breaker.state).toBe('open')
    })
  })

  test.each([
    ['without', undefined],
    ['with', 100],
  ])('treats a call that throws synchronously as a failure, %s a timeout', async (_, timeoutMs) => {
    const { breaker } = setup({ timeoutMs })
    const throwing = () => {
      throw new Error('sync')
    }
    await expect(breaker.execute(throwing)).rejects.toThrow('sync')
    await expect(breaker.execute(throwing)).rejects.toThrow('sync')
    expect(breaker.state).toBe('open')
    await expect(breaker.execute(throwing)).rejects.toBeInstanceOf(BrokenCircuitError)
  })
})
