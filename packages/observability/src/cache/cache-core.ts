import type { Clock } from '../clock/index.ts'
import type { CacheBus, CacheBusMessage } from './bus/cache-bus.ts'
import { type CacheEntry, createEntry, versionsMatch } from './cache-entry.ts'
import type { CacheMetrics } from './cache-metrics.ts'
import type {
  CacheLogger,
  FactoryContext,
  GetOptions,
  GetOrSetOptions,
  WriteOptions,
} from './cache-options.ts'
import { L2_MISS, type L2Entries, type L2Read } from './l2-entries.ts'
import type { L2ErrorReporter } from './l2-error-reporter.ts'
import type { LruCache } from './lru.ts'
import type { PendingInvalidations } from './pending-invalidations.ts'
import type { CacheSerializer } from './serializer.ts'
import { SingleFlight } from './single-flight.ts'
import { withSoftTimeout } from './soft-timeout.ts'
import { namespaceCell, tagCell, type VersionCell, type VersionTable } from './tags.ts'

/** A namespace as the core sees it: its key prefix and the generations its entries depend on. */
export interface NamespaceScope {
  /** `''` for the root, `'pools:'`, `'pools:archive:'` … */
  readonly path: string
  /** Generation cells of the root and of every enclosing namespace, outermost first. */
  readonly cells: readonly VersionCell[]
}

/** Everything the core needs, resolved from the options (defaults applied). */
export interface CoreSettings {
  name: string
  prefix: string
  clock: Clock
  random: () => number
  l1: LruCache<CacheEntry>
  l1MaxTtlMs: number
  l2: L2Entries | undefined
  bus: CacheBus | undefined
  versions: VersionTable
  serializer: CacheSerializer
  metrics: CacheMetrics
  errors: L2ErrorReporter
  pending: PendingInvalidations
  logger: CacheLogger | undefined
  defaults: {
    ttlMs: number
    graceMs: number
    jitter: number
    negativeTtlMs: number
    softTimeoutMs: number | undefined
    graceBackoffMs: number
  }
}

/**
 * The read and write paths shared by a cache and all its namespaces. The hot
 * path (an L1 hit) is synchronous up to the returned promise: one map lookup,
 * two number comparisons, one comparison per tag/namespace cell.
 */
export class CacheCore {
  readonly settings: CoreSettings
  /** Identifies this instance on the bus, so it ignores its own messages. */
  readonly origin = `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`
  readonly channel: string
  readonly #l1: LruCache<CacheEntry>
  readonly #clock: Clock
  readonly #versions: VersionTable
  readonly #metrics: CacheMetrics
  readonly #l1Enabled: boolean
  // One load (L2 read + factory wait) per key, and separately one factory run
  // per key: a factory still running after a soft timeout is joined, not repeated.
  readonly #loads = new SingleFlight<unknown>()
  readonly #factories = new SingleFlight<unknown>()

  constructor(settings: CoreSettings) {
    this.settings = settings
    this.#l1 = settings.l1
    this.#clock = settings.clock
    this.#versions = settings.versions
    this.#metrics = settings.metrics
    this.#l1Enabled = settings.l1.maxEntries > 0
    this.channel = `${settings.prefix}:bus`
  }

  // ---------------------------------------------------------------- reads

