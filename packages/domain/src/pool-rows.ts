import { asc, eq } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { ensureDayPartitions, utcDay } from './db/ledger-partitions.ts'
import { ledgerEntries, ledgerLines, pools } from './db/schema.ts'
import { PoolNotFoundError } from './errors.ts'
import type { Pool, PoolDefinition, PoolSlug } from './types.ts'

export type PoolRow = typeof pools.$inferSelect

/** Maps a `pools` row to the domain's {@link Pool}. */
export function toPool(row: PoolRow): Pool {
  return {
    slug: row.slug,
    name: row.name,
    currency: row.currency,
    amountCents: row.amountCents,
    reserveCents: row.reserveCents,
    seedCents: row.seedCents,
    ceilingCents: row.ceilingCents,
    contributionBp: row.contributionBp,
    residue: row.residue,
    version: row.version,
    totals: {
      contributedCents: row.contributedCents,
      paidOutCents: row.paidOutCents,
      seededByHouseCents: row.seededByHouseCents,
      contributions: row.contributionsCount,
      wins: row.winsCount,
    },
    updatedAt: row.updatedAt,
  }
}

/** Every pool, by slug. */
export async function selectPools(db: Executor): Promise<Pool[]> {
  const rows = await db.select().from(pools).orderBy(asc(pools.slug))
  return rows.map(toPool)
}

/** @throws PoolNotFoundError */
export async function selectPool(db: Executor, slug: PoolSlug): Promise<Pool> {
  const [row] = await db.select().from(pools).where(eq(pools.slug, slug))
  if (!row) throw new PoolNotFoundError(slug)
  return toPool(row)
}

/**
 * Creates pools at their seed, each with a 'seed' ledger entry: the house funds
 * the initial amount, which is what `seededByHouse` starts from. Makes the
 * ledger partition of `now`'s day first, as a back-dated clock may need one.
 */
export async function insertSeededPools(
  db: Executor,
  definitions: readonly PoolDefinition[],
  currency: string,
  now: Date,
): Promise<void> {
  if (definitions.length > 0) await ensureDayPartitions(db, [utcDay(now)])
  for (const definition of definitions) {
    await db.insert(pools).values({
      slug: definition.slug,
      name: definition.name,
      currency,
      amountCents: definition.seedCents,
      reserveCents: 0n,
      residue: 0,
      seedCents: definition.seedCents,
      ceilingCents: definition.ceilingCents,
      contributionBp: definition.contributionBp,
      contributedCents: 0n,
      paidOutCents: 0n,
      seededByHouseCents: definition.seedCents,
      contributionsCount: 0,
      winsCount: 0,
      version: 1,
      updatedAt: now,
    })
    const [entry] = await db
      .insert(ledgerEntries)
      .values({ kind: 'seed', createdAt: now, currency })
      .returning({ id: ledgerEntries.id })
    await db.insert(ledgerLines).values({
      entryId: entry!.id,
      poolSlug: definition.slug,
      amountDeltaCents: definition.seedCents,
      reserveDeltaCents: 0n,
      seededByHouseDeltaCents: definition.seedCents,
      amountAfterCents: definition.seedCents,
      reserveAfterCents: 0n,
      residueAfter: 0,
      createdAt: now,
    })
  }
}
