import { utcDay } from './db/ledger-partitions.ts'
import { LedgerArchivedError } from './errors.ts'
import type { JackpotStore } from './jackpot-store.ts'
import {
  brokenCheckpoint,
  type CheckpointContent,
  type CheckpointPool,
  chainCheckpoint,
  checkpointDifference,
  type LedgerCheckpoint,
  type LedgerCheckpointStore,
  nextUtcDay,
} from './ledger-checkpoints.ts'
import { encodeCursor } from './page-cursor.ts'
import type { LedgerEntry, Pool, PoolSlug } from './types.ts'

/** Where the ledger and the pools first disagree. */
export interface LedgerDivergence {
  /** The ledger entry at which the divergence shows: the first that does not follow, or the pool's last one. */
  entryId: string | null
  /** The pool, or null when the divergence is a whole day's (a checkpoint, the day order). */
  pool: PoolSlug | null
  reason: string
}

export type LedgerVerification =
  | {
      ok: true
      /** Entries replayed by this run (in incremental mode, those after the checkpoint it started from). */
      entries: number
      pools: number
      /** The day of the checkpoint the replay started from; null when it started from the first entry. */
      from: string | null
      /** Checkpoints this run appended, one per closed day it replayed. */
      checkpointsWritten: number
    }
  | { ok: false; entries: number; divergence: LedgerDivergence }

/**
 * What {@link verifyLedger} reads: the ledger, the pools and, when it keeps
 * them, the checkpoints and archived ranges (a store without them, such as a
 * read-only view of an old database, is replayed whole and gets no checkpoint).
 */
export type VerifiableStore = Pick<JackpotStore, 'ledger' | 'listPools'> & Partial<LedgerCheckpointStore>

export interface VerifyLedgerOptions {
  /**
   * `incremental` (the default) starts from the last checkpoint, so a run costs
   * the days since; `full` replays from the first entry and compares every
   * checkpoint on the way.
   */
  mode?: 'incremental' | 'full'
  /**
   * Full mode on a database with archived days: their entries, oldest first,
   * read from the archive files (see `ledger-archive/read-archive.ts`), replayed
   * before the database's own.
   */
  archived?: AsyncIterable<LedgerEntry>
  /** Days that ended before `now` minus {@link CLOSE_MARGIN_MS} are closed and get a checkpoint. Defaults to the clock. */
  now?: Date
}

/**
 * How long after a UTC midnight the day before is taken as closed: a write batch
 * takes its time when its transaction starts, so one may commit an entry dated
 * just before midnight a little after it.
 */
export const CLOSE_MARGIN_MS = 5 * 60_000

interface Replayed extends CheckpointPool {
  /** The last entry that touched the pool, for messages. */
  lastEntryId: string | null
}

class DivergenceFound extends Error {
  constructor(readonly divergence: LedgerDivergence) {
    super(divergence.reason)
  }
}

/**
 * Replays the ledger, oldest first, and checks it against itself, its
 * checkpoints and the pools: every line's after-figures follow from the lines
 * before it and its residue is a valid carry; each closed UTC day ends in the
 * state its checkpoint recorded (and days without one get one, chained by
 * sha256 to the day before); every pool row's amount, reserve, residue and
 * totals equal the replay; and `amount + reserve + paidOut = contributed +
 * seededByHouse` holds on both sides.
 *
 * Incremental by default: the replay starts from the last checkpoint's pool
 * states, so checking a day reads a day. Reads through the store's paginated
 * ledger, so it runs against any backend.
 *
 * @throws LedgerArchivedError in full mode when days were archived and no `archived` entries are given.
 * @example
 * const result = await verifyLedger(store)
 * if (!result.ok) console.error(`entry ${result.divergence.entryId}: ${result.divergence.reason}`)
 */
