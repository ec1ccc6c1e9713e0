import { DrizzleQueryError } from 'drizzle-orm'
import { DatabaseUnavailableError } from '../errors.ts'

// postgres.js connection codes plus the Node socket errors it surfaces as-is.
const CONNECTION_CODES = new Set([
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
])

// SQLSTATEs that mean "the server cannot serve you right now", not "your query is wrong".
// 57014 (statement_timeout or a cancel) and 55P03 (lock_timeout) end the statement and roll its
// transaction back, so the write provably did not happen and a retry is safe.
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400', '57014', '55P03'])

const CONNECTION_MESSAGE = /connection terminated|connection (?:is )?closed|timed? ?out|PGlite is closed/i

/**
 * Whether an error (or anything in its `cause` chain: drizzle wraps driver
 * errors in `DrizzleQueryError`) says the database could not be reached.
 *
 * @example
 * isConnectionFailure(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 */
export function isConnectionFailure(error: unknown): boolean {
  for (const link of causeChain(error)) {
    const code = typeof link === 'object' && link !== null && 'code' in link ? String(link.code) : ''
    if (CONNECTION_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) return true
    if (link instanceof Error && CONNECTION_MESSAGE.test(link.message)) return true
  }
  return false
}

/**
 * Maps a connection failure to {@link DatabaseUnavailableError} (keeping the
 * original as `cause`); anything else is returned unchanged.
 *
 * @example
 * throw toDatabaseError(error)
 */
export function toDatabaseError(error: unknown): unknown {
  if (error instanceof DatabaseUnavailableError || !isConnectionFailure(error)) return error
  const root = [...causeChain(error)].at(-1)
  const detail = root instanceof Error ? root.message : String(root)
  return new DatabaseUnavailableError(`The database is unavailable: ${detail}`, { cause: error })
}

/** The SQLSTATE of a PostgreSQL error anywhere in the cause chain, if any. */
export function sqlState(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    if (typeof link === 'object' && link !== null && 'code' in link && typeof link.code === 'string') {
      if (/^[0-9A-Z]{5}$/.test(link.code)) return link.code
    }
  }
  return undefined
}

/**
 * The constraint (or unique index) a PostgreSQL error names, anywhere in the
 * cause chain: postgres.js calls the field `constraint_name`, PGlite `constraint`.
 */
export function constraintName(error: unknown): string | undefined {
  for (const link of causeChain(error)) {
    if (typeof link !== 'object' || link === null) continue
    const name =
      ('constraint_name' in link && link.constraint_name) || ('constraint' in link && link.constraint)
    if (typeof name === 'string') return name
  }
  return undefined
}

function* causeChain(error: unknown): Generator<unknown> {
  const seen = new Set<unknown>()
  let current: unknown = error
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current)
    yield current
    current = current instanceof Error ? current.cause : undefined
  }
}

/**
 * A failed statement without its parameters: drizzle's `DrizzleQueryError` carries
 * them in its message and a `params` field (player ids are personal data), and
 * every 5xx log line would print them. The statement text stays, to tell which query.
 */
export class RedactedQueryError extends Error {
  constructor(
    readonly query: string,
    readonly parameterCount: number,
    options?: ErrorOptions,
  ) {
    super(`Failed query: ${query}\nparams: [${parameterCount} redacted]`, options)
    this.name = 'RedactedQueryError'
  }
}

/**
 * Replaces a `DrizzleQueryError` by a {@link RedactedQueryError} that keeps the
 * statement, the stack and the driver's error (its code drives the mapping to 503)
 * but not the parameter values. Anything else is returned unchanged.
 *
 * @example
 * throw toDatabaseError(redactQueryParameters(error))
 */
export function redactQueryParameters(error: unknown): unknown {
  if (!(error instanceof DrizzleQueryError)) return error
  const redacted = new RedactedQueryError(error.query, error.params.length, { cause: error.cause })
  // Keep where it failed, but only the frames: the original stack starts with the message (and its params).
  const frames = (error.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line))
  redacted.stack = [`${redacted.name}: ${redacted.message}`, ...frames].join('\n')
  return redacted
}
