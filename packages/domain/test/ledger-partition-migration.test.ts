import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { type DrizzleJackpotStore, openJackpot, verifyLedger } from '../src/index.ts'
import { readWholeLedger } from './support/ledger-replay.ts'
import { legacyLedger, migrateUpTo, writeLegacyHistory } from './support/legacy-layout.ts'
import { manualClock } from './support/manual-clock.ts'

// PGlite starts several times on one directory.
setDefaultTimeout(180_000)

const dir = mkdtempSync(join(tmpdir(), 'jackpot-partition-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const START = new Date('2025-06-29T20:00:00.000Z')

describe('migration 0005 (partitions, idempotency keys table)', () => {
  test('moves a database in the 0004 layout, with history over several days, and verify-ledger passes before and after', async () => {
    const pg = new PGlite(dir)
    // The history is written as the writer before 0004 did; 0004 then backfills its rollups,
    // leaving the database exactly in the layout before 0005, with data.
    await migrateUpTo(pg, '0003_top_games_index')
    // 60 contributions 50 minutes apart: about two days, across two UTC midnights.
    const writes = await writeLegacyHistory(pg, { start: START, contributions: 60 })
    await migrateUpTo(pg, '0004_pool_rollups')
    const before = await pg.query<{ n: number }>('SELECT count(*)::int AS n FROM ledger_lines')
    expect(await verifyLedger(legacyLedger(pg))).toMatchObject({ ok: true, entries: 3 + 60 + 6 * 2 })
    await pg.close()

    const clock = manualClock(new Date(START.getTime() + 3 * 86_400_000))
    const migrated = await openJackpot({ pgliteDataDir: dir, clock: { now: () => clock.now().getTime() } })
    try {
      expect(await verifyLedger(migrated)).toMatchObject({ ok: true })
      expect(await (migrated as DrizzleJackpotStore).checkRollups()).toMatchObject({ ok: true })
      const ledger = await readWholeLedger(migrated)
      expect(ledger.filter((entry) => entry.kind === 'contribution')).toHaveLength(60)
      expect(ledger.reduce((lines, entry) => lines + entry.lines.length, 0)).toBe(before.rows[0]!.n)
      expect(ledger.map((entry) => Number(entry.id))).toEqual(ledger.map((_, i) => i + 1))

      // Every key still answers its replay, with the caller's scope or the legacy '' one.
      for (const write of writes.slice(-6)) {
        const command = { ...write.command, caller: write.scope === '' ? 'any-caller' : write.scope }
        const replay =
          write.kind === 'contribution'
            ? await migrated.contribute(command as never)
            : await migrated.win(command as never)
        expect(replay).toMatchObject({ replayed: true, result: { id: write.id } })
      }
      // New writes carry on after the moved history, in a day that had no partition before.
      const next = await migrated.contribute({
        idempotencyKey: 'after-migration',
        gameId: 'g-1',
        wagerCents: 1_000n,
        currency: 'EUR',
      })
      expect(Number(next.result.id)).toBe(ledger.length + 1)
      expect(await verifyLedger(migrated)).toMatchObject({ ok: true })
    } finally {
      await migrated.close()
    }

    const after = new PGlite(dir)
    try {
      const partitions = await after.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'ledger_entries'::regclass ORDER BY 1`,
      )
      expect(partitions.rows.map((row) => row.name).slice(0, 3)).toEqual([
        'ledger_entries_p20250629',
        'ledger_entries_p20250630',
        'ledger_entries_p20250701',
      ])
      const legacy = await after.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'jackpot_v4'`)
      expect(legacy.rows).toHaveLength(0)
    } finally {
      await after.close()
    }
  })
})
