import { createHash } from 'node:crypto'
import { asc, desc } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { utcDay } from './db/ledger-partitions.ts'
import { ledgerArchives, ledgerCheckpoints } from './db/schema.ts'
import type { LedgerArchiveRef } from './errors.ts'
import type { PoolSlug } from './types.ts'

/** The figures a checkpoint keeps per pool, in this order (the hash depends on it). */
export const CHECKPOINT_POOL_FIELDS = [
  // The state at the day's end: what a replay continues from.
  'amountCents',
  'reserveCents',
  'residue',
  'contributedCents',
  'paidOutCents',
  'seededByHouseCents',
  'contributions',
  'wins',
  // The day's own sums: what an archive of the day must add up to.
  'dayLines',
  'dayAmountDeltaCents',
  'dayReserveDeltaCents',
] as const

export type CheckpointPoolField = (typeof CHECKPOINT_POOL_FIELDS)[number]

/** One pool at a checkpoint: every figure an exact integer (bigint), so sums beyond 2^53 stay exact. */
export type CheckpointPool = Record<CheckpointPoolField, bigint>

/** What a checkpoint says, before it is chained. */
export interface CheckpointContent {
  /** The UTC day, `YYYY-MM-DD`; the pools are as they were at its end. */
  day: string
  /** The last ledger entry dated on or before `day`. */
  lastEntryId: bigint
  /** Entries and ledger lines dated on `day`. */
  entries: number
  lines: number
  pools: ReadonlyMap<PoolSlug, CheckpointPool>
}

/** A checkpoint as stored: its content, the hash of the one before, and its own. */
export interface LedgerCheckpoint extends CheckpointContent {
  previousHash: string | null
  hash: string
}

/** What the ledger's verification needs besides the ledger: the checkpoints and the archives. */
export interface LedgerCheckpointStore {
  /** Every checkpoint, oldest day first (one row per day: small however long the ledger). */
  ledgerCheckpoints(): Promise<LedgerCheckpoint[]>
  /** Appends one; a checkpoint already there for that day is kept (two replicas verifying at once agree). */
  recordLedgerCheckpoint(checkpoint: LedgerCheckpoint): Promise<void>
  /** Every archived day range, oldest first. */
  ledgerArchives(): Promise<LedgerArchiveRef[]>
}

/**
 * The sha256 (hex) of a checkpoint chained to the one before: the previous
 * hash, the day, its counts and every pool's figures in a fixed order, so the
 * same content always gives the same hash, whoever computes it.
 *
 * @example
 * const hash = checkpointHash(content, previous?.hash ?? null)
 */
export function checkpointHash(content: CheckpointContent, previousHash: string | null): string {
  const lines = [
    `previous ${previousHash ?? '-'}`,
    `day ${content.day}`,
    `last-entry ${content.lastEntryId}`,
    `entries ${content.entries}`,
    `lines ${content.lines}`,
    ...[...content.pools.keys()]
      .sort()
      .map(
        (slug) =>
          `pool ${slug} ${CHECKPOINT_POOL_FIELDS.map((field) => content.pools.get(slug)![field]).join(' ')}`,
      ),
  ]
  return createHash('sha256').update(lines.join('\n')).digest('hex')
}

/** Chains `content` to `previous`. */
export function chainCheckpoint(
  content: CheckpointContent,
  previous: LedgerCheckpoint | null,
): LedgerCheckpoint {
  const previousHash = previous?.hash ?? null
  return { ...content, previousHash, hash: checkpointHash(content, previousHash) }
}

/**
 * The first checkpoint whose hash is not its content's, or that does not link
 * to the one before it; null when the chain holds.
 */
export function brokenCheckpoint(
  checkpoints: readonly LedgerCheckpoint[],
): { day: string; reason: string } | null {
  let previous: LedgerCheckpoint | null = null
  for (const checkpoint of checkpoints) {
    if (checkpoint.previousHash !== (previous?.hash ?? null)) {
      return {
        day: checkpoint.day,
        reason: `does not link to the checkpoint of ${previous?.day ?? '(none)'}`,
      }
    }
    if (checkpointHash(checkpoint, checkpoint.previousHash) !== checkpoint.hash) {
      return { day: checkpoint.day, reason: 'its hash does not match its content' }
    }
    previous = checkpoint
  }
  return null
}

/** The first difference between two checkpoints' contents, in words; null when they agree. */
export function checkpointDifference(kept: CheckpointContent, replayed: CheckpointContent): string | null {
  if (kept.lastEntryId !== replayed.lastEntryId)
    return `last entry is ${kept.lastEntryId}, the replay ends the day at ${replayed.lastEntryId}`
  if (kept.entries !== replayed.entries) return `${kept.entries} entries kept, ${replayed.entries} replayed`
  if (kept.lines !== replayed.lines) return `${kept.lines} lines kept, ${replayed.lines} replayed`
  for (const slug of new Set([...kept.pools.keys(), ...replayed.pools.keys()])) {
    const a = kept.pools.get(slug)
    const b = replayed.pools.get(slug)
    if (a === undefined || b === undefined) return `pool ${slug} is in only one of them`
    for (const field of CHECKPOINT_POOL_FIELDS) {
      if (a[field] !== b[field]) return `pool ${slug} ${field} is ${a[field]}, the replay gives ${b[field]}`
    }
  }
  return null
}

