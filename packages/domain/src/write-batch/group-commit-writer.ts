import type { LoggerPort } from '@jackpot/observability'
import { type Link, ROOT_CONTEXT, type SpanContext, type Tracer, trace } from '@opentelemetry/api'
import type { Database } from '../db/database.ts'
import { isConnectionFailure, sqlState } from '../db/database-errors.ts'
import type { DatabaseRunner } from '../db/database-runner.ts'
import { ensureDayPartitions, isMissingPartition, utcDay } from '../db/ledger-partitions.ts'
import {
  DomainError,
  WriteDeadlineExceededError,
  WriteOutcomeUnknownError,
  WriteQueueFullError,
} from '../errors.ts'
import { DEFAULT_IDEMPOTENCY_RETENTION_DAYS } from '../idempotency-keys.ts'
import type { SettledWrite } from '../jackpot-store.ts'
import type { SettledKeyFilter } from '../settled-key-filter.ts'
import { applyWriteBatch, ConcurrentClaimError } from './apply-write-batch.ts'
import type { AppliedBatch, ItemOutcome, WriteItem, WriteValue } from './write-item.ts'

/** Tuning of the {@link GroupCommitWriter}; every field has a default. */
export interface GroupCommitOptions {
  /** Most items one transaction carries. Defaults to 500. */
  maxBatchSize?: number | undefined
  /**
   * Most writes waiting for a batch (the one in flight not counted). A write
   * arriving when it is full is refused at once with `WriteQueueFullError`.
   * Defaults to 1 000.
   */
  queueLimit?: number | undefined
  /**
   * How long a write may wait in the queue. Past it, the write is dropped
   * before its transaction begins (`WriteDeadlineExceededError`): a caller
   * that has likely given up is not charged a write it cannot see. Defaults to 3 000 ms.
   */
  deadlineMs?: number | undefined
  /** What a refused write is told to wait, in ms. Defaults to 1 000. */
  retryAfterMs?: number | undefined
}

export const GROUP_COMMIT_DEFAULTS = {
  maxBatchSize: 500,
  queueLimit: 1_000,
  deadlineMs: 3_000,
  retryAfterMs: 1_000,
} as const

/** How full the writer is, for readiness and metrics. */
export interface WriteLoad {
  /** Writes waiting for a batch. */
  queued: number
  /** Writes in the transaction now in flight. */
  inFlight: number
  /** `queued` at which new writes are refused. */
  limit: number
}

interface Pending {
  item: WriteItem
  enqueuedAt: number
  resolve: (value: never) => void
  reject: (error: unknown) => void
  /** The caller's span (its request's server span) when tracing is on: the batch span links to it. */
  caller: SpanContext | undefined
}

/** Where a batch's transaction stands, shared between the writer and the transaction. */
interface BatchPhase {
  /** The transaction's work is done and COMMIT is (about to be) sent. */
  committing: boolean
  /** The callers were answered already: the transaction must roll back, not commit. */
  abandoned: boolean
  /** The transaction promise has settled. */
  settled: boolean
}

/** Thrown inside an abandoned batch's transaction so that it rolls back. */
class AbandonedBatchError extends Error {
  readonly code = 'E_ABANDONED_BATCH'
}

/** Attempts of one batch when it meets a deadlock or a concurrently claimed key. */
const ATTEMPTS = 3
// Deadlock, serialization failure: the transaction was rolled back and may simply run again.
const RETRYABLE_SQLSTATES = new Set(['40P01', '40001'])

