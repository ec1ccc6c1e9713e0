/**
 * The anchor of the contribution benches: the naive transaction a contribution
 * costs when each one commits alone on the three hot pool rows, run by
 * `pgbench -f` on a fresh database made with the project's migrations. Its
 * peak over a few client counts is what group commit is measured against.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createBenchDatabase } from './bench-database.ts'
import { LOAD_CPU } from './wrk-load.ts'

/**
 * One contribution of 25.37 (2 537 cents), the way the anchor spells it:
 * insert the entry (its day's unique key index claims the idempotency key), move the three pools (minor 1 %, major 0.5 %,
 * mega 0.25 %, rounded down: no residue carry, which would only add work),
 * write the three ledger lines, commit. The UPDATEs go in slug order, as the
 * server locks them, so concurrent clients queue instead of deadlocking.
 */
export const NAIVE_CONTRIBUTION_SQL = `BEGIN;
INSERT INTO ledger_entries (kind, idempotency_key, game_id, wager_cents, currency, created_at)
  VALUES ('contribution', gen_random_uuid()::text, 'pgbench', 2537, 'EUR', now());
UPDATE pools SET amount_cents = amount_cents + 12, contributed_cents = contributed_cents + 12,
  contributions_count = contributions_count + 1, updated_at = now() WHERE slug = 'major';
UPDATE pools SET amount_cents = amount_cents + 6, contributed_cents = contributed_cents + 6,
  contributions_count = contributions_count + 1, updated_at = now() WHERE slug = 'mega';
UPDATE pools SET amount_cents = amount_cents + 25, contributed_cents = contributed_cents + 25,
  contributions_count = contributions_count + 1, updated_at = now() WHERE slug = 'minor';
INSERT INTO ledger_lines (entry_id, pool_slug, amount_delta_cents, reserve_delta_cents, contributed_delta_cents,
    amount_after_cents, reserve_after_cents, residue_after, created_at)
  SELECT currval('ledger_entries_id_seq'), slug,
    CASE slug WHEN 'minor' THEN 25 WHEN 'major' THEN 12 ELSE 6 END, 0,
    CASE slug WHEN 'minor' THEN 25 WHEN 'major' THEN 12 ELSE 6 END,
    amount_cents, reserve_cents, residue, now()
  FROM pools WHERE slug IN ('major', 'mega', 'minor');
COMMIT;
`

export interface PgbenchRun {
  clients: number
  tps: number
  /** Transactions pgbench reports as failed (serialization, deadlock): must be 0. */
  failed: number
  latencyMs: number
}

export interface PgbenchAnchor {
  runs: PgbenchRun[]
  peak: PgbenchRun
}

/** Fails with the apt package to install when pgbench is missing. */
export function requirePgbench(): void {
  if (spawnSync('which', ['pgbench']).status !== 0)
    throw new Error('pgbench is needed (apt-get install postgresql-client)')
}

/**
 * Runs {@link NAIVE_CONTRIBUTION_SQL} for `seconds` at each client count on a
 * fresh database (dropped afterwards), pgbench pinned to the load generator's
 * CPU like wrk, prepared statements (as the server's driver uses them).
 *
 * @example
 * const { peak } = await pgbenchAnchor([4, 8, 16], 10)
 */
export async function pgbenchAnchor(
  clientCounts: readonly number[],
  seconds: number,
): Promise<PgbenchAnchor> {
  requirePgbench()
  const database = await createBenchDatabase('anchor')
  const dir = mkdtempSync(join(tmpdir(), 'jackpot-pgbench-'))
  try {
    const script = join(dir, 'naive-contribution.sql')
    writeFileSync(script, NAIVE_CONTRIBUTION_SQL)
    const runs = clientCounts.map((clients) => runPgbench(database.url, script, clients, seconds))
    const peak = runs.reduce((best, run) => (run.tps > best.tps ? run : best))
    return { runs, peak }
  } finally {
    rmSync(dir, { recursive: true, force: true })
    await database.drop()
  }
}

function runPgbench(url: string, script: string, clients: number, seconds: number): PgbenchRun {
  const result = spawnSync(
    'taskset',
    [
      '-c',
      LOAD_CPU,
      'pgbench',
      '--no-vacuum',
      '--protocol=prepared',
      `--client=${clients}`,
      `--jobs=${Math.min(clients, 2)}`,
      `--time=${seconds}`,
      `--file=${script}`,
      url,
    ],
    { encoding: 'utf8' },
  )
  const out = `${result.stdout}\n${result.stderr}`
  const tps = Number(/tps = ([\d.]+)/.exec(out)?.[1])
  if (result.status !== 0 || !(tps > 0)) throw new Error(`pgbench failed (${result.status}):\n${out}`)
  return {
    clients,
    tps,
    failed: Number(/number of failed transactions: (\d+)/.exec(out)?.[1] ?? 0),
    latencyMs: Number(/latency average = ([\d.]+) ms/.exec(out)?.[1] ?? Number.NaN),
  }
}
