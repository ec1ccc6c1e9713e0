import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { type ConnectedDatabase, connectDatabase } from '../db/connect-database.ts'
import type { Database } from '../db/database.ts'
import { createDatabaseRunner } from '../db/database-runner.ts'
import { DEFAULT_POOLS } from '../default-pools.ts'
import {
  DatabaseUnavailableError,
  WriteDeadlineExceededError,
  WriteOutcomeUnknownError,
  WriteQueueFullError,
} from '../errors.ts'
import { insertSeededPools } from '../pool-rows.ts'
import { requestHash } from '../request-hash.ts'
import { type GroupCommitOptions, GroupCommitWriter } from './group-commit-writer.ts'
import { resultRows } from './sql-arrays.ts'
import type { ContributionItem } from './write-item.ts'

let database: ConnectedDatabase

beforeAll(async () => {
  database = await connectDatabase({ pgliteDataDir: 'memory://', poolSize: 1, connectTimeoutSeconds: 5 })
  await database.migrate()
}, 60_000)

beforeEach(async () => {
  await database.db.execute(
    sql`TRUNCATE ledger_lines, ledger_entries, ledger_batch_pools, past_idempotency_keys, pools RESTART IDENTITY CASCADE`,
  )
  await insertSeededPools(database.db, DEFAULT_POOLS, 'EUR', new Date())
})

afterAll(async () => {
  await database.close()
})

const item = (key: string, wagerCents = 1_000n): ContributionItem => ({
  kind: 'contribution',
  command: { idempotencyKey: key, gameId: 'slots-1', wagerCents, currency: 'EUR' },
  scope: 'game-a',
  hash: requestHash(['contribution', 'slots-1', null, wagerCents.toString(), 'EUR']),
})

function writer(
  overrides: {
    db?: Database
    run?: ReturnType<typeof createDatabaseRunner>
    monotonic?: () => number
    options?: GroupCommitOptions
  } = {},
) {
  const batches: number[] = []
  const settled: string[] = []
  const instance = new GroupCommitWriter({
    db: overrides.db ?? database.db,
    run: overrides.run ?? createDatabaseRunner(),
    now: () => new Date(),
    monotonic: overrides.monotonic,
    options: overrides.options,
    onCommitted: (batch) => batches.push(batch.outcomes.length),
    onSettled: (writes) => {
      for (const write of writes) settled.push(write.ok ? 'ok' : (write.error as { code: string }).code)
    },
  })
  return { instance, batches, settled }
}

/** What the database holds: contribution entries and the minor pool's amount. */
async function recorded() {
  const [row] = resultRows<{ entries: number; minor: string }>(
    await database.db.execute(sql`
      SELECT (SELECT count(*)::int FROM ledger_entries WHERE kind = 'contribution') AS entries,
             (SELECT amount_cents::text FROM pools WHERE slug = 'minor') AS minor`),
  )
  return { entries: row!.entries, minor: BigInt(row!.minor) }
}

/** A database whose transactions wait at `gate` before doing anything; `started` holds them. */
function gated(gate: Promise<void>, started: Promise<unknown>[] = []): Database {
  return new Proxy(database.db, {
    get(target, property, receiver) {
      if (property !== 'transaction') return Reflect.get(target, property, receiver)
      return (work: Parameters<Database['transaction']>[0]) => {
        const transaction = gate.then(() => target.transaction(work))
        started.push(transaction)
        return transaction
      }
    },
  })
}

function deferred() {
  let release!: () => void
  const promise = new Promise<void>((resolve) => {
    release = resolve
  })
  return { promise, release }
}

const connectionLost = () =>
  Object.assign(new Error('write CONNECTION_CLOSED'), { code: 'CONNECTION_CLOSED' })

