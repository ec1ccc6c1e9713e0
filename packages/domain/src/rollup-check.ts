import { type SQL, sql } from 'drizzle-orm'
import type { Executor } from './db/database.ts'
import { resultRows } from './write-batch/sql-arrays.ts'

/** The first rollup row that disagrees with the ledger, or none. */
export type RollupCheck =
  | { ok: true; poolMinutes: number; gameDays: number }
  | { ok: false; table: 'pool_minute_stats' | 'game_day_stats' | 'pools'; key: string; reason: string }

/**
 * Per pool, what contributions did, from both layouts: a contribution's own
 * lines (written before 0005) and the compact runs (`ledger_batch_pools`),
 * whose wagers are their entries'.
 */
function contributionPools(from: SQL): SQL {
  return sql`contribution_pools AS (
  SELECT l.pool_slug, e.created_at, 1::bigint AS contributions, e.wager_cents, l.contributed_delta_cents AS contributed_cents
  FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id AND e.created_at = l.created_at
  WHERE e.kind = 'contribution' AND e.created_at >= ${from}
  UNION ALL
  SELECT b.pool_slug, b.created_at, b.contributions::bigint,
         (SELECT coalesce(sum(e.wager_cents), 0) FROM ledger_entries e
          WHERE e.created_at = b.created_at AND e.id BETWEEN b.first_entry_id AND b.last_entry_id
            AND e.kind = 'contribution'),
         b.amount_delta_cents + b.reserve_delta_cents
  FROM ledger_batch_pools b WHERE b.created_at >= ${from}
)`
}

/**
 * Recomputes the rollups from the ledger and compares them with what the
 * writer kept: every pool-minute and game-day row, and each pool's last
 * contribution and win time. `since` (a UTC midnight) bounds the check to the
 * days from it on, so a run after an incremental replay costs those days, and
 * days archived out of the ledger (whose rollups stay) are left alone. A
 * maintenance check; `verify-ledger` runs it after the replay. Sums are
 * compared as text, so totals beyond 2^53 stay exact.
 *
 * @example
 * const check = await checkRollups(db, new Date('2026-12-05T00:00:00Z'))
 */
