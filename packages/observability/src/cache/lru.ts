/** Bounds of an {@link LruCache}; the first one reached evicts the least recently used entries. */
export interface LruOptions {
  /** Most entries kept; `0` keeps none (the cache is disabled). */
  maxEntries: number
  /** Most approximate bytes kept, as measured by the `size` given to `set`. */
  maxBytes: number
}

interface Slot<V> {
  value: V
  size: number
}

/**
 * A bounded least-recently-used map, by entry count and by approximate bytes.
 *
 * A `Map` iterates in insertion order, so re-inserting a key on every hit keeps
 * the least recently used key first; that is cheaper in V8 and JavaScriptCore
 * than maintaining a linked list by hand.
 *
 * @example
 * const lru = new LruCache<string>({ maxEntries: 2, maxBytes: 1024 })
 * lru.set('a', 'x', 1); lru.set('b', 'y', 1); lru.get('a'); lru.set('c', 'z', 1)
 * lru.has('b') // false: 'b' was the least recently used
 */
export class LruCache<V> {
  readonly maxEntries: number
  readonly maxBytes: number
  #slots = new Map<string, Slot<V>>()
  #bytes = 0
  // The most recently used key: a hit on it need not move it again.
  #newest: string | undefined

  constructor(options: LruOptions) {
    this.maxEntries = Math.max(0, Math.floor(options.maxEntries))
    this.maxBytes = Math.max(0, options.maxBytes)
  }

  /** Number of entries held. */
  get size(): number {
    return this.#slots.size
  }

  /** Sum of the sizes of the entries held. */
  get bytes(): number {
    return this.#bytes
  }

  /** The value, marked as most recently used; `undefined` when absent. */
  get(key: string): V | undefined {
    const slot = this.#slots.get(key)
    if (slot === undefined) return undefined
    if (key !== this.#newest) {
      this.#slots.delete(key)
      this.#slots.set(key, slot)
      this.#newest = key
    }
    return slot.value
  }

  /** The value without changing its recency. */
  peek(key: string): V | undefined {
    return this.#slots.get(key)?.value
  }

  has(key: string): boolean {
    return this.#slots.has(key)
  }

  /**
   * Stores a value of approximately `size` bytes, evicting least recently used
   * entries until both bounds hold. A value larger than `maxBytes` is not kept.
   */
  set(key: string, value: V, size: number): void {
    this.delete(key)
    if (this.maxEntries === 0 || size > this.maxBytes) return
    this.#slots.set(key, { value, size })
    this.#bytes += size
    this.#newest = key
    while (this.#slots.size > this.maxEntries || this.#bytes > this.maxBytes) {
      const oldest = this.#slots.keys().next()
      if (oldest.done) break
      this.delete(oldest.value)
    }
  }

  delete(key: string): boolean {
    const slot = this.#slots.get(key)
    if (slot === undefined) return false
    this.#slots.delete(key)
    this.#bytes -= slot.size
    if (key === this.#newest) this.#newest = undefined
    return true
  }

  /** Deletes every entry whose key satisfies `predicate`; returns how many. */
  deleteWhere(predicate: (key: string, value: V) => boolean): number {
    let deleted = 0
    for (const [key, slot] of this.#slots) {
      if (predicate(key, slot.value) && this.delete(key)) deleted++
    }
    return deleted
  }

  clear(): void {
    this.#slots.clear()
    this.#bytes = 0
    this.#newest = undefined
  }

  keys(): IterableIterator<string> {
    return this.#slots.keys()
  }
}
