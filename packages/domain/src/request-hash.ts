import { createHash } from 'node:crypto'

/**
 * A stable fingerprint of an idempotent request's meaningful fields, to tell a
 * true retry (same key, same hash) from a key reused for another request.
 *
 * @example
 * requestHash(['contribution', 'game-1', null, '500', 'EUR'])
 */
export function requestHash(fields: ReadonlyArray<string | null>): string {
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex')
}
