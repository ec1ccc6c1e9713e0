/** Header carrying the request id in and out. */
export const REQUEST_ID_HEADER = 'x-request-id'

// Long enough for UUIDs, ULIDs and trace ids; restricted to characters that are
// safe in logs and headers, so a client cannot inject newlines or huge values.
const VALID_REQUEST_ID = /^[A-Za-z0-9._-]{1,128}$/

/** Whether a client-supplied request id may be reused as is. */
export function isValidRequestId(value: string): boolean {
  return VALID_REQUEST_ID.test(value)
}
