/**
 * The source of time for everything time-based in this package (breaker windows,
 * open-state waits, timeouts, health intervals, cache TTLs). Code takes a `Clock`
 * instead of calling `Date.now()`/`setTimeout` directly so tests can drive time
 * with {@link ManualClock} rather than sleeping.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number
  /** Schedules `fn` after `ms` milliseconds; returns a handle for {@link Clock.clearTimeout}. */
  setTimeout(fn: () => void, ms: number): unknown
  /** Cancels a timer scheduled with {@link Clock.setTimeout}; unknown or fired handles are ignored. */
  clearTimeout(handle: unknown): void
}

type TimerHandle = ReturnType<typeof globalThis.setTimeout>

/**
 * The real clock: `Date.now()` and the runtime's timers (Bun and Node alike).
 *
 * @example
 * const started = systemClock.now()
 * const handle = systemClock.setTimeout(() => console.log('later'), 1_000)
 * systemClock.clearTimeout(handle)
 */
export const systemClock: Clock = {
  now: Date.now,
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (handle) => globalThis.clearTimeout(handle as TimerHandle),
}

/**
 * Lets a timer handle stop holding the process open (Node and Bun timers have
 * `unref()`); handles of other clocks, such as {@link ManualClock}'s, are left as is.
 * Background work (health intervals) uses it so a forgotten `close()` never keeps a
 * service from exiting.
 *
 * @example
 * unrefTimer(clock.setTimeout(refresh, 10_000))
 */
export function unrefTimer(handle: unknown): void {
  if (
    typeof handle === 'object' &&
    handle !== null &&
    'unref' in handle &&
    typeof handle.unref === 'function'
  ) {
    handle.unref()
  }
}
