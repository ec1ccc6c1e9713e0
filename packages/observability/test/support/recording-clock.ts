import type { Clock } from '../../src/clock/clock.ts'

/**
 * The real clock, recording every timer handle it hands out: for tests that check
 * whether a component's real timers hold the process open (`hasRef()`).
 */
export function recordingClock(): { clock: Clock; handles: ReturnType<typeof setTimeout>[] } {
  const handles: ReturnType<typeof setTimeout>[] = []
  const clock: Clock = {
    now: Date.now,
    setTimeout: (fn, ms) => {
      const handle = setTimeout(fn, ms)
      handles.push(handle)
      return handle
    },
    clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  }
  return { clock, handles }
}
