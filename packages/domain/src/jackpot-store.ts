import type { Clock, DatabaseInterceptor, LoggerPort } from '@jackpot/observability'
import type { Tracer } from '@opentelemetry/api'
import type { DomainMeter } from './domain-metrics.ts'
import type { LedgerCheckpointStore } from './ledger-checkpoints.ts'
import type { PoolGrowth, PoolGrowthQuery } from './pool-growth-reader.ts'
import type {
  AuditEntry,
  ContributionCommand,
  ContributionReceipt,
  Idempotent,
  LedgerEntry,
  LedgerQuery,
  Page,
  Pool,
  PoolConfigChange,
  PoolDefinition,
  PoolSlug,
  RecentWin,
  RecentWinsQuery,
  Stats,
  TopGame,
  TopGamesQuery,
  WinCommand,
  WinReceipt,
} from './types.ts'
import type { GroupCommitOptions, WriteLoad } from './write-batch/group-commit-writer.ts'

/** What `onPoolsChanged` listeners get: the changed slugs and, when known, every pool after the change. */
export type PoolsListener = (slugs: PoolSlug[], pools?: readonly Pool[]) => void

/**
 * One contribution or win as the writer settled it: its receipt's time (fresh
 * or replayed), or why it failed (a rule's refusal, a full queue, a missed
 * deadline, a batch the database did not take).
 */
export type SettledWrite =
  | { kind: 'contribution' | 'win'; ok: true; createdAt: Date }
  | { kind: 'contribution' | 'win'; ok: false; error: unknown }

/** What `onWritesSettled` listeners get: the writes settled together, in arrival order. */
export type WritesListener = (writes: readonly SettledWrite[]) => void

/**
 * Everything the server can ask of the jackpot. One implementation, backed by
 * drizzle on PostgreSQL (postgres.js) or PGlite; every database call goes
 * through `OpenJackpotOptions.interceptor`.
 */
export interface JackpotStore extends LedgerCheckpointStore {
  readonly kind: 'postgres' | 'pglite'
  readonly currency: string

  listPools(): Promise<Pool[]>
  /** @throws PoolNotFoundError */
  getPool(slug: PoolSlug): Promise<Pool>

  /**
   * Contributions and wins go through one group-commit writer per store (see
   * `write-batch/group-commit-writer.ts`).
   *
   * @throws CurrencyMismatchError, IdempotencyConflictError, WriteQueueFullError,
   *   WriteDeadlineExceededError, WriteOutcomeUnknownError, DatabaseUnavailableError
   */
  contribute(command: ContributionCommand): Promise<Idempotent<ContributionReceipt>>
  /** @throws PoolNotFoundError, IdempotencyConflictError */
  win(command: WinCommand): Promise<Idempotent<WinReceipt>>

  ledger(query: LedgerQuery): Promise<Page<LedgerEntry>>
  /** @throws PoolNotFoundError, VersionConflictError, InvalidCommandError */
  updatePoolConfig(change: PoolConfigChange): Promise<Pool>
  audit(query: { after?: string | undefined; limit?: number | undefined }): Promise<Page<AuditEntry>>
  stats(now?: Date): Promise<Stats>
  /** The latest wins, newest first, a page at a time. @throws InvalidCommandError for a bad cursor or limit */
  recentWins(query: RecentWinsQuery): Promise<Page<RecentWin>>
  /** Games by cents contributed since UTC midnight of `now`, a page at a time. @throws InvalidCommandError */
  topGames(query: TopGamesQuery, now?: Date): Promise<Page<TopGame>>
  /** Each pool's contributions in the 24 h up to `now`, a page of pools at a time. @throws InvalidQueryError */
  poolGrowth(query: PoolGrowthQuery, now?: Date): Promise<Page<PoolGrowth>>

  /**
   * Subscribe to pool changes (contribution, win, config) made through this
   * store. The listener gets the changed pools' slugs after commit, once per
   * committed write batch or configuration change, and every pool's state
   * after it (`pools`: write batches lock and read every pool, a configuration
   * change reads them in its transaction), before the change is answered.
   * Returns a disposer.
   */
  onPoolsChanged(listener: PoolsListener): () => void

  /**
   * Subscribe to the outcome of every contribution and win handed to the
   * writer: once per batch (committed or failed as a whole) and once per write
   * refused before its batch (full queue, missed deadline), before any of
   * those writes is answered. Checks made before the writer (a malformed
   * command, a wrong currency) are not reported. Returns a disposer.
   */
  onWritesSettled(listener: WritesListener): () => void

  /** How full the write queue is (admission control, readiness). */
  writeLoad(): WriteLoad

  /** A trivial round trip, for health checks. */
  ping(): Promise<void>
  /**
   * Embedded PGlite only: a consistent gzipped tarball of the data directory, taken while
   * the store keeps serving (`bun run cli backup`). Absent on PostgreSQL: use pg_dump.
   */
  dumpDataDir?(): Promise<Blob>
  close(): Promise<void>
}

export interface OpenJackpotOptions {
  /** postgres:// URL. Unset: embedded PGlite in `pgliteDataDir`. */
  databaseUrl?: string | undefined
  /** Directory for PGlite, or 'memory://'. Locked against a second process. Defaults to './data'. */
  pgliteDataDir?: string | undefined
  /** PostgreSQL connections per process. Defaults to 10. */
  poolSize?: number | undefined
  /** ISO 4217 code every pool is kept in. Defaults to EUR. */
  currency?: string | undefined
  /** Pools created when the database has none. Defaults to minor/major/mega. */
  pools?: PoolDefinition[] | undefined
  interceptor?: DatabaseInterceptor | undefined
  logger?: LoggerPort | undefined
  /**
   * Where ledger, audit and key timestamps come from: the SDK's `Clock`, of which only
   * `now()` is read. Defaults to the system clock; tests pass a manual one.
   */
  clock?: Pick<Clock, 'now'> | undefined
  /**
   * Meter for the business counters (contributions, contributed cents, wins,
   * payouts, replays). Defaults to none: no domain metrics.
   */
  meter?: DomainMeter | undefined
  /**
   * Tracer of the write batches: each batch is one span, linked to the span of every
   * request it carried. Defaults to none: the writer does no tracing work at all.
   */
  tracer?: Tracer | undefined
  /** Batch size, queue bound and deadline of the group-commit writer. */
  writes?: GroupCommitOptions | undefined
  /** Seconds to wait for a PostgreSQL connection. Defaults to 5. */
  connectTimeoutSeconds?: number | undefined
  /**
   * PostgreSQL `statement_timeout` of every pooled session, in ms (0 = none), so a
   * slow statement is cancelled by PostgreSQL, not guessed at by the client. Defaults to 2500.
   */
  statementTimeoutMs?: number | undefined
  /** PostgreSQL `lock_timeout` of every pooled session, in ms (0 = none). Defaults to 1000. */
  lockTimeoutMs?: number | undefined
  /**
   * Days an idempotency key answers a replay; after that a reuse is refused with
   * `IdempotencyKeyExpiredError`. Defaults to 7.
   */
  idempotencyRetentionDays?: number | undefined
  /** Days of ledger partitions made ahead of today by the hourly upkeep (opening makes today and tomorrow). Defaults to 7. */
  partitionsAheadDays?: number | undefined
}