export async function verifyLedger(
  store: VerifiableStore,
  options: VerifyLedgerOptions = {},
): Promise<LedgerVerification> {
  const checkpoints = (await store.ledgerCheckpoints?.()) ?? []
  const broken = brokenCheckpoint(checkpoints)
  if (broken) {
    return {
      ok: false,
      entries: 0,
      divergence: { entryId: null, pool: null, reason: `checkpoint of ${broken.day}: ${broken.reason}` },
    }
  }
  const full = options.mode === 'full'
  const archives = (await store.ledgerArchives?.()) ?? []
  if (full && archives.length > 0 && options.archived === undefined) throw new LedgerArchivedError(archives)
  const replay = new LedgerReplay(
    checkpoints,
    options.now ?? new Date(),
    store.recordLedgerCheckpoint?.bind(store),
  )
  const start = full ? null : (checkpoints.at(-1) ?? null)
  if (start) replay.startFrom(start)
  try {
    if (full && options.archived) {
      for await (const entry of options.archived) await replay.apply(entry)
      const lastArchived = archives.at(-1)?.lastDay
      if (lastArchived !== undefined) await replay.closeDaysThrough(lastArchived)
      if (lastArchived !== undefined && !replay.closedThrough(lastArchived)) {
        throw new DivergenceFound({
          entryId: replay.lastEntryId?.toString() ?? null,
          pool: null,
          reason: `the archive files end before ${lastArchived}, the last day the database says was archived`,
        })
      }
    }
    let after = start ? encodeCursor(start.lastEntryId) : undefined
    do {
      const page = await store.ledger({ after, limit: 500 })
      for (const entry of page.entries) await replay.apply(entry)
      after = page.nextCursor ?? undefined
    } while (after !== undefined)
    await replay.closeFinishedDays()
  } catch (error) {
    if (error instanceof DivergenceFound)
      return { ok: false, entries: replay.entries, divergence: error.divergence }
    throw error
  }

  const pools = await store.listPools()
  for (const pool of pools) {
    const divergence = compare(pool, replay.pools.get(pool.slug))
    if (divergence) return { ok: false, entries: replay.entries, divergence }
  }
  for (const [slug, replayed] of replay.pools) {
    if (!pools.some((pool) => pool.slug === slug)) {
      return {
        ok: false,
        entries: replay.entries,
        divergence: {
          entryId: replayed.lastEntryId,
          pool: slug,
          reason: 'the ledger names a pool that does not exist',
        },
      }
    }
  }
  return {
    ok: true,
    entries: replay.entries,
    pools: pools.length,
    from: start?.day ?? null,
    checkpointsWritten: replay.written,
  }
}

/** The replay's running state: the pools, the day being replayed and its sums, the checkpoint chain. */
class LedgerReplay {
  readonly pools = new Map<PoolSlug, Replayed>()
  entries = 0
  written = 0
  lastEntryId: bigint | null = null
  /** The UTC day of the entries being replayed; null before the first. */
  #day: string | null = null
  #dayEntries = 0
  #dayLines = 0
  readonly #kept: Map<string, LedgerCheckpoint>
  readonly #lastKeptDay: string | null
  #previous: LedgerCheckpoint | null = null
  readonly #closedBefore: string

  constructor(
    checkpoints: readonly LedgerCheckpoint[],
    now: Date,
    /** Absent: the store keeps no checkpoints, and none is written. */
    private readonly record: ((checkpoint: LedgerCheckpoint) => Promise<void>) | undefined,
  ) {
    this.#kept = new Map(checkpoints.map((checkpoint) => [checkpoint.day, checkpoint]))
    this.#lastKeptDay = checkpoints.at(-1)?.day ?? null
    // The first day not yet closed: every day before it ended at least the margin ago.
    this.#closedBefore = utcDay(new Date(now.getTime() - CLOSE_MARGIN_MS))
  }

  /** Continues from a checkpoint: its pool states, the day after it. */
  startFrom(checkpoint: LedgerCheckpoint): void {
    const lastEntryId = checkpoint.lastEntryId.toString()
    for (const [slug, pool] of checkpoint.pools) this.pools.set(slug, { ...pool, lastEntryId })
    this.lastEntryId = checkpoint.lastEntryId
    this.#previous = checkpoint
    this.#day = nextUtcDay(checkpoint.day)
    this.#resetDay()
  }

  /** Whether every day up to `day` has been closed (its checkpoint compared or written). */
  closedThrough(day: string): boolean {
    return this.#previous !== null && this.#previous.day >= day
  }

