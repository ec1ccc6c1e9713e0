/**
 * Every domain error class by its stable code. A new error class must be listed here
 * (its `code` would not type-check otherwise), and the server's problem table is
 * `satisfies Record<DomainErrorCode, …>`: a new code is a compile error there until
 * it is given a status, never a silent 500.
 */
export interface DomainErrorsByCode {
  E_POOL_NOT_FOUND: PoolNotFoundError
  E_CURRENCY_MISMATCH: CurrencyMismatchError
  E_IDEMPOTENCY_CONFLICT: IdempotencyConflictError
  E_IDEMPOTENCY_KEY_EXPIRED: IdempotencyKeyExpiredError
  E_VERSION_CONFLICT: VersionConflictError
  E_INVALID_COMMAND: InvalidCommandError
  E_INVALID_QUERY: InvalidQueryError
  E_API_KEY_NOT_FOUND: ApiKeyNotFoundError
  E_DATABASE_UNAVAILABLE: DatabaseUnavailableError
  E_DATABASE_LOCKED: DatabaseLockedError
  E_WRITE_QUEUE_FULL: WriteQueueFullError
  E_WRITE_DEADLINE_EXCEEDED: WriteDeadlineExceededError
  E_WRITE_OUTCOME_UNKNOWN: WriteOutcomeUnknownError
  E_LEDGER_ARCHIVED: LedgerArchivedError
}

/** The stable code of a domain error: what clients and the server switch on, never the message. */
export type DomainErrorCode = keyof DomainErrorsByCode

/**
 * Domain errors: a stable `code`, no HTTP. The server maps codes to statuses.
 */
export abstract class DomainError extends Error {
  abstract readonly code: DomainErrorCode
  constructor(message: string, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
  }
}

export class PoolNotFoundError extends DomainError {
  readonly code = 'E_POOL_NOT_FOUND'
  constructor(readonly slug: string) {
    super(`Pool '${slug}' does not exist`)
  }
}

export class CurrencyMismatchError extends DomainError {
  readonly code = 'E_CURRENCY_MISMATCH'
  constructor(
    readonly received: string,
    readonly expected: string,
  ) {
    super(`Currency ${received} is not accepted; pools are in ${expected}`)
  }
}

/** Same idempotency key, different request. */
export class IdempotencyConflictError extends DomainError {
  readonly code = 'E_IDEMPOTENCY_CONFLICT'
  constructor(readonly key: string) {
    super(`Idempotency key '${key}' was already used with a different request`)
  }
}

/**
 * The key was used longer ago than the idempotency retention
 * (`IDEMPOTENCY_RETENTION_DAYS`): its first result is no longer kept, and the
 * request is refused rather than applied a second time as a new one.
 */
export class IdempotencyKeyExpiredError extends DomainError {
  readonly code = 'E_IDEMPOTENCY_KEY_EXPIRED'
  constructor(
    readonly key: string,
    readonly retentionDays: number,
  ) {
    super(
      `Idempotency key '${key}' was first used more than ${retentionDays} days ago: its result is no longer kept, ` +
        'and it cannot be used again; send the request with a new key if it is a new one',
    )
  }
}

/** `expectedVersion` no longer matches: someone changed the pool first. */
export class VersionConflictError extends DomainError {
  readonly code = 'E_VERSION_CONFLICT'
  constructor(
    readonly slug: string,
    readonly expectedVersion: number,
    readonly currentVersion: number,
  ) {
    super(`Pool '${slug}' is at version ${currentVersion}, not ${expectedVersion}`)
  }
}

/** A command that is well-formed but breaks a domain rule (e.g. seed above ceiling). */
export class InvalidCommandError extends DomainError {
  readonly code = 'E_INVALID_COMMAND'
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message)
  }
}

/**
 * A read's parameter is out of range or not one the API handed out (a forged page
 * cursor, a date outside years 0001..9999, a bad limit): a bad request, not a broken rule.
 */
