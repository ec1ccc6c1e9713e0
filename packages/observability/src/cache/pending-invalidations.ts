import type { CacheLogger } from './cache-options.ts'

/** A replayed invalidation, announced on the bus by the cache (which adds its origin). */
export type Announcement =
  | { type: 'delete'; keys: string[] }
  | { type: 'versions'; versions: Record<string, number> }

/** What a replay does, supplied by the cache. Each step rejects when Redis failed again. */
export interface ReplayActions {
  deleteKeys(keys: string[]): Promise<void>
  bumpCells(names: string[]): Promise<Record<string, number>>
  /** Tells the other replicas; must not throw. */
  announce(message: Announcement): Promise<void>
  /** Counts and logs a failed replay step; must not throw. */
  report(operation: string, error: unknown): void
}

/** Most keys and cells remembered while Redis is unreachable. */
const DEFAULT_LIMIT = 10_000

/**
 * Invalidations that could not reach Redis (a `delete` whose `DEL` failed, a
 * tag bump whose `INCR` failed). Without replaying them, Redis would keep the
 * old values after it comes back and every replica would read them again.
 * Bounded: past `limit` the oldest are forgotten (and that is logged), leaving
 * those keys to their TTL.
 */
export class PendingInvalidations {
  readonly #keys = new Set<string>()
  readonly #cells = new Set<string>()
  readonly #limit: number
  readonly #logger: CacheLogger | undefined
  readonly #cache: string
  #replaying = false

  constructor(options: { cache: string; logger?: CacheLogger | undefined; limit?: number }) {
    this.#limit = options.limit ?? DEFAULT_LIMIT
    this.#logger = options.logger
    this.#cache = options.cache
  }

  get size(): number {
    return this.#keys.size + this.#cells.size
  }

  addKeys(keys: Iterable<string>): void {
    for (const key of keys) this.#add(this.#keys, key)
  }

  addCells(names: Iterable<string>): void {
    for (const name of names) this.#add(this.#cells, name)
  }

  #add(set: Set<string>, item: string): void {
    set.delete(item)
    set.add(item)
    if (set.size <= this.#limit) return
    const oldest = set.values().next().value
    if (oldest === undefined) return
    set.delete(oldest)
    this.#logger?.warn(
      { cache: this.#cache, forgotten: oldest },
      'too many invalidations waiting for Redis; the oldest is left to its TTL',
    )
  }

  /**
   * Replays everything pending, in the background, once at a time: deletes
   * the keys and bumps the cells in Redis, then tells the other replicas.
   * What fails again stays pending for the next call.
   */
  replaySoon(actions: () => ReplayActions): void {
    if (this.#replaying || this.size === 0) return
    this.#replaying = true
    void this.#replay(actions()).finally(() => {
      this.#replaying = false
    })
  }

  async #replay(actions: ReplayActions): Promise<void> {
    const keys = [...this.#keys]
    const cells = [...this.#cells]
    this.#keys.clear()
    this.#cells.clear()
    if (keys.length > 0) {
      try {
        await actions.deleteKeys(keys)
        await actions.announce({ type: 'delete', keys })
      } catch (error) {
        this.addKeys(keys)
        actions.report('replay delete', error)
      }
    }
    if (cells.length > 0) {
      try {
        const versions = await actions.bumpCells(cells)
        await actions.announce({ type: 'versions', versions })
      } catch (error) {
        this.addCells(cells)
        actions.report('replay invalidate', error)
      }
    }
  }
}
