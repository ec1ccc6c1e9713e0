import type { JackpotStore } from '@jackpot/domain'
import { type Clock, systemClock } from '@jackpot/observability'

/** What the memo needs of the store: word of every committed change on this replica. */
export type FigureSource = Pick<JackpotStore, 'onPoolsChanged'>

/** Options of {@link FigureMemo}; every field but `store` has a default. */
export interface FigureMemoOptions {
  store: FigureSource
  /**
   * How long a figure read is reused. This replica's own writes drop every
   * memo at once (read-your-writes); the age only bounds how long another
   * replica's writes stay unseen here. Defaults to 1 s, the pool cache's TTL.
   */
  maxAgeMs?: number | undefined
  /** Distinct reads kept (one per route and page size); the oldest goes first. Defaults to 64. */
  maxEntries?: number | undefined
  /** Defaults to the system clock. */
  clock?: Clock | undefined
}

/** The defaults of {@link FigureMemoOptions}, in one place. */
export const FIGURE_MEMO_DEFAULTS = { maxAgeMs: 1_000, maxEntries: 64 } as const

/** A figure and the time it was read for (the views print the window it covers). */
export interface Memoized<T> {
  value: T
  at: Date
}

interface Entry {
  generation: number
  at: number
  read: Promise<Memoized<unknown>>
}

/**
 * The dashboard's figures (`/stats`, top games, pool growth, latest wins) kept
 * in process for a moment, so a figure request costs a map lookup whatever the
 * history or the number of viewers polling: at most one database read per
 * figure per `maxAgeMs` on each replica, and concurrent requests for the same
 * figure share that read. The readers behind it are themselves bounded by
 * their window (rollups and indexes), never by the ledger.
 *
 * Every write batch this replica commits (`onPoolsChanged`) starts a new
 * generation: a read started before it is not reused after it, so a client
 * that wrote and then reads sees its write. A failed read is not kept.
 *
 * @example
 * const figures = new FigureMemo({ store })
 * const { value: stats } = await figures.read('stats', (now) => store.stats(now))
 */
export class FigureMemo {
  readonly #entries = new Map<string, Entry>()
  readonly #clock: Clock
  readonly #maxAgeMs: number
  readonly #maxEntries: number
  readonly #unsubscribe: () => void
  #generation = 0

  constructor(options: FigureMemoOptions) {
    this.#clock = options.clock ?? systemClock
    this.#maxAgeMs = options.maxAgeMs ?? FIGURE_MEMO_DEFAULTS.maxAgeMs
    this.#maxEntries = options.maxEntries ?? FIGURE_MEMO_DEFAULTS.maxEntries
    this.#unsubscribe = options.store.onPoolsChanged(() => {
      this.#generation++
    })
  }

  /**
   * The memoized result of `load` under `key`, or a fresh one; with `key`
   * undefined always a fresh one, kept for nobody (a later page, asked for by
   * hand). `load` gets the time the figure is read for; it comes back as `at`.
   */
  read<T>(key: string | undefined, load: (now: Date) => Promise<T>): Promise<Memoized<T>> {
    const now = this.#clock.now()
    if (key === undefined) {
      const at = new Date(now)
      return load(at).then((value) => ({ value, at }))
    }
    const kept = this.#entries.get(key)
    if (kept !== undefined && kept.generation === this.#generation && now - kept.at < this.#maxAgeMs)
      return kept.read as Promise<Memoized<T>>
    const at = new Date(now)
    const read = load(at).then((value) => ({ value, at }))
    const entry: Entry = { generation: this.#generation, at: now, read }
    // Re-inserted at the end, so the first key is always the least recently refreshed.
    this.#entries.delete(key)
    if (this.#entries.size >= this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value!)
    this.#entries.set(key, entry)
    read.catch(() => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key)
    })
    return read
  }

  /** Stops listening to the store and forgets every figure. */
  close(): void {
    this.#unsubscribe()
    this.#entries.clear()
  }
}
