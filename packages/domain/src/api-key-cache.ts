import type { ApiKey } from './types.ts'

/**
 * How long a verified API key is trusted without asking the database again.
 * A revocation made on this replica takes effect at once (the entry is
 * dropped); one made on another replica within this long.
 */
export const API_KEY_CACHE_TTL_MS = 5_000
/** Far more keys than any deployment has game servers; past it the cache starts afresh. */
const MAX_ENTRIES = 10_000

/**
 * Verified keys by hash, for a few seconds: every write of a draw rush is
 * authenticated, and one database round trip per request would cost more than
 * the write itself now that writes are batched. Only hits of active keys are
 * kept; an unknown or revoked key always asks the database.
 *
 * @example
 * const cache = new ApiKeyCache()
 * cache.remember(hash, key, Date.now())
 * cache.lookup(hash, Date.now()) // key, for API_KEY_CACHE_TTL_MS
 */
export class ApiKeyCache {
  readonly #entries = new Map<string, { key: ApiKey; until: number }>()
  readonly #lookups = new Map<string, Promise<ApiKey | null>>()

  /**
   * One database lookup per hash at a time: the first requests of a rush all
   * carry the same key, and without this each would ask the database.
   */
  singleFlight(hash: string, lookup: () => Promise<ApiKey | null>): Promise<ApiKey | null> {
    const running = this.#lookups.get(hash)
    if (running !== undefined) return running
    const started = lookup().finally(() => this.#lookups.delete(hash))
    this.#lookups.set(hash, started)
    return started
  }

  lookup(hash: string, nowMs: number): ApiKey | undefined {
    const entry = this.#entries.get(hash)
    if (entry === undefined) return undefined
    if (nowMs < entry.until) return entry.key
    this.#entries.delete(hash)
    return undefined
  }

  remember(hash: string, key: ApiKey, nowMs: number): void {
    if (this.#entries.size >= MAX_ENTRIES) this.#entries.clear()
    this.#entries.set(hash, { key, until: nowMs + API_KEY_CACHE_TTL_MS })
  }

  /** Forgets a key (revoked here), whatever its hash. */
  forget(id: string): void {
    for (const [hash, entry] of this.#entries) if (entry.key.id === id) this.#entries.delete(hash)
  }

  clear(): void {
    this.#entries.clear()
  }
}
