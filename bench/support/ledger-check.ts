/**
 * What the database holds after a contribution storm, checked against what
 * the clients were told. Run on the bench's own fresh database, so every
 * contribution entry in it came from the bench.
 */
import { SQL } from 'bun'
import type { KeyAnswer } from './contribution-load.ts'

/** How the ledger's contribution entries line up with the answers the clients got. */
export interface LedgerCheck {
  /** Contribution entries in the ledger. */
  entries: number
  /** Keys answered 201 (first answer, not a replay). */
  answered201: number
  /** …of which are in the ledger exactly once. */
  recorded201: number
  /** Keys answered 201 that the ledger does not hold. */
  missing201: string[]
  /** Keys the ledger holds more than once (under any stored form of the key). */
  duplicated: string[]
  /** Keys answered something else than 201 that the ledger holds anyway, by status. */
  recordedDespite: Map<number, string[]>
  /** Keys sent but never answered (in flight when wrk stopped, or the socket died) that the ledger holds. */
  recordedUnanswered: string[]
  /** …and that it does not hold. */
  unrecordedUnanswered: string[]
  /** Entries whose player id is not a key the bench generated: "something else". */
  foreign: number
  /** Entries whose stored idempotency key does not contain the bench key (its player id). */
  keyMismatch: number
  /** Entries without exactly one line per pool. */
  wrongLineCount: number
}

/** Whether the ledger holds every 201 exactly once, no answered non-201, and nothing foreign. */
export function ledgerHolds(check: LedgerCheck): boolean {
  return (
    check.missing201.length === 0 &&
    check.duplicated.length === 0 &&
    check.recordedDespite.size === 0 &&
    check.foreign === 0 &&
    check.keyMismatch === 0 &&
    check.wrongLineCount === 0
  )
}

/**
 * Reads every contribution entry and compares it with `answers` (key → first
 * answer) over `keys` (every key generated). Each request's body carries its
 * key as `playerId`, stored verbatim, so the match does not depend on how the
 * server stores idempotency keys (it may scope them per caller); the stored
 * key is checked to contain it.
 *
 * @example
 * const check = await checkLedger(database.url, load.keys, load.answers)
 */
export async function checkLedger(
  databaseUrl: string,
  keys: readonly string[],
  answers: ReadonlyMap<string, KeyAnswer>,
): Promise<LedgerCheck> {
  const sql = new SQL({ url: databaseUrl, max: 1 })
  try {
    const [pools] = (await sql`SELECT count(*)::int AS n FROM pools`) as { n: number }[]
    const rows = (await sql`
      SELECT e.player_id, e.idempotency_key,
        ((SELECT count(*) FROM ledger_lines l WHERE l.entry_id = e.id AND l.created_at = e.created_at)
         + (SELECT count(*) FROM ledger_batch_pools b
            WHERE b.created_at = e.created_at AND e.id BETWEEN b.first_entry_id AND b.last_entry_id))::int AS lines
      FROM ledger_entries e
      WHERE e.kind = 'contribution'`) as {
      player_id: string | null
      idempotency_key: string | null
      lines: number
    }[]
    const generated = new Set(keys)
    const held = new Map<string, number>()
    let foreign = 0
    let keyMismatch = 0
    let wrongLineCount = 0
    for (const row of rows) {
      if (row.lines !== pools!.n) wrongLineCount++
      if (row.player_id === null || !generated.has(row.player_id)) {
        foreign++
        continue
      }
      if (!row.idempotency_key?.includes(row.player_id)) keyMismatch++
      held.set(row.player_id, (held.get(row.player_id) ?? 0) + 1)
    }
    const check: LedgerCheck = {
      entries: rows.length,
      answered201: 0,
      recorded201: 0,
      missing201: [],
      duplicated: [...held].filter(([, count]) => count > 1).map(([key]) => key),
      recordedDespite: new Map(),
      recordedUnanswered: [],
      unrecordedUnanswered: [],
      foreign,
      keyMismatch,
      wrongLineCount,
    }
    for (const key of keys) {
      const answer = answers.get(key)
      const count = held.get(key) ?? 0
      if (answer === undefined) {
        ;(count > 0 ? check.recordedUnanswered : check.unrecordedUnanswered).push(key)
      } else if (answer.status === 201 && !answer.replayed) {
        check.answered201++
        if (count === 1) check.recorded201++
        if (count === 0) check.missing201.push(key)
      } else if (count > 0) {
        const list = check.recordedDespite.get(answer.status) ?? []
        list.push(key)
        check.recordedDespite.set(answer.status, list)
      }
    }
    return check
  } finally {
    await sql.close({ timeout: 1 })
  }
}

