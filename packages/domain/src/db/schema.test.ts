import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from 'bun:test'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { keyDigest } from '../idempotency-keys.ts'
import { MIGRATIONS_FOLDER } from './connect-database.ts'

// The database's own guards, checked with raw SQL that bypasses the store.
setDefaultTimeout(60_000)

let pg: PGlite

beforeAll(async () => {
  pg = new PGlite('memory://')
  await migrate(drizzle(pg), { migrationsFolder: MIGRATIONS_FOLDER })
  await pg.exec(`
    SELECT jackpot_ensure_day_partition(t, (now() AT TIME ZONE 'UTC')::date)
      FROM unnest(ARRAY['ledger_entries', 'ledger_lines', 'ledger_batch_pools']) AS t;
    INSERT INTO pools (slug, name, currency, amount_cents, seed_cents, contribution_bp, seeded_by_house_cents, updated_at)
    VALUES ('minor', 'Minor', 'EUR', 1000, 1000, 100, 1000, now());
    INSERT INTO ledger_entries (kind, created_at) VALUES ('seed', now());
    INSERT INTO ledger_lines (entry_id, pool_slug, amount_delta_cents, reserve_delta_cents, seeded_by_house_delta_cents,
      amount_after_cents, reserve_after_cents, residue_after, created_at) VALUES (1, 'minor', 1000, 0, 1000, 1000, 0, 0, now());
  `)
}, 60_000)
afterAll(() => pg.close())

const failure = (statement: string) =>
  pg.exec(statement).then(
    () => 'accepted',
    (error: Error) => error.message,
  )

describe('the schema', () => {
  test('refuses a pool update that would lose or invent a cent', async () => {
    expect(await failure(`UPDATE pools SET amount_cents = amount_cents + 1`)).toContain('pools_conservation')
    expect(
      await failure(
        `UPDATE pools SET amount_cents = amount_cents + 5, contributed_cents = contributed_cents + 5`,
      ),
    ).toBe('accepted')
  })

  test('refuses a negative amount or reserve and a residue of a whole cent', async () => {
    expect(
      await failure(`UPDATE pools SET amount_cents = -1, paid_out_cents = paid_out_cents + amount_cents + 1`),
    ).toContain('pools_amount_not_negative')
    expect(await failure(`UPDATE pools SET residue = 10000`)).toContain('pools_residue_range')
  })

  test('refuses a ceiling below the seed and basis points above 10 000', async () => {
    expect(await failure(`UPDATE pools SET ceiling_cents = 999`)).toContain('pools_ceiling_not_below_seed')
    expect(await failure(`UPDATE pools SET contribution_bp = 10001`)).toContain('pools_contribution_bp_range')
  })

  test('refuses a ledger line whose deltas do not balance', async () => {
    await pg.exec(`INSERT INTO ledger_entries (kind, created_at) VALUES ('adjustment', now())`)
    expect(
      await failure(`INSERT INTO ledger_lines (entry_id, pool_slug, amount_delta_cents, reserve_delta_cents,
        amount_after_cents, reserve_after_cents, residue_after, created_at) VALUES (2, 'minor', 7, 0, 1007, 0, 0, now())`),
    ).toContain('ledger_lines_conservation')
  })

  test('keeps the ledger and the audit log append-only', async () => {
    expect(await failure(`UPDATE ledger_entries SET game_id = 'x'`)).toContain('append-only')
    expect(await failure(`DELETE FROM ledger_entries`)).toContain('append-only')
    expect(await failure(`UPDATE ledger_lines SET amount_delta_cents = 0`)).toContain('append-only')
    await pg.exec(`INSERT INTO audit_log (actor, action, target, created_at) VALUES ('a', 'x', 'y', now())`)
    expect(await failure(`DELETE FROM audit_log`)).toContain('append-only')
  })

  test('keeps every day partition of the ledger append-only, and lets a whole partition be detached', async () => {
    const day = (
      await pg.query<{ name: string }>(
        `SELECT jackpot_ensure_day_partition('ledger_entries', (now() AT TIME ZONE 'UTC')::date) AS name`,
      )
    ).rows[0]!.name
    expect(await failure(`UPDATE ${day} SET game_id = 'x'`)).toContain('append-only')
    expect(await failure(`DELETE FROM ${day}`)).toContain('append-only')
    await pg.exec(`SELECT jackpot_ensure_day_partition('ledger_lines', '2001-02-03')`)
    expect(await failure(`ALTER TABLE ledger_lines DETACH PARTITION ledger_lines_p20010203`)).toBe('accepted')
  })

  test('refuses a row for a day that has no partition', async () => {
    expect(
      await failure(
        `INSERT INTO ledger_entries (kind, created_at) VALUES ('adjustment', '1999-01-01T00:00:00Z')`,
      ),
    ).toContain('no partition')
  })

  test('allows one entry per idempotency key and caller on a day, and the same key for another caller', async () => {
    const claim = (scope: string) =>
      failure(
        `INSERT INTO ledger_entries (kind, idempotency_key, idempotency_scope, created_at) VALUES ('adjustment', 'k-1', '${scope}', now())`,
      )
    expect(await claim('caller-a')).toBe('accepted')
    expect(await claim('caller-a')).toContain('_key_digest_idx')
    expect(await claim('caller-b')).toBe('accepted')
  })

  test('digests a key in SQL to the same bytes as keyDigest', async () => {
    const { rows } = await pg.query<{ digest: string }>(
      `SELECT replace(jackpot_key_digest('api-key-1', 'round-42')::text, '-', '') AS digest`,
    )
    expect(rows[0]!.digest).toBe(keyDigest('api-key-1', 'round-42'))
  })
})