/**
 * Group commit: one writer per store. Writes that arrive while a batch is in
 * its transaction wait together and go in the next batch, so a rush costs one
 * transaction (one round of pool locks) per batch instead of per write. There
 * is no timer: a write on an idle writer starts its batch in the same tick
 * (after the current microtasks, so writes parsed together travel together).
 *
 * **What a caller is told.** Each write resolves with its own receipt or
 * replay, or rejects with its own rule error (409, unknown pool). When a batch
 * fails as a whole it had no effect, and every write in it rejects with the
 * reason (e.g. `DatabaseUnavailableError`, or the breaker's refusal). The one
 * exception is a connection lost while COMMIT was in flight: the writes that
 * would have been applied reject with `WriteOutcomeUnknownError`, and a replay
 * with the same key resolves it. A write is never refused and then committed.
 *
 * @example
 * const writer = new GroupCommitWriter({ db, run, now: () => new Date(), onCommitted })
 * const { result } = await writer.submit({ kind: 'contribution', command, scope: 'key-1', hash })
 */
export class GroupCommitWriter {
  readonly #db: Database
  readonly #run: DatabaseRunner
  readonly #now: () => Date
  readonly #monotonic: () => number
  readonly #onCommitted: (batch: AppliedBatch, items: readonly WriteItem[]) => void
  readonly #onSettled: ((writes: readonly SettledWrite[]) => void) | undefined
  readonly #logger: LoggerPort | undefined
  readonly #tracer: Tracer | undefined
  readonly #settings: Required<{ [K in keyof GroupCommitOptions]: number }>
  readonly #retentionDays: number
  readonly #settledKeys: SettledKeyFilter | undefined
  #waiting: Pending[] = []
  #inFlight = 0
  #draining = false

  constructor(deps: {
    db: Database
    run: DatabaseRunner
    now: () => Date
    /** Called after each commit, before any of its writes resolves (read-your-writes). */
    onCommitted: (batch: AppliedBatch, items: readonly WriteItem[]) => void
    /** Told every write's outcome before it is answered: once per batch, once per refused write. */
    onSettled?: ((writes: readonly SettledWrite[]) => void) | undefined
    logger?: LoggerPort | undefined
    /** Makes each batch a span linked to its writers' spans. Defaults to none: no tracing work. */
    tracer?: Tracer | undefined
    /** Milliseconds for deadlines. Defaults to `performance.now`. */
    monotonic?: (() => number) | undefined
    options?: GroupCommitOptions | undefined
    /** Days an idempotency key answers a replay. Defaults to 7. */
    idempotencyRetentionDays?: number | undefined
    /** The settled keys in memory, so batches skip most probes of `past_idempotency_keys`. Defaults to none. */
    settledKeys?: SettledKeyFilter | undefined
  }) {
    this.#settledKeys = deps.settledKeys
    this.#retentionDays = deps.idempotencyRetentionDays ?? DEFAULT_IDEMPOTENCY_RETENTION_DAYS
    this.#db = deps.db
    this.#run = deps.run
    this.#now = deps.now
    this.#monotonic = deps.monotonic ?? (() => performance.now())
    this.#onCommitted = deps.onCommitted
    this.#onSettled = deps.onSettled
    this.#logger = deps.logger
    this.#tracer = deps.tracer
    this.#settings = resolveGroupCommitOptions(deps.options)
  }

  /**
   * Queues a write for the next batch.
   *
   * @throws WriteQueueFullError at once when `queueLimit` writes are waiting.
   */
  submit<I extends WriteItem>(item: I): Promise<WriteValue<I>> {
    if (this.#waiting.length >= this.#settings.queueLimit) {
      const error = new WriteQueueFullError(this.#settings.queueLimit, this.#settings.retryAfterMs)
      this.#settle([{ kind: item.kind, ok: false, error }])
      return Promise.reject(error)
    }
    return new Promise<WriteValue<I>>((resolve, reject) => {
      this.#waiting.push({
        item,
        enqueuedAt: this.#monotonic(),
        resolve: resolve as (value: never) => void,
        reject,
        caller: this.#tracer === undefined ? undefined : trace.getActiveSpan()?.spanContext(),
      })
      if (!this.#draining) {
        this.#draining = true
        queueMicrotask(() => void this.#drain())
      }
    })
  }

