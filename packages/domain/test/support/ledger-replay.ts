import type { JackpotStore, LedgerEntry, LedgerQuery, Pool, PoolSlug } from '../../src/index.ts'

/** A pool's figures as rebuilt from the ledger alone. */
export interface ReplayedPool {
  amountCents: bigint
  reserveCents: bigint
  contributedCents: bigint
  paidOutCents: bigint
  seededByHouseCents: bigint
}

/**
 * Every ledger entry matching `query`, walking all pages.
 *
 * @example
 * const wins = await readWholeLedger(store, { kind: 'win' })
 */
export async function readWholeLedger(
  store: JackpotStore,
  query: Omit<LedgerQuery, 'after' | 'limit'> = {},
): Promise<LedgerEntry[]> {
  const entries: LedgerEntry[] = []
  let after: string | undefined
  do {
    const page = await store.ledger({ ...query, after, limit: 500 })
    entries.push(...page.entries)
    after = page.nextCursor ?? undefined
  } while (after !== undefined)
  return entries
}

/**
 * Rebuilds each pool from the ledger: amounts and reserves from the deltas;
 * contributed, paid out and house-funded from what each kind of entry means
 * (seed and reset lines are funded by the house net of the reserve).
 *
 * @example
 * expect(replayLedger(await readWholeLedger(store)).get('mega')).toEqual(figuresOf(pool))
 */
export function replayLedger(entries: readonly LedgerEntry[]): Map<PoolSlug, ReplayedPool> {
  const pools = new Map<PoolSlug, ReplayedPool>()
  for (const entry of entries) {
    for (const line of entry.lines) {
      const pool = pools.get(line.pool) ?? {
        amountCents: 0n,
        reserveCents: 0n,
        contributedCents: 0n,
        paidOutCents: 0n,
        seededByHouseCents: 0n,
      }
      pool.amountCents += line.amountDeltaCents
      pool.reserveCents += line.reserveDeltaCents
      const net = line.amountDeltaCents + line.reserveDeltaCents
      if (entry.kind === 'contribution') pool.contributedCents += net
      if (entry.kind === 'win') pool.paidOutCents -= net
      if (entry.kind === 'seed' || entry.kind === 'reset') pool.seededByHouseCents += net
      if (pool.amountCents !== line.amountAfterCents || pool.reserveCents !== line.reserveAfterCents) {
        throw new Error(`Ledger entry ${entry.id} (${line.pool}) does not follow from the entries before it`)
      }
      pools.set(line.pool, pool)
    }
  }
  return pools
}

/** The figures of a pool, shaped like {@link ReplayedPool}. */
export function figuresOf(pool: Pool): ReplayedPool {
  return {
    amountCents: pool.amountCents,
    reserveCents: pool.reserveCents,
    contributedCents: pool.totals.contributedCents,
    paidOutCents: pool.totals.paidOutCents,
    seededByHouseCents: pool.totals.seededByHouseCents,
  }
}

/** `amount + reserve + paidOut − (contributed + seededByHouse)`: zero when no cent is lost or invented. */
export function conservationGap(pool: Pool): bigint {
  return (
    pool.amountCents +
    pool.reserveCents +
    pool.totals.paidOutCents -
    (pool.totals.contributedCents + pool.totals.seededByHouseCents)
  )
}
