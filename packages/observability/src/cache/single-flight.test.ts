import { describe, expect, test } from 'bun:test'
import { SingleFlight } from './single-flight.ts'

describe('SingleFlight', () => {
  test('callers arriving in the same tick share one call', async () => {
    const flights = new SingleFlight<number>()
    let calls = 0
    const load = async () => {
      calls++
      await Promise.resolve()
      return 42
    }
    const results = await Promise.all(Array.from({ length: 100 }, () => flights.run('k', load).promise))
    expect(calls).toBe(1)
    expect(new Set(results)).toEqual(new Set([42]))
    expect(flights.size).toBe(0)
  })

  test('a failed call is shared too and the next caller starts afresh', async () => {
    const flights = new SingleFlight<number>()
    let calls = 0
    const failing = async () => {
      calls++
      throw new Error('boom')
    }
    const outcomes = await Promise.allSettled([
      flights.run('k', failing).promise,
      flights.run('k', failing).promise,
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected'])
    expect(calls).toBe(1)
    expect(await flights.run('k', async () => 7).promise).toBe(7)
  })

  test('invalidate marks only the running flights that match', async () => {
    const flights = new SingleFlight<number>()
    let release!: () => void
    const gate = new Promise<void>((resolve) => {
      release = resolve
    })
    const a = flights.run('a', async () => {
      await gate
      return 1
    })
    const b = flights.run('b', async () => {
      await gate
      return 2
    })
    flights.invalidate((key) => key === 'a')
    expect(a.invalidated).toBe(true)
    expect(b.invalidated).toBe(false)
    release()
    await Promise.all([a.promise, b.promise])
  })
})
