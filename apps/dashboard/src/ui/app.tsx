import { useCallback, useEffect, useState } from 'preact/hooks'
import { type DashHealth, getJson, tokenStore, Unauthorized } from './api.ts'
import { followPools, type LiveState } from './live-pools.ts'
import { SignIn } from './sign-in.tsx'
import { AlertsView } from './views/alerts-view.tsx'
import { GamesView } from './views/games-view.tsx'
import { OverviewView } from './views/overview-view.tsx'
import { PoolsView } from './views/pools-view.tsx'
import { SystemView } from './views/system-view.tsx'
import { WinsView } from './views/wins-view.tsx'

/** The views by their hash id, with their menu labels, in menu order. */
const VIEW_LABELS = {
  overview: 'Overview',
  pools: 'Pools',
  wins: 'Recent wins',
  games: 'Top games',
  system: 'System',
  alerts: 'Alerts',
} as const

type ViewId = keyof typeof VIEW_LABELS

const viewFromHash = (): ViewId => {
  const id = location.hash.replace(/^#\/?/, '')
  return Object.hasOwn(VIEW_LABELS, id) ? (id as ViewId) : 'overview'
}

/** The whole dashboard: sign-in until there is a token, then the views around the live pool stream. */
export function App() {
  const [token, setToken] = useState<string | null>(() => tokenStore.get())
  const [notice, setNotice] = useState<string | null>(null)
  const signOut = useCallback((reason: string | null = null) => {
    tokenStore.clear()
    setToken(null)
    setNotice(reason)
  }, [])
  if (token === null) {
    return (
      <SignIn
        notice={notice}
        onSignedIn={(accepted) => {
          tokenStore.set(accepted)
          setNotice(null)
          setToken(accepted)
        }}
      />
    )
  }
  return <Dashboard token={token} onSignOut={signOut} />
}

function Dashboard({ token, onSignOut }: { token: string; onSignOut: (reason?: string | null) => void }) {
  const [view, setView] = useState<ViewId>(viewFromHash)
  const [live, setLive] = useState<LiveState>({
    connection: 'connecting',
    pools: [],
    revision: null,
    receivedAt: null,
  })
  const [health, setHealth] = useState<DashHealth | null>(null)
  const [apiUp, setApiUp] = useState(true)

  useEffect(() => followPools(setLive), [])
  useEffect(() => {
    const onHash = () => setView(viewFromHash())
    addEventListener('hashchange', onHash)
    return () => removeEventListener('hashchange', onHash)
  }, [])
  // The watchdog: /health every 2 s, so a server that goes away shows within a few seconds even with no stream error.
  useEffect(() => {
    let cancelled = false
    const check = () =>
      getJson<DashHealth>('/dash/health', token).then(
        (body) => {
          if (cancelled) return
          setHealth(body)
          setApiUp(true)
        },
        (error: unknown) => {
          if (cancelled) return
          if (error instanceof Unauthorized) onSignOut('Your session ended: sign in again.')
          else setApiUp(false)
        },
      )
    void check()
    const timer = setInterval(check, 2_000)
    return () => {
      cancelled = true
      clearInterval(timer)
    }
  }, [token, onSignOut])

  const unauthorized = useCallback(() => onSignOut('Your session ended: sign in again.'), [onSignOut])
  const connection = !apiUp ? 'disconnected' : live.connection
  const props = { token, live, health, onUnauthorized: unauthorized }

  return (
    <div class="shell">
      <header class="top">
        <h1>Jackpot operations</h1>
        <p class={`connection connection-${connection}`} role="status" data-testid="connection">
          <span class="dot" aria-hidden="true" />
          {connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting…' : 'Disconnected'}
        </p>
        <button type="button" class="sign-out" onClick={() => onSignOut(null)}>
          Sign out
        </button>
      </header>
      <nav aria-label="Views">
        <ul>
          {Object.entries(VIEW_LABELS).map(([id, label]) => (
            <li key={id}>
              <a href={`#/${id}`} aria-current={id === view ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main>
        {connection === 'disconnected' && (
          <p class="banner" role="alert">
            Disconnected from the jackpot API. Reconnecting by itself…
          </p>
        )}
        {view === 'overview' && <OverviewView {...props} />}
        {view === 'pools' && <PoolsView {...props} />}
        {view === 'wins' && <WinsView {...props} />}
        {view === 'games' && <GamesView {...props} />}
        {view === 'system' && <SystemView {...props} />}
        {view === 'alerts' && <AlertsView {...props} />}
      </main>
    </div>
  )
}

export interface ViewProps {
  token: string
  live: LiveState
  health: DashHealth | null
  onUnauthorized: () => void
}
