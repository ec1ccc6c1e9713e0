import type { Page } from './types.ts'

/**
 * The page of a keyset read that fetched `limit + 1` rows: the first `limit`
 * as entries, and a cursor after the last of them only when the extra row
 * shows there is more (so the last page says `null`, not an empty next page).
 *
 * @example
 * const rows = await query.limit(limit + 1)
 * return keysetPage(rows, limit, toAuditEntry, (row) => encodeCursor(row.id))
 */
export function keysetPage<R, T>(
  rows: readonly R[],
  limit: number,
  toEntry: (row: R) => T,
  cursorAfter: (row: R) => string,
): Page<T> {
  const page = rows.slice(0, limit)
  const last = page.at(-1)
  return {
    entries: page.map(toEntry),
    nextCursor: rows.length > limit && last !== undefined ? cursorAfter(last) : null,
  }
}
