import type { Clock } from '../clock/index.ts'

/** A pending call's deadline. The queue sets `done` before calling `expire`. */
export interface Deadline {
  readonly at: number
  done: boolean
  expire(): void
}

/**
 * The timeouts of one breaker's in-flight calls behind a single timer, instead of a
 * timer per call. Every call of a breaker has the same `timeoutMs`, so deadlines are
 * added in order and a FIFO suffices: the timer only needs the head's deadline.
 * Calls that finish in time are marked done and dropped from the head as they
 * finish, which keeps the queue as short as the calls still running.
 *
 * While nothing is in flight the armed timer is unref'd, so a finished script does
 * not wait for it; while calls run it holds the process like a per-call timer would.
 * (If the wall clock steps back, a later deadline may wait behind an earlier one and
 * fire late by that step.)
 */
export class DeadlineQueue {
  readonly #clock: Clock
  #entries: Deadline[] = []
  #head = 0
  #timer: unknown
  #timerAt = Number.POSITIVE_INFINITY
  #fire = () => this.#expire()

  constructor(clock: Clock) {
    this.#clock = clock
  }

  add(entry: Deadline): void {
    if (this.#head === this.#entries.length) setRef(this.#timer, true)
    this.#entries.push(entry)
    if (entry.at < this.#timerAt) this.#arm(entry.at)
  }

  /** Call after marking an entry done: drops finished entries from the head. */
  settled(): void {
    const entries = this.#entries
    while (this.#head < entries.length && entries[this.#head]!.done) this.#head++
    if (this.#head === entries.length) {
      // Reuse the array rather than allocate: the common case is one call at a time.
      entries.length = 0
      this.#head = 0
      setRef(this.#timer, false)
    } else if (this.#head > 1_024 && this.#head * 2 > entries.length) {
      this.#entries = entries.slice(this.#head)
      this.#head = 0
    }
  }

  #expire(): void {
    this.#timer = undefined
    this.#timerAt = Number.POSITIVE_INFINITY
    const now = this.#clock.now()
    // Re-read the array each turn: an expiring call's fallback or listeners may add or settle calls.
    while (this.#head < this.#entries.length) {
      const entry = this.#entries[this.#head]!
      if (!entry.done && entry.at > now) break
      this.#head++
      if (!entry.done) {
        entry.done = true
        entry.expire()
      }
    }
    this.settled()
    const next = this.#entries[this.#head]
    if (next !== undefined) this.#arm(next.at)
  }

  #arm(at: number): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer)
    this.#timerAt = at
    this.#timer = this.#clock.setTimeout(this.#fire, Math.max(0, at - this.#clock.now()))
  }
}

/** Node and Bun timers can stop (or start again) holding the process; other clocks' handles are left alone. */
function setRef(handle: unknown, ref: boolean): void {
  if (typeof handle !== 'object' || handle === null) return
  const timer = handle as { ref?: () => void; unref?: () => void }
  if (ref) timer.ref?.()
  else timer.unref?.()
}
