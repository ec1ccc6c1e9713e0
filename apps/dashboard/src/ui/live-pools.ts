import type { PoolView } from './api.ts'

export type Connection = 'connecting' | 'live' | 'disconnected'

export interface LiveState {
  connection: Connection
  pools: PoolView[]
  /** Event id (snapshot revision) of `pools`. */
  revision: number | null
  /** When the last event arrived (ms since the epoch). */
  receivedAt: number | null
}

/**
 * Follows `/api/v1/pools/stream` (through the dashboard's proxy), and keeps
 * following it: an `EventSource` retries a dropped connection by itself, but
 * gives up on an error answer (the proxy's 502 while the API is down), so a
 * closed source is replaced after `retryMs`. Any error marks the state
 * `disconnected` at once; the next event marks it `live`.
 *
 * @example
 * const stop = followPools((state) => render(state))
 */
export function followPools(onChange: (state: LiveState) => void, retryMs = 1_000): () => void {
  let state: LiveState = { connection: 'connecting', pools: [], revision: null, receivedAt: null }
  let source: EventSource | undefined
  let retry: ReturnType<typeof setTimeout> | undefined
  let stopped = false
  const update = (next: Partial<LiveState>) => {
    state = { ...state, ...next }
    onChange(state)
  }
  const connect = () => {
    if (stopped) return
    source = new EventSource('/api/v1/pools/stream')
    source.addEventListener('pools', (event) => {
      const { pools } = JSON.parse((event as MessageEvent<string>).data) as { pools: PoolView[] }
      update({
        connection: 'live',
        pools,
        revision: Number((event as MessageEvent).lastEventId),
        receivedAt: Date.now(),
      })
    })
    source.addEventListener('open', () => {
      if (state.connection !== 'live') update({ connection: 'live' })
    })
    source.addEventListener('error', () => {
      if (state.connection !== 'disconnected') update({ connection: 'disconnected' })
      if (source?.readyState === EventSource.CLOSED) {
        clearTimeout(retry)
        retry = setTimeout(connect, retryMs)
      }
    })
  }
  connect()
  onChange(state)
  return () => {
    stopped = true
    clearTimeout(retry)
    source?.close()
  }
}
