import { useEffect, useState } from 'preact/hooks'
import { Unauthorized } from './api.ts'

export interface Polled<T> {
  data: T | undefined
  error: string | undefined
}

/**
 * Loads `load()` now, every `intervalMs`, and whenever `trigger` changes
 * (e.g. the pools' revision, so wins show as soon as the stream reports
 * one). A 401/403 calls `onUnauthorized`.
 *
 * @example
 * const wins = usePoll(() => getJson('/api/v1/wins/recent', token), 5_000, signOut, revision)
 */
export function usePoll<T>(
  load: () => Promise<T>,
  intervalMs: number,
  onUnauthorized: (error: Unauthorized) => void,
  trigger: unknown = undefined,
): Polled<T> {
  const [state, setState] = useState<Polled<T>>({ data: undefined, error: undefined })
  // `load` is a fresh closure each render: only the trigger and the pace restart the polling.
  useEffect(() => {
    let cancelled = false
    const run = () =>
      load().then(
        (data) => !cancelled && setState({ data, error: undefined }),
        (error: unknown) => {
          if (cancelled) return
          if (error instanceof Unauthorized) onUnauthorized(error)
          else
            setState((previous) => ({
              data: previous.data,
              error: error instanceof Error ? error.message : String(error),
            }))
        },
      )
    void run()
    const timer = setInterval(run, intervalMs)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [trigger, intervalMs])
  return state
}
