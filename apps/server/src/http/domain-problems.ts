import type { DomainError, DomainErrorCode, DomainErrorsByCode } from '@jackpot/domain'
import { type Problem, type ProblemKind, problem } from './problem.ts'

/** What a domain error answers: a problem and the headers that go with it. */
export interface MappedProblem {
  body: Problem
  headers: Record<string, string>
}

/**
 * A domain error's answer. `kind` can never be `internal`: a domain error is an
 * outcome the domain names, not a bug, so it is never a 500.
 */
interface DomainAnswer {
  kind: Exclude<ProblemKind, 'internal'>
  /** `detail` and extension members; `detail` defaults to the error's message. */
  fields?: Omit<Partial<Problem>, 'type' | 'title' | 'status'>
  /** `'configured'`: the handler's Retry-After for a 503 when nothing better is known. */
  retryAfter?: 'configured' | number
}

/** Seconds for Retry-After from a wait in milliseconds: never 0, which would invite an instant retry. */
export function retryAfterSeconds(waitMs: number): number {
  return Math.max(1, Math.ceil(waitMs / 1000))
}

/** The detail of every "database unavailable" 503; the cause may name hosts or credentials, so it stays in the log. */
export const DATABASE_UNAVAILABLE = 'The database is unavailable; retry shortly.'

/**
 * Every domain error code and its problem. `satisfies` makes the table exhaustive:
 * a code added to `DomainErrorCode` without an entry here is a type error, so it
 * cannot fall through to a 500.
 */
export const DOMAIN_PROBLEMS = {
  E_POOL_NOT_FOUND: (error) => ({ kind: 'pool-not-found', fields: { pool: error.slug } }),
  E_API_KEY_NOT_FOUND: () => ({ kind: 'api-key-not-found' }),
  E_CURRENCY_MISMATCH: (error) => ({
    kind: 'currency-mismatch',
    fields: { expectedCurrency: error.expected },
  }),
  E_IDEMPOTENCY_CONFLICT: () => ({ kind: 'idempotency-conflict' }),
  E_IDEMPOTENCY_KEY_EXPIRED: (error) => ({
    kind: 'idempotency-key-expired',
    fields: { retentionDays: error.retentionDays },
  }),
  E_VERSION_CONFLICT: (error) => ({
    kind: 'version-conflict',
    fields: { currentVersion: error.currentVersion },
  }),
  // A bad read parameter (forged cursor, date out of range): the request itself is wrong, so 400.
  E_INVALID_QUERY: (error) => ({
    kind: 'validation',
    fields: {
      detail: `Invalid query: ${error.field} (${error.message})`,
      errors: [{ field: error.field, message: error.message }],
    },
  }),
  E_INVALID_COMMAND: (error) => ({
    kind: 'invalid-command',
    fields: error.field ? { errors: [{ field: error.field, message: error.message }] } : {},
  }),
  E_DATABASE_UNAVAILABLE: () => ({
    kind: 'service-unavailable',
    fields: { detail: DATABASE_UNAVAILABLE },
    retryAfter: 'configured',
  }),
  // Raised at start-up, when another process holds the embedded database; should one reach a
  // request, the database is as unavailable to it as when PostgreSQL is down.
  E_DATABASE_LOCKED: () => ({
    kind: 'service-unavailable',
    fields: { detail: DATABASE_UNAVAILABLE },
    retryAfter: 'configured',
  }),
  E_WRITE_QUEUE_FULL: (error) => ({ kind: 'overloaded', retryAfter: retryAfterSeconds(error.retryAfterMs) }),
  E_WRITE_DEADLINE_EXCEEDED: (error) => ({
    kind: 'overloaded',
    retryAfter: retryAfterSeconds(error.retryAfterMs),
  }),
  E_WRITE_OUTCOME_UNKNOWN: () => ({ kind: 'outcome-unknown', retryAfter: 1 }),
  // Not an empty page: the rows exist, in archive files the problem names.
  E_LEDGER_ARCHIVED: (error) => ({
    kind: 'ledger-archived',
    fields: { archives: error.archives.map((archive) => ({ ...archive })) },
  }),
} satisfies { [C in DomainErrorCode]: (error: DomainErrorsByCode[C]) => DomainAnswer }

/**
 * The problem a domain error answers with, from {@link DOMAIN_PROBLEMS}.
 *
 * @example
 * domainProblem(new PoolNotFoundError('giga'), '5') // → 404 pool-not-found, pool: 'giga'
 */
export function domainProblem(error: DomainError, configuredRetryAfter: string): MappedProblem {
  // Sound: an error's class fixes its code, and the table pairs each code with that class.
  const answer = (DOMAIN_PROBLEMS[error.code] as (error: DomainError) => DomainAnswer)(error)
  const body = problem(answer.kind, { detail: error.message, ...answer.fields })
  const retryAfter = answer.retryAfter === 'configured' ? configuredRetryAfter : answer.retryAfter
  return { body, headers: retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) } }
}
