import { asc, sql } from 'drizzle-orm'
import type { Database } from './db/database.ts'
import { ensureDayPartitions, utcDay, withDayPartitions } from './db/ledger-partitions.ts'
import { ledgerEntries, ledgerLines } from './db/schema.ts'
import { InvalidCommandError } from './errors.ts'
import {
  DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
  maintainIdempotencyKeys,
  reopenKeyWindow,
  SETTLE_AFTER_MS,
} from './idempotency-keys.ts'
import { selectPools } from './pool-rows.ts'
import { contributionHash, winHash } from './request-hash.ts'
import { applyWriteBatch } from './write-batch/apply-write-batch.ts'
import { resultRows } from './write-batch/sql-arrays.ts'
import type { WriteItem } from './write-batch/write-item.ts'

/** What {@link seedHistory} makes. */
export interface SeedHistoryOptions {
  contributions: number
  /** The history spans the `days` days before `until`. Defaults to 1. */
  days?: number
  /** When the history ends. Defaults to now. */
  until?: Date
  /** Items per transaction. Defaults to 5 000. */
  batchSize?: number
  /** One win (on a pool in turn) per this many contributions. Defaults to 2 000. */
  contributionsPerWin?: number
  /** Games the wagers come from. Defaults to 50. */
  games?: number
  /**
   * Days a key answers a replay, for the key upkeep run as the seeded days close
   * (as the hourly one would have). Defaults to 7.
   */
  idempotencyRetentionDays?: number
  /** Called after every committed batch. */
  onProgress?: (progress: { contributions: number; wins: number; of: number; at: Date }) => void
}

/** What {@link seedHistory} wrote. */
export interface SeededHistory {
  contributions: number
  wins: number
  batches: number
  /** Keys the key upkeep settled as the seeded days closed. */
  settledKeys: number
  /** Days whose key index that upkeep dropped, past the retention (their prefixes refuse their keys). */
  retiredKeyDays: string[]
  from: Date
  until: Date
}

/**
 * The pools' seed entries were written when the database was opened, which is
 * after the history about to be made: left there, the ledger's days would run
 * out of id order and no day could be checkpointed or archived. They are the
 * only entries (checked before), so they are moved to the history's start:
 * read, the ledger emptied with TRUNCATE (the append-only triggers refuse
 * UPDATE and DELETE, not TRUNCATE, which is left to operators) and written back
 * with the same ids, in one transaction.
 */
async function dateSeedEntriesAt(db: Database, from: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const entries = await tx.select().from(ledgerEntries).orderBy(asc(ledgerEntries.id))
    if (entries.every((entry) => entry.createdAt.getTime() <= from.getTime())) return
    const lines = await tx.select().from(ledgerLines)
    await ensureDayPartitions(tx, [utcDay(from)])
    await tx.execute(sql`TRUNCATE ledger_lines, ledger_entries`)
    await tx.insert(ledgerEntries).values(entries.map((entry) => ({ ...entry, createdAt: from })))
    if (lines.length > 0)
      await tx.insert(ledgerLines).values(lines.map((line) => ({ ...line, createdAt: from })))
  })
}

/** A database that already holds contributions or wins: seed-history only fills an empty one. */
export class HistoryNotEmptyError extends Error {
  readonly code = 'E_HISTORY_NOT_EMPTY'
}

const DAY_MS = 86_400_000

/**
 * Fills an empty jackpot database with a realistic history for capacity tests:
 * `contributions` wagers (and a win every `contributionsPerWin`) spread evenly
 * over `days` days, each batch going through the real write path
 * (`applyWriteBatch`: the contribution split, the win payout, the ledger lines,
 * the pool update and its rollups) with the batch's time as its entries' time.
 * The pools' seed entries are dated at the history's start (see `dateSeedEntriesAt`).
 * Wagers are deterministic (a fixed pseudo-random sequence), so two runs make
 * the same ledger. Keys are `seed-c-<n>` and `seed-w-<n>` in the legacy scope ''.
 *
 * Not reachable over HTTP: back-dated entries are for an empty capacity-test
 * database, never for a live one.
 *
 * @throws HistoryNotEmptyError when the ledger has anything but the pools' seed entries.
 * @example
 * await seedHistory(db, { contributions: 100_000, days: 30 })
 */
