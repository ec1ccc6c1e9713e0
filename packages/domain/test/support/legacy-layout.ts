import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { PGlite } from '@electric-sql/pglite'
import { seededRandom } from '@jackpot/test-kit'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import { MIGRATIONS_FOLDER } from '../../src/db/connect-database.ts'
import { schema } from '../../src/db/schema.ts'
import { DEFAULT_POOLS } from '../../src/default-pools.ts'
import type { JackpotStore } from '../../src/jackpot-store.ts'
import { selectPools } from '../../src/pool-rows.ts'
import { contributionHash, winHash } from '../../src/request-hash.ts'
import { splitContribution } from '../../src/rules/contribution-split.ts'
import { computeWinPayout } from '../../src/rules/win-payout.ts'
import type { LedgerEntry } from '../../src/types.ts'

/**
 * Applies the migrations up to and including `lastTag` (e.g. '0004_pool_rollups')
 * and no further, from a copy of the migration folder with a shortened journal:
 * a database in an older layout, which opening the store later migrates onward.
 *
 * @example
 * await migrateUpTo(pg, '0003_top_games_index')
 */
export async function migrateUpTo(pg: PGlite, lastTag: string): Promise<void> {
  const folder = mkdtempSync(join(tmpdir(), 'jackpot-legacy-migrations-'))
  try {
    cpSync(MIGRATIONS_FOLDER, folder, { recursive: true })
    const journalPath = join(folder, 'meta', '_journal.json')
    const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as { entries: { tag: string }[] }
    const last = journal.entries.findIndex((entry) => entry.tag === lastTag)
    if (last < 0) throw new Error(`no migration ${lastTag}`)
    journal.entries = journal.entries.slice(0, last + 1)
    writeFileSync(journalPath, JSON.stringify(journal))
    await migrate(drizzle(pg), { migrationsFolder: folder })
  } finally {
    rmSync(folder, { recursive: true, force: true })
  }
}

/** A command the legacy history holds, to replay through the store after the migration. */
export interface LegacyWrite {
  kind: 'contribution' | 'win'
  scope: string
  command: Record<string, unknown> & { idempotencyKey: string }
  id: string
}

interface LegacyPool {
  slug: string
  amountCents: bigint
  reserveCents: bigint
  residue: number
  seedCents: bigint
  ceilingCents: bigint | null
  contributionBp: number
  contributedCents: bigint
  paidOutCents: bigint
  seededByHouseCents: bigint
  contributions: number
  wins: number
}

/**
 * Writes a history the way the pre-0005 writer did, straight into the 0002+
 * layout (keys and request hashes on `ledger_entries`, three full lines per
 * contribution): the default pools with their seeds, then `contributions`
 * contributions across several UTC days with a win every `winEvery`, by the
 * domain's own rules. Keys alternate between a caller's scope and the legacy
 * scope ''. Returns the commands, so a test can replay them after migrating.
 *
 * @example
 * const writes = await writeLegacyHistory(pg, { start: new Date('2025-06-29T22:00:00Z'), contributions: 60 })
 */
