/** Outcome flags of one recorded call; a call may be both. */
export const FAILED = 1
export const SLOW = 2

/**
 * The flags a caller passes to {@link SlidingWindow.record}, for windows used on
 * their own (outside a breaker): `window.record(OutcomeFlag.failed, clock.now())`,
 * or `0` for a call that went well.
 */
export const OutcomeFlag = { failed: FAILED, slow: SLOW } as const

/**
 * The calls a closed breaker judges by. Aggregates are kept incrementally so reading
 * the rates costs nothing per call.
 */
export interface SlidingWindow {
  /** Number of calls in the window (after `expire(now)`). */
  readonly total: number
  readonly failed: number
  readonly slow: number
  record(flags: number, nowMs: number): void
  /** Drops what fell out of the window by `nowMs` (time windows only). */
  expire(nowMs: number): void
  reset(): void
}

/** The last `size` calls, in a ring buffer of outcome flags. */
export class CountSlidingWindow implements SlidingWindow {
  total = 0
  failed = 0
  slow = 0
  readonly #outcomes: Uint8Array
  #next = 0

  constructor(readonly size: number) {
    this.#outcomes = new Uint8Array(size)
  }

  record(flags: number): void {
    if (this.total === this.#outcomes.length) this.#forget(this.#outcomes[this.#next]!)
    else this.total++
    this.#outcomes[this.#next] = flags
    if (flags & FAILED) this.failed++
    if (flags & SLOW) this.slow++
    this.#next = (this.#next + 1) % this.#outcomes.length
  }

  expire(): void {}

  reset(): void {
    this.total = this.failed = this.slow = this.#next = 0
  }

  #forget(flags: number): void {
    if (flags & FAILED) this.failed--
    if (flags & SLOW) this.slow--
  }
}

/**
 * The calls of the last `size` seconds, in one bucket per epoch second (resilience4j's
 * time-based window). Buckets are recycled in a ring; expiry runs at most once per
 * second, whatever the call rate.
 */
export class TimeSlidingWindow implements SlidingWindow {
  total = 0
  failed = 0
  slow = 0
  readonly #second: Float64Array
  readonly #total: Uint32Array
  readonly #failed: Uint32Array
  readonly #slow: Uint32Array
  #current = Number.NaN

  constructor(readonly sizeSeconds: number) {
    this.#second = new Float64Array(sizeSeconds).fill(Number.NaN)
    this.#total = new Uint32Array(sizeSeconds)
    this.#failed = new Uint32Array(sizeSeconds)
    this.#slow = new Uint32Array(sizeSeconds)
  }

  record(flags: number, nowMs: number): void {
    this.expire(nowMs)
    const second = this.#current
    const index = second % this.#second.length
    if (this.#second[index] !== second) {
      this.#clear(index)
      this.#second[index] = second
    }
    this.#total[index]!++
    this.total++
    if (flags & FAILED) {
      this.#failed[index]!++
      this.failed++
    }
    if (flags & SLOW) {
      this.#slow[index]!++
      this.slow++
    }
  }

  expire(nowMs: number): void {
    const second = Math.floor(nowMs / 1_000)
    if (second === this.#current) return
    this.#current = second
    const oldest = second - this.#second.length + 1
    for (let index = 0; index < this.#second.length; index++) {
      const bucket = this.#second[index]!
      // A bucket from the future (the wall clock stepped back) is dropped too, so it cannot linger.
      if (bucket < oldest || bucket > second) this.#clear(index)
    }
  }

  reset(): void {
    this.#second.fill(Number.NaN)
    this.#total.fill(0)
    this.#failed.fill(0)
    this.#slow.fill(0)
    this.total = this.failed = this.slow = 0
    this.#current = Number.NaN
  }

  #clear(index: number): void {
    this.total -= this.#total[index]!
    this.failed -= this.#failed[index]!
    this.slow -= this.#slow[index]!
    this.#total[index] = this.#failed[index] = this.#slow[index] = 0
    this.#second[index] = Number.NaN
  }
}
