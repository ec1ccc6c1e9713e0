import type { JackpotStore } from './jackpot-store.ts'
import type { LedgerEntry, Pool, PoolSlug } from './types.ts'

/** Where the ledger and the pools first disagree. */
export interface LedgerDivergence {
  /** The ledger entry at which the divergence shows: the first that does not follow, or the pool's last one. */
  entryId: string | null
  pool: PoolSlug
  reason: string
}

export type LedgerVerification =
  | { ok: true; entries: number; pools: number }
  | { ok: false; entries: number; divergence: LedgerDivergence }

interface Replayed {
  amountCents: bigint
  reserveCents: bigint
  contributedCents: bigint
  paidOutCents: bigint
  seededByHouseCents: bigint
  contributions: number
  wins: number
  /** The carry the last line left: the pool row's residue must equal it. */
  residue: number
  lastEntryId: string
}

/**
 * Replays the whole ledger, oldest first, and checks it against itself and the pools:
 * every line's after-figures follow from the lines before it and its residue is a valid
 * carry; every pool row's amount, reserve, residue and totals (contributed, paid out,
 * house-funded, counts) equal the replay; and
 * `amount + reserve + paidOut = contributed + seededByHouse` holds on both sides.
 * Reads through the store's paginated ledger, so it runs against any backend.
 *
 * @example
 * const result = await verifyLedger(store)
 * if (!result.ok) console.error(`entry ${result.divergence.entryId}: ${result.divergence.reason}`)
 */
export async function verifyLedger(
  store: Pick<JackpotStore, 'ledger' | 'listPools'>,
): Promise<LedgerVerification> {
  const replayed = new Map<PoolSlug, Replayed>()
  let entries = 0
  let after: string | undefined
  do {
    const page = await store.ledger({ after, limit: 500 })
    for (const entry of page.entries) {
      entries++
      const divergence = apply(replayed, entry)
      if (divergence) return { ok: false, entries, divergence }
    }
    after = page.nextCursor ?? undefined
  } while (after !== undefined)

  const pools = await store.listPools()
  for (const pool of pools) {
    const divergence = compare(pool, replayed.get(pool.slug))
    if (divergence) return { ok: false, entries, divergence }
  }
  for (const slug of replayed.keys()) {
    if (!pools.some((pool) => pool.slug === slug)) {
      return {
        ok: false,
        entries,
        divergence: {
          entryId: replayed.get(slug)?.lastEntryId ?? null,
          pool: slug,
          reason: 'the ledger names a pool that does not exist',
        },
      }
    }
  }
  return { ok: true, entries, pools: pools.length }
}

function apply(replayed: Map<PoolSlug, Replayed>, entry: LedgerEntry): LedgerDivergence | null {
  for (const line of entry.lines) {
    const pool = replayed.get(line.pool) ?? {
      amountCents: 0n,
      reserveCents: 0n,
      contributedCents: 0n,
      paidOutCents: 0n,
      seededByHouseCents: 0n,
      contributions: 0,
      wins: 0,
      residue: 0,
      lastEntryId: entry.id,
    }
    pool.amountCents += line.amountDeltaCents
    pool.reserveCents += line.reserveDeltaCents
    pool.residue = line.residueAfter
    pool.lastEntryId = entry.id
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
    replayed.set(line.pool, pool)
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
  const ledger = {
    ...replay,
    contributions: BigInt(replay.contributions),
    wins: BigInt(replay.wins),
    residue: BigInt(replay.residue),
  }
  for (const field of Object.keys(row) as (keyof typeof row)[]) {
    if (row[field] !== ledger[field]) {
      return {
        entryId,
        pool: pool.slug,
        reason: `pool row ${field} is ${row[field]} but the ledger up to entry ${entryId} gives ${ledger[field]}`,
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
