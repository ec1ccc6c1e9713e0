import type { Pool } from '@jackpot/domain'
import { toPoolView } from '../views/pool-view.ts'

/** A response body ready to send, with its strong validator. */
export interface CachedJson {
  /** The JSON text, exactly as sent. */
  readonly body: string
  /** Strong ETag of `body` (quoted, no `W/`): equal bodies, equal tags, on every replica. */
  readonly etag: string
}

/**
 * Every pool read the API serves, rendered once per change: the list and each
 * pool, as JSON text with its ETag. This is what the multi-level cache holds,
 * so a read costs a lookup, not a query and a serialization, and the value is
 * plain JSON (no bigint) in Redis.
 */
export interface PoolSnapshot {
  /**
   * Grows with every change to any pool: the sum over pools of configuration
   * version + contributions + wins, each of which only ever increases. A
   * replica uses it to never serve an older snapshot after a newer one.
   */
  readonly revision: number
  /** `GET /api/v1/pools`. */
  readonly list: CachedJson
  /** `GET /api/v1/pools/:slug`, by slug. Look up with {@link snapshotPool}. */
  readonly pools: Readonly<Record<string, CachedJson>>
}

/**
 * Renders the pools as the API serves them.
 *
 * @example
 * const snapshot = buildPoolSnapshot(await store.listPools())
 * snapshot.pools.mega?.body // '{"slug":"mega",…}'
 */
export function buildPoolSnapshot(pools: readonly Pool[]): PoolSnapshot {
  const views = pools.map(toPoolView)
  const rendered: Record<string, CachedJson> = {}
  for (const view of views) rendered[view.slug] = cachedJson(JSON.stringify(view))
  return {
    revision: pools.reduce((sum, pool) => sum + poolRevision(pool), 0),
    list: cachedJson(JSON.stringify({ pools: views })),
    pools: rendered,
  }
}

/** Version + contributions + wins: increases with every change to the pool. */
export function poolRevision(pool: Pool): number {
  return pool.version + pool.totals.contributions + pool.totals.wins
}

/**
 * The pool's rendered body, or `undefined` for a slug the snapshot does not
 * hold (own properties only: a slug such as `constructor` is a valid name).
 */
export function snapshotPool(snapshot: PoolSnapshot, slug: string): CachedJson | undefined {
  return Object.hasOwn(snapshot.pools, slug) ? snapshot.pools[slug] : undefined
}

function cachedJson(body: string): CachedJson {
  // A 64-bit hash of the exact bytes: a strong validator, since equal tags mean equal bodies.
  return { body, etag: `"${Bun.hash(body).toString(36)}"` }
}
