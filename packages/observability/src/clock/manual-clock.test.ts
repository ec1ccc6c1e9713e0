import { describe, expect, test } from 'bun:test'
import { ManualClock } from './manual-clock.ts'

describe('ManualClock', () => {
  test('starts at the given time and only moves when advanced', () => {
    const clock = new ManualClock(1_000)
    expect(clock.now()).toBe(1_000)
    clock.advance(250)
    expect(clock.now()).toBe(1_250)
  })

  test('fires due timers in due-time order, then scheduling order, at their due time', () => {
    const clock = new ManualClock()
    const fired: string[] = []
    clock.setTimeout(() => fired.push(`b@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push(`a@${clock.now()}`), 10)
    clock.setTimeout(() => fired.push(`c@${clock.now()}`), 20)
    clock.setTimeout(() => fired.push(`late@${clock.now()}`), 31)
    clock.advance(30)
    expect(fired).toEqual(['a@10', 'b@20', 'c@20'])
    expect(clock.pendingTimers).toBe(1)
  })

  test('fires timers scheduled by a firing timer when they fall inside the span', () => {
    const clock = new ManualClock()
    const fired: number[] = []
    clock.setTimeout(() => {
      fired.push(clock.now())
      clock.setTimeout(() => fired.push(clock.now()), 5)
    }, 5)
    clock.advance(10)
    expect(fired).toEqual([5, 10])
  })

  test('never fires a cleared timer', () => {
    const clock = new ManualClock()
    let fired = false
    const handle = clock.setTimeout(() => {
      fired = true
    }, 5)
    clock.clearTimeout(handle)
    clock.advance(10)
    expect(fired).toBe(false)
  })

  test('tick lets promise chains a timer unblocks settle, and their own timers fire', async () => {
    const clock = new ManualClock()
    const sleep = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms))
    const steps: number[] = []
    const chain = (async () => {
      await sleep(10)
      steps.push(clock.now())
      await Promise.resolve()
      await sleep(10)
      steps.push(clock.now())
    })()
    await clock.tick(25)
    expect(steps).toEqual([10, 20])
    expect(clock.now()).toBe(25)
    await chain
  })
})