  load(): WriteLoad {
    return { queued: this.#waiting.length, inFlight: this.#inFlight, limit: this.#settings.queueLimit }
  }

  async #drain(): Promise<void> {
    try {
      while (this.#waiting.length > 0) {
        const taken = this.#waiting.splice(0, this.#settings.maxBatchSize)
        const batch = this.#dropExpired(taken)
        if (batch.length === 0) continue
        this.#inFlight = batch.length
        try {
          await this.#commit(batch)
        } finally {
          this.#inFlight = 0
        }
      }
    } finally {
      this.#draining = false
    }
  }

  /** Deadlines are checked here, before the transaction: an expired write is provably not applied. */
  #dropExpired(taken: Pending[]): Pending[] {
    const now = this.#monotonic()
    const live: Pending[] = []
    const expired: { pending: Pending; error: WriteDeadlineExceededError }[] = []
    for (const pending of taken) {
      const waited = now - pending.enqueuedAt
      if (waited > this.#settings.deadlineMs) {
        expired.push({
          pending,
          error: new WriteDeadlineExceededError(Math.round(waited), this.#settings.retryAfterMs),
        })
      } else {
        live.push(pending)
      }
    }
    if (expired.length > 0) {
      this.#settle(expired.map(({ pending, error }) => ({ kind: pending.item.kind, ok: false, error })))
      for (const { pending, error } of expired) pending.reject(error)
    }
    return live
  }

