import type { Clock } from '../clock/index.ts'

/**
 * `run`'s outcome if it settles within `timeoutMs` on `clock`, otherwise
 * `fallback` — while `run` carries on (a background refresh whose late
 * failure must not surface as an unhandled rejection).
 *
 * @example
 * const value = await withSoftTimeout(clock, refresh, 100, staleValue)
 */
export function withSoftTimeout<T>(
  clock: Clock,
  run: Promise<T>,
  timeoutMs: number,
  fallback: T,
): Promise<T> {
  run.catch(() => undefined)
  return new Promise<T>((resolve, reject) => {
    const timer = clock.setTimeout(() => resolve(fallback), timeoutMs)
    run.then(
      (value) => {
        clock.clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clock.clearTimeout(timer)
        reject(error)
      },
    )
  })
}
