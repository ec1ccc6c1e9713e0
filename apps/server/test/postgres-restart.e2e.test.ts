import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import {
  missingLedgerEntries,
  type PrivatePostgres,
  privatePostgresAvailable,
  startPrivatePostgres,
} from '@jackpot/domain/testing'
import { runWithServices } from '@jackpot/test-kit'
import { postContribution } from './support/post-contribution.ts'
import { type ServerProcess, startServerProcess } from './support/server-process.ts'

const WRITERS = 20
const AWAY_MS = 5_000
/** The acceptance bound: writes succeed within this long after PostgreSQL accepts connections. */
const RECOVERY_MS = 5_000

interface Outcome {
  status: number
  id?: string
  retryAfter?: string | null
  at: number
}

const runnable = await runWithServices('apps/server PostgreSQL restart e2e', [
  { what: '/usr/lib/postgresql/*/bin/initdb run as root', available: privatePostgresAvailable },
])

describe.if(runnable)('end-to-end: PostgreSQL restarts under write load', () => {
  let cluster: PrivatePostgres
  let server: ServerProcess

  beforeAll(async () => {
    cluster = await startPrivatePostgres()
    server = await startServerProcess({
      DATABASE_URL: cluster.url,
      DATABASE_POOL_SIZE: '8',
    })
  }, 60_000)

  afterAll(async () => {
    server?.kill('SIGKILL')
    await cluster?.destroy()
  }, 30_000)

  test('with 20 writers and pg_ctl stop -m immediate for 5 s: the server never exits, 503 + Retry-After meanwhile, 0 acknowledged writes lost, writes back within 5 s', async () => {
    const key = await server.gameKey()
    const outcomes: Outcome[] = []
    let running = true
    let sequence = 0
    const writer = async (index: number) => {
      while (running) {
        const idempotencyKey = `restart-${index}-${sequence++}`
        try {
          const posted = await postContribution(
            server,
            key,
            idempotencyKey,
            { gameId: `slots-${index}`, wagerCents: 1_000 },
            15_000,
          )
          outcomes.push({ ...posted, at: performance.now() })
          if (posted.status !== 201) await Bun.sleep(50)
        } catch (error) {
          // A reset or a hang is a failure of the server, recorded as status 0.
          outcomes.push({ status: 0, at: performance.now() })
          if (server.exitCode() !== null) return
          await Bun.sleep(50)
          void error
        }
      }
    }
    const writers = Array.from({ length: WRITERS }, (_, index) => writer(index))

    await Bun.sleep(1_000)
    await cluster.stop('immediate')
    const down = performance.now()
    let readinessFailed = false
    while (performance.now() - down < AWAY_MS) {
      const ready = await server.fetch('/health/ready').catch(() => undefined)
      if (ready?.status === 503) readinessFailed = true
      await Bun.sleep(250)
    }
    await cluster.start()
    const back = performance.now()
    // Keep writing until a write succeeds after the restart, then a little longer.
    while (performance.now() - back < RECOVERY_MS + 2_000) {
      if (outcomes.some((o) => o.status === 201 && o.at > back)) break
      await Bun.sleep(50)
    }
    await Bun.sleep(1_000)
    running = false
    await Promise.all(writers)

    expect(server.exitCode(), server.output()).toBeNull()
    expect(readinessFailed).toBe(true)
    const firstAfter = outcomes.find((o) => o.status === 201 && o.at > back)
    expect(firstAfter, 'no write succeeded after PostgreSQL came back').toBeDefined()
    expect((firstAfter?.at ?? Number.POSITIVE_INFINITY) - back).toBeLessThan(RECOVERY_MS)
    // While PostgreSQL was away, the only refusals are 503 with a whole-seconds Retry-After.
    const refused = outcomes.filter((o) => o.status !== 201)
    expect(refused.length).toBeGreaterThan(0)
    for (const outcome of refused) {
      expect(outcome.status).toBe(503)
      expect(outcome.retryAfter ?? '').toMatch(/^[1-9]\d*$/)
    }
    // Every acknowledged write is in the database after the crash.
    const acknowledged = outcomes.flatMap((o) => (o.id === undefined ? [] : [o.id]))
    expect(acknowledged.length).toBeGreaterThan(WRITERS)
    expect(await missingLedgerEntries(cluster.url, acknowledged)).toEqual([])
    console.info(
      `postgres restart: ${acknowledged.length} acknowledged, ${refused.length} refused with 503, ` +
        `first write ${Math.round((firstAfter?.at ?? 0) - back)} ms after PostgreSQL accepted connections`,
    )
  }, 60_000)
})
