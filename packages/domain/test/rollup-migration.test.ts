import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { seededRandom } from '@jackpot/test-kit'
import { type DrizzleJackpotStore, openJackpot, verifyLedger } from '../src/index.ts'
import { manualClock } from './support/manual-clock.ts'

// PGlite starts three times on one directory.
setDefaultTimeout(120_000)

const dir = mkdtempSync(join(tmpdir(), 'jackpot-rollup-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** The rollups and the pools' last times, as text, in a fixed order. */
async function snapshot(): Promise<unknown> {
  const pg = new PGlite(dir)
  try {
    const minutes = await pg.query(
      `SELECT pool_slug, minute::text, contributions::text, wager_cents::text, contributed_cents::text, wins::text, paid_out_cents::text
       FROM pool_minute_stats ORDER BY pool_slug, minute`,
    )
    const days = await pg.query(
      `SELECT day, game_id, contributions::text, wager_cents::text, contributed_cents::text FROM game_day_stats ORDER BY day, game_id`,
    )
    const lasts = await pg.query(
      `SELECT slug, last_contribution_at::text, last_win_at::text FROM pools ORDER BY slug`,
    )
    return { minutes: minutes.rows, days: days.rows, lasts: lasts.rows }
  } finally {
    await pg.close()
  }
}

describe('migration 0004 (rollups)', () => {
  test('backfills an existing database to exactly what live writes keep', async () => {
    const clock = manualClock(new Date('2025-06-30T23:58:30.000Z'))
    const random = seededRandom(4)
    const live = await openJackpot({ pgliteDataDir: dir, clock: { now: () => clock.now().getTime() } })
    // Across minutes and UTC midnight, several games, wins on every pool.
    for (let i = 0; i < 90; i++) {
      await live.contribute({
        idempotencyKey: `c-${i}`,
        gameId: `g-${random.int(0, 3)}`,
        wagerCents: random.wager(),
        currency: 'EUR',
      })
      if (i % 15 === 7)
        await live.win({
          idempotencyKey: `w-${i}`,
          pool: random.pick(['minor', 'major', 'mega']),
          gameId: 'g-1',
          playerId: 'p',
        })
      clock.advance(7_000)
    }
    await live.close()
    const kept = await snapshot()
    expect((kept as { minutes: unknown[] }).minutes.length).toBeGreaterThan(20)

    // Back to the layout before 0004, data kept: its tables and columns gone, its record removed.
    const pg = new PGlite(dir)
    await pg.exec(`
      DROP TABLE pool_minute_stats; DROP TABLE game_day_stats;
      ALTER TABLE pools DROP COLUMN last_contribution_at; ALTER TABLE pools DROP COLUMN last_win_at;
      CREATE INDEX ledger_entries_contribution_day_idx ON ledger_entries (created_at, game_id) WHERE kind = 'contribution';
      DELETE FROM drizzle.__drizzle_migrations
        WHERE created_at = (SELECT max(created_at) FROM drizzle.__drizzle_migrations);`)
    await pg.close()

    // Opening applies 0004 again, on a database with history.
    const migrated = await openJackpot({ pgliteDataDir: dir, clock: { now: () => clock.now().getTime() } })
    try {
      expect(await verifyLedger(migrated)).toMatchObject({ ok: true })
      expect(await (migrated as DrizzleJackpotStore).checkRollups()).toMatchObject({ ok: true })
    } finally {
      await migrated.close()
    }
    expect(await snapshot()).toEqual(kept)
  })
})