export async function seedHistory(db: Database, options: SeedHistoryOptions): Promise<SeededHistory> {
  const total = options.contributions
  const days = options.days ?? 1
  const batchSize = options.batchSize ?? 5_000
  const perWin = options.contributionsPerWin ?? 2_000
  const gameCount = options.games ?? 50
  if (!Number.isSafeInteger(total) || total < 1)
    throw new InvalidCommandError('contributions must be a positive integer', 'contributions')
  if (!(days > 0) || !Number.isFinite(days)) throw new InvalidCommandError('days must be positive', 'days')
  if (!Number.isSafeInteger(batchSize) || batchSize < 1)
    throw new InvalidCommandError('batchSize must be a positive integer', 'batchSize')

  const [found] = resultRows<{ n: number }>(
    await db.execute(
      sql`SELECT count(*)::int AS n FROM (SELECT 1 FROM ledger_entries WHERE kind <> 'seed' LIMIT 1) AS any_entry`,
    ),
  )
  if (Number(found?.n) > 0) {
    throw new HistoryNotEmptyError(
      'the database already has contributions or wins: seed-history only fills an empty database',
    )
  }
  const until = options.until ?? new Date()
  const from = new Date(until.getTime() - days * DAY_MS)
  await dateSeedEntriesAt(db, from)
  await reopenKeyWindow(db, utcDay(from))
  const slugs = (await selectPools(db)).map((pool) => pool.slug)
  const currency = (await selectPools(db))[0]?.currency ?? 'EUR'
  const batches = Math.ceil(total / batchSize)
  const step = (until.getTime() - from.getTime()) / batches
  let random = 20_251_205
  const next = () => {
    // xorshift32: cheap, deterministic, good enough for wagers.
    random ^= random << 13
    random ^= random >>> 17
    random ^= random << 5
    return (random >>> 0) / 0x1_0000_0000
  }

  let contributions = 0
  let wins = 0
  let settledBefore = utcDay(from)
  let settledKeys = 0
  const retiredKeyDays: string[] = []
  for (let batch = 0; batch < batches; batch++) {
    const items: WriteItem[] = []
    const size = Math.min(batchSize, total - contributions)
    for (let i = 0; i < size; i++) {
      const n = contributions + i
      const command = {
        idempotencyKey: `seed-c-${n}`,
        gameId: `game-${Math.floor(next() * gameCount)}`,
        playerId: `player-${Math.floor(next() * 100_000)}`,
        // 0.10 to 100.00, skewed to small stakes as real wagers are.
        wagerCents: BigInt(10 + Math.floor(next() ** 3 * 9_990)),
        currency,
      }
      items.push({ kind: 'contribution', command, scope: '', hash: contributionHash(command) })
      if ((n + 1) % perWin === 0 && slugs.length > 0) {
        const win = {
          idempotencyKey: `seed-w-${wins}`,
          pool: slugs[wins % slugs.length]!,
          gameId: command.gameId,
          playerId: command.playerId,
        }
        items.push({ kind: 'win', command: win, scope: '', hash: winHash(win) })
        wins++
      }
    }
    const at = new Date(Math.floor(from.getTime() + (batch + 1) * step))
    const applied = await withDayPartitions(
      db,
      () => [utcDay(at)],
      () => db.transaction((tx) => applyWriteBatch(tx, items, at)),
    )
    const refused = applied.outcomes.find((outcome) => !outcome.ok)
    if (refused !== undefined && !refused.ok) throw refused.error
    contributions += size
    options.onProgress?.({ contributions, wins, of: total, at })
    // The key upkeep as the hourly one would have run it, once a seeded day is over: without it
    // every batch would look its keys up in every day seeded so far (the key window reaches back
    // to the first), and the seeding slows with each day.
    const settleable = utcDay(new Date(at.getTime() - SETTLE_AFTER_MS))
    if (settleable > settledBefore) {
      const upkeep = await maintainIdempotencyKeys(
        db,
        at,
        options.idempotencyRetentionDays ?? DEFAULT_IDEMPOTENCY_RETENTION_DAYS,
      )
      settledKeys += upkeep.settled
      retiredKeyDays.push(...upkeep.retired)
      settledBefore = settleable
    }
  }
  // A bulk load leaves the planner's statistics behind until autovacuum catches up; refresh them,
  // so the first reads plan with the real table sizes (as a database that grew slowly would).
  await db.execute(sql`ANALYZE ledger_entries, ledger_lines, pool_minute_stats, game_day_stats, pools`)
  return { contributions, wins, batches, settledKeys, retiredKeyDays, from, until }
}