  /**
   * With a tracer, one span per batch, the root of a trace of its own (it serves many
   * requests, so it is no request's child) with a link to the span of every request
   * it carried; its database call (the interceptor's span) nests under it.
   */
  #commit(batch: Pending[]): Promise<void> {
    const tracer = this.#tracer
    if (tracer === undefined) return this.#commitBatch(batch)
    const links: Link[] = []
    for (const { caller } of batch) if (caller !== undefined) links.push({ context: caller })
    return tracer.startActiveSpan(
      'write batch',
      { root: true, links, attributes: { 'db.operation.batch.size': batch.length } },
      ROOT_CONTEXT,
      (span) => this.#commitBatch(batch).finally(() => span.end()),
    )
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    const items = batch.map((pending) => pending.item)
    const phase: BatchPhase = { committing: false, abandoned: false, settled: false }
    let transaction: Promise<AppliedBatch> | undefined
    let applied!: AppliedBatch
    try {
      applied = await this.#run(operationOf(items), () => {
        transaction = this.#transaction(items, phase)
        transaction.then(
          () => {
            phase.settled = true
          },
          () => {
            phase.settled = true
          },
        )
        return transaction
      })
    } catch (error) {
      if (transaction !== undefined && !phase.settled) {
        // The interceptor gave up on a transaction still running (a breaker timeout on a
        // hung database). Before COMMIT it is abandoned: it checks the flag before
        // committing and rolls back, so the interceptor's 503 is true. Once COMMIT is in
        // flight nobody can know: the writes are told so, and a replay will tell.
        phase.abandoned = true
        this.#fail(batch, phase.committing ? new WriteOutcomeUnknownError({ cause: error }) : error, false)
        return
      }
      this.#fail(batch, error, phase.committing)
      return
    }
    try {
      this.#onCommitted(applied, items)
    } catch (error) {
      // A broken listener must not turn committed writes into failed requests.
      this.#logger?.warn({ err: error }, 'write batch listener threw')
    }
    this.#settle(
      applied.outcomes.map((outcome, index): SettledWrite => {
        const kind = items[index]!.kind
        return outcome.ok
          ? { kind, ok: true, createdAt: outcome.value.result.createdAt }
          : { kind, ok: false, error: outcome.error }
      }),
    )
    applied.outcomes.forEach((outcome: ItemOutcome, index) => {
      const pending = batch[index]!
      if (outcome.ok) pending.resolve(outcome.value as never)
      else pending.reject(outcome.error)
    })
  }

  /**
   * One batch in one transaction, run again on a deadlock or a concurrently
   * claimed key, or after making the partition of a UTC day that had none (the
   * hourly `ensurePartitionsAhead` should have made it; if not, the write waits
   * one retry, it does not fail).
   */
  async #transaction(items: readonly WriteItem[], phase: BatchPhase): Promise<AppliedBatch> {
    for (let attempt = 1; ; attempt++) {
      phase.committing = false
      const now = this.#now()
      try {
        return await this.#db.transaction(async (tx) => {
          const result = await applyWriteBatch(tx, items, now, this.#retentionDays, this.#settledKeys)
          // Its callers were already told it failed: roll back instead of committing.
          if (phase.abandoned) throw new AbandonedBatchError()
          // From here on the driver sends COMMIT: a lost connection now leaves the outcome unknown.
          phase.committing = true
          return result
        })
      } catch (error) {
        if (attempt < ATTEMPTS && !phase.committing && !phase.abandoned && isMissingPartition(error)) {
          this.#logger?.warn({ day: utcDay(now) }, 'a write met a day without a ledger partition: making it')
          await ensureDayPartitions(this.#db, [utcDay(now)])
          continue
        }
        if (attempt < ATTEMPTS && !phase.committing && !phase.abandoned && retryable(error)) {
          this.#logger?.warn({ err: error, attempt, items: items.length }, 'write batch retried')
          continue
        }
        throw error
      }
    }
  }

  /** The batch had no effect (or, after a connection lost in COMMIT, an unknown one): tell every write. */
  #fail(batch: Pending[], error: unknown, committing: boolean): void {
    const answer =
      error instanceof WriteOutcomeUnknownError || !(committing && isConnectionFailure(error))
        ? error
        : new WriteOutcomeUnknownError({ cause: error })
    if (answer instanceof WriteOutcomeUnknownError) {
      this.#logger?.warn(
        { err: error, items: batch.length },
        'connection lost while a write batch was committing: outcome unknown, replays will tell',
      )
    }
    this.#settle(batch.map(({ item }) => ({ kind: item.kind, ok: false, error: answer })))
    for (const pending of batch) pending.reject(answer)
  }

  #settle(writes: readonly SettledWrite[]): void {
    if (this.#onSettled === undefined) return
    try {
      this.#onSettled(writes)
    } catch (error) {
      // A broken listener must not change what the writes are told.
      this.#logger?.warn({ err: error }, 'write outcome listener threw')
    }
  }
}

/** The interceptor's operation name: what the batch carried. */
function operationOf(items: readonly WriteItem[]): 'contribution.write' | 'win.write' | 'write.batch' {
  const first = items[0]!.kind
  if (items.every((item) => item.kind === first)) return first === 'win' ? 'win.write' : 'contribution.write'
  return 'write.batch'
}

function retryable(error: unknown): boolean {
  if (error instanceof ConcurrentClaimError) return true
  if (error instanceof DomainError) return false
  const state = sqlState(error)
  return state !== undefined && RETRYABLE_SQLSTATES.has(state)
}

function resolveGroupCommitOptions(options: GroupCommitOptions = {}) {
  const settings = {
    maxBatchSize: options.maxBatchSize ?? GROUP_COMMIT_DEFAULTS.maxBatchSize,
    queueLimit: options.queueLimit ?? GROUP_COMMIT_DEFAULTS.queueLimit,
    deadlineMs: options.deadlineMs ?? GROUP_COMMIT_DEFAULTS.deadlineMs,
    retryAfterMs: options.retryAfterMs ?? GROUP_COMMIT_DEFAULTS.retryAfterMs,
  }
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isInteger(value) || value < 1) {
      throw new RangeError(`writes.${name} must be a positive integer, got ${value}`)
    }
  }
  return settings
}
