import { eq } from 'drizzle-orm'
import { auditLog, pools } from './db/schema.ts'
import { InvalidCommandError, PoolNotFoundError, VersionConflictError } from './errors.ts'
import { type PoolRow, selectPools, toPool } from './pool-rows.ts'
import { validatePoolConfig } from './rules/pool-config.ts'
import type { StoreContext } from './store-context.ts'
import type { Pool, PoolConfigChange } from './types.ts'

/**
 * Changes a pool's configuration if it is still at `expectedVersion`, bumps
 * the version and writes an audit row (actor, before, after), all in one
 * transaction: a refused change leaves no audit row. The current amount is
 * left alone; a new seed applies at the next reset, a new ceiling to the next
 * contribution.
 *
 * @throws PoolNotFoundError, VersionConflictError, InvalidCommandError
 * @example
 * await updatePoolConfig(ctx, { slug: 'minor', expectedVersion: 1, contributionBp: 120, actor: 'alice' })
 */
export async function updatePoolConfig(ctx: StoreContext, change: PoolConfigChange): Promise<Pool> {
  if (change.actor.length === 0) throw new InvalidCommandError('actor must not be empty', 'actor')
  if (!Number.isInteger(change.expectedVersion)) {
    throw new InvalidCommandError('expectedVersion must be an integer', 'expectedVersion')
  }
  const { pool, all } = await ctx.run('pool.config.write', () =>
    ctx.db.transaction(async (tx) => {
      const [row] = await tx.select().from(pools).where(eq(pools.slug, change.slug)).for('no key update')
      if (!row) throw new PoolNotFoundError(change.slug)
      if (row.version !== change.expectedVersion) {
        throw new VersionConflictError(change.slug, change.expectedVersion, row.version)
      }
      const next = {
        contributionBp: change.contributionBp ?? row.contributionBp,
        seedCents: change.seedCents ?? row.seedCents,
        ceilingCents: change.ceilingCents === undefined ? row.ceilingCents : change.ceilingCents,
      }
      validatePoolConfig(next)
      const now = ctx.now()
      const [updated] = await tx
        .update(pools)
        .set({ ...next, version: row.version + 1, updatedAt: now })
        .where(eq(pools.slug, row.slug))
        .returning()
      await tx.insert(auditLog).values({
        actor: change.actor,
        action: 'pool.config.update',
        target: `pool:${row.slug}`,
        before: configSnapshot(row),
        after: configSnapshot(updated!),
        createdAt: now,
      })
      // Every pool as this transaction leaves them, for `onPoolsChanged` (pool gauges, pool cache):
      // a write batch waiting for this row's lock commits after us and reports its own states.
      return { pool: toPool(updated!), all: await selectPools(tx) }
    }),
  )
  ctx.logger?.info(
    { pool: pool.slug, version: pool.version, actor: change.actor },
    'pool configuration changed',
  )
  ctx.poolsChanged([pool.slug], all)
  return pool
}

// JSON has no bigint: cents are recorded as decimal strings.
function configSnapshot(row: PoolRow): Record<string, unknown> {
  return {
    version: row.version,
    contributionBp: row.contributionBp,
    seedCents: row.seedCents.toString(),
    ceilingCents: row.ceilingCents === null ? null : row.ceilingCents.toString(),
  }
}
