// Types only: erased from the browser bundle, so the UI reads the shapes the server side writes.
import type { Operation } from '../../../../loadtests/sla.ts'
import type { MetricsPoint, MetricsSummary } from '../metrics-sampler.ts'

/** The API's answer to a missing, expired or insufficient token. */
export class Unauthorized extends Error {
  constructor(readonly status: number) {
    super(
      status === 403 ? 'This token may not read the dashboard (needs viewer or higher).' : 'Token refused.',
    )
  }
}

const TOKEN_KEY = 'jackpot-dashboard-token'

/** The viewer token, kept in sessionStorage only: gone when the tab closes, never in a URL. */
export const tokenStore = {
  get: (): string | null => sessionStorage.getItem(TOKEN_KEY),
  set: (token: string) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
}

/**
 * GET a JSON resource of the dashboard's origin (the API through its proxy,
 * or `/dash/*`) with the token; 401/403 throw {@link Unauthorized}.
 *
 * @example
 * const page = await getJson<{ wins: Win[] }>('/api/v1/wins/recent?limit=20', token)
 */
export async function getJson<T>(path: string, token: string): Promise<T> {
  const response = await fetch(path, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    signal: AbortSignal.timeout(4_000),
  })
  if (response.status === 401 || response.status === 403) throw new Unauthorized(response.status)
  if (!response.ok) throw new Error(`${path} answered ${response.status}`)
  return (await response.json()) as T
}

export interface PoolView {
  slug: string
  name: string
  currency: string
  amountCents: number
  reserveCents: number
  seedCents: number
  ceilingCents: number | null
  contributionBp: number
  version: number
  totals: {
    contributedCents: number
    paidOutCents: number
    seededByHouseCents: number
    contributions: number
    wins: number
  }
  updatedAt: string
}

export interface RecentWin {
  id: string
  pool: string
  gameId: string
  playerId: string
  payoutCents: number
  currency: string
  createdAt: string
}

export interface TopGame {
  gameId: string
  contributions: number
  contributedCents: number
}

/** `GET /stats/pool-growth`: what each pool gained from wagers in the last 24 h. */
export interface PoolGrowthPage {
  since: string
  until: string
  pools: { pool: string; contributions: number; contributedCents: number }[]
  nextCursor: string | null
}

/** `GET /stats`: money totals are int64 decimal strings (they may pass 2^53 cents). */
export interface Stats {
  totalAmountCents: string
  today: { contributions: number; contributedCents: string; wins: number; paidOutCents: string }
  growth: { last24hCents: string; previous24hCents: string; ratio: number | null }
}

export type { MetricsPoint, Operation }

/** `/dash/summary`: the sampler's figures, the SLA targets and which sources are configured. */
export interface Summary extends MetricsSummary {
  sla: Record<Operation, number>
  sources: { prometheus: boolean; alertmanager: boolean }
}

export interface HealthCheckResult {
  status: string
  output?: string
  observedValue?: unknown
  observedUnit?: string
}

export interface DashHealth {
  httpStatus: number
  upSince: number | null
  health: { status: string; checks?: Record<string, HealthCheckResult[]> }
}

export interface Series {
  source: 'prometheus' | 'server'
  error?: string
  points: MetricsPoint[]
}

export interface Alert {
  name: string
  severity: string
  summary: string
  since: string | null
  source: string
}
