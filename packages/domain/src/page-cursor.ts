import { InvalidQueryError } from './errors.ts'

const MAX_INT8 = 9_223_372_036_854_775_807n

/** Default and largest page sizes for keyset-paginated reads. */
export const DEFAULT_PAGE_LIMIT = 50
export const MAX_PAGE_LIMIT = 500

/**
 * An opaque cursor for a row id: base64url, so clients treat it as a token
 * rather than doing arithmetic on ids.
 *
 * @example
 * decodeCursor(encodeCursor(42n)) // 42n
 */
export function encodeCursor(id: bigint): string {
  return Buffer.from(id.toString(), 'utf8').toString('base64url')
}

/** @throws InvalidQueryError for a cursor this module did not make. */
export function decodeCursor(cursor: string, field = 'after'): bigint {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  // Ids are int8: a cursor past its range is one this module never made (and PostgreSQL would refuse it).
  if (!/^[0-9]{1,19}$/.test(text) || BigInt(text) > MAX_INT8 || encodeCursor(BigInt(text)) !== cursor) {
    throw new InvalidQueryError('Invalid page cursor', field)
  }
  return BigInt(text)
}

/** @throws InvalidQueryError unless the limit is an integer in 1..{@link MAX_PAGE_LIMIT}. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_LIMIT
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_PAGE_LIMIT) {
    throw new InvalidQueryError(`limit must be an integer from 1 to ${MAX_PAGE_LIMIT}`, 'limit')
  }
  return limit
}
