import type { LoggerPort, DatabaseInterceptor as SdkDatabaseInterceptor } from '@jackpot/observability'

/**
 * The jackpot domain's public types. Money is integer cents as `bigint`
 * everywhere in the domain; the HTTP layer converts at its edge.
 */

export type PoolSlug = string
export type Role = 'viewer' | 'operator' | 'admin' | 'game'

export interface PoolTotals {
  /** Everything contributed, including what the ceiling diverted to the reserve. */
  contributedCents: bigint
  paidOutCents: bigint
  /** Initial seed plus every reset the reserve could not fund. */
  seededByHouseCents: bigint
  contributions: number
  wins: number
}

export interface Pool {
  slug: PoolSlug
  name: string
  currency: string
  amountCents: bigint
  reserveCents: bigint
  seedCents: bigint
  ceilingCents: bigint | null
  contributionBp: number
  /** Sub-cent carry in 1/10 000 of a cent, 0..9 999. */
  residue: number
  version: number
  totals: PoolTotals
  updatedAt: Date
}

export interface PoolDefinition {
  slug: PoolSlug
  name: string
  seedCents: bigint
  contributionBp: number
  ceilingCents: bigint | null
}

/**
 * Whose idempotency key a write carries: the API key's id, or `user:<sub>` for
 * a person. The same key from two callers names two different writes.
 * Omitted: the shared legacy scope ''.
 */
export type IdempotencyScope = string

export interface ContributionCommand {
  idempotencyKey: string
  caller?: IdempotencyScope | undefined
  gameId: string
  playerId?: string | undefined
  wagerCents: bigint
  currency: string
}

export interface PoolContribution {
  slug: PoolSlug
  /** Whole cents this wager added to the pool (amount + reserve), after the residue carry. */
  contributedCents: bigint
  /** Part of `contributedCents` that the ceiling sent to the reserve. */
  toReserveCents: bigint
  amountCents: bigint
  reserveCents: bigint
}

export interface ContributionReceipt {
  id: string
  wagerCents: bigint
  currency: string
  gameId: string
  playerId: string | null
  pools: PoolContribution[]
  createdAt: Date
}

export interface WinCommand {
  idempotencyKey: string
  caller?: IdempotencyScope | undefined
  pool: PoolSlug
  gameId: string
  playerId: string
}

export interface WinReceipt {
  id: string
  pool: PoolSlug
  gameId: string
  playerId: string
  payoutCents: bigint
  /** Pool amount after the reset (= seed). */
  amountCents: bigint
  reserveCents: bigint
  resetFromReserveCents: bigint
  resetFromHouseCents: bigint
  createdAt: Date
}

/** What an idempotent write returns: the first result, and whether this call replayed it. */
export interface Idempotent<T> {
  replayed: boolean
  result: T
}

export type LedgerKind = 'seed' | 'contribution' | 'win' | 'reset' | 'adjustment'

export interface LedgerLine {
  pool: PoolSlug
  amountDeltaCents: bigint
  reserveDeltaCents: bigint
  amountAfterCents: bigint
  reserveAfterCents: bigint
  /** The pool's sub-cent carry after this line, in 1/10 000 of a cent (see `Pool.residue`). */
  residueAfter: number
}

export interface LedgerEntry {
  id: string
  kind: LedgerKind
  idempotencyKey: string | null
  /** For a reset: the win that caused it. */
  parentId: string | null
  gameId: string | null
  playerId: string | null
  wagerCents: bigint | null
  lines: LedgerLine[]
  createdAt: Date
}

export interface LedgerQuery {
  pool?: PoolSlug | undefined
  kind?: LedgerKind | undefined
  /** Opaque cursor from a previous page's `nextCursor`. */
  after?: string | undefined
  since?: Date | undefined
  until?: Date | undefined
  /** 1..500, default 50. */
  limit?: number | undefined
}

/** A query of the latest wins (see `JackpotStore.recentWins`). */
export interface RecentWinsQuery {
  /** Opaque cursor from a previous page's `nextCursor`: wins older than it. */
  before?: string | undefined
  /** 1..500, default 50. */
  limit?: number | undefined
}

/** A win, as the dashboard lists it. */
export interface RecentWin {
  id: string
  pool: PoolSlug
  gameId: string
  playerId: string
  payoutCents: bigint
  createdAt: Date
}

/** A query of today's top games (see `JackpotStore.topGames`). */
export interface TopGamesQuery {
  /** Opaque cursor from a previous page's `nextCursor`. */
  after?: string | undefined
  /** 1..500, default 50. */
  limit?: number | undefined
}

/** A game's contributions since UTC midnight. */
export interface TopGame {
  gameId: string
  /** Wagers (contribution entries) today. */
  contributions: number
  /** Cents those wagers added to all pools together (ceiling overflow to reserves included). */
  contributedCents: bigint
}

export interface Page<T> {
  entries: T[]
  nextCursor: string | null
}

export interface PoolConfigChange {
  slug: PoolSlug
  expectedVersion: number
  contributionBp?: number | undefined
  seedCents?: bigint | undefined
  /** `null` removes the ceiling; `undefined` leaves it. */
  ceilingCents?: bigint | null | undefined
  actor: string
}

export interface AuditEntry {
  id: string
  actor: string
  action: string
  target: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  createdAt: Date
}

export interface Stats {
  pools: number
  totalAmountCents: bigint
  totalReserveCents: bigint
  totalContributedCents: bigint
  totalPaidOutCents: bigint
  totalSeededByHouseCents: bigint
  contributions: number
  wins: number
  today: {
    contributions: number
    contributedCents: bigint
    wagerCents: bigint
    wins: number
    paidOutCents: bigint
  }
  /** Contributed cents in the last 24 h vs the 24 h before, as a ratio (null when the earlier window is empty). */
  growth: { last24hCents: bigint; previous24hCents: bigint; ratio: number | null }
  lastContributionAt: Date | null
  lastWinAt: Date | null
}

export interface ApiKey {
  id: string
  name: string
  /** First characters of the key, safe to show, to recognise it in a list. */
  prefix: string
  role: 'game'
  createdAt: Date
  lastUsedAt: Date | null
  revokedAt: Date | null
  createdBy: string
}

export interface CreatedApiKey extends ApiKey {
  /** The plaintext key. Returned once, never stored. */
  key: string
}

/** @deprecated The domain logs through the SDK's port: use `LoggerPort` from `@jackpot/observability`. */
export type DomainLogger = LoggerPort

/**
 * @deprecated The store's database calls go through the SDK's interceptor type: use
 * `DatabaseInterceptor` from `@jackpot/observability`.
 */
export type DatabaseInterceptor = SdkDatabaseInterceptor
