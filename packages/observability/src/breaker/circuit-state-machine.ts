import type { ResolvedBreakerOptions } from './circuit-breaker-options.ts'
import type { CircuitState } from './circuit-state.ts'
import { CountSlidingWindow, FAILED, SLOW, type SlidingWindow, TimeSlidingWindow } from './sliding-window.ts'

/** The calls a state is judged by: the window while closed, the completed probes while half-open. */
export interface JudgedCalls {
  total: number
  failed: number
  slow: number
  minimumCalls: number
}

/**
 * The breaker's states and transitions, without calls, events or metrics (which
 * {@link CircuitBreaker} adds around it). Transitions are reported to `onTransition`.
 * Time is passed in by the caller so one clock read serves a whole call.
 */
export class CircuitStateMachine {
  readonly #options: ResolvedBreakerOptions
  readonly #window: SlidingWindow
  readonly #onTransition: (from: CircuitState, to: CircuitState) => void
  #state: CircuitState = 'closed'
  #since: number
  #generation = 0
  #openUntil = 0
  #isolations = 0
  #probesAdmitted = 0
  #probesCompleted = 0
  #probesFailed = 0
  #probesSlow = 0

  constructor(
    options: ResolvedBreakerOptions,
    now: number,
    onTransition: (from: CircuitState, to: CircuitState) => void,
  ) {
    this.#options = options
    this.#since = now
    this.#onTransition = onTransition
    this.#window =
      options.windowType === 'count'
        ? new CountSlidingWindow(options.windowSize)
        : new TimeSlidingWindow(options.windowSize)
  }

  /** The state as last refreshed; read {@link CircuitStateMachine.refresh} first where time matters. */
  get state(): CircuitState {
    return this.#state
  }

  /** When the current state was entered, epoch ms. */
  get since(): number {
    return this.#since
  }

  /** Bumped on every transition: a call remembers the generation it started in. */
  get generation(): number {
    return this.#generation
  }

  /** Applies the transitions that only need time to pass: open → half-open, stuck half-open → open. */
  refresh(now: number): void {
    if (this.#state === 'open' && now >= this.#openUntil) this.#transition('half_open', now)
    else if (this.#state === 'half_open' && now - this.#since >= this.#options.maxHalfOpenMs) this.open(now)
  }

  /** Lets a call through outside `closed`: a free probe slot in half-open, nothing otherwise. */
  admit(now: number): boolean {
    this.refresh(now)
    if (this.#state !== 'half_open' || this.#probesAdmitted >= this.#options.permittedCallsInHalfOpen)
      return false
    this.#probesAdmitted++
    return true
  }

  /** Judges a completed call (flags {@link FAILED} and {@link SLOW}) admitted in `generation`. */
  record(flags: number, now: number, generation: number): void {
    // The call started in an earlier state: its outcome says nothing about this one.
    if (generation !== this.#generation) return
    if (this.#state === 'closed') {
      const window = this.#window
      window.record(flags, now)
      if (
        window.total >= this.#options.minimumCalls &&
        this.#breaches(window.total, window.failed, window.slow)
      ) {
        this.open(now)
      }
    } else if (this.#state === 'half_open') {
      this.#probesCompleted++
      if (flags & FAILED) this.#probesFailed++
      if (flags & SLOW) this.#probesSlow++
      if (this.#probesCompleted >= this.#options.permittedCallsInHalfOpen) {
        if (this.#breaches(this.#probesCompleted, this.#probesFailed, this.#probesSlow)) this.open(now)
        else this.#transition('closed', now)
      }
    }
  }

  /** A call of `generation` ended without a verdict (ignored): an ignored probe frees its slot. */
  release(generation: number): void {
    if (generation === this.#generation && this.#state === 'half_open') this.#probesAdmitted--
  }

  open(now: number): void {
    this.#openUntil = now + this.#options.openStateWaitMs
    this.#transition('open', now)
  }

  /** Enters `isolated`; each call needs a matching {@link CircuitStateMachine.endIsolation}. */
  isolate(now: number): void {
    this.#isolations++
    this.#transition('isolated', now)
  }

  /** Ends one isolation; the last one closes the breaker with an empty window. */
  endIsolation(now: number): void {
    if (--this.#isolations === 0) this.#transition('closed', now)
  }

  /** Milliseconds until calls are admitted again; 0 when closed. */
  retryAfter(now: number): number {
    const { openStateWaitMs, timeoutMs } = this.#options
    switch (this.#state) {
      case 'closed':
        return 0
      case 'open':
        return Math.max(0, this.#openUntil - now)
      case 'half_open':
        // The probes settle by their timeout; if they fail, the wait starts over.
        return Math.min(timeoutMs ?? openStateWaitMs, openStateWaitMs)
      case 'isolated':
        return openStateWaitMs
    }
  }

  /** The calls the current state is judged by, as of `now`. */
  judged(now: number): JudgedCalls {
    if (this.#state === 'half_open') {
      return {
        total: this.#probesCompleted,
        failed: this.#probesFailed,
        slow: this.#probesSlow,
        minimumCalls: this.#options.permittedCallsInHalfOpen,
      }
    }
    this.#window.expire(now)
    const { total, failed, slow } = this.#window
    return { total, failed, slow, minimumCalls: this.#options.minimumCalls }
  }

  #breaches(total: number, failed: number, slow: number): boolean {
    // Compared as products so no division (and no float rounding) happens per call.
    return (
      failed * 100 >= this.#options.failureRateThreshold * total ||
      slow * 100 >= this.#options.slowCallRateThreshold * total
    )
  }

  #transition(to: CircuitState, now: number): void {
    const from = this.#state
    if (from === to) return
    this.#state = to
    this.#since = now
    this.#generation++
    // The open state keeps the window that opened it, for snapshots; closing starts afresh.
    if (to === 'closed') this.#window.reset()
    if (to === 'half_open')
      this.#probesAdmitted = this.#probesCompleted = this.#probesFailed = this.#probesSlow = 0
    this.#onTransition(from, to)
  }
}
