import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { type DrizzleJackpotStore, openJackpot, verifyLedger } from '../src/index.ts'
import { migrateUpTo, writeLegacyHistory } from './support/legacy-layout.ts'
import { manualClock } from './support/manual-clock.ts'

// PGlite starts twice on one directory.
setDefaultTimeout(120_000)

const dir = mkdtempSync(join(tmpdir(), 'jackpot-rollup-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('migration 0004 (rollups)', () => {
  test('backfills an existing database to exactly what live writes keep', async () => {
    // A history written before 0004 existed: across minutes and UTC midnight, several games, wins.
    const pg = new PGlite(dir)
    await migrateUpTo(pg, '0003_top_games_index')
    await writeLegacyHistory(pg, {
      start: new Date('2025-06-30T23:40:30.000Z'),
      contributions: 90,
      stepMs: 7_000,
    })
    await pg.close()

    // Opening applies 0004 (and what follows) on a database with history. checkRollups compares
    // every rollup row and the pools' last times with the sums of the whole ledger: the same
    // figures the writer keeps per batch.
    const clock = manualClock(new Date('2025-07-01T00:00:00.000Z'))
    const migrated = await openJackpot({ pgliteDataDir: dir, clock: { now: () => clock.now().getTime() } })
    try {
      expect(await verifyLedger(migrated)).toMatchObject({ ok: true })
      expect(await (migrated as DrizzleJackpotStore).checkRollups()).toMatchObject({ ok: true })
      const stats = await migrated.stats(clock.now())
      expect(stats).toMatchObject({ contributions: 90, wins: 10 })
    } finally {
      await migrated.close()
    }
  })
})