  get(scope: NamespaceScope, key: string, options: GetOptions | undefined): Promise<unknown> {
    const fullKey = scope.path + key
    const entry = this.#l1.get(fullKey)
    if (entry !== undefined) {
      const now = this.#clock.now()
      if (now < entry.freshUntil && this.#usable(entry, now)) {
        if (this.#l1Enabled) this.#metrics.l1(true)
        return Promise.resolve(entry.value)
      }
    }
    return this.#getSlow(fullKey, entry, options?.allowStale === true)
  }

  getOrSet<T>(
    scope: NamespaceScope,
    key: string,
    factory: (context: FactoryContext<T>) => Promise<T> | T,
    options: GetOrSetOptions | undefined,
  ): Promise<T> {
    const fullKey = scope.path + key
    const entry = this.#l1.get(fullKey)
    if (entry !== undefined) {
      const now = this.#clock.now()
      // A stale value in back-off after a factory failure is served as is.
      if ((now < entry.freshUntil || now < entry.backoffUntil) && this.#usable(entry, now)) {
        if (this.#l1Enabled) this.#metrics.l1(true)
        return Promise.resolve(entry.value as T)
      }
    }
    if (this.#l1Enabled) this.#metrics.l1(false)
    const flight = this.#loads.run(fullKey, () => this.#load(scope, key, fullKey, factory, options))
    return flight.promise as Promise<T>
  }

  /** Versions match and none needs re-reading: the entry may be used without awaiting anything. */
  #usable(entry: CacheEntry, now: number): boolean {
    const { cells, versions } = entry
    for (let index = 0; index < cells.length; index++) {
      const cell = cells[index]!
      if (cell.version !== versions[index] || !this.#versions.isFresh(cell, now)) return false
    }
    return true
  }

  /** The L1 entry if it is still valid once its versions are current; drops it otherwise. */
  async #validL1(fullKey: string, entry: CacheEntry | undefined): Promise<CacheEntry | undefined> {
    if (entry === undefined) return undefined
    if (!this.#versions.allFresh(entry.cells)) await this.#versions.refresh(entry.cells)
    if (versionsMatch(entry)) return entry
    if (this.#l1.peek(fullKey) === entry) this.#l1.delete(fullKey)
    return undefined
  }

  async #getSlow(fullKey: string, cached: CacheEntry | undefined, allowStale: boolean): Promise<unknown> {
    const entry = cached === undefined ? undefined : await this.#validL1(fullKey, cached)
    let now = this.#clock.now()
    if (entry !== undefined && now < entry.freshUntil) {
      if (this.#l1Enabled) this.#metrics.l1(true)
      return entry.value
    }
    if (this.#l1Enabled) this.#metrics.l1(false)
    const l2 = this.settings.l2
    if (l2 === undefined) {
      return allowStale && entry !== undefined && now < entry.graceUntil ? entry.value : undefined
    }
    const fromL2 = await this.#readL2(l2, fullKey)
    now = this.#clock.now()
    if (fromL2 !== undefined && fromL2 !== L2_MISS && now < fromL2.expiresAt) {
      this.#storeL1(fullKey, fromL2, now)
      return fromL2.value
    }
    // Redis could not be asked: L1 keeps serving its entries until their TTL
    // (getOrSet recomputes those older than l1MaxTtlMs instead).
    if (fromL2 === undefined && entry !== undefined && now < entry.expiresAt) return entry.value
    if (!allowStale) return undefined
    if (fromL2 !== undefined && fromL2 !== L2_MISS && now < fromL2.graceUntil) return fromL2.value
    if (fromL2 === undefined && entry !== undefined && now < entry.graceUntil) return entry.value
    return undefined
  }

  async #load<T>(
    scope: NamespaceScope,
    key: string,
    fullKey: string,
    factory: (context: FactoryContext<T>) => Promise<T> | T,
    options: GetOrSetOptions | undefined,
  ): Promise<unknown> {
    const cells = this.#cellsFor(scope, options?.tags)
    // Versions are captured before L2 is read and the factory runs: a tag
    // invalidated meanwhile makes the result invalid on arrival.
    if (!this.#versions.allFresh(cells)) await this.#versions.refresh(cells)
    const captured = cells.map((cell) => cell.version)

    let stale = await this.#validL1(fullKey, this.#l1.peek(fullKey))
    let now = this.#clock.now()
    if (stale !== undefined && now < stale.freshUntil) return stale.value
    if (stale !== undefined && now >= stale.graceUntil) stale = undefined

    if (this.settings.l2 !== undefined) {
      const fromL2 = await this.#readL2(this.settings.l2, fullKey)
      now = this.#clock.now()
      // Gone from Redis while L1 still has it: deleted by a replica whose bus
      // message this one missed, so not even a grace fallback.
      if (fromL2 === L2_MISS) stale = undefined
      if (fromL2 !== undefined && fromL2 !== L2_MISS) {
        if (now < fromL2.expiresAt) {
          this.#storeL1(fullKey, fromL2, now)
          return fromL2.value
        }
        if (now < fromL2.graceUntil && (stale === undefined || fromL2.expiresAt > stale.expiresAt))
          stale = fromL2
      }
    }
    if (stale !== undefined && now < stale.backoffUntil) return stale.value

    const run = this.#factories.run(fullKey, (flight) =>
      this.#runFactory(key, fullKey, factory, options, cells, captured, stale, () => flight.invalidated),
    ).promise
    if (stale === undefined) return run
    const fallback = stale
    try {
      const softTimeoutMs = options?.softTimeoutMs ?? this.settings.defaults.softTimeoutMs
      return softTimeoutMs === undefined
        ? await run
        : await withSoftTimeout(this.#clock, run, softTimeoutMs, fallback.value)
    } catch (error) {
      this.settings.logger?.warn(
        { cache: this.settings.name, key: fullKey, err: error },
        'cache factory failed; serving the stale value within its grace period',
      )
      const backoffUntil = Math.min(
        this.#clock.now() + this.settings.defaults.graceBackoffMs,
        fallback.graceUntil,
      )
      const backoff = { ...fallback, backoffUntil }
      this.#storeL1(fullKey, backoff, this.#clock.now(), fallback.freshUntil)
      return fallback.value
    }
  }

  async #runFactory<T>(
    key: string,
    fullKey: string,
    factory: (context: FactoryContext<T>) => Promise<T> | T,
    options: GetOrSetOptions | undefined,
    cells: VersionCell[],
    captured: number[],
    stale: CacheEntry | undefined,
    invalidated: () => boolean,
  ): Promise<unknown> {
    this.#metrics.factoryCall()
    let ttlOverride: number | undefined
    const context: FactoryContext<T> = {
      key,
      staleValue: stale?.value as T | undefined,
      setTtl: (ttlMs) => {
        ttlOverride = ttlMs
      },
    }
    const value = await factory(context)
    const negative = value === undefined || value === null
    const defaults = this.settings.defaults
    const ttlMs = negative
      ? (options?.negativeTtlMs ?? defaults.negativeTtlMs)
      : (ttlOverride ?? options?.ttlMs ?? defaults.ttlMs)
    if (ttlMs <= 0) return value
    const jitter = options?.jitter ?? defaults.jitter
    const jittered = jitter > 0 ? ttlMs * (1 - Math.min(1, jitter) * this.settings.random()) : ttlMs
    const entry = createEntry(
      this.settings.serializer,
      this.#clock.now(),
      fullKey,
      value,
      jittered,
      negative ? 0 : (options?.graceMs ?? defaults.graceMs),
      cells,
      captured,
    )
    // Deleted or overwritten meanwhile: the callers get the result, the cache does not.
    if (invalidated()) return entry.value
    this.#storeL1(fullKey, entry, this.#clock.now())
    if (this.settings.l2 !== undefined) await this.#writeL2(this.settings.l2, fullKey, entry, false)
    return entry.value
  }

  // --------------------------------------------------------------- writes

  async set(
    scope: NamespaceScope,
    key: string,
    value: unknown,
    options: WriteOptions | undefined,
  ): Promise<void> {
    const fullKey = scope.path + key
    const cells = this.#cellsFor(scope, options?.tags)
    if (!this.#versions.allFresh(cells)) await this.#versions.refresh(cells)
    const defaults = this.settings.defaults
    const entry = createEntry(
      this.settings.serializer,
      this.#clock.now(),
      fullKey,
      value,
      options?.ttlMs ?? defaults.ttlMs,
      options?.graceMs ?? defaults.graceMs,
      cells,
      cells.map((cell) => cell.version),
    )
    this.#factories.invalidate((running) => running === fullKey)
    this.#storeL1(fullKey, entry, this.#clock.now())
    let written = false
    try {
      written =
        this.settings.l2 === undefined || (await this.#writeL2(this.settings.l2, fullKey, entry, true))
    } finally {
      // Redis kept the previous value: delete it once Redis answers again, or
      // the other replicas would read it back after the outage.
      if (!written) this.settings.pending.addKeys([fullKey])
    }
    await this.#publish({ type: 'delete', origin: this.origin, keys: [fullKey] })
  }

  async delete(scope: NamespaceScope, keys: readonly string[]): Promise<void> {
    const fullKeys = keys.map((key) => scope.path + key)
    const deleted = new Set(fullKeys)
    for (const fullKey of fullKeys) this.#l1.delete(fullKey)
    this.#factories.invalidate((running) => deleted.has(running))
    if (this.settings.l2 !== undefined) {
      try {
        await this.settings.l2.delete(fullKeys)
      } catch (error) {
        this.settings.pending.addKeys(fullKeys)
        this.settings.errors.report('delete', error)
      }
    }
    await this.#publish({ type: 'delete', origin: this.origin, keys: fullKeys })
  }

  /** Bumps tag versions / namespace generations; entries written under the old ones stop being served. */
  async bump(cellNames: readonly string[]): Promise<void> {
    if (cellNames.length === 0) return
    let versions: Record<string, number>
    try {
      versions = await this.#versions.bump(cellNames)
    } catch (error) {
      // Redis is unreachable: invalidate what this replica holds, and replay
      // the bump once Redis answers again (PendingInvalidations).
      this.dropLocal(cellNames)
      this.settings.pending.addCells(cellNames)
      this.settings.errors.report('invalidate', error)
      return
    }
    await this.#publish({ type: 'versions', origin: this.origin, versions })
  }

  /**
   * Replays, in the background, the invalidations Redis missed while it was
   * unreachable; called after any successful L2 call and when the breaker closes.
   */
  flushPending(): void {
    const l2 = this.settings.l2
    if (l2 === undefined) return
    this.settings.pending.replaySoon(() => ({
      deleteKeys: (keys) => l2.delete(keys),
      bumpCells: (names) => this.#versions.bump(names),
      announce: (message) => this.#publish({ ...message, origin: this.origin }, false),
      report: (operation, error) => this.settings.errors.report(operation, error, false),
    }))
  }

  // Redis answering again (a successful read or write) is the moment to replay what it missed.
  async #readL2(l2: L2Entries, fullKey: string): Promise<L2Read> {
    const read = await l2.read(fullKey, true)
    if (read !== undefined) this.flushPending()
    return read
  }

  async #writeL2(l2: L2Entries, fullKey: string, entry: CacheEntry, mayThrow: boolean): Promise<boolean> {
    const written = await l2.write(fullKey, entry, mayThrow)
    if (written) this.flushPending()
    return written
  }

  /** Forgets, on this replica only, every L1 entry depending on one of the cells. */
  dropLocal(cellNames: readonly string[]): void {
    const names = new Set(cellNames)
    this.#l1.deleteWhere((_key, entry) => entry.cells.some((cell) => names.has(cell.name)))
    this.#factories.invalidate()
  }

  /** Drops L1 entries under a namespace path (memory hygiene after `clear`). */
  dropNamespace(path: string): void {
    if (path === '') this.#l1.clear()
    else this.#l1.deleteWhere((key) => key.startsWith(path))
  }

  #cellsFor(scope: NamespaceScope, tags: readonly string[] | undefined): VersionCell[] {
    if (tags === undefined || tags.length === 0) return [...scope.cells]
    const cells = [...scope.cells]
    for (const tag of new Set(tags)) cells.push(this.#versions.cell(tagCell(tag)))
    return cells
  }

  #storeL1(fullKey: string, entry: CacheEntry, now: number, freshUntil?: number): void {
    if (!this.#l1Enabled) return
    const bounded = Math.min(entry.expiresAt, now + this.settings.l1MaxTtlMs)
    this.#l1.set(fullKey, { ...entry, freshUntil: freshUntil ?? bounded }, entry.size)
  }

  // ------------------------------------------------------------------ bus

  async #publish(message: CacheBusMessage, mayThrow = true): Promise<void> {
    const bus = this.settings.bus
    if (bus === undefined) return
    try {
      await bus.publish(this.channel, message)
      this.#metrics.busMessage('sent')
    } catch (error) {
      this.settings.errors.report('publish', error, mayThrow)
    }
  }

  /** Applies another instance's invalidation. */
  receive(message: CacheBusMessage): void {
    if (message.origin === this.origin) return
    this.#metrics.busMessage('received')
    if (message.type === 'delete') {
      const keys = new Set(message.keys)
      for (const key of keys) this.#l1.delete(key)
      this.#factories.invalidate((running) => keys.has(running))
    } else {
      this.#versions.applyRemote(message.versions)
    }
  }

  /** The bus may have missed messages: nothing in L1 can be trusted any more. */
  resync(): void {
    this.#l1.clear()
    this.#versions.resync()
    this.#factories.invalidate()
    this.settings.logger?.info({ cache: this.settings.name }, 'cache bus reconnected; L1 dropped')
  }

  /** Generation cell of a namespace path. */
  namespaceCell(path: string): VersionCell {
    return this.#versions.cell(namespaceCell(path))
  }
}
