import { afterAll, beforeAll, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type OpenedJackpot, openJackpot } from '@jackpot/domain'
import { createTestPostgresDatabase, postgresNeed, type TestPostgresDatabase } from '@jackpot/domain/testing'
import { describeWithServices } from '@jackpot/test-kit'
import { SQL } from 'bun'
import { createHarness, type Harness } from './support/harness.ts'
import { type CliRun, runCli } from './support/run-cli.ts'

const DAY_MS = 86_400_000
const utcDay = (at: number) => new Date(at).toISOString().slice(0, 10)

/** Bytes of the ledger tables, every partition and index included. */
async function ledgerBytes(url: string): Promise<number> {
  // Bun's own PostgreSQL client: the server app does not depend on postgres.js.
  const sql = new SQL(url, { max: 1 })
  try {
    const [row]: { bytes: string }[] = await sql`
      SELECT coalesce(sum(pg_total_relation_size(t.relid)), 0)::text AS bytes
      FROM (SELECT relid FROM pg_partition_tree('ledger_entries')
            UNION ALL SELECT relid FROM pg_partition_tree('ledger_lines')
            UNION ALL SELECT relid FROM pg_partition_tree('ledger_batch_pools')) t`
    return Number(row!.bytes)
  } finally {
    await sql.close()
  }
}

await describeWithServices('archive drill: bun run cli archive on PostgreSQL', [postgresNeed()], () => {
  let database: TestPostgresDatabase
  let out: string
  const now = Date.now()
  // The seeded history covers the 4 days before now; the 2 oldest whole days are archived.
  const firstDay = utcDay(now - 4 * DAY_MS)
  const secondDay = utcDay(now - 3 * DAY_MS)
  const before = utcDay(now - 2 * DAY_MS)
  const cli = (...args: string[]): Promise<CliRun> => runCli(args, { DATABASE_URL: database.url })

  beforeAll(async () => {
    database = await createTestPostgresDatabase()
    out = mkdtempSync(join(tmpdir(), 'archive-drill-'))
    const store = await openJackpot({ databaseUrl: database.url, poolSize: 1 })
    await store.close()
    const seeded = await cli('seed-history', '--contributions', '4000', '--days', '4', '--batch', '250')
    expect(seeded.code).toBe(0)
  }, 120_000)

  afterAll(async () => {
    rmSync(out, { recursive: true, force: true })
    await database?.drop()
  })

  test('refuses a --before that is today or later, and says why', async () => {
    const today = await cli('archive', '--before', utcDay(now), '--out', out)
    expect(today.code).toBe(1)
    expect(today.err).toContain(`--before ${utcDay(now)} is today`)
    expect(readdirSync(out)).toEqual([])
  }, 60_000)

  test('archives two days: the live database shrinks, and verify-ledger --full passes reading the files back', async () => {
    const sizeBefore = await ledgerBytes(database.url)
    const archived = await cli('archive', '--before', before, '--out', out)
    expect(archived.code).toBe(0)
    expect(archived.out).toContain(`archived 2 day(s) ${firstDay}..${secondDay}`)
    expect(archived.err).toContain('reading 7 files back and matching them with the manifest')
    expect(await ledgerBytes(database.url)).toBeLessThan(sizeBefore)

    const incremental = await cli('verify-ledger')
    expect(incremental.code).toBe(0)
    const full = await cli('verify-ledger', '--full', '--archive-dir', out)
    expect(full.err).toBe('')
    expect(full.code).toBe(0)
    expect(full.out).toContain(`1 archive(s) read back from ${out}`)
    const withoutFiles = await cli('verify-ledger', '--full')
    expect(withoutFiles.code).toBe(1)
    expect(withoutFiles.err).toContain('pass --archive-dir')
  }, 120_000)

  test('archiving the same days again finds nothing left in the database to archive', async () => {
    const again = await cli('archive', '--before', before, '--out', out)
    expect(again.code).toBe(1)
    expect(again.err).toContain('nothing to archive')
  }, 60_000)

  test('one flipped byte in an archive file fails verify-ledger --full, naming the file', async () => {
    const file = `ledger_lines_p${secondDay.replaceAll('-', '')}.jsonl.gz`
    const path = join(out, file)
    const original = readFileSync(path)
    const flipped = Buffer.from(original)
    flipped[Math.floor(flipped.length / 2)]! ^= 0x01
    writeFileSync(path, flipped)
    try {
      const verified = await cli('verify-ledger', '--full', '--archive-dir', out)
      expect(verified.code).toBe(1)
      expect(verified.err).toContain(`archive file ${file}: sha256 is`)
    } finally {
      writeFileSync(path, original)
    }
  }, 60_000)

  test('GET /ledger over an archived range answers 410 ledger-archived, saying where the data went', async () => {
    let store: OpenedJackpot | undefined
    let h: Harness | undefined
    try {
      store = await openJackpot({ databaseUrl: database.url, poolSize: 1 })
      h = await createHarness({ store })
      const archived = await h.send<Record<string, unknown>>(
        'GET',
        `/api/v1/ledger?since=${firstDay}T12:00:00Z&until=${before}T00:00:00Z`,
        { bearer: h.token('viewer') },
      )
      expect(archived.status).toBe(410)
      expect(archived.headers.get('content-type')).toContain('application/problem+json')
      expect(archived.body.type).toBe('https://jackpot.dev/problems/ledger-archived')
      expect(archived.body.archives).toEqual([
        expect.objectContaining({
          name: `ledger-${firstDay}--${secondDay}`,
          firstDay,
          lastDay: secondDay,
          location: out,
        }),
      ])
      const live = await h.send<{ entries: unknown[] }>(
        'GET',
        `/api/v1/ledger?since=${before}T00:00:00Z&limit=5`,
        {
          bearer: h.token('viewer'),
        },
      )
      expect(live.status).toBe(200)
      expect(live.body.entries).toHaveLength(5)
    } finally {
      await h?.close()
      await store?.close()
    }
  }, 60_000)
})
