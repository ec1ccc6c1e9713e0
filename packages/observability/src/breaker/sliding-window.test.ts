import { describe, expect, test } from 'bun:test'
import { CountSlidingWindow, FAILED, SLOW, TimeSlidingWindow } from './sliding-window.ts'

const totals = (window: { total: number; failed: number; slow: number }) => [
  window.total,
  window.failed,
  window.slow,
]

describe('CountSlidingWindow', () => {
  test('keeps only the last size outcomes', () => {
    const window = new CountSlidingWindow(3)
    window.record(FAILED)
    window.record(SLOW)
    window.record(0)
    expect(totals(window)).toEqual([3, 1, 1])
    window.record(0) // pushes the failure out
    expect(totals(window)).toEqual([3, 0, 1])
    window.record(FAILED | SLOW) // pushes the slow call out
    expect(totals(window)).toEqual([3, 1, 1])
  })

  test('starts empty again after reset', () => {
    const window = new CountSlidingWindow(2)
    window.record(FAILED)
    window.reset()
    expect(totals(window)).toEqual([0, 0, 0])
    window.record(0)
    window.record(0)
    window.record(FAILED)
    expect(totals(window)).toEqual([2, 1, 0])
  })
})

describe('TimeSlidingWindow', () => {
  test('counts the calls of the last size seconds', () => {
    const window = new TimeSlidingWindow(3)
    window.record(FAILED, 0)
    window.record(0, 999)
    window.record(SLOW, 1_000)
    window.record(0, 2_500)
    expect(totals(window)).toEqual([4, 1, 1])
    window.expire(3_000) // second 0 falls out
    expect(totals(window)).toEqual([2, 0, 1])
    window.expire(5_999)
    expect(totals(window)).toEqual([0, 0, 0])
  })

  test('forgets everything after a gap longer than the window', () => {
    const window = new TimeSlidingWindow(2)
    window.record(FAILED, 0)
    window.record(FAILED, 1_000)
    window.record(0, 60_000)
    expect(totals(window)).toEqual([1, 0, 0])
  })

  test('reuses a bucket slot for a later second without mixing counts', () => {
    const window = new TimeSlidingWindow(2)
    window.record(FAILED, 0) // slot 0
    window.record(0, 2_000) // slot 0 again, second 2
    expect(totals(window)).toEqual([1, 0, 0])
  })

  test('drops buckets from the future when the wall clock steps back', () => {
    const window = new TimeSlidingWindow(5)
    window.record(FAILED, 10_000)
    window.record(0, 4_000)
    expect(totals(window)).toEqual([1, 0, 0])
  })
})
