import type { LoggerPort } from '@jackpot/observability'
import type { Tracer } from '@opentelemetry/api'
import { sql } from 'drizzle-orm'
import { ApiKeyCache } from './api-key-cache.ts'
import {
  type ApiKeyStore,
  authenticateApiKey,
  createApiKey,
  listApiKeys,
  revokeApiKey,
} from './api-key-store.ts'
import { readAudit } from './audit-reader.ts'
import { writeContribution } from './contribution-writer.ts'
import type { ConnectedDatabase } from './db/connect-database.ts'
import type { DatabaseRunner } from './db/database-runner.ts'
import { ensurePartitionsAhead, type LedgerPartition, listLedgerPartitions } from './db/ledger-partitions.ts'
import type { DomainMetrics } from './domain-metrics.ts'
import type { LedgerArchiveRef } from './errors.ts'
import { maintainIdempotencyKeys, reopenKeyWindow } from './idempotency-keys.ts'
import type { JackpotStore, PoolsListener, SettledWrite, WritesListener } from './jackpot-store.ts'
import {
  type ArchivedLedger,
  type ArchiveLedgerOptions,
  archiveLedger,
} from './ledger-archive/archive-ledger.ts'
import {
  insertCheckpoint,
  type LedgerCheckpoint,
  readArchives,
  readCheckpoints,
} from './ledger-checkpoints.ts'
import { readLedger } from './ledger-reader.ts'
import { updatePoolConfig } from './pool-config-writer.ts'
import { poolGrowthSince } from './pool-growth.ts'
import { type PoolGrowth, type PoolGrowthQuery, readPoolGrowth } from './pool-growth-reader.ts'
import { insertSeededPools, selectPool, selectPools } from './pool-rows.ts'
import { readRecentWins } from './recent-wins-reader.ts'
import { checkRollups, type RollupCheck } from './rollup-check.ts'
import { type SeededHistory, type SeedHistoryOptions, seedHistory } from './seed-history.ts'
import { SettledKeyFilter } from './settled-key-filter.ts'
import { readStats } from './stats-reader.ts'
import type { StoreContext } from './store-context.ts'
import { readTopGames } from './top-games-reader.ts'
import type {
  ApiKey,
  AuditEntry,
  ContributionCommand,
  ContributionReceipt,
  CreatedApiKey,
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
import { writeWin } from './win-writer.ts'
import {
  type GroupCommitOptions,
  GroupCommitWriter,
  type WriteLoad,
} from './write-batch/group-commit-writer.ts'

/** How often the store makes partitions ahead and settles the idempotency keys of closed days. */
const MAINTENANCE_INTERVAL_MS = 3_600_000

/** What one run of the hourly upkeep did. */
export interface HistoryUpkeep {
  /** The ledger partitions for today and the days ahead (made now or already there). */
  partitions: string[]
  /** Keys of closed days settled into `past_idempotency_keys` (see `maintainIdempotencyKeys`). */
  settledKeys: number
  /** Days whose key index was dropped, past the retention: their keys now answer "expired". */
  retiredKeyDays: string[]
}

/** The {@link JackpotStore} and {@link ApiKeyStore} on drizzle, on one database; made by `openJackpot`. */
export class DrizzleJackpotStore implements JackpotStore, ApiKeyStore {
  readonly kind: 'postgres' | 'pglite'
  readonly currency: string
  readonly #database: ConnectedDatabase
  readonly #ctx: StoreContext
  readonly #listeners = new Set<PoolsListener>()
  readonly #writeListeners = new Set<WritesListener>()
  #closing: Promise<void> | null = null
  readonly #retentionDays: number
  readonly #partitionsAheadDays: number
  readonly #maintenance: ReturnType<typeof setInterval>
  /** The last upkeep run asked for: runs queue behind it, so two never do the same DDL at once. */
  #upkeep: Promise<unknown> = Promise.resolve()
  readonly #settledKeys: SettledKeyFilter

  constructor(
    database: ConnectedDatabase,
    settings: {
      run: DatabaseRunner
      now: () => Date
      currency: string
      logger: LoggerPort | undefined
      metrics: DomainMetrics
      writes?: GroupCommitOptions | undefined
      tracer?: Tracer | undefined
      idempotencyRetentionDays: number
      partitionsAheadDays: number
    },
  ) {
    this.kind = database.kind
    this.#retentionDays = settings.idempotencyRetentionDays
    this.#partitionsAheadDays = settings.partitionsAheadDays
    this.currency = settings.currency
    this.#database = database
    this.#settledKeys = new SettledKeyFilter({
      db: database.db,
      logger: settings.logger,
      metrics: settings.metrics,
    })
    const writer = new GroupCommitWriter({
      db: database.db,
      run: settings.run,
      now: settings.now,
      logger: settings.logger,
      options: settings.writes,
      tracer: settings.tracer,
      idempotencyRetentionDays: settings.idempotencyRetentionDays,
      settledKeys: this.#settledKeys,
      onCommitted: (batch) => {
        settings.metrics.batchCommitted(batch.outcomes)
        if (batch.pools !== null) this.#notify(batch.changedSlugs, batch.pools)
      },
      onSettled: (writes) => this.#notifyWrites(writes),
    })
    this.#ctx = {
      db: database.db,
      run: settings.run,
      now: settings.now,
      currency: settings.currency,
      logger: settings.logger,
      metrics: settings.metrics,
      writer,
      apiKeys: new ApiKeyCache(),
      poolsChanged: (slugs, pools) => this.#notify(slugs, pools),
    }
    // In the background: until it is loaded, write batches probe past_idempotency_keys for every key.
    this.#settledKeys.refresh()
    // Once now, in the background: key lookups read every day the upkeep has not settled, so a
    // database not swept for a while (just migrated, or replicas down) would make every
    // write batch read all of those days until the first hourly run. Then hourly; unref'd,
    // so an idle store never keeps the process alive.
    this.maintainHistory().then(
      (upkeep) => {
        if (upkeep.settledKeys > 0 || upkeep.retiredKeyDays.length > 0) {
          this.#ctx.logger?.info(
            { settledKeys: upkeep.settledKeys, retiredKeyDays: upkeep.retiredKeyDays },
            'settled the idempotency keys of closed days',
          )
        }
      },
      (error: unknown) =>
        this.#ctx.logger?.warn({ err: error }, 'ledger upkeep at start-up failed; it runs again in an hour'),
    )
    this.#maintenance = setInterval(() => {
      this.maintainHistory().catch((error: unknown) =>
        this.#ctx.logger?.warn({ err: error }, 'hourly ledger upkeep failed; it runs again in an hour'),
      )
    }, MAINTENANCE_INTERVAL_MS)
    this.#maintenance.unref?.()
  }

  /** The day partitions attached to the ledger tables, oldest first (see `db/ledger-partitions.ts`). */
  ledgerPartitions(): Promise<LedgerPartition[]> {
    return this.#ctx.run('ledger.maintain', () => listLedgerPartitions(this.#ctx.db))
  }

  /**
   * The hourly upkeep, also callable on demand: makes the ledger partitions for
   * today and the configured days ahead, settles the idempotency keys of
   * closed days and drops the key indexes of days past the retention (see
   * `maintainIdempotencyKeys`).
   */
  maintainHistory(now: Date = this.#ctx.now()): Promise<HistoryUpkeep> {
    // The start-up run, the hourly one and a caller's can overlap: each waits for the one before.
    const run = this.#upkeep.then(() => this.#maintainHistory(now))
    this.#upkeep = run.catch(() => {})
    return run
  }

  async #maintainHistory(now: Date): Promise<HistoryUpkeep> {
    const partitions = await this.#ctx.run('ledger.maintain', () =>
      ensurePartitionsAhead(this.#ctx.db, this.#partitionsAheadDays, now),
    )
    const keys = await this.#ctx.run('ledger.maintain', () =>
      maintainIdempotencyKeys(this.#ctx.db, now, this.#retentionDays),
    )
    // Now rather than at the next write batch, which would find the filter behind the table.
    if (keys.settled > 0) this.#settledKeys.refresh()
    return { partitions, settledKeys: keys.settled, retiredKeyDays: keys.retired }
  }

  listPools(): Promise<Pool[]> {
    return this.#ctx.run('pools.list', () => selectPools(this.#ctx.db))
  }

  getPool(slug: PoolSlug): Promise<Pool> {
    return this.#ctx.run('pools.get', () => selectPool(this.#ctx.db, slug))
  }

  contribute(command: ContributionCommand): Promise<Idempotent<ContributionReceipt>> {
    return writeContribution(this.#ctx, command)
  }

  win(command: WinCommand): Promise<Idempotent<WinReceipt>> {
    return writeWin(this.#ctx, command)
  }

  ledger(query: LedgerQuery): Promise<Page<LedgerEntry>> {
    return readLedger(this.#ctx, query)
  }

  ledgerCheckpoints(): Promise<LedgerCheckpoint[]> {
    return this.#ctx.run('ledger.checkpoints', () => readCheckpoints(this.#ctx.db))
  }

  recordLedgerCheckpoint(checkpoint: LedgerCheckpoint): Promise<void> {
    return this.#ctx.run('ledger.checkpoint', () =>
      insertCheckpoint(this.#ctx.db, checkpoint, this.#ctx.now()),
    )
  }

  ledgerArchives(): Promise<LedgerArchiveRef[]> {
    return this.#ctx.run('ledger.archives', () => readArchives(this.#ctx.db))
  }

  updatePoolConfig(change: PoolConfigChange): Promise<Pool> {
    return updatePoolConfig(this.#ctx, change)
  }

  audit(query: { after?: string | undefined; limit?: number | undefined }): Promise<Page<AuditEntry>> {
    return readAudit(this.#ctx, query)
  }

  stats(now: Date = this.#ctx.now()): Promise<Stats> {
    return readStats(this.#ctx, now)
  }

  recentWins(query: RecentWinsQuery): Promise<Page<RecentWin>> {
    return readRecentWins(this.#ctx, query)
  }

  topGames(query: TopGamesQuery, now: Date = this.#ctx.now()): Promise<Page<TopGame>> {
    return readTopGames(this.#ctx, query, now)
  }

  poolGrowth(query: PoolGrowthQuery, now: Date = this.#ctx.now()): Promise<Page<PoolGrowth>> {
    return readPoolGrowth(this.#ctx, query, now)
  }

  createApiKey(input: { name: string; createdBy: string }): Promise<CreatedApiKey> {
    return createApiKey(this.#ctx, input)
  }

  listApiKeys(): Promise<ApiKey[]> {
    return listApiKeys(this.#ctx)
  }

  revokeApiKey(id: string, actor: string): Promise<ApiKey> {
    return revokeApiKey(this.#ctx, id, actor)
  }

  authenticateApiKey(plaintext: string): Promise<ApiKey | null> {
    return authenticateApiKey(this.#ctx, plaintext)
  }

  onPoolsChanged(listener: PoolsListener): () => void {
    // Wrapped, so subscribing the same function twice gives two independent subscriptions.
    const entry: PoolsListener = (slugs, pools) => listener(slugs, pools)
    this.#listeners.add(entry)
    return () => {
      this.#listeners.delete(entry)
    }
  }

  onWritesSettled(listener: WritesListener): () => void {
    const entry: WritesListener = (writes) => listener(writes)
    this.#writeListeners.add(entry)
    return () => {
      this.#writeListeners.delete(entry)
    }
  }

  writeLoad(): WriteLoad {
    return this.#ctx.writer.load()
  }

  async ping(): Promise<void> {
    await this.#ctx.run('ping', () => this.#ctx.db.execute(sql`select 1`))
  }

  dumpDataDir(): Promise<Blob> {
    const dump = this.#database.dumpDataDir
    if (!dump) return Promise.reject(new Error('only an embedded PGlite store has a data directory to dump'))
    // Not through the interceptor: its per-call timeout and breaker are sized for requests, not a dump.
    return dump()
  }

  close(): Promise<void> {
    clearInterval(this.#maintenance)
    // Not waiting for the start-up upkeep: on a big database it can take minutes, and an upkeep
    // cut short is taken up again by the next one (its steps are idempotent). A filter load
    // stops at its next page.
    this.#closing ??= this.#settledKeys.close().then(() => this.#database.close())
    return this.#closing
  }

  /**
   * The settled idempotency keys this replica keeps in memory (see
   * `settled-key-filter.ts`): how often write batches could use them,
   * `load()` to wait for a fresh copy, `idle()` for the one under way.
   */
  get settledKeyFilter(): Pick<SettledKeyFilter, 'stats' | 'load' | 'idle'> {
    return this.#settledKeys
  }

  /**
   * Empties every table and creates `pools` afresh, as a new database would
   * have them. For tests only (reached through `@jackpot/domain/testing`), so
   * a suite can reuse one started PGlite instead of paying its start per test.
   *
   * @internal
   */
  /** Cents contributed per pool since `since` (minute granularity), from the rollup: see `pool-growth.ts`. */
  poolGrowthSince(since: Date, now: Date = this.#ctx.now()): Promise<Map<PoolSlug, bigint>> {
    return poolGrowthSince(this.#ctx, since, now)
  }

  /**
   * Compares the rollups with the ledger from `since` on (see `rollup-check.ts`). A
   * maintenance check: it reads those days whole, so no request path calls it.
   */
  checkRollups(since?: Date): Promise<RollupCheck> {
    return checkRollups(this.#ctx.db, since)
  }

  /**
   * Fills this (empty) database with a back-dated history through the real
   * write path, for capacity tests (`bun run cli seed-history`). Bypasses the
   * group-commit writer, so run it only while nothing else writes.
   */
  seedHistory(options: SeedHistoryOptions): Promise<SeededHistory> {
    return seedHistory(this.#ctx.db, { idempotencyRetentionDays: this.#retentionDays, ...options })
  }

  /**
   * Moves the days before `options.before` out of the database into archive
   * files (`bun run cli archive`; see `ledger-archive/archive-ledger.ts`).
   */
  archiveLedger(options: Omit<ArchiveLedgerOptions, 'now'>): Promise<ArchivedLedger> {
    return archiveLedger(this.#ctx.db, this, { ...options, now: this.#ctx.now() })
  }

  async resetForTests(pools: readonly PoolDefinition[]): Promise<void> {
    // An upkeep's DDL (partitions, key indexes) would otherwise race the TRUNCATE below.
    await this.#upkeep
    this.#ctx.apiKeys.clear()
    await this.#ctx.db.transaction(async (tx) => {
      await tx.execute(
        sql`TRUNCATE ledger_lines, ledger_entries, ledger_batch_pools, ledger_checkpoints, ledger_archives, past_idempotency_keys, pool_minute_stats, game_day_stats, audit_log, api_keys, pools RESTART IDENTITY CASCADE`,
      )
      // Every day back in the key window, with its key index (a test may have swept some).
      await reopenKeyWindow(tx, '1970-01-01')
      await insertSeededPools(tx, pools, this.currency, this.#ctx.now())
    })
  }

  #notify(slugs: PoolSlug[], pools?: readonly Pool[]): void {
    for (const listener of this.#listeners) {
      try {
        listener(slugs, pools)
      } catch (error) {
        // A broken subscriber must not turn a committed write into a failed request.
        this.#ctx.logger?.warn({ err: error, slugs }, 'onPoolsChanged listener threw')
      }
    }
  }

  #notifyWrites(writes: readonly SettledWrite[]): void {
    for (const listener of this.#writeListeners) {
      try {
        listener(writes)
      } catch (error) {
        this.#ctx.logger?.warn({ err: error }, 'onWritesSettled listener threw')
      }
    }
  }
}