/** A pool identity that does not hold, with the figures on both sides. */
export interface PoolIdentityFailure {
  pool: string
  identity: string
  left: string
  right: string
}

/**
 * What moved each pool, in ledger id order, from both layouts: ledger lines (wins, resets,
 * seeds, and contributions written before migration 0005) and the compact runs of
 * contributions (`ledger_batch_pools`, one row per run per pool, at its last entry's id).
 */
const POOL_MOVES = `moves AS (
  SELECT l.pool_slug, l.entry_id AS at_id, e.kind::text AS kind, l.amount_delta_cents AS amount_delta,
         l.reserve_delta_cents AS reserve_delta, l.contributed_delta_cents AS contributed_delta,
         l.paid_out_delta_cents AS paid_out_delta, l.seeded_by_house_delta_cents AS seeded_delta,
         l.amount_after_cents AS amount_after, l.reserve_after_cents AS reserve_after,
         CASE WHEN e.kind = 'contribution' THEN 1 ELSE 0 END AS contributions,
         CASE WHEN e.kind = 'contribution' THEN e.wager_cents ELSE 0 END AS wager
  FROM ledger_lines l JOIN ledger_entries e ON e.id = l.entry_id AND e.created_at = l.created_at
  UNION ALL
  SELECT b.pool_slug, b.last_entry_id, 'contribution', b.amount_delta_cents, b.reserve_delta_cents,
         b.amount_delta_cents + b.reserve_delta_cents, 0, 0, b.amount_after_cents, b.reserve_after_cents,
         b.contributions,
         (SELECT coalesce(sum(e.wager_cents), 0) FROM ledger_entries e
          WHERE e.created_at = b.created_at AND e.id BETWEEN b.first_entry_id AND b.last_entry_id
            AND e.kind = 'contribution')
  FROM ledger_batch_pools b
)`

/**
 * Checks on the `pools` table against the ledger, returning every identity that fails:
 *
 * - conservation: `amount + reserve + paidOut = contributed + seededByHouse`;
 * - each pool figure equals the sum of its ledger lines' and contribution runs'
 *   deltas, and `contributions_count` the number of contributions they cover;
 * - every line's and run's `amount_after`/`reserve_after` equals the running sum
 *   of the deltas up to it in ledger id order (id order is the order changes applied);
 * - no cent lost or invented in the split: cents contributed × 10 000 +
 *   residue = Σ wager × rate over the contribution entries (valid while the
 *   rates never changed and no win happened, as in these benches).
 *
 * @example
 * const failures = await checkPoolIdentities(database.url)
 */
