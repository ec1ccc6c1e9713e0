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
import { type CliRun, runCli } from './support/run-cli.ts'
import { type ServerProcess, startServerProcess, TEST_JWT_SECRET } from './support/server-process.ts'

const WRITERS = 8

function cli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runCli(args, { JWT_SECRET: TEST_JWT_SECRET, ...env })
}

/**
 * Contributions from 8 writers and a win every 100 ms run through the server while
 * `bun run cli backup` runs; returns the ids acknowledged (201) before the backup started.
 */
async function backupUnderLoad(
  server: ServerProcess,
  backupEnv: Record<string, string>,
  out: string,
): Promise<{
  acknowledgedBefore: string[]
  acknowledgedDuring: number
  wins: number
  backup: { code: number; err: string }
}> {
  const key = await server.gameKey()
  const acknowledged: string[] = []
  let wins = 0
  let stop = false
  let sequence = 0
  const post = async (path: string, body: unknown) => {
    const response = await server.fetch(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': key,
        'idempotency-key': `drill-${sequence++}`,
      },
      body: JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as { id?: string } }
  }
  const writer = async (index: number) => {
    while (!stop) {
      const { status, body } = await post('/api/v1/contributions', {
        gameId: `slots-${index}`,
        wagerCents: 12_345,
        currency: 'EUR',
      })
      if (status === 201 && body.id) acknowledged.push(body.id)
    }
  }
  const winner = async () => {
    while (!stop) {
      const { status } = await post('/api/v1/wins', {
        pool: 'minor',
        gameId: 'slots-0',
        playerId: 'drill-player',
      })
      if (status === 201) wins++
      await Bun.sleep(100)
    }
  }
  const load = [...Array.from({ length: WRITERS }, (_, i) => writer(i)), winner()]
  await Bun.sleep(1_000)
  const acknowledgedBefore = [...acknowledged]
  const backup = await cli(['backup', '--out', out], backupEnv)
  const acknowledgedDuring = acknowledged.length - acknowledgedBefore.length
  stop = true
  await Promise.all(load)
  return { acknowledgedBefore, acknowledgedDuring, wins, backup }
}

const onPostgres = await runPostgresSuite('apps/server backup/restore drill')

const work = mkdtempSync(join(tmpdir(), 'jackpot-backup-drill-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

describe('end-to-end: backup while the server takes money, restore into a new database', () => {
  test.if(onPostgres)(
    'on PostgreSQL: the restored copy verifies and holds every contribution acknowledged before the backup',
    async () => {
      let source: TestPostgresDatabase | undefined
      let target: TestPostgresDatabase | undefined
      let server: ServerProcess | undefined
      try {
        source = await createTestPostgresDatabase()
        target = await createTestPostgresDatabase()
        server = await startServerProcess({ DATABASE_URL: source.url })
        const file = join(work, 'jackpot.dump')
        const drill = await backupUnderLoad(server, { DATABASE_URL: source.url }, file)
        expect(drill.backup.code, drill.backup.err).toBe(0)
        expect(drill.acknowledgedBefore.length).toBeGreaterThan(0)
        // Money kept moving while pg_dump ran.
        expect(drill.acknowledgedDuring).toBeGreaterThan(0)
        expect(drill.wins).toBeGreaterThan(0)

        const restored = await cli(['restore', file, '--database-url', target.url], {})
        expect(restored.code, restored.err).toBe(0)
        const verified = await cli(['verify-ledger'], { DATABASE_URL: target.url })
        expect(verified.code, verified.err).toBe(0)
        expect(verified.out).toMatch(/ledger verified: \d+ entries, 3 pools agree/)
        expect(await missingLedgerEntries(target.url, drill.acknowledgedBefore)).toEqual([])

        const again = await cli(['restore', file, '--database-url', target.url], {})
        expect(again.code).toBe(1)
        expect(again.err).toContain('is not empty; restore only into an empty database')
        expect(again.err).not.toContain('    at ')
      } finally {
        server?.kill('SIGKILL')
        await source?.drop()
        await target?.drop()
      }
    },
    60_000,
  )

  test('on PGlite: the running server dumps its directory; the copy verifies and holds every acknowledged contribution', async () => {
    const dataDir = join(work, 'pglite-source')
    const restoredDir = join(work, 'pglite-restored')
    const server = await startServerProcess({ PGLITE_DATA_DIR: dataDir })
    try {
      const file = join(work, 'jackpot-pglite.tar.gz')
      const drill = await backupUnderLoad(server, { PGLITE_DATA_DIR: dataDir }, file)
      expect(drill.backup.code, drill.backup.err + server.output()).toBe(0)
      expect(drill.acknowledgedBefore.length).toBeGreaterThan(0)
      expect(drill.acknowledgedDuring).toBeGreaterThan(0)
      expect(drill.wins).toBeGreaterThan(0)
      // The server kept answering while it dumped (writes wait for the dump, then go on).
      expect(server.exitCode()).toBeNull()

      const restored = await cli(['restore', file, '--data-dir', restoredDir], {})
      expect(restored.code, restored.err).toBe(0)
      const verified = await cli(['verify-ledger'], { PGLITE_DATA_DIR: restoredDir })
      expect(verified.code, verified.err).toBe(0)
      expect(verified.out).toMatch(/ledger verified: \d+ entries, 3 pools agree/)
      expect(await missingLedgerEntries({ pgliteDataDir: restoredDir }, drill.acknowledgedBefore)).toEqual([])

      const again = await cli(['restore', file, '--data-dir', restoredDir], {})
      expect(again.code).toBe(1)
      expect(again.err).toContain('is not empty; restore only into an empty database')
    } finally {
      server.kill('SIGKILL')
    }
    // Four PGlite starts (server, restore, verify-ledger, the check): about 20 s idle, more on a busy machine.
  }, 120_000)
})