describe('GroupCommitWriter', () => {
  test('sends a lone write on an idle writer as a batch of its own, and writes arriving meanwhile as the next', async () => {
    const { instance, batches } = writer()
    await instance.submit(item('lone'))
    expect(batches).toEqual([1])
    await Promise.all(['a', 'b', 'c'].map((key) => instance.submit(item(key))))
    expect(batches).toEqual([1, 3])
  })

  test('a batch that fails in its last statement has no effect at all', async () => {
    const before = await recorded()
    let statements = 0
    const failing = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver)
        return (work: Parameters<Database['transaction']>[0]) =>
          target.transaction((tx) =>
            work(
              new Proxy(tx, {
                get(inner, name, innerReceiver) {
                  if (name !== 'execute') return Reflect.get(inner, name, innerReceiver)
                  return (query: Parameters<typeof tx.execute>[0]) => {
                    // The settled-key probe, ids, entries, runs, then the pools UPDATE: fail that one.
                    if (++statements === 5) return Promise.reject(new Error('disk full'))
                    return inner.execute(query)
                  }
                },
              }),
            ),
          )
      },
    })
    const { instance, batches } = writer({ db: failing })
    const results = await Promise.allSettled(['x1', 'x2', 'x3'].map((key) => instance.submit(item(key))))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(statements).toBe(5)
    expect(batches).toEqual([])
    expect(await recorded()).toEqual(before)
  })

  test('reports a connection lost during COMMIT as an unknown outcome, and a replay tells what happened', async () => {
    const lostInCommit = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver)
        return async (work: Parameters<Database['transaction']>[0]) => {
          await target.transaction(work)
          throw connectionLost()
        }
      },
    })
    const { instance } = writer({ db: lostInCommit, run: createDatabaseRunner() })
    await expect(instance.submit(item('in-commit'))).rejects.toBeInstanceOf(WriteOutcomeUnknownError)
    // It did commit here: the replay says so, and writes nothing new.
    const replay = await writer().instance.submit(item('in-commit'))
    expect(replay.replayed).toBe(true)
    expect((await recorded()).entries).toBe(1)
  })

  test('reports a connection lost before COMMIT as unavailable, with nothing applied', async () => {
    const before = await recorded()
    const lostEarly = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property !== 'transaction') return Reflect.get(target, property, receiver)
        return () => Promise.reject(connectionLost())
      },
    })
    const { instance } = writer({ db: lostEarly })
    await expect(instance.submit(item('early'))).rejects.toBeInstanceOf(DatabaseUnavailableError)
    expect(await recorded()).toEqual(before)
    const retry = await writer().instance.submit(item('early'))
    expect(retry.replayed).toBe(false)
  })

  test('refuses a write at once when the queue is full, and takes the queued ones when the batch ends', async () => {
    const gate = deferred()
    const { instance, settled } = writer({ db: gated(gate.promise), options: { queueLimit: 2 } })
    const inFlight = instance.submit(item('q0'))
    await Bun.sleep(0) // q0's batch has started: the queue is empty again
    const queued = [instance.submit(item('q1')), instance.submit(item('q2'))]
    expect(instance.load()).toEqual({ queued: 2, inFlight: 1, limit: 2 })
    const refused = instance.submit(item('q3'))
    await expect(refused).rejects.toBeInstanceOf(WriteQueueFullError)
    await expect(refused).rejects.toMatchObject({ code: 'E_WRITE_QUEUE_FULL', retryAfterMs: 1_000 })
    expect(settled).toEqual(['E_WRITE_QUEUE_FULL'])
    gate.release()
    expect((await inFlight).replayed).toBe(false)
    for (const write of queued) expect((await write).replayed).toBe(false)
    expect((await recorded()).entries).toBe(3)
    expect(settled).toEqual(['E_WRITE_QUEUE_FULL', 'ok', 'ok', 'ok'])
  })

  test('drops a write that waited past its deadline before its transaction begins', async () => {
    let now = 0
    const gate = deferred()
    const { instance, settled } = writer({
      db: gated(gate.promise),
      monotonic: () => now,
      options: { deadlineMs: 500 },
    })
    const first = instance.submit(item('d0'))
    await Bun.sleep(0)
    const late = instance.submit(item('d1'))
    now = 501
    gate.release()
    await first
    await expect(late).rejects.toBeInstanceOf(WriteDeadlineExceededError)
    expect((await recorded()).entries).toBe(1)
    expect(settled).toEqual(['ok', 'E_WRITE_DEADLINE_EXCEEDED'])
  })

  test('abandons a batch the interceptor gave up on: it rolls back rather than commit after the refusal', async () => {
    const before = await recorded()
    const gate = deferred()
    const timedOut = Object.assign(new Error('timed out'), { code: 'E_CIRCUIT_TIMEOUT' })
    const giveUp: ReturnType<typeof createDatabaseRunner> = (_operation, call) => {
      void call().catch(() => {})
      return Promise.reject(timedOut)
    }
    const transactions: Promise<unknown>[] = []
    const { instance, batches } = writer({ db: gated(gate.promise, transactions), run: giveUp })
    await expect(instance.submit(item('abandoned'))).rejects.toBe(timedOut)
    gate.release()
    // The transaction ran its statements, then saw it was abandoned and rolled back.
    await expect(transactions[0]!).rejects.toMatchObject({ code: 'E_ABANDONED_BATCH' })
    expect(batches).toEqual([])
    expect(await recorded()).toEqual(before)
  })
})
