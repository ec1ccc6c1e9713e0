import { afterAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import {
  type DrizzleJackpotStore,
  IdempotencyKeyExpiredError,
  openJackpot,
  verifyLedger,
} from '../src/index.ts'
import { readWholeLedger } from './support/ledger-replay.ts'
import { legacyLedger, migrateUpTo, writeLegacyHistory } from './support/legacy-layout.ts'
import { manualClock } from './support/manual-clock.ts'

// PGlite starts several times on one directory.
setDefaultTimeout(180_000)

const dir = mkdtempSync(join(tmpdir(), 'jackpot-partition-migration-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const START = new Date('2025-06-29T20:00:00.000Z')

describe('migrations 0005 (partitions), 0007 (keys found through the ledger) and 0008 (settled-key generation)', () => {
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

  test('0007 and 0008 keep every key answering as before, through the table and through the in-memory filter: keys in the window replay, keys past it are refused, the key table is gone', async () => {
    const keysDir = mkdtempSync(join(tmpdir(), 'jackpot-keys-migration-'))
    try {
      const pg = new PGlite(keysDir)
      await migrateUpTo(pg, '0003_top_games_index')
      // June 29 20:00 to July 1 ~21:00, a contribution every 50 minutes, a win every 9.
      const writes = await writeLegacyHistory(pg, { start: START, contributions: 60 })
      await migrateUpTo(pg, '0006_ledger_checkpoints')
      // The sweep as it ran before 0007 had moved June 29's keys out of idempotency_keys.
      await pg.exec(`
        WITH moved AS (DELETE FROM idempotency_keys WHERE created_at < '2025-06-30T00:00:00Z' RETURNING key_digest)
        INSERT INTO expired_idempotency_keys (key_prefix)
        SELECT ('x' || substr(replace(key_digest::text, '-', ''), 1, 16))::bit(64)::bigint FROM moved`)
      await pg.close()

      // Two days' retention, opened on July 2 at noon: the cutoff is June 30 at noon.
      const now = new Date('2025-07-02T12:00:00.000Z')
      const cutoff = now.getTime() - 2 * 86_400_000
      let filteredKeys = -1
      const migrated = await openJackpot({
        pgliteDataDir: keysDir,
        clock: { now: () => now.getTime() },
        idempotencyRetentionDays: 2,
      })
      try {
        const replay = (write: (typeof writes)[number]) => {
          const command = { ...write.command, caller: write.scope === '' ? 'any-caller' : write.scope }
          return write.kind === 'contribution'
            ? migrated.contribute(command as never)
            : migrated.win(command as never)
        }
        const ledger = await readWholeLedger(migrated)
        const createdAt = new Map(ledger.map((entry) => [entry.id, entry.createdAt.getTime()]))
        const inside = writes.filter((write) => createdAt.get(write.id)! >= cutoff)
        const past = writes.filter((write) => createdAt.get(write.id)! < cutoff)
        // Both kinds on both sides, and on both sides of the old sweep (June 29) and of the cutoff (June 30, noon).
        expect(inside.some((write) => write.kind === 'win')).toBe(true)
        expect(past.some((write) => createdAt.get(write.id)! < Date.parse('2025-06-30T00:00:00Z'))).toBe(true)
        expect(past.some((write) => createdAt.get(write.id)! >= Date.parse('2025-06-30T00:00:00Z'))).toBe(
          true,
        )
        const pools = await migrated.listPools()
        for (const write of inside) {
          expect(await replay(write)).toMatchObject({ replayed: true, result: { id: write.id } })
        }
        for (const write of past) {
          await expect(replay(write)).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
        }
        expect(await migrated.listPools()).toEqual(pools)
        expect(await verifyLedger(migrated)).toMatchObject({ ok: true })
        // The upkeep (run at start-up in the background, and hourly) takes June 29 out of the key index.
        await (migrated as DrizzleJackpotStore).maintainHistory()
        for (const write of past) {
          await expect(replay(write)).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
        }
        // 0008: a filter loaded now holds every settled prefix (moved by 0007 or by the upkeep),
        // and every key answers through it as it did through the table.
        const filter = (migrated as DrizzleJackpotStore).settledKeyFilter
        await filter.load()
        filteredKeys = filter.stats().keys
        const filtered = filter.stats().filtered
        for (const write of [...inside, ...past]) {
          if (createdAt.get(write.id)! >= cutoff) {
            expect(await replay(write)).toMatchObject({ replayed: true, result: { id: write.id } })
          } else {
            await expect(replay(write)).rejects.toBeInstanceOf(IdempotencyKeyExpiredError)
          }
        }
        expect(filter.stats().filtered - filtered).toBe(inside.length + past.length)
        expect(await migrated.listPools()).toEqual(pools)
      } finally {
        await migrated.close()
      }

      const after = new PGlite(keysDir)
      try {
        const indexes = await after.query<{ name: string }>(
          `SELECT indexname AS name FROM pg_indexes WHERE indexname LIKE 'ledger_entries_p%_key_digest_idx' ORDER BY 1`,
        )
        // June 29 is wholly before the cutoff's day: out of the key index. June 30 and July 1 are in it.
        expect(indexes.rows.map((row) => row.name)).toEqual(
          expect.arrayContaining([
            'ledger_entries_p20250630_key_digest_idx',
            'ledger_entries_p20250701_key_digest_idx',
          ]),
        )
        expect(indexes.rows.map((row) => row.name)).not.toContain('ledger_entries_p20250629_key_digest_idx')
        const settled = await after.query<{ keys: number; generation: string }>(
          `SELECT (SELECT count(*)::int FROM past_idempotency_keys) AS keys,
                  (SELECT generation::text FROM idempotency_key_window) AS generation`,
        )
        expect(settled.rows[0]!.keys).toBe(filteredKeys)
        expect(filteredKeys).toBeGreaterThan(0)
        // Moved by the upkeep's inserts (the trigger), never by reads.
        expect(Number(settled.rows[0]!.generation)).toBeGreaterThan(0)
        const table = await after.query<{ found: string | null }>(
          `SELECT to_regclass('idempotency_keys')::text AS found`,
        )
        expect(table.rows[0]!.found).toBeNull()
      } finally {
        await after.close()
      }
    } finally {
      rmSync(keysDir, { recursive: true, force: true })
    }
  })
})
