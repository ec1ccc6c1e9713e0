import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import { seededRandom } from '@jackpot/test-kit'
import { type JackpotStore, openJackpot } from '../src/index.ts'
import { conservationGap, figuresOf, readWholeLedger, replayLedger } from './support/ledger-replay.ts'
import {
  createTestPostgresDatabase,
  runPostgresSuite,
  type TestPostgresDatabase,
} from './support/postgres-test-database.ts'

const WRITERS_PER_REPLICA = 40
const WRITES_PER_WRITER = 15

// Under CI=true a missing PostgreSQL fails this suite (createTestPostgresDatabase throws); elsewhere it is reported.
const runs = await runPostgresSuite('packages/domain two-replica')

describe.skipIf(!runs)('two replicas on one PostgreSQL', () => {
  let database: TestPostgresDatabase
  let replicas: JackpotStore[] = []

  beforeAll(async () => {
    database = await createTestPostgresDatabase()
    // Opened together, as replicas starting side by side: migrations take turns under the lock.
    replicas = await Promise.all([1, 2].map(() => openJackpot({ databaseUrl: database.url, poolSize: 4 })))
  }, 60_000)

  afterAll(async () => {
    await Promise.all(replicas.map((replica) => replica.close()))
    await database?.drop()
  })

  test('batches from both replicas interleave without deadlock, and every identity holds', async () => {
    const random = seededRandom(8_080)
    const acknowledged = new Map<string, string>()
    const writer = async (replica: JackpotStore, name: string) => {
      for (let i = 0; i < WRITES_PER_WRITER; i++) {
        const key = `${name}-${i}`
        if (random.next() < 0.03) {
          const pool = random.pick(['minor', 'major', 'mega'])
          const { result } = await replica.win({ idempotencyKey: key, pool, gameId: 'g', playerId: 'p' })
          acknowledged.set(key, result.id)
        } else {
          const wagerCents = random.wager()
          const { result } = await replica.contribute({
            idempotencyKey: key,
            caller: name.split('/')[0],
            gameId: 'g',
            wagerCents,
            currency: 'EUR',
          })
          acknowledged.set(key, result.id)
        }
      }
    }
    await Promise.all(
      replicas.flatMap((replica, r) =>
        Array.from({ length: WRITERS_PER_REPLICA }, (_, w) => writer(replica, `replica-${r}/writer-${w}`)),
      ),
    )

    const entries = await readWholeLedger(replicas[0]!)
    const keyed = entries.filter((entry) => entry.idempotencyKey !== null)
    // Every acknowledged write exactly once, and nothing else.
    expect(keyed.length).toBe(acknowledged.size)
    expect(new Set(keyed.map((entry) => entry.id))).toEqual(new Set(acknowledged.values()))
    const replayed = replayLedger(entries)
    for (const pool of await replicas[1]!.listPools()) {
      expect(conservationGap(pool)).toBe(0n)
      expect(replayed.get(pool.slug)).toEqual(figuresOf(pool))
    }
    expect(keyed.length).toBe(2 * WRITERS_PER_REPLICA * WRITES_PER_WRITER)
  }, 120_000)
})
