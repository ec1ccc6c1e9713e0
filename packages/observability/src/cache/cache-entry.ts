import { type CacheSerializer, deserializeValue, serializeValue } from './serializer.ts'
import type { VersionCell } from './tags.ts'

/** What a stored value is: 0 a value, 1 a cached `undefined`, 2 a cached `null` (negative caching). */
export type EntryKind = 0 | 1 | 2
export const KIND_VALUE: EntryKind = 0
export const KIND_UNDEFINED: EntryKind = 1
export const KIND_NULL: EntryKind = 2

/** Bookkeeping bytes counted per L1 entry on top of key and serialized value. */
export const ENTRY_OVERHEAD_BYTES = 100

/** One cached value, as held in L1 (and rebuilt from L2). */
export interface CacheEntry {
  /** The value as it reads back from its serialized form, so L1 and L2 hand out equal values. */
  value: unknown
  kind: EntryKind
  /** End of the TTL. */
  expiresAt: number
  /** End of the grace period (`expiresAt` + grace); the entry is useless after it. */
  graceUntil: number
  /** Served from L1 without asking L2 until then: `min(expiresAt, stored + l1MaxTtlMs)`. */
  freshUntil: number
  /** After a factory failure answered with this stale value: no new attempt before then. */
  backoffUntil: number
  /** Tag versions and namespace generations the entry depends on, with the version it was written under. */
  cells: VersionCell[]
  versions: number[]
  /** Approximate bytes, for the L1 bound. */
  size: number
  /** The serialized value (`''` for negative entries), kept to write L2 without serializing again. */
  payload: string
}

/** An entry is valid while every cell it depends on holds the version it was written under. */
export function versionsMatch(entry: CacheEntry): boolean {
  const { cells, versions } = entry
  for (let index = 0; index < cells.length; index++) {
    if (cells[index]!.version !== versions[index]) return false
  }
  return true
}

/** Header of an entry in Redis; the serialized value follows it after a newline. */
interface EntryHeader {
  /** expiresAt */
  e: number
  /** graceUntil */
  g: number
  /** kind */
  k: EntryKind
  /** cell name → version */
  v: Record<string, number>
}

/** The Redis string of an entry: `<header JSON>\n<serialized value>` (JSON never contains a raw newline). */
export function encodeEntry(entry: CacheEntry): string {
  const versions: Record<string, number> = {}
  entry.cells.forEach((cell, index) => {
    versions[cell.name] = entry.versions[index]!
  })
  const header: EntryHeader = { e: entry.expiresAt, g: entry.graceUntil, k: entry.kind, v: versions }
  return `${JSON.stringify(header)}\n${entry.payload}`
}

/** An entry as read from Redis, before its cells are resolved. */
export interface DecodedEntry {
  expiresAt: number
  graceUntil: number
  kind: EntryKind
  versions: Record<string, number>
  payload: string
}

/** The parts of a Redis string, or `undefined` when it is not an entry (foreign or corrupt data). */
export function decodeEntry(text: string): DecodedEntry | undefined {
  const newline = text.indexOf('\n')
  if (newline === -1) return undefined
  let header: unknown
  try {
    header = JSON.parse(text.slice(0, newline))
  } catch {
    return undefined
  }
  if (header === null || typeof header !== 'object') return undefined
  const { e, g, k, v } = header as Partial<EntryHeader>
  if (typeof e !== 'number' || typeof g !== 'number' || (k !== 0 && k !== 1 && k !== 2)) return undefined
  if (v === null || typeof v !== 'object') return undefined
  return { expiresAt: e, graceUntil: g, kind: k, versions: v, payload: text.slice(newline + 1) }
}

/**
 * A new entry written at `now`. Serializes the value (throwing `E_CACHE_SERIALIZE`
 * for what the serializer refuses) and keeps it as read back from that form, so
 * L1-only and L1+L2 hand out equal values.
 */
export function createEntry(
  serializer: CacheSerializer,
  now: number,
  fullKey: string,
  value: unknown,
  ttlMs: number,
  graceMs: number,
  cells: VersionCell[],
  versions: number[],
): CacheEntry {
  const kind: EntryKind = value === undefined ? KIND_UNDEFINED : value === null ? KIND_NULL : KIND_VALUE
  const payload = kind === KIND_VALUE ? serializeValue(serializer, value, fullKey) : ''
  const expiresAt = now + Math.max(0, ttlMs)
  return {
    value: kind === KIND_VALUE ? deserializeValue(serializer, payload, fullKey) : value,
    kind,
    expiresAt,
    graceUntil: expiresAt + Math.max(0, graceMs),
    freshUntil: expiresAt,
    backoffUntil: 0,
    cells,
    versions,
    size: payload.length + fullKey.length + ENTRY_OVERHEAD_BYTES,
    payload,
  }
}
