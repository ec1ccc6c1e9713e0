import type { LoggerPort } from '@jackpot/observability'
import { sql } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import type { DomainMetrics } from './domain-metrics.ts'
import { PrefixBloom } from './prefix-bloom.ts'
import { resultRows } from './write-batch/sql-arrays.ts'

/** Above this the filter is not kept, and batches probe the table for every key (as without one). */
export const DEFAULT_SETTLED_KEY_FILTER_MAX_BYTES = 256 * 1024 * 1024

/**
 * Rows read per page while loading. Small enough that handling a page never holds the event
 * loop long (9.7 M keys: p99 event-loop lag 3.7 ms, max 23 ms, against 19.5 and 43 ms with
 * 65 536-row pages), big enough that the round trips add little (6.7 s against 5.9 s).
 */
const PAGE_ROWS = 8_192

/** After a load failed, or the table outgrew the memory cap, wait this long before trying again. */
const RETRY_AFTER_MS = 10 * 60_000

/** A loaded filter, and the `idempotency_key_window.generation` it holds every prefix of. */
export interface SettledKeySnapshot {
  readonly generation: string
  readonly bloom: PrefixBloom
}

/** How often batches could trust the filter, for tests and the 3 a.m. question "is it working?". */
export interface SettledKeyFilterStats {
  /** Batches that asked the table only for the prefixes the filter could not rule out. */
  filtered: number
  /** Batches that asked it for every prefix: no filter yet, or one older than the table. */
  probedAll: number
  /** Prefixes the filter ruled out, so never sent. */
  ruledOut: number
  /** Completed loads. */
  loads: number
  /** Keys in the current filter, and its bytes (0 when there is none). */
  keys: number
  bytes: number
}

/**
 * What this replica knows of `past_idempotency_keys` (the 8-byte prefixes of
 * every settled key; see `idempotency-keys.ts`), kept in memory as a
 * {@link PrefixBloom} so a write batch need not probe that table's primary key
 * for every new key. That index grows with history (10 M keys leave
 * shared_buffers), and its probes were what made a write on a large history
 * slower than one on an empty database.
 *
 * The filter is labelled with the table's generation (migration 0008: every
 * INSERT into the table moves it) as read *before* the load starts, so every
 * prefix committed by then is in it. A batch sends the prefixes the filter
 * cannot rule out together with a read of the generation, in one statement:
 * if it is still the label, nothing the filter lacks can be in the table, and
 * the answer is what a probe of every prefix would have given. If not (the
 * upkeep settled a day), the batch probes every prefix, as it would without a
 * filter, and a reload starts in the background.
 *
 * One per store. The load runs beside the writes, never in a request's path.
 *
 * @example
 * const filter = new SettledKeyFilter({ db, logger })
 * filter.refresh() // loads in the background; `current()` is null until then
 */
export class SettledKeyFilter {
  readonly #db: Executor
  readonly #logger: LoggerPort | undefined
  readonly #maxBytes: number
  readonly #monotonic: () => number
  readonly #metrics: DomainMetrics | undefined
  #current: SettledKeySnapshot | null = null
  #loading: Promise<void> | null = null
  #notBefore = 0
  #closed = false
  readonly #stats = { filtered: 0, probedAll: 0, ruledOut: 0, loads: 0 }

  constructor(deps: {
    db: Executor
    logger?: LoggerPort | undefined
    /** The memory cap; a table whose filter would need more is not filtered. */
    maxBytes?: number | undefined
    /** Milliseconds, for the retry delay. Defaults to `performance.now`. */
    monotonic?: (() => number) | undefined
    /** Counts each batch's lookup as `jackpot_settled_key_lookups_total{jackpot_lookup}`. */
    metrics?: DomainMetrics | undefined
  }) {
    this.#metrics = deps.metrics
    this.#db = deps.db
    this.#logger = deps.logger
    this.#maxBytes = deps.maxBytes ?? DEFAULT_SETTLED_KEY_FILTER_MAX_BYTES
    this.#monotonic = deps.monotonic ?? (() => performance.now())
  }

  /** The loaded filter, or null while there is none (a batch then probes every prefix). */
  current(): SettledKeySnapshot | null {
    return this.#current
  }

