import type { Clock } from './clock.ts'

interface Timer {
  readonly id: number
  readonly due: number
  readonly fn: () => void
}

/**
 * A clock that only moves when told to, for tests: `advance` fires the timers that
 * fall due in due-time order (ties in scheduling order), moving `now()` to each
 * timer's due time as it fires, so timers scheduled by a firing timer also run if
 * they fall inside the advanced span.
 *
 * @example
 * const clock = new ManualClock()
 * const breaker = circuitBreaker({ name: 'db', clock, openStateWaitMs: 5_000 })
 * await clock.tick(5_000) // moves time on and lets promise chains settle
 */
export class ManualClock implements Clock {
  #now: number
  #nextId = 1
  // Kept sorted by (due, id): tests schedule few timers, so an ordered insert beats a heap in clarity.
  #timers: Timer[] = []

  /** @param startMs the initial `now()`. Defaults to `0` (the epoch), which keeps test figures readable. */
  constructor(startMs = 0) {
    this.#now = startMs
  }

  now(): number {
    return this.#now
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const timer: Timer = { id: this.#nextId++, due: this.#now + Math.max(0, ms), fn }
    let index = this.#timers.length
    while (index > 0 && this.#timers[index - 1]!.due > timer.due) index--
    this.#timers.splice(index, 0, timer)
    return timer.id
  }

  clearTimeout(handle: unknown): void {
    const index = this.#timers.findIndex((timer) => timer.id === handle)
    if (index !== -1) this.#timers.splice(index, 1)
  }

  /** How many timers are scheduled and not yet fired or cleared. */
  get pendingTimers(): number {
    return this.#timers.length
  }

  /** Moves time forward by `ms`, firing due timers synchronously in order. */
  advance(ms: number): void {
    const target = this.#now + ms
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.due
      timer.fn()
    }
    this.#now = target
  }

  /**
   * Like {@link ManualClock.advance}, but lets pending promise callbacks run before
   * and after each timer, so `await`-chains that a timer unblocks (and the timers
   * they schedule in turn) settle before this resolves. `tick(0)` only settles.
   */
  async tick(ms = 0): Promise<void> {
    const target = this.#now + ms
    await settle()
    for (let timer = this.#nextDue(target); timer; timer = this.#nextDue(target)) {
      this.#now = timer.due
      timer.fn()
      await settle()
    }
    this.#now = target
    await settle()
  }

  #nextDue(target: number): Timer | undefined {
    const first = this.#timers[0]
    if (first === undefined || first.due > target) return undefined
    this.#timers.shift()
    return first
  }
}

// A macrotask turn runs only once the microtask queue is empty, so awaiting one
// settles every promise chain that does not wait on real I/O or real timers.
const settle = () => new Promise<void>((resolve) => setImmediate(resolve))
