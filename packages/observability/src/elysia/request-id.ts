/** Header carrying the request id in and out. */
export const REQUEST_ID_HEADER = 'x-request-id'

// Long enough for UUIDs, ULIDs and trace ids; restricted to characters that are
// safe in logs and headers, so a client cannot inject newlines or huge values.
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

/** Whether a client-supplied request id may be reused as is. */
export function isValidRequestId(value: string): boolean {
  return VALID_REQUEST_ID.test(value)
}

/**
 * A generator of ids unique across processes and restarts without a random draw per
 * id: a random 64-bit prefix drawn once, then a counter — `3f9c0a1b7e2d4c58-42`.
 * A UUID per request measured ~4 % of the Elysia plugin's CPU; these ids only need
 * to be unique, not unguessable (they are echoed to the client and logged).
 *
 * @example
 * const next = sequentialRequestIds()
 * next() // '3f9c0a1b7e2d4c58-1'
 */
export function sequentialRequestIds(): () => string {
  const prefix = `${Array.from(crypto.getRandomValues(new Uint8Array(8)), (byte) =>
    byte.toString(16).padStart(2, '0'),
  ).join('')}-`
  let counter = 0
  return () => prefix + ++counter
}
