import { InvalidQueryError } from './errors.ts'

// Four-digit years only: PostgreSQL's timestamptz reaches further, but year 0 or
// 5 digits from a client are a mistake, and outside PostgreSQL's range they are a 500.
const EARLIEST_MS = Date.parse('0001-01-01T00:00:00Z')
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * Returns `value` when it is a real instant in years 0001..9999.
 *
 * @throws InvalidQueryError naming `field` otherwise.
 * @example
 * checkTimestamp(new Date('0000-01-01T00:00:00Z'), 'since') // throws: since must be …
 */
export function checkTimestamp(value: Date, field: string): Date {
  const ms = value.getTime()
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) {
    throw new InvalidQueryError(`${field} must be a date-time from 0001-01-01 to 9999-12-31`, field)
  }
  return value
}
