import type { Clock } from '../clock/index.ts'
import {
  type CacheEntry,
  decodeEntry,
  ENTRY_OVERHEAD_BYTES,
  type EntryKind,
  encodeEntry,
  KIND_NULL,
  KIND_UNDEFINED,
  versionsMatch,
} from './cache-entry.ts'
import type { CacheMetrics } from './cache-metrics.ts'
import type { CacheLogger } from './cache-options.ts'
import type { L2ErrorReporter } from './l2-error-reporter.ts'
import type { RedisL2 } from './redis-l2.ts'
import { type CacheSerializer, deserializeValue } from './serializer.ts'
import type { VersionTable } from './tags.ts'

/** Redis holds no valid entry for the key (none, unreadable, or written under older versions). */
export const L2_MISS = Symbol('L2 miss')

/** A read from L2: the entry (maybe expired, for grace), {@link L2_MISS}, or `undefined` when Redis failed. */
export type L2Read = CacheEntry | typeof L2_MISS | undefined

/**
 * Cache entries in Redis: `<prefix>:k:<namespace path><key>`, kept until the
 * end of their grace period (`PX`). Failures are reported (counted, logged,
 * thrown only with `throwOnL2Error`) and otherwise absorbed.
 */
export class L2Entries {
  readonly redis: RedisL2
  readonly #prefix: string
  readonly #cache: string
  readonly #clock: Clock
  readonly #versions: VersionTable
  readonly #serializer: CacheSerializer
  readonly #metrics: CacheMetrics
  readonly #errors: L2ErrorReporter
  readonly #logger: CacheLogger | undefined

  constructor(options: {
    redis: RedisL2
    prefix: string
    cache: string
    clock: Clock
    versions: VersionTable
    serializer: CacheSerializer
    metrics: CacheMetrics
    errors: L2ErrorReporter
    logger: CacheLogger | undefined
  }) {
    this.redis = options.redis
    this.#prefix = options.prefix
    this.#cache = options.cache
    this.#clock = options.clock
    this.#versions = options.versions
    this.#serializer = options.serializer
    this.#metrics = options.metrics
    this.#errors = options.errors
    this.#logger = options.logger
  }

  key(fullKey: string): string {
    return `${this.#prefix}:k:${fullKey}`
  }

  /** Reads and validates an entry against the current tag versions / namespace generations. */
  async read(fullKey: string, mayThrow: boolean): Promise<L2Read> {
    let text: string | null
    try {
      text = await this.redis.get(this.key(fullKey))
    } catch (error) {
      this.#errors.report('get', error, mayThrow)
      return undefined
    }
    const decoded = text === null ? undefined : decodeEntry(text)
    if (decoded === undefined) {
      this.#metrics.l2(false)
      return L2_MISS
    }
    const names = Object.keys(decoded.versions)
    const cells = names.map((name) => this.#versions.cell(name))
    if (!this.#versions.allFresh(cells)) await this.#versions.refresh(cells)
    let value: unknown
    try {
      value = this.#valueOf(decoded.kind, decoded.payload, fullKey)
    } catch (error) {
      this.#logger?.warn({ cache: this.#cache, key: fullKey, err: error }, 'unreadable L2 entry ignored')
      this.#metrics.l2(false)
      return L2_MISS
    }
    const entry: CacheEntry = {
      value,
      kind: decoded.kind,
      expiresAt: decoded.expiresAt,
      graceUntil: decoded.graceUntil,
      freshUntil: decoded.expiresAt,
      backoffUntil: 0,
      cells,
      versions: names.map((name) => decoded.versions[name]!),
      size: decoded.payload.length + fullKey.length + ENTRY_OVERHEAD_BYTES,
      payload: decoded.payload,
    }
    const valid = versionsMatch(entry)
    this.#metrics.l2(valid && this.#clock.now() < entry.expiresAt)
    return valid ? entry : L2_MISS
  }

  #valueOf(kind: EntryKind, payload: string, fullKey: string): unknown {
    if (kind === KIND_UNDEFINED) return undefined
    if (kind === KIND_NULL) return null
    return deserializeValue(this.#serializer, payload, fullKey)
  }

  /** Writes an entry until the end of its grace period; false when Redis failed. */
  async write(fullKey: string, entry: CacheEntry, mayThrow: boolean): Promise<boolean> {
    const ttlMs = entry.graceUntil - this.#clock.now()
    if (ttlMs <= 0) return true
    try {
      await this.redis.set(this.key(fullKey), encodeEntry(entry), ttlMs)
    } catch (error) {
      this.#errors.report('set', error, mayThrow)
      return false
    }
    return true
  }

  /** Deletes entries; rejects when Redis failed (the caller keeps them for replay). */
  delete(fullKeys: readonly string[]): Promise<void> {
    return this.redis.del(fullKeys.map((fullKey) => this.key(fullKey)))
  }
}