  async apply(entry: LedgerEntry): Promise<void> {
    const day = utcDay(entry.createdAt)
    if (this.#day === null) this.#day = day
    if (day < this.#day) {
      throw new DivergenceFound({
        entryId: entry.id,
        pool: null,
        reason: `entry dated ${day} comes after entries of ${this.#day} (or after that day's checkpoint): days out of id order`,
      })
    }
    while (this.#day < day) await this.#closeDay()
    this.entries++
    this.#dayEntries++
    for (const line of entry.lines) {
      this.#dayLines++
      const divergence = applyLine(this.pools, entry, line)
      if (divergence) throw new DivergenceFound(divergence)
    }
    this.lastEntryId = BigInt(entry.id)
  }

  /** After the archived days: closes each of them up to `day`, comparing its checkpoint. */
  async closeDaysThrough(day: string): Promise<void> {
    while (this.#day !== null && this.#day <= day) await this.#closeDay()
  }

  /**
   * At the end of the ledger: closes (and checkpoints) the last entry's day once it is over.
   * Empty days after it wait for the next entry to close them: no run of empty checkpoints
   * while a ledger sits idle, and none ahead of a store whose clock is not the system's.
   */
  async closeFinishedDays(): Promise<void> {
    if (this.#day !== null && this.#dayEntries > 0 && this.#day < this.#closedBefore) await this.#closeDay()
  }

  /** Compares the finished day with its checkpoint, or appends one when the day is closed; moves to the next day. */
  async #closeDay(): Promise<void> {
    const day = this.#day!
    if (this.lastEntryId !== null) {
      const content: CheckpointContent = {
        day,
        lastEntryId: this.lastEntryId,
        entries: this.#dayEntries,
        lines: this.#dayLines,
        pools: new Map([...this.pools].map(([slug, { lastEntryId: _, ...pool }]) => [slug, pool])),
      }
      const kept = this.#kept.get(day)
      if (kept) {
        const difference = checkpointDifference(kept, content)
        if (difference) {
          throw new DivergenceFound({
            entryId: this.lastEntryId.toString(),
            pool: null,
            reason: `the checkpoint of ${day} disagrees with the replay: ${difference}`,
          })
        }
        this.#previous = kept
      } else if (this.#lastKeptDay !== null && day < this.#lastKeptDay) {
        throw new DivergenceFound({
          entryId: this.lastEntryId.toString(),
          pool: null,
          reason: `no checkpoint for ${day}, though later days have one`,
        })
      } else if (day < this.#closedBefore && this.record !== undefined) {
        const checkpoint = chainCheckpoint(content, this.#previous)
        await this.record(checkpoint)
        this.#previous = checkpoint
        this.written++
      }
    }
    this.#day = nextUtcDay(day)
    this.#resetDay()
  }

  #resetDay(): void {
    this.#dayEntries = 0
    this.#dayLines = 0
    for (const pool of this.pools.values()) {
      pool.dayLines = 0n
      pool.dayAmountDeltaCents = 0n
      pool.dayReserveDeltaCents = 0n
    }
  }
}

function emptyPool(): Replayed {
  return {
    amountCents: 0n,
    reserveCents: 0n,
    residue: 0n,
    contributedCents: 0n,
    paidOutCents: 0n,
    seededByHouseCents: 0n,
    contributions: 0n,
    wins: 0n,
    dayLines: 0n,
    dayAmountDeltaCents: 0n,
    dayReserveDeltaCents: 0n,
    lastEntryId: null,
  }
}

function applyLine(
  replayed: Map<PoolSlug, Replayed>,
  entry: LedgerEntry,
  line: LedgerEntry['lines'][number],
): LedgerDivergence | null {
  const pool = replayed.get(line.pool) ?? emptyPool()
  replayed.set(line.pool, pool)
  pool.amountCents += line.amountDeltaCents
  pool.reserveCents += line.reserveDeltaCents
  pool.residue = BigInt(line.residueAfter)
  pool.lastEntryId = entry.id
  pool.dayLines++
  pool.dayAmountDeltaCents += line.amountDeltaCents
  pool.dayReserveDeltaCents += line.reserveDeltaCents
  const net = line.amountDeltaCents + line.reserveDeltaCents
  if (entry.kind === 'contribution') {
    pool.contributedCents += net
    pool.contributions++
  }
  if (entry.kind === 'win') {
    pool.paidOutCents -= net
    pool.wins++
  }
  if (entry.kind === 'seed' || entry.kind === 'reset') pool.seededByHouseCents += net
  if (pool.amountCents !== line.amountAfterCents || pool.reserveCents !== line.reserveAfterCents) {
    return {
      entryId: entry.id,
      pool: line.pool,
      reason:
        `after-figures (amount ${line.amountAfterCents}, reserve ${line.reserveAfterCents}) do not follow ` +
        `from the entries before it (amount ${pool.amountCents}, reserve ${pool.reserveCents})`,
    }
  }
  if (pool.amountCents < 0n || pool.reserveCents < 0n) {
    return { entryId: entry.id, pool: line.pool, reason: 'amount or reserve goes below zero' }
  }
  if (!Number.isInteger(line.residueAfter) || line.residueAfter < 0 || line.residueAfter >= 10_000) {
    return {
      entryId: entry.id,
      pool: line.pool,
      reason: `residue after the line is ${line.residueAfter}, outside 0..9 999 (1/10 000 of a cent)`,
    }
  }
  return null
}

function compare(pool: Pool, replay: Replayed | undefined): LedgerDivergence | null {
  const entryId = replay?.lastEntryId ?? null
  const row = {
    amountCents: pool.amountCents,
    reserveCents: pool.reserveCents,
    contributedCents: pool.totals.contributedCents,
    paidOutCents: pool.totals.paidOutCents,
    seededByHouseCents: pool.totals.seededByHouseCents,
    contributions: BigInt(pool.totals.contributions),
    wins: BigInt(pool.totals.wins),
    residue: BigInt(pool.residue),
  }
  if (replay === undefined)
    return { entryId, pool: pool.slug, reason: 'the pool has no ledger entry (no seed)' }
  const where = entryId === null ? 'the last checkpoint' : `entry ${entryId}`
  for (const field of Object.keys(row) as (keyof typeof row)[]) {
    if (row[field] !== replay[field]) {
      return {
        entryId,
        pool: pool.slug,
        reason: `pool row ${field} is ${row[field]} but the ledger up to ${where} gives ${replay[field]}`,
      }
    }
  }
  const gap =
    row.amountCents + row.reserveCents + row.paidOutCents - (row.contributedCents + row.seededByHouseCents)
  if (gap !== 0n) {
    return { entryId, pool: pool.slug, reason: `conservation is off by ${gap} cents` }
  }
  return null
}
