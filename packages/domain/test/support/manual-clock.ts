/** A clock tests move by hand. */
export interface ManualClock {
  now(): Date
  set(at: Date): void
  advance(ms: number): void
}

/**
 * A clock that stands still until told to move; pass
 * `{ now: () => clock.now().getTime() }` as `OpenJackpotOptions.clock`.
 *
 * @example
 * const clock = manualClock(new Date('2025-01-01T12:00:00Z'))
 * clock.advance(60_000)
 */
export function manualClock(start: Date = new Date('2025-01-01T12:00:00.000Z')): ManualClock {
  let current = start.getTime()
  return {
    now: () => new Date(current),
    set: (at) => {
      current = at.getTime()
    },
    advance: (ms) => {
      current += ms
    },
  }
}
