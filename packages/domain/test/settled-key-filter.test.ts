import { afterEach, describe, expect, test } from 'bun:test'
import { sql } from 'drizzle-orm'
import { connectDatabase } from '../src/db/connect-database.ts'
import { keyDigest, keyPrefix } from '../src/idempotency-keys.ts'
import {
  type DrizzleJackpotStore,
  IdempotencyKeyExpiredError,
  openJackpot,
  verifyLedger,
} from '../src/index.ts'
import { SettledKeyFilter } from '../src/settled-key-filter.ts'
import { integerArray, resultRows } from '../src/write-batch/sql-arrays.ts'
import { manualClock } from './support/manual-clock.ts'
import {
  createTestPostgresDatabase,
  runPostgresSuite,
  type TestPostgresDatabase,
} from './support/postgres-test-database.ts'

const DAY = 86_400_000
const START = new Date('2025-09-01T12:00:00.000Z')

// Under CI=true a missing PostgreSQL fails this suite (createTestPostgresDatabase throws); elsewhere it is reported.
const runs = await runPostgresSuite('packages/domain settled-key filter')

describe.skipIf(!runs)('a replica whose settled-key filter is older than the table', () => {
  let database: TestPostgresDatabase | undefined
  let replicas: DrizzleJackpotStore[] = []

  afterEach(async () => {
    await Promise.all(replicas.map((replica) => replica.close()))
    replicas = []
    await database?.drop()
  })

  test("still finds the keys another replica's upkeep settled since it loaded: a replay replays, an expired key is refused, nothing is applied twice", async () => {
    database = await createTestPostgresDatabase()
    const clock = manualClock(START)
    const open = () =>
      openJackpot({
        databaseUrl: database!.url,
        poolSize: 4,
        clock: { now: () => clock.now().getTime() },
      }) as Promise<DrizzleJackpotStore>
    replicas = await Promise.all([open(), open()])
    const [a, b] = replicas as [DrizzleJackpotStore, DrizzleJackpotStore]
    const wager = (key: string) =>
      a.contribute({
        idempotencyKey: key,
        gameId: 'g',
        wagerCents: 500n,
        currency: 'EUR',
        caller: 'api-key-1',
      })

    await wager('round-old')
    clock.advance(3 * DAY)
    const young = await wager('round-young')
    clock.advance(5 * DAY + 60_000)
    // A's filter is loaded now, with nothing settled yet.
    await a.settledKeyFilter.load()
    expect(a.settledKeyFilter.stats().keys).toBe(0)
    // B's upkeep settles both keys' days (and retires the old one's index). A is not told: its
    // lookups now read only today's index and past_idempotency_keys, whose generation moved.
    expect(await b.maintainHistory()).toMatchObject({ settledKeys: 2 })
    const before = a.settledKeyFilter.stats()
    const pools = await a.listPools()

    expect(await wager('round-young')).toEqual({ replayed: true, result: young.result })
    // That batch found the filter behind the table and asked the table for every key.
    expect(a.settledKeyFilter.stats().probedAll - before.probedAll).toBe(1)
    await expect(wager('round-old')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
    expect(await a.listPools()).toEqual(pools)
    const stale = a.settledKeyFilter.stats()

    // Reloaded (a stale batch starts it in the background; here it is awaited), the filter is
    // trusted again and gives the same answers.
    await a.settledKeyFilter.load()
    expect(await wager('round-young')).toEqual({ replayed: true, result: young.result })
    await expect(wager('round-old')).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
    expect(a.settledKeyFilter.stats().filtered - stale.filtered).toBe(2)
    expect(await a.listPools()).toEqual(pools)
    const ledger = await verifyLedger(a)
    expect(ledger).toMatchObject({ ok: true })
  })
})

describe.skipIf(!runs)('loading the settled-key filter', () => {
  test('holds every prefix of the table, over many pages and at the edges of the 64-bit range', async () => {
    const database = await createTestPostgresDatabase()
    const connected = await connectDatabase({
      databaseUrl: database.url,
      pgliteDataDir: 'memory://',
      poolSize: 2,
      connectTimeoutSeconds: 5,
    })
    try {
      await connected.migrate()
      const edges = [
        -(2n ** 63n),
        -(2n ** 32n),
        -(2n ** 31n) - 1n,
        -1n,
        0n,
        2n ** 31n,
        2n ** 32n,
        2n ** 63n - 1n,
      ]
      // More than two pages of 8 192, so the keyset paging is crossed with negative and positive prefixes.
      const prefixes = [
        ...edges,
        ...Array.from({ length: 20_000 }, (_, i) => keyPrefix(keyDigest('k', `r-${i}`))),
      ]
      await connected.db.execute(
        sql`INSERT INTO past_idempotency_keys (key_prefix) SELECT unnest(${integerArray(prefixes)}::bigint[])`,
      )
      const filter = new SettledKeyFilter({ db: connected.db })
      await filter.load()
      expect(filter.stats().keys).toBe(prefixes.length)
      expect(prefixes.filter((prefix) => !filter.current()!.bloom.mightHold(prefix))).toEqual([])
      // Labelled with the generation that INSERT moved it to (migration 0008's trigger).
      const [row] = resultRows<{ generation: string }>(
        await connected.db.execute(sql`SELECT generation::text AS generation FROM idempotency_key_window`),
      )
      expect(filter.current()!.generation).toBe(row!.generation)
      expect(Number(row!.generation)).toBe(1)
    } finally {
      await connected.close()
      await database.drop()
    }
  })
})
