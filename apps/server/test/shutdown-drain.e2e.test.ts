import { afterAll, describe, expect, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import {
  createTestPostgresDatabase,
  missingLedgerEntries,
  runPostgresSuite,
  type TestPostgresDatabase,
} from '@jackpot/domain/testing'
import { postContribution } from './support/post-contribution.ts'
import { type ServerProcess, startServerProcess } from './support/server-process.ts'

const WRITERS = 100

interface Sent {
  status: number
  id?: string
  error?: string
}

/**
 * 100 writers post contributions until SIGTERM is sent; every request sent before the
 * signal must get an HTTP answer (no reset), and the server must exit 0.
 */
async function drainUnderLoad(server: ServerProcess): Promise<{ sent: Sent[]; exitCode: number }> {
  const key = await server.gameKey()
  const sent: Sent[] = []
  let signalled = false
  let sequence = 0
  const writer = async (index: number) => {
    while (!signalled) {
      const idempotencyKey = `drain-${index}-${sequence++}`
      try {
        const { status, id } = await postContribution(
          server,
          key,
          idempotencyKey,
          { gameId: `slots-${index % 7}`, wagerCents: 2_500 },
          20_000,
        )
        sent.push({ status, ...(id ? { id } : {}) })
      } catch (error) {
        sent.push({ status: 0, error: error instanceof Error ? error.message : String(error) })
      }
    }
  }
  const writers = Array.from({ length: WRITERS }, (_, index) => writer(index))
  await Bun.sleep(1_500)
  signalled = true
  server.kill('SIGTERM')
  await Promise.all(writers)
  const exitCode = await server.child.exited
  return { sent, exitCode }
}

function expectDrained({ sent, exitCode }: { sent: Sent[]; exitCode: number }, output: string) {
  expect(exitCode, output).toBe(0)
  const failed = sent.filter((s) => s.status === 0)
  expect(failed, `${failed.length} of ${sent.length} requests got no answer`).toEqual([])
  expect(sent.filter((s) => s.status === 201).length).toBeGreaterThan(WRITERS)
  for (const s of sent) expect([201, 503]).toContain(s.status)
}

const onPostgres = await runPostgresSuite('apps/server shutdown drain')

const dataDir = mkdtempSync(join(tmpdir(), 'jackpot-drain-'))
afterAll(() => rmSync(dataDir, { recursive: true, force: true }))

describe('end-to-end: SIGTERM under 100 writers drains every request', () => {
  test('on PGlite: no request sent before the signal goes unanswered, every 201 is durable, exit 0', async () => {
    const server = await startServerProcess({ PGLITE_DATA_DIR: dataDir })
    try {
      const result = await drainUnderLoad(server)
      expectDrained(result, server.output())
      const acknowledged = result.sent.flatMap((s) => (s.id ? [s.id] : []))
      expect(await missingLedgerEntries({ pgliteDataDir: dataDir }, acknowledged)).toEqual([])
    } finally {
      server.kill('SIGKILL')
    }
  }, 60_000)

  test.if(onPostgres)(
    'on PostgreSQL: no request sent before the signal goes unanswered, every 201 is durable, exit 0',
    async () => {
      let database: TestPostgresDatabase | undefined
      let server: ServerProcess | undefined
      try {
        database = await createTestPostgresDatabase()
        server = await startServerProcess({ DATABASE_URL: database.url })
        const result = await drainUnderLoad(server)
        expectDrained(result, server.output())
        const acknowledged = result.sent.flatMap((s) => (s.id ? [s.id] : []))
        expect(await missingLedgerEntries(database.url, acknowledged)).toEqual([])
      } finally {
        server?.kill('SIGKILL')
        await database?.drop()
      }
    },
    60_000,
  )
})
