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
 * The request id for an incoming request: the client's (e.g. the edge proxy's)
 * when it is valid, otherwise a freshly generated one.
 *
 * @example
 * resolveRequestId(request.headers.get('x-request-id'), () => crypto.randomUUID())
 */
export function resolveRequestId(incoming: string | null, generate: () => string): string {
  return incoming !== null && isValidRequestId(incoming) ? incoming : generate()
}