  stats(): SettledKeyFilterStats {
    return { ...this.#stats, keys: this.#current?.bloom.keys ?? 0, bytes: this.#current?.bloom.bytes ?? 0 }
  }

  /** Counts one batch's use of the filter (see {@link SettledKeyFilterStats}). */
  record(use: { filtered: true; ruledOut: number } | { filtered: false }): void {
    this.#metrics?.settledKeyLookup(use.filtered)
    if (use.filtered) {
      this.#stats.filtered++
      this.#stats.ruledOut += use.ruledOut
    } else {
      this.#stats.probedAll++
    }
  }

  /**
   * Starts a load in the background unless one is running, the store is
   * closing, or the last one failed less than ten minutes ago. Never throws:
   * a failed load is logged, and batches carry on probing the table.
   */
  refresh(): void {
    if (this.#loading !== null || this.#closed || this.#monotonic() < this.#notBefore) return
    this.#loading = this.load()
      .catch((error: unknown) => {
        this.#notBefore = this.#monotonic() + RETRY_AFTER_MS
        this.#logger?.warn(
          { err: error },
          'could not load the settled idempotency keys into memory; write batches probe the table for every key until the next try, in 10 minutes',
        )
      })
      .finally(() => {
        this.#loading = null
      })
  }

  /**
   * Reads the whole table into a new filter and makes it current. Exposed for
   * tests and tools; the store calls {@link refresh}.
   */
  async load(): Promise<void> {
    const started = performance.now()
    // The label first: a prefix committed after this read moves the generation past it.
    const [head] = resultRows<{ generation: string; estimate: number }>(
      await this.#db.execute(sql`
        SELECT w.generation::text AS generation,
               (SELECT greatest(reltuples, 0)::float8 FROM pg_class WHERE oid = 'public.past_idempotency_keys'::regclass) AS estimate
        FROM idempotency_key_window w`),
    )
    if (head === undefined) return
    let capacity = Math.ceil(Number(head.estimate) * 1.1) + 65_536
    let bloom: PrefixBloom | null = null
    for (;;) {
      if (PrefixBloom.bytesFor(capacity) > this.#maxBytes) {
        this.#current = null
        this.#notBefore = this.#monotonic() + RETRY_AFTER_MS
        this.#logger?.warn(
          { keys: capacity, maxBytes: this.#maxBytes },
          'too many settled idempotency keys to keep in memory; write batches probe the table for every key',
        )
        return
      }
      bloom = await this.#fill(PrefixBloom.forKeys(capacity), capacity * 2)
      if (bloom !== null || this.#closed) break
      // The estimate was far off (a table never analysed): size it again from the real count.
      capacity *= 4
    }
    if (bloom === null) return
    this.#current = { generation: head.generation, bloom }
    this.#stats.loads++
    this.#logger?.info(
      {
        keys: bloom.keys,
        bytes: bloom.bytes,
        generation: head.generation,
        ms: Math.round(performance.now() - started),
      },
      'loaded the settled idempotency keys into memory',
    )
  }

  /** Resolves once no load is in flight (for tools and benches that measure a replica that has been up a while). */
  async idle(): Promise<void> {
    while (this.#loading !== null) await this.#loading
  }

  /** Waits for a load in flight and stops any later one (the store is closing its database). */
  async close(): Promise<void> {
    this.#closed = true
    await this.#loading
  }

  /**
   * Pages through the table in key order into `bloom`; null if it holds more
   * than `limit` keys (the filter would be too full to rule much out) or the
   * store closed meanwhile.
   */
  async #fill(bloom: PrefixBloom, limit: number): Promise<PrefixBloom | null> {
    let after: bigint | null = null
    for (;;) {
      if (this.#closed) return null
      // Two int4 halves instead of a bigint: both drivers hand them over as numbers, no parsing.
      const rows: Array<{ hi: number; lo: number }> = resultRows<{ hi: number; lo: number }>(
        await this.#db.execute(sql`
          SELECT (key_prefix >> 32)::int AS hi, ((key_prefix << 32) >> 32)::int AS lo
          FROM past_idempotency_keys
          ${after === null ? sql`` : sql`WHERE key_prefix > ${after.toString()}::bigint`}
          ORDER BY key_prefix
          LIMIT ${PAGE_ROWS}`),
      )
      for (const row of rows) bloom.addHalves(Number(row.hi), Number(row.lo))
      if (bloom.keys > limit) return null
      if (rows.length < PAGE_ROWS) return bloom
      const last: { hi: number; lo: number } = rows.at(-1)!
      after = (BigInt(Number(last.hi)) << 32n) | BigInt(Number(last.lo) >>> 0)
    }
  }
}