export async function checkPoolIdentities(databaseUrl: string): Promise<PoolIdentityFailure[]> {
  const sql = new SQL({ url: databaseUrl, max: 1 })
  try {
    const sums = (await sql.unsafe(`WITH ${POOL_MOVES}
      SELECT p.slug,
        (p.amount_cents + p.reserve_cents + p.paid_out_cents)::text AS held,
        (p.contributed_cents + p.seeded_by_house_cents)::text AS funded,
        p.amount_cents::text AS amount, coalesce(sum(m.amount_delta), 0)::text AS amount_lines,
        p.reserve_cents::text AS reserve, coalesce(sum(m.reserve_delta), 0)::text AS reserve_lines,
        p.contributed_cents::text AS contributed, coalesce(sum(m.contributed_delta), 0)::text AS contributed_lines,
        p.paid_out_cents::text AS paid_out, coalesce(sum(m.paid_out_delta), 0)::text AS paid_out_lines,
        p.seeded_by_house_cents::text AS seeded, coalesce(sum(m.seeded_delta), 0)::text AS seeded_lines,
        p.contributions_count::text AS contributions,
        coalesce(sum(m.contributions), 0)::text AS contribution_lines,
        (coalesce(sum(m.contributed_delta) FILTER (WHERE m.kind = 'contribution'), 0) * 10000 + p.residue)::text
          AS split_cents,
        (coalesce(sum(m.wager), 0) * p.contribution_bp)::text AS wagered_cents
      FROM pools p
      LEFT JOIN moves m ON m.pool_slug = p.slug
      GROUP BY p.slug
      ORDER BY p.slug`)) as Record<string, string>[]
    const failures: PoolIdentityFailure[] = []
    const expect = (pool: string, identity: string, left: string, right: string) => {
      if (left !== right) failures.push({ pool, identity, left, right })
    }
    for (const row of sums) {
      const pool = row.slug!
      expect(pool, 'amount + reserve + paidOut = contributed + seededByHouse', row.held!, row.funded!)
      expect(pool, 'amount = Σ line amount deltas', row.amount!, row.amount_lines!)
      expect(pool, 'reserve = Σ line reserve deltas', row.reserve!, row.reserve_lines!)
      expect(pool, 'contributed = Σ line contributed deltas', row.contributed!, row.contributed_lines!)
      expect(pool, 'paidOut = Σ line paid-out deltas', row.paid_out!, row.paid_out_lines!)
      expect(pool, 'seededByHouse = Σ line house deltas', row.seeded!, row.seeded_lines!)
      expect(pool, 'contributions_count = contribution lines', row.contributions!, row.contribution_lines!)
      expect(pool, 'contributed × 10 000 + residue = Σ wager × bp', row.split_cents!, row.wagered_cents!)
    }
    const [chain] = (await sql.unsafe(`WITH ${POOL_MOVES}
      SELECT count(*)::int AS broken FROM (
        SELECT amount_after, reserve_after,
          sum(amount_delta) OVER w AS amount_run, sum(reserve_delta) OVER w AS reserve_run
        FROM moves WINDOW w AS (PARTITION BY pool_slug ORDER BY at_id)
      ) t WHERE amount_after <> amount_run OR reserve_after <> reserve_run`)) as {
      broken: number
    }[]
    if (chain!.broken > 0)
      failures.push({
        pool: '*',
        identity: 'line after-figures = running sum in id order',
        left: `${chain!.broken} lines`,
        right: '0',
      })
    return failures
  } finally {
    await sql.close({ timeout: 1 })
  }
}

/**
 * Waits until the number of ledger entries has not moved for `quietMs`: when
 * wrk stops, the server still holds the requests wrk abandoned and may commit
 * them afterwards, so checking the ledger earlier would race them. Returns the
 * milliseconds waited; throws after `maxMs`.
 *
 * @example
 * await waitForQuietLedger(database.url)
 */
export async function waitForQuietLedger(
  databaseUrl: string,
  quietMs = 5_000,
  maxMs = 180_000,
): Promise<number> {
  const sql = new SQL({ url: databaseUrl, max: 1 })
  const started = performance.now()
  try {
    let last = -1
    let stableSince = performance.now()
    for (;;) {
      const [row] = (await sql`SELECT count(*)::int AS n FROM ledger_entries`) as { n: number }[]
      if (row!.n !== last) {
        last = row!.n
        stableSince = performance.now()
      } else if (performance.now() - stableSince >= quietMs) {
        return performance.now() - started - quietMs
      }
      if (performance.now() - started > maxMs)
        throw new Error(`the ledger still grew after ${maxMs / 1000} s`)
      await Bun.sleep(250)
    }
  } finally {
    await sql.close({ timeout: 1 })
  }
}
