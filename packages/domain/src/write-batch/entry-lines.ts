import { and, asc, eq, gte, inArray, lte } from 'drizzle-orm'
import type { Executor } from '../db/database.ts'
import { ledgerBatchPools, ledgerEntries } from '../db/schema.ts'
import type { LedgerLineRow } from '../idempotency.ts'
import { RESIDUE_SCALE, splitContribution } from '../rules/contribution-split.ts'

/** A contribution's effect on one pool, as a ledger line shows it. */
export interface ContributionLine {
  poolSlug: string
  amountDeltaCents: bigint
  reserveDeltaCents: bigint
  contributedDeltaCents: bigint
  amountAfterCents: bigint
  reserveAfterCents: bigint
  residueAfter: number
}

/** The fields of a contribution entry its split is recomputed from. */
export interface ContributionRef {
  id: bigint
  createdAt: Date
}

type RunRow = typeof ledgerBatchPools.$inferSelect

/**
 * {@link contributionLines} as `ledger_lines` rows (what a contribution's
 * stored lines looked like), so readers treat recomputed and stored lines alike.
 */
export async function contributionLineRows(
  db: Executor,
  entries: readonly ContributionRef[],
): Promise<LedgerLineRow[]> {
  const recomputed = await contributionLines(db, entries)
  return entries.flatMap((entry) =>
    (recomputed.get(entry.id) ?? []).map((line) => ({
      ...line,
      entryId: entry.id,
      createdAt: entry.createdAt,
      paidOutDeltaCents: 0n,
      seededByHouseDeltaCents: 0n,
    })),
  )
}

/**
 * The per-pool lines of contributions written in the compact layout (no lines
 * of their own), recomputed: each contribution's split is a pure function of
 * its wager and the pool's state before it, so replaying the run it belongs to
 * (`ledger_batch_pools`: the run's deltas, rate, ceiling and state after) from
 * the run's start (after − delta) gives every line. The run's last line shows
 * the after-state the run row stored, not the recomputed one: when the two
 * differ, verify-ledger's replay sees the deltas not add up to it, so a
 * tampered or inconsistent run row cannot hide. Two queries whatever the count
 * (the runs by their batches' times, then the runs' wagers), each confined to
 * the partitions of those times.
 *
 * @example
 * const lines = await contributionLines(db, [{ id: 42n, createdAt }])
 * lines.get(42n) // one line per pool, by slug
 */
export async function contributionLines(
  db: Executor,
  entries: readonly ContributionRef[],
): Promise<Map<bigint, ContributionLine[]>> {
  const result = new Map<bigint, ContributionLine[]>()
  if (entries.length === 0) return result
  const times = [...new Set(entries.map((entry) => entry.createdAt.getTime()))].map((t) => new Date(t))
  const candidates = await db
    .select()
    .from(ledgerBatchPools)
    .where(inArray(ledgerBatchPools.createdAt, times))
  const runs = candidates.filter((run) =>
    entries.some(
      (entry) =>
        entry.createdAt.getTime() === run.createdAt.getTime() &&
        entry.id >= run.firstEntryId &&
        entry.id <= run.lastEntryId,
    ),
  )
  if (runs.length === 0) return result
  const { low } = idBounds(runs.map((run) => run.firstEntryId))
  const { high } = idBounds(runs.map((run) => run.lastEntryId))
  const wagers = await db
    .select({
      id: ledgerEntries.id,
      wagerCents: ledgerEntries.wagerCents,
      createdAt: ledgerEntries.createdAt,
    })
    .from(ledgerEntries)
    .where(
      and(
        inArray(ledgerEntries.createdAt, times),
        gte(ledgerEntries.id, low),
        lte(ledgerEntries.id, high),
        eq(ledgerEntries.kind, 'contribution'),
      ),
    )
    .orderBy(asc(ledgerEntries.id))
  const wanted = new Set(entries.map((entry) => entry.id))
  for (const run of runs) {
    const members = wagers.filter(
      (row) =>
        row.createdAt.getTime() === run.createdAt.getTime() &&
        row.id >= run.firstEntryId &&
        row.id <= run.lastEntryId,
    )
    for (const [id, line] of replayRun(run, members)) {
      if (!wanted.has(id)) continue
      const list = result.get(id) ?? []
      list.push(line)
      result.set(id, list)
    }
  }
  for (const list of result.values()) list.sort((a, b) => a.poolSlug.localeCompare(b.poolSlug))
  return result
}

/** The lines of one run for one pool, from its start state, in id order (also used to read archived runs back). */
export function replayRun(
  run: RunRow,
  members: readonly { id: bigint; wagerCents: bigint | null }[],
): [bigint, ContributionLine][] {
  const totalUnits = members.reduce((sum, m) => sum + (m.wagerCents ?? 0n) * BigInt(run.contributionBp), 0n)
  const contributed = run.amountDeltaCents + run.reserveDeltaCents
  // after-residue = before-residue + Σ wager×bp − contributed×10 000, so the start follows from the row.
  const residueBefore = Number(BigInt(run.residueAfter) + contributed * RESIDUE_SCALE - totalUnits)
  let state = {
    amountCents: run.amountAfterCents - run.amountDeltaCents,
    reserveCents: run.reserveAfterCents - run.reserveDeltaCents,
    residue: residueBefore,
    contributionBp: run.contributionBp,
    ceilingCents: run.ceilingCents,
  }
  const lines: [bigint, ContributionLine][] = []
  members.forEach((member, index) => {
    const split = splitContribution(state, member.wagerCents ?? 0n)
    state = {
      ...state,
      amountCents: split.amountCents,
      reserveCents: split.reserveCents,
      residue: split.residue,
    }
    const last = index === members.length - 1
    lines.push([
      member.id,
      {
        poolSlug: run.poolSlug,
        amountDeltaCents: split.toAmountCents,
        reserveDeltaCents: split.toReserveCents,
        contributedDeltaCents: split.contributedCents,
        amountAfterCents: last ? run.amountAfterCents : split.amountCents,
        reserveAfterCents: last ? run.reserveAfterCents : split.reserveCents,
        residueAfter: last ? run.residueAfter : split.residue,
      },
    ])
  })
  return lines
}

/** Lowest and highest of a non-empty list of ids (Math.min/max take no bigint). */
function idBounds(values: readonly bigint[]): { low: bigint; high: bigint } {
  let low = values[0]!
  let high = low
  for (const value of values) {
    if (value < low) low = value
    if (value > high) high = value
  }
  return { low, high }
}