export class InvalidQueryError extends DomainError {
  readonly code = 'E_INVALID_QUERY'
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
  }
}

export class ApiKeyNotFoundError extends DomainError {
  readonly code = 'E_API_KEY_NOT_FOUND'
  constructor(readonly id: string) {
    super(`API key '${id}' does not exist`)
  }
}

/** The database could not be reached or answered with a fault; the request may be retried. */
export class DatabaseUnavailableError extends DomainError {
  readonly code = 'E_DATABASE_UNAVAILABLE'
}

/**
 * An embedded (PGlite) data directory is already open in another live process.
 * PGlite has no lock of its own and two writers would corrupt the directory.
 */
export class DatabaseLockedError extends DomainError {
  readonly code = 'E_DATABASE_LOCKED'
  constructor(
    readonly dataDir: string,
    readonly pid: number,
    /** Set when the holder runs on another host (a container sharing the volume). */
    readonly host?: string,
  ) {
    super(
      `The embedded database in '${dataDir}' is already open in process ${pid}` +
        `${host === undefined ? '' : ` on host '${host}' (remove its lock file only if that host is gone)`}; ` +
        'two processes writing one PGlite directory would corrupt it. Stop that process, ' +
        'or point this one at another directory (or at PostgreSQL with DATABASE_URL).',
    )
  }
}

/**
 * The process's write queue is full: the write was refused before it reached
 * the database, so it was not applied. Retry after `retryAfterMs`.
 */
export class WriteQueueFullError extends DomainError {
  readonly code = 'E_WRITE_QUEUE_FULL'
  constructor(
    readonly limit: number,
    readonly retryAfterMs: number,
  ) {
    super(`The write queue is full (${limit} writes waiting); the write was not applied, retry shortly`)
  }
}

/**
 * The write waited in the queue past its deadline and was dropped before its
 * transaction began: it was not applied. Retry with the same idempotency key.
 */
export class WriteDeadlineExceededError extends DomainError {
  readonly code = 'E_WRITE_DEADLINE_EXCEEDED'
  constructor(
    readonly waitedMs: number,
    readonly retryAfterMs: number,
  ) {
    super(`The write waited ${waitedMs} ms for the database and was not applied; retry shortly`)
  }
}

/**
 * The connection was lost after the write's transaction was asked to commit,
 * so whether it committed is unknown. Replaying the request with the same
 * idempotency key tells: it answers the first result if it committed, and
 * applies it now if it did not.
 */
export class WriteOutcomeUnknownError extends DomainError {
  readonly code = 'E_WRITE_OUTCOME_UNKNOWN'
  constructor(options?: ErrorOptions) {
    super(
      'The database connection was lost while the write was committing; whether it was applied is unknown. ' +
        'Replay the request with the same Idempotency-Key to find out.',
      options,
    )
  }
}

/** Where archived ledger days went: one `cli archive` run. */
export interface LedgerArchiveRef {
  /** The manifest's name, e.g. `ledger-2026-12-01--2026-12-02`. */
  name: string
  /** First and last archived UTC day, `YYYY-MM-DD`, inclusive. */
  firstDay: string
  lastDay: string
  /** The directory the archive was written to. */
  location: string
  /** The sha256 of the archive's manifest (`<name>.manifest.json`), as the database recorded it. */
  manifestSha256: string
}

/**
 * The asked range of the ledger lies in days that were archived out of the
 * database (`cli archive`): the data is in the named archive files, not gone,
 * and an empty answer would say otherwise.
 */
export class LedgerArchivedError extends DomainError {
  readonly code = 'E_LEDGER_ARCHIVED'
  constructor(readonly archives: readonly LedgerArchiveRef[]) {
    super(
      `Ledger days ${archives.map((a) => (a.firstDay === a.lastDay ? a.firstDay : `${a.firstDay}..${a.lastDay}`)).join(', ')} ` +
        `were archived out of the database (${archives.map((a) => `${a.name} in ${a.location}`).join('; ')})`,
    )
  }
}