export async function writeLegacyHistory(
  pg: PGlite,
  options: { start: Date; contributions: number; winEvery?: number; stepMs?: number },
): Promise<LegacyWrite[]> {
  const random = seededRandom(13)
  const winEvery = options.winEvery ?? 9
  const stepMs = options.stepMs ?? 50 * 60_000
  let at = options.start.getTime()
  let id = 0
  const pools: LegacyPool[] = DEFAULT_POOLS.map((pool) => ({
    slug: pool.slug,
    amountCents: pool.seedCents,
    reserveCents: 0n,
    residue: 0,
    seedCents: pool.seedCents,
    ceilingCents: pool.ceilingCents ?? null,
    contributionBp: pool.contributionBp,
    contributedCents: 0n,
    paidOutCents: 0n,
    seededByHouseCents: pool.seedCents,
    contributions: 0,
    wins: 0,
  })).sort((a, b) => a.slug.localeCompare(b.slug))
  const when = () => new Date(at).toISOString()
  const entry = async (fields: {
    kind: string
    key?: string
    scope?: string
    hash?: string
    parent?: number
    gameId?: string
    playerId?: string
    wager?: bigint
    currency?: string
  }): Promise<number> => {
    id++
    await pg.query(
      `INSERT INTO ledger_entries (id, kind, idempotency_key, idempotency_scope, request_hash, parent_id, game_id,
                                   player_id, wager_cents, currency, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        id,
        fields.kind,
        fields.key ?? null,
        fields.scope ?? '',
        fields.hash ?? null,
        fields.parent ?? null,
        fields.gameId ?? null,
        fields.playerId ?? null,
        fields.wager?.toString() ?? null,
        fields.currency ?? null,
        when(),
      ],
    )
    return id
  }
  const line = (
    entryId: number,
    pool: LegacyPool,
    deltas: { amount: bigint; reserve: bigint; contributed?: bigint; paidOut?: bigint; seeded?: bigint },
  ) =>
    pg.query(
      `INSERT INTO ledger_lines (entry_id, pool_slug, amount_delta_cents, reserve_delta_cents, contributed_delta_cents,
                                 paid_out_delta_cents, seeded_by_house_delta_cents, amount_after_cents,
                                 reserve_after_cents, residue_after)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [
        entryId,
        pool.slug,
        deltas.amount.toString(),
        deltas.reserve.toString(),
        (deltas.contributed ?? 0n).toString(),
        (deltas.paidOut ?? 0n).toString(),
        (deltas.seeded ?? 0n).toString(),
        pool.amountCents.toString(),
        pool.reserveCents.toString(),
        pool.residue,
      ],
    )

  for (const pool of pools) {
    await pg.query(
      `INSERT INTO pools (slug, name, currency, amount_cents, seed_cents, ceiling_cents, contribution_bp,
                          seeded_by_house_cents, updated_at)
       VALUES ($1, $1, 'EUR', $2, $2, $3, $4, $2, $5)`,
      [
        pool.slug,
        pool.seedCents.toString(),
        pool.ceilingCents?.toString() ?? null,
        pool.contributionBp,
        when(),
      ],
    )
    const seed = await entry({ kind: 'seed', currency: 'EUR' })
    await line(seed, pool, { amount: pool.seedCents, reserve: 0n, seeded: pool.seedCents })
  }

  const writes: LegacyWrite[] = []
  for (let i = 0; i < options.contributions; i++) {
    at += stepMs
    const scope = i % 2 === 0 ? 'api-key-1' : ''
    const command = {
      idempotencyKey: `legacy-c-${i}`,
      gameId: `g-${random.int(0, 3)}`,
      playerId: `p-${i % 5}`,
      wagerCents: random.wager(),
      currency: 'EUR',
    }
    const contribution = await entry({
      kind: 'contribution',
      key: command.idempotencyKey,
      scope,
      hash: contributionHash(command),
      gameId: command.gameId,
      playerId: command.playerId,
      wager: command.wagerCents,
      currency: 'EUR',
    })
    writes.push({ kind: 'contribution', scope, command, id: String(contribution) })
    for (const pool of pools) {
      const split = splitContribution(pool, command.wagerCents)
      pool.amountCents = split.amountCents
      pool.reserveCents = split.reserveCents
      pool.residue = split.residue
      pool.contributedCents += split.contributedCents
      pool.contributions++
      await line(contribution, pool, {
        amount: split.toAmountCents,
        reserve: split.toReserveCents,
        contributed: split.contributedCents,
      })
    }
    if (i % winEvery !== winEvery - 1) continue
    const pool = pools[random.int(0, pools.length - 1)]!
    const command2 = { idempotencyKey: `legacy-w-${i}`, pool: pool.slug, gameId: 'g-1', playerId: 'p-1' }
    const payout = computeWinPayout(pool)
    const win = await entry({
      kind: 'win',
      key: command2.idempotencyKey,
      scope: 'api-key-1',
      hash: winHash(command2),
      gameId: 'g-1',
      playerId: 'p-1',
    })
    writes.push({ kind: 'win', scope: 'api-key-1', command: command2, id: String(win) })
    pool.amountCents = 0n
    pool.paidOutCents += payout.payoutCents
    pool.wins++
    await line(win, pool, { amount: -payout.payoutCents, reserve: 0n, paidOut: payout.payoutCents })
    const reset = await entry({ kind: 'reset', parent: win, gameId: 'g-1', playerId: 'p-1', currency: 'EUR' })
    pool.amountCents = payout.amountCents
    pool.reserveCents = payout.reserveCents
    pool.seededByHouseCents += payout.resetFromHouseCents
    await line(reset, pool, {
      amount: payout.amountCents,
      reserve: -payout.resetFromReserveCents,
      seeded: payout.resetFromHouseCents,
    })
  }
  for (const pool of pools) {
    await pg.query(
      `UPDATE pools SET amount_cents = $2, reserve_cents = $3, residue = $4, contributed_cents = $5,
                        paid_out_cents = $6, seeded_by_house_cents = $7, contributions_count = $8, wins_count = $9
       WHERE slug = $1`,
      [
        pool.slug,
        pool.amountCents.toString(),
        pool.reserveCents.toString(),
        pool.residue,
        pool.contributedCents.toString(),
        pool.paidOutCents.toString(),
        pool.seededByHouseCents.toString(),
        pool.contributions,
        pool.wins,
      ],
    )
  }
  await pg.query(`SELECT setval('ledger_entries_id_seq', $1)`, [id])
  return writes
}

/**
 * The two reads verify-ledger needs, on a database still in the 0004 layout
 * (entries and lines unpartitioned): so a test can run the same
 * `verifyLedger` before a migration as after it.
 *
 * @example
 * expect(await verifyLedger(legacyLedger(pg))).toMatchObject({ ok: true })
 */
export function legacyLedger(pg: PGlite): Pick<JackpotStore, 'ledger' | 'listPools'> {
  return {
    listPools: () => selectPools(drizzle(pg, { schema })),
    async ledger(query) {
      const limit = query.limit ?? 50
      const after = query.after === undefined ? 0n : BigInt(Buffer.from(query.after, 'base64url').toString())
      const entries = await pg.query<{
        id: string
        kind: LedgerEntry['kind']
        idempotency_key: string | null
        parent_id: string | null
        game_id: string | null
        player_id: string | null
        wager_cents: string | null
        created_at: Date
      }>(
        `SELECT id::text, kind, idempotency_key, parent_id::text, game_id, player_id, wager_cents::text, created_at
         FROM ledger_entries WHERE ledger_entries.id > $1 ORDER BY ledger_entries.id LIMIT $2`,
        [after.toString(), limit + 1],
      )
      const page = entries.rows.slice(0, limit)
      const lines = await pg.query<{
        entry_id: string
        pool_slug: string
        amount_delta_cents: string
        reserve_delta_cents: string
        amount_after_cents: string
        reserve_after_cents: string
        residue_after: number
      }>(
        `SELECT entry_id::text, pool_slug, amount_delta_cents::text, reserve_delta_cents::text,
                amount_after_cents::text, reserve_after_cents::text, residue_after
         FROM ledger_lines WHERE entry_id = ANY($1::bigint[]) ORDER BY entry_id, pool_slug`,
        [page.map((row) => row.id)],
      )
      const last = page.at(-1)
      return {
        entries: page.map((row) => ({
          id: row.id,
          kind: row.kind,
          idempotencyKey: row.idempotency_key,
          parentId: row.parent_id,
          gameId: row.game_id,
          playerId: row.player_id,
          wagerCents: row.wager_cents === null ? null : BigInt(row.wager_cents),
          lines: lines.rows
            .filter((line) => line.entry_id === row.id)
            .map((line) => ({
              pool: line.pool_slug,
              amountDeltaCents: BigInt(line.amount_delta_cents),
              reserveDeltaCents: BigInt(line.reserve_delta_cents),
              amountAfterCents: BigInt(line.amount_after_cents),
              reserveAfterCents: BigInt(line.reserve_after_cents),
              residueAfter: line.residue_after,
            })),
          createdAt: row.created_at,
        })),
        nextCursor: entries.rows.length > limit && last ? Buffer.from(last.id).toString('base64url') : null,
      }
    },
  }
}
