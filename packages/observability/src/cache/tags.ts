import type { Clock } from '../clock/index.ts'

/**
 * The current version of one tag (`t:<tag>`) or namespace generation
 * (`n:<path>`). Entries keep a reference to each cell they depend on plus the
 * version they were written under; an entry is valid while every cell still
 * holds that version. Checking is a property read: no map lookup per hit.
 */
export interface VersionCell {
  readonly name: string
  version: number
  /** When the version was last confirmed with the backend; `Infinity` without one. */
  checkedAt: number
  /** Set after a bus resync: the next read from the backend is taken as it is, even if lower. */
  untrusted: boolean
}

/** Where versions live across replicas (Redis `INCR`/`MGET`). */
export interface VersionBackend {
  fetch(names: readonly string[]): Promise<number[]>
  bump(names: readonly string[]): Promise<number[]>
}

/** Cell name of a tag. */
export const tagCell = (tag: string): string => `t:${tag}`
/** Cell name of a namespace path (`''` is the root). */
export const namespaceCell = (path: string): string => `n:${path}`

/**
 * Tag versions and namespace generations: invalidating a tag or clearing a
 * namespace bumps one counter instead of finding keys (no `KEYS`/`SCAN`).
 *
 * With a backend, versions are read from it at most every `ttlMs` per cell
 * (and pushed by bus messages in between); without one they are local
 * counters that never need re-reading.
 */
export class VersionTable {
  readonly #cells = new Map<string, VersionCell>()
  readonly #pending = new Map<VersionCell, Promise<void>>()
  readonly #clock: Clock
  readonly #ttlMs: number
  readonly #backend: VersionBackend | undefined
  readonly #onError: (error: unknown) => void

  constructor(options: {
    clock: Clock
    ttlMs: number
    backend?: VersionBackend
    onError: (error: unknown) => void
  }) {
    this.#clock = options.clock
    this.#ttlMs = options.backend === undefined ? Number.POSITIVE_INFINITY : options.ttlMs
    this.#backend = options.backend
    this.#onError = options.onError
  }

  cell(name: string): VersionCell {
    let cell = this.#cells.get(name)
    if (cell === undefined) {
      const checkedAt = this.#backend === undefined ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY
      cell = { name, version: 0, checkedAt, untrusted: false }
      this.#cells.set(name, cell)
    }
    return cell
  }

  /** Whether the cell's version may be used without asking the backend. */
  isFresh(cell: VersionCell, now: number): boolean {
    return now - cell.checkedAt < this.#ttlMs
  }

  /** Whether no cell needs re-reading now (lets callers skip awaiting `refresh`). */
  allFresh(cells: readonly VersionCell[]): boolean {
    const now = this.#clock.now()
    for (const cell of cells) if (!this.isFresh(cell, now)) return false
    return true
  }

  /**
   * Re-reads the cells that are not fresh, one backend call for all of them,
   * joined by concurrent callers. A failing backend leaves the last known
   * versions in use for another `ttlMs` (Redis down must not stop L1 hits);
   * the error goes to `onError`, never to the caller.
   */
  async refresh(cells: readonly VersionCell[]): Promise<void> {
    const now = this.#clock.now()
    const waits: Promise<void>[] = []
    const toFetch: VersionCell[] = []
    for (const cell of cells) {
      if (this.isFresh(cell, now)) continue
      const pending = this.#pending.get(cell)
      if (pending === undefined) toFetch.push(cell)
      else waits.push(pending)
    }
    if (toFetch.length > 0) {
      const fetching = this.#fetch(toFetch)
      for (const cell of toFetch) this.#pending.set(cell, fetching)
      waits.push(fetching)
    }
    if (waits.length > 0) await Promise.all(waits)
  }

  async #fetch(cells: VersionCell[]): Promise<void> {
    const backend = this.#backend
    if (backend === undefined) return
    try {
      const versions = await backend.fetch(cells.map((cell) => cell.name))
      cells.forEach((cell, index) => {
        this.#accept(cell, versions[index] ?? 0)
      })
    } catch (error) {
      const now = this.#clock.now()
      for (const cell of cells) cell.checkedAt = now
      this.#onError(error)
    } finally {
      for (const cell of cells) if (this.#pending.has(cell)) this.#pending.delete(cell)
    }
  }

  // A bus message may overtake a read answered earlier by Redis; versions only
  // grow, so the higher one wins — except after a resync (Redis may have
  // restarted and lost its counters), when the backend is believed as it is.
  #accept(cell: VersionCell, version: number): void {
    cell.version = cell.untrusted ? version : Math.max(cell.version, version)
    cell.untrusted = false
    cell.checkedAt = this.#clock.now()
  }

  /**
   * Bumps the named cells and returns their new versions. With a backend the
   * bump happens there (and rejects when it fails); otherwise locally.
   */
  async bump(names: readonly string[]): Promise<Record<string, number>> {
    const result: Record<string, number> = {}
    if (this.#backend === undefined) {
      for (const name of names) {
        const cell = this.cell(name)
        cell.version++
        result[name] = cell.version
      }
      return result
    }
    const versions = await this.#backend.bump(names)
    names.forEach((name, index) => {
      const cell = this.cell(name)
      this.#accept(cell, versions[index] ?? cell.version + 1)
      result[name] = cell.version
    })
    return result
  }

  /** Applies versions bumped by another instance (from the bus). */
  applyRemote(versions: Readonly<Record<string, number>>): void {
    for (const [name, version] of Object.entries(versions)) {
      const cell = this.cell(name)
      if (this.#backend === undefined) cell.version++
      else this.#accept(cell, version)
    }
  }

  /** After missed bus messages: every version must be read again before it is trusted. */
  resync(): void {
    for (const cell of this.#cells.values()) {
      if (this.#backend === undefined) continue
      cell.checkedAt = Number.NEGATIVE_INFINITY
      cell.untrusted = true
    }
  }
}