export async function checkRollups(db: Executor, since: Date = new Date(0)): Promise<RollupCheck> {
  const sinceDay = since.toISOString().slice(0, 10)
  // As text with a cast: a Date parameter is not serialised the same by every driver.
  const from = sql`${since.toISOString()}::timestamptz`
  const minutes = resultRows<{ key: string; kept: string | null; ledger: string | null }>(
    await db.execute(sql`
      WITH ${contributionPools(from)}, ledger AS (
        SELECT x.pool_slug,
               date_trunc('minute', x.created_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS minute,
               sum(x.contributions) AS contributions, sum(x.wager_cents) AS wager_cents,
               sum(x.contributed_cents) AS contributed_cents, sum(x.wins) AS wins, sum(x.paid_out_cents) AS paid_out_cents
        FROM (
          SELECT pool_slug, created_at, contributions, wager_cents, contributed_cents,
                 0::bigint AS wins, 0::bigint AS paid_out_cents
          FROM contribution_pools
          UNION ALL
          SELECT l.pool_slug, e.created_at, 0, 0, 0, 1, l.paid_out_delta_cents
          FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id AND e.created_at = l.created_at
          WHERE e.kind = 'win' AND e.created_at >= ${from}
        ) x
        GROUP BY 1, 2
      ),
      kept AS (
        SELECT pool_slug, minute, contributions, wager_cents, contributed_cents, wins, paid_out_cents
        FROM pool_minute_stats WHERE minute >= ${from}
      )
      SELECT coalesce(k.pool_slug, g.pool_slug) || ' ' || to_char(coalesce(k.minute, g.minute) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"') AS key,
             CASE WHEN k.pool_slug IS NULL THEN NULL
                  ELSE concat_ws('/', k.contributions, k.wager_cents, k.contributed_cents, k.wins, k.paid_out_cents) END AS kept,
             CASE WHEN g.pool_slug IS NULL THEN NULL
                  ELSE concat_ws('/', g.contributions, g.wager_cents, g.contributed_cents, g.wins, g.paid_out_cents) END AS ledger
      FROM kept k FULL OUTER JOIN ledger g ON g.pool_slug = k.pool_slug AND g.minute = k.minute
      ORDER BY 1`),
  )
  const minuteDivergence = firstDivergence(minutes)
  if (minuteDivergence) return { ok: false, table: 'pool_minute_stats', ...minuteDivergence }

  const days = resultRows<{ key: string; kept: string | null; ledger: string | null }>(
    await db.execute(sql`
      WITH ledger AS (
        SELECT to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, e.game_id,
               count(*) AS contributions, coalesce(sum(e.wager_cents), 0) AS wager_cents
        FROM ledger_entries e
        WHERE e.kind = 'contribution' AND e.created_at >= ${from}
        GROUP BY 1, 2
      )
      SELECT coalesce(k.day, g.day) || ' ' || coalesce(k.game_id, g.game_id) AS key,
             CASE WHEN k.day IS NULL THEN NULL ELSE concat_ws('/', k.contributions, k.wager_cents) END AS kept,
             CASE WHEN g.day IS NULL THEN NULL ELSE concat_ws('/', g.contributions, g.wager_cents) END AS ledger
      FROM (SELECT * FROM game_day_stats WHERE day >= ${sinceDay}) k FULL OUTER JOIN ledger g ON g.day = k.day AND g.game_id = k.game_id
      ORDER BY 1`),
  )
  // A compact contribution's cents per pool are recomputed, not stored, so the contributed cents
  // of the game rows are checked per day, all games together, against the runs' and lines' sums.
  const dayTotals = resultRows<{ key: string; kept: string | null; ledger: string | null }>(
    await db.execute(sql`
      WITH ${contributionPools(from)}, ledger AS (
        SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, sum(contributed_cents) AS cents
        FROM contribution_pools GROUP BY 1
      ), kept AS (
        SELECT day, sum(contributed_cents) AS cents FROM game_day_stats WHERE day >= ${sinceDay} GROUP BY 1
      )
      SELECT coalesce(k.day, g.day) || ' (all games)' AS key, k.cents::text AS kept, g.cents::text AS ledger
      FROM kept k FULL OUTER JOIN ledger g ON g.day = k.day
      ORDER BY 1`),
  )
  const dayDivergence = firstDivergence(days) ?? firstDivergence(dayTotals)
  if (dayDivergence) return { ok: false, table: 'game_day_stats', ...dayDivergence }

  // Before `since` the ledger may be archived: a kept time from then only has to be before it.
  const lasts = resultRows<{ key: string; kept: string | null; ledger: string | null }>(
    await db.execute(sql`
      WITH kept AS (
        SELECT p.slug,
               CASE WHEN p.last_contribution_at < ${from} THEN 'before' ELSE coalesce(p.last_contribution_at::text, '-') END AS contribution,
               CASE WHEN p.last_win_at < ${from} THEN 'before' ELSE coalesce(p.last_win_at::text, '-') END AS win
        FROM pools p
      )
      SELECT k.slug AS key,
             concat_ws('/', k.contribution, k.win) AS kept,
             concat_ws('/',
               coalesce(greatest(
                 (SELECT max(b.created_at) FROM ledger_batch_pools b WHERE b.pool_slug = k.slug AND b.created_at >= ${from}),
                 (SELECT max(e.created_at) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
                  WHERE l.pool_slug = k.slug AND e.kind = 'contribution' AND e.created_at >= ${from}))::text,
                 CASE WHEN k.contribution = 'before' THEN 'before' ELSE '-' END),
               coalesce((SELECT max(e.created_at) FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id
                         WHERE l.pool_slug = k.slug AND e.kind = 'win' AND e.created_at >= ${from})::text,
                        CASE WHEN k.win = 'before' THEN 'before' ELSE '-' END)) AS ledger
      FROM kept k ORDER BY k.slug`),
  )
  const lastDivergence = firstDivergence(lasts)
  if (lastDivergence) return { ok: false, table: 'pools', ...lastDivergence }
  return { ok: true, poolMinutes: minutes.length, gameDays: days.length }
}

function firstDivergence(
  rows: readonly { key: string; kept: string | null; ledger: string | null }[],
): { key: string; reason: string } | null {
  const row = rows.find((r) => r.kept !== r.ledger)
  if (row === undefined) return null
  return {
    key: row.key,
    reason: `kept ${row.kept ?? 'nothing'}, the ledger sums to ${row.ledger ?? 'nothing'} (contributions/wager/contributed[/wins/paid out])`,
  }
}
