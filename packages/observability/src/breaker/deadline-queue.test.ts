import { describe, expect, test } from 'bun:test'
import { ManualClock } from '../clock/manual-clock.ts'
import { type Deadline, DeadlineQueue } from './deadline-queue.ts'

function deadline(at: number, expired: number[]): Deadline {
  return { at, done: false, expire: () => expired.push(at) }
}

describe('DeadlineQueue', () => {
  test('expires entries at their deadlines in order, skipping those settled in time', () => {
    const clock = new ManualClock()
    const queue = new DeadlineQueue(clock)
    const expired: number[] = []
    const first = deadline(10, expired)
    const second = deadline(20, expired)
    queue.add(first)
    queue.add(second)
    queue.add(deadline(30, expired))
    second.done = true
    queue.settled()
    clock.advance(30)
    expect(expired).toEqual([10, 30])
    expect(first.done).toBe(true)
    expect(clock.pendingTimers).toBe(0)
  })

  test('keeps a single timer however many calls are in flight', () => {
    const clock = new ManualClock()
    const queue = new DeadlineQueue(clock)
    const expired: number[] = []
    for (let at = 100; at < 5_100; at++) queue.add(deadline(at, expired))
    expect(clock.pendingTimers).toBe(1)
    clock.advance(5_100)
    expect(expired).toHaveLength(5_000)
  })

  test('stays correct when thousands of calls settle in order before their deadlines', () => {
    const clock = new ManualClock()
    const queue = new DeadlineQueue(clock)
    const expired: number[] = []
    const entries = Array.from({ length: 3_000 }, (_, i) => deadline(1_000 + i, expired))
    for (const entry of entries) queue.add(entry)
    for (const entry of entries.slice(0, 2_999)) {
      entry.done = true
      queue.settled()
    }
    clock.advance(10_000)
    expect(expired).toEqual([3_999])
  })

  test('handles calls added by an expiring call', () => {
    const clock = new ManualClock()
    const queue = new DeadlineQueue(clock)
    const expired: number[] = []
    queue.add({
      at: 10,
      done: false,
      expire: () => {
        expired.push(10)
        queue.add(deadline(clock.now() + 10, expired))
      },
    })
    clock.advance(25)
    expect(expired).toEqual([10, 20])
  })
})