/** The UTC day after `day`. */
export function nextUtcDay(day: string): string {
  return utcDay(new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000))
}

/** A checkpoint's pools as stored (jsonb of decimal strings). */
export function poolsToJson(
  pools: ReadonlyMap<PoolSlug, CheckpointPool>,
): Record<string, Record<string, string>> {
  return Object.fromEntries(
    [...pools].map(([slug, pool]) => [
      slug,
      Object.fromEntries(CHECKPOINT_POOL_FIELDS.map((field) => [field, pool[field].toString()])),
    ]),
  )
}

/** @throws Error when a stored figure is missing or not an integer: a hand-edited row. */
export function poolsFromJson(json: Record<string, Record<string, string>>): Map<PoolSlug, CheckpointPool> {
  return new Map(
    Object.entries(json).map(([slug, figures]) => [
      slug,
      Object.fromEntries(
        CHECKPOINT_POOL_FIELDS.map((field) => {
          const text = figures[field]
          if (text === undefined || !/^-?[0-9]+$/.test(text))
            throw new Error(`checkpoint pool ${slug} has no integer ${field}`)
          return [field, BigInt(text)]
        }),
      ) as CheckpointPool,
    ]),
  )
}

/** Every checkpoint, oldest first. */
export async function readCheckpoints(db: Executor): Promise<LedgerCheckpoint[]> {
  const rows = await db.select().from(ledgerCheckpoints).orderBy(asc(ledgerCheckpoints.day))
  return rows.map((row) => ({
    day: row.day,
    lastEntryId: row.lastEntryId,
    entries: row.entries,
    lines: row.lines,
    pools: poolsFromJson(row.pools),
    previousHash: row.previousHash,
    hash: row.hash,
  }))
}

/** Appends a checkpoint unless its day has one already. */
export async function insertCheckpoint(db: Executor, checkpoint: LedgerCheckpoint, now: Date): Promise<void> {
  await db
    .insert(ledgerCheckpoints)
    .values({
      day: checkpoint.day,
      lastEntryId: checkpoint.lastEntryId,
      entries: checkpoint.entries,
      lines: checkpoint.lines,
      pools: poolsToJson(checkpoint.pools),
      previousHash: checkpoint.previousHash,
      hash: checkpoint.hash,
      createdAt: now,
    })
    .onConflictDoNothing()
}

/** Every archived range, oldest first. */
export async function readArchives(db: Executor): Promise<LedgerArchiveRef[]> {
  const rows = await db
    .select({
      name: ledgerArchives.name,
      firstDay: ledgerArchives.firstDay,
      lastDay: ledgerArchives.lastDay,
      location: ledgerArchives.location,
      manifestSha256: ledgerArchives.manifestSha256,
    })
    .from(ledgerArchives)
    .orderBy(asc(ledgerArchives.firstDay))
  return rows
}

/** The last archived day, or null: everything after it is in the database. */
export async function lastArchivedDay(db: Executor): Promise<string | null> {
  const [row] = await db
    .select({ day: ledgerArchives.lastDay })
    .from(ledgerArchives)
    .orderBy(desc(ledgerArchives.lastDay))
    .limit(1)
  return row?.day ?? null
}

/**
 * The archives a ledger query over `[since, until)` asks for, when its range
 * starts in archived days (its live part would be empty or cut): the query is
 * then answered with where the data went, not with a page that hides it. A
 * range that starts in live days, or no range at all, needs none.
 *
 * @example
 * archivesAsked(archives, new Date('2026-12-01T00:00:00Z'), undefined) // the archive holding 2026-12-01
 */
export function archivesAsked(
  archives: readonly LedgerArchiveRef[],
  since: Date | undefined,
  until: Date | undefined,
): LedgerArchiveRef[] {
  const last = archives.at(-1)
  if (last === undefined || (since === undefined && until === undefined)) return []
  const liveFrom = Date.parse(`${nextUtcDay(last.lastDay)}T00:00:00Z`)
  const startsArchived = since === undefined ? until!.getTime() <= liveFrom : since.getTime() < liveFrom
  if (!startsArchived) return []
  const from = since?.getTime() ?? Number.NEGATIVE_INFINITY
  const to = until?.getTime() ?? Number.POSITIVE_INFINITY
  return archives.filter(
    (archive) =>
      Date.parse(`${archive.firstDay}T00:00:00Z`) < to &&
      Date.parse(`${nextUtcDay(archive.lastDay)}T00:00:00Z`) > from,
  )
}
