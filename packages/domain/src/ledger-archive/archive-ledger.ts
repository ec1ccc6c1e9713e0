import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { sql } from 'drizzle-orm'
import type { Database, Executor } from '../db/database.ts'
import {
  detachLedgerPartition,
  dropDetachedPartition,
  type LedgerPartition,
  listLedgerPartitions,
  utcDay,
} from '../db/ledger-partitions.ts'
import { ledgerArchives } from '../db/schema.ts'
import { InvalidCommandError } from '../errors.ts'
import { retireKeysOf } from '../idempotency-keys.ts'
import type { LedgerCheckpoint } from '../ledger-checkpoints.ts'
import { type VerifiableStore, verifyLedger } from '../verify-ledger.ts'
import { resultRows } from '../write-batch/sql-arrays.ts'
import {
  ARCHIVE_FORMAT,
  type ArchivedDay,
  type ArchivedPoolSums,
  type ArchiveFile,
  type ArchiveManifest,
  archiveName,
  manifestFileName,
  manifestText,
  readArchiveFile,
  readManifest,
  sha256Hex,
} from './archive-manifest.ts'

/** What `cli archive` asks. */
export interface ArchiveLedgerOptions {
  /** Every whole UTC day before this one (`YYYY-MM-DD`, exclusive) leaves the database. */
  before: string
  /** The directory the files go to; made when absent; no file in it is ever overwritten. */
  outDir: string
  now: Date
  /** One line per step, for stderr. */
  onProgress?: (line: string) => void
}

/** What {@link archiveLedger} did. */
export interface ArchivedLedger {
  name: string
  firstDay: string
  lastDay: string
  days: number
  files: number
  bytes: number
  manifest: string
  partitionsDropped: number
}

/**
 * Moves every day before `before` out of the database: verifies the ledger
 * first (which checkpoints every closed day), writes each day's partitions to
 * gzip JSONL files with a manifest (row counts, per-pool sums, each file's
 * sha256, the checkpoint hashes and the previous manifest's sha256), reads the
 * files back and matches them with the manifest and the checkpoints, and only
 * then records the archive and detaches and drops the partitions, in one
 * transaction. Anything that does not match stops it before a row is dropped.
 *
 * @throws InvalidCommandError for a day that is not over, nothing to archive, a file that would be overwritten, a ledger that does not verify.
 * @example
 * await archiveLedger(db, store, { before: '2026-12-01', outDir: '/backup/ledger', now: new Date() })
 */
export async function archiveLedger(
  db: Database,
  store: VerifiableStore,
  options: ArchiveLedgerOptions,
): Promise<ArchivedLedger> {
  const say = options.onProgress ?? (() => {})
  const { before, outDir } = options
  if (!/^\d{4}-\d{2}-\d{2}$/.test(before) || utcDay(new Date(`${before}T00:00:00Z`)) !== before)
    throw new InvalidCommandError(`--before ${before} is not a date (YYYY-MM-DD)`, 'before')
  const today = utcDay(options.now)
  if (before >= today) {
    throw new InvalidCommandError(
      `--before ${before} is ${before === today ? 'today' : 'in the future'} (UTC today is ${today}): ` +
        `only whole days that are over can be archived, so give a date before today, such as ${utcDay(new Date(options.now.getTime() - 86_400_000))}`,
      'before',
    )
  }
  const partitions = (await listLedgerPartitions(db)).filter((partition) => partition.day < before)
  const days = [...new Set(partitions.map((partition) => partition.day))]
  if (days.length === 0)
    throw new InvalidCommandError(
      `nothing to archive: no ledger day before ${before} is in the database`,
      'before',
    )
  const name = archiveName(days[0]!, days.at(-1)!)
  const wanted = [manifestFileName(name), ...partitions.map((partition) => `${partition.name}.jsonl.gz`)]
  const taken = wanted.filter((file) => existsSync(join(outDir, file)))
  if (taken.length > 0) {
    throw new InvalidCommandError(
      `${outDir} already holds ${taken.join(', ')}: archive into an empty directory, or move those files away first`,
      'out',
    )
  }

  say(`archive: verifying the ledger (and checkpointing closed days) before moving anything`)
  const verified = await verifyLedger(store, { now: options.now })
  if (!verified.ok) {
    const { entryId, reason } = verified.divergence
    throw new InvalidCommandError(
      `the ledger does not verify (entry ${entryId ?? '-'}: ${reason}); nothing archived`,
    )
  }
  const checkpoints = new Map((await store.ledgerCheckpoints?.())?.map((c) => [c.day, c]) ?? [])
  const archives = (await store.ledgerArchives?.()) ?? []

  mkdirSync(outDir, { recursive: true })
  const archived: ArchivedDay[] = []
  let manifest: ArchiveManifest
  let manifestSha256: string
  try {
    for (const day of days) {
      const written = await writeDay(
        db,
        outDir,
        day,
        partitions.filter((p) => p.day === day),
        checkpoints.get(day),
      )
      archived.push(written)
      say(
        `archive: ${day}: ${written.entries} entries, ${written.lines} lines in ${written.files.length} files`,
      )
    }
    manifest = {
      format: ARCHIVE_FORMAT,
      name,
      firstDay: days[0]!,
      lastDay: days.at(-1)!,
      createdAt: options.now.toISOString(),
      previousManifestSha256: archives.at(-1)?.manifestSha256 ?? null,
      days: archived,
    }
    const text = manifestText(manifest)
    manifestSha256 = sha256Hex(text)
    writeFileSync(join(outDir, manifestFileName(name)), text, { flag: 'wx' })

    say(`archive: reading ${wanted.length} files back and matching them with the manifest`)
    const reread = await readManifest(outDir, name, manifestSha256)
    for (const day of reread.days) {
      const rows = new Map<string, Record<string, unknown>[]>()
      for (const file of day.files) rows.set(file.table, await readArchiveFile(outDir, file))
      const sums = poolSums(rows.get('ledger_lines') ?? [], rows.get('ledger_batch_pools') ?? [])
      if (JSON.stringify(sums) !== JSON.stringify(day.pools)) {
        throw new InvalidCommandError(
          `the files of ${day.day} read back with other per-pool sums; nothing dropped`,
        )
      }
    }
  } catch (error) {
    // Nothing was dropped; the files this run wrote (none existed before: checked above) go too.
    for (const file of wanted) rmSync(join(outDir, file), { force: true })
    throw error
  }

  const lastHash = archived.findLast((day) => day.checkpointHash !== null)?.checkpointHash
  await db.transaction(async (tx) => {
    await tx.insert(ledgerArchives).values({
      firstDay: manifest.firstDay,
      lastDay: manifest.lastDay,
      name,
      location: outDir,
      manifestSha256,
      lastCheckpointHash: lastHash ?? '',
      createdAt: options.now,
    })
    // Keys of these days still in the key window stay recognisable (a replay is refused as
    // expired) once their entries are gone.
    await retireKeysOf(
      tx,
      partitions.filter((partition) => partition.table === 'ledger_entries'),
    )
    for (const partition of partitions) {
      await detachLedgerPartition(tx, partition.table, partition.day)
      await dropDetachedPartition(tx, partition.table, partition.day)
    }
  })
  say(`archive: detached and dropped ${partitions.length} partitions of ${days.length} days`)
  return {
    name,
    firstDay: manifest.firstDay,
    lastDay: manifest.lastDay,
    days: days.length,
    files: partitions.length,
    bytes: archived.reduce((sum, day) => sum + day.files.reduce((s, f) => s + f.bytes, 0), 0),
    manifest: join(outDir, manifestFileName(name)),
    partitionsDropped: partitions.length,
  }
}

/** Writes one day's partitions and checks them against the day's checkpoint. */
async function writeDay(
  db: Executor,
  outDir: string,
  day: string,
  partitions: readonly LedgerPartition[],
  checkpoint: LedgerCheckpoint | undefined,
): Promise<ArchivedDay> {
  const files: ArchiveFile[] = []
  const rows = new Map<string, Record<string, unknown>[]>()
  for (const partition of partitions) {
    const lines = await partitionLines(db, partition.name)
    const bytes = gzipSync(lines.length === 0 ? '' : `${lines.join('\n')}\n`)
    const file = `${partition.name}.jsonl.gz`
    writeFileSync(join(outDir, file), bytes, { flag: 'wx' })
    files.push({
      table: partition.table,
      file,
      rows: lines.length,
      bytes: bytes.length,
      sha256: sha256Hex(bytes),
    })
    rows.set(
      partition.table,
      lines.map((line) => JSON.parse(line)),
    )
  }
  const entries = rows.get('ledger_entries')?.length ?? 0
  const lineRows = rows.get('ledger_lines') ?? []
  const runRows = rows.get('ledger_batch_pools') ?? []
  const pools = poolSums(lineRows, runRows)
  if (checkpoint === undefined) {
    // A day before the first entry (a partition made ahead, left empty) has nothing to vouch for.
    if (entries > 0 || lineRows.length > 0 || runRows.length > 0)
      throw new InvalidCommandError(`${day} has ledger rows but no checkpoint; nothing archived`)
  } else {
    // Lines are not compared by count: a compact contribution's lines are recomputed from its run.
    const mismatch =
      checkpoint.entries !== entries ||
      [...checkpoint.pools].some(([slug, pool]) => {
        const sums = pools[slug] ?? { lines: '0', runs: '0', amountDeltaCents: '0', reserveDeltaCents: '0' }
        return (
          pool.dayAmountDeltaCents.toString() !== sums.amountDeltaCents ||
          pool.dayReserveDeltaCents.toString() !== sums.reserveDeltaCents
        )
      })
    if (mismatch)
      throw new InvalidCommandError(
        `the partitions of ${day} do not add up to its checkpoint; nothing archived`,
      )
  }
  return {
    day,
    entries,
    lines: lineRows.length,
    pools,
    checkpointHash: checkpoint?.hash ?? null,
    previousCheckpointHash: checkpoint?.previousHash ?? null,
    files,
  }
}

/**
 * A partition's rows as JSON lines, in key order. Every bigint column is cast
 * to text first, so no figure passes through a float on the way out or back.
 */
async function partitionLines(db: Executor, partition: string): Promise<string[]> {
  const columns = resultRows<{ name: string; type: string }>(
    await db.execute(sql`
      SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = 'public' AND table_name = ${partition} ORDER BY ordinal_position`),
  )
  const list = columns
    .map(({ name, type }) => (type === 'bigint' ? `"${name}"::text AS "${name}"` : `"${name}"`))
    .join(', ')
  const rows = resultRows<{ line: string }>(
    await db.execute(
      sql.raw(
        `SELECT row_to_json(x)::text AS line FROM (SELECT ${list} FROM "${partition}" ORDER BY 1, 2) x`,
      ),
    ),
  )
  return rows.map((row) => row.line)
}

/**
 * Per pool, a day's line and run rows and what they moved (lines and compact
 * runs together), keys sorted (the manifest compares them as text).
 */
function poolSums(
  lines: readonly Record<string, unknown>[],
  runs: readonly Record<string, unknown>[],
): Record<string, ArchivedPoolSums> {
  const sums = new Map<string, { lines: bigint; runs: bigint; amount: bigint; reserve: bigint }>()
  for (const [rows, kind] of [
    [lines, 'lines'],
    [runs, 'runs'],
  ] as const) {
    for (const row of rows) {
      const slug = String(row.pool_slug)
      const sum = sums.get(slug) ?? { lines: 0n, runs: 0n, amount: 0n, reserve: 0n }
      sum[kind]++
      sum.amount += BigInt(String(row.amount_delta_cents))
      sum.reserve += BigInt(String(row.reserve_delta_cents))
      sums.set(slug, sum)
    }
  }
  return Object.fromEntries(
    [...sums.keys()].sort().map((slug) => {
      const sum = sums.get(slug)!
      return [
        slug,
        {
          lines: sum.lines.toString(),
          runs: sum.runs.toString(),
          amountDeltaCents: sum.amount.toString(),
          reserveDeltaCents: sum.reserve.toString(),
        },
      ]
    }),
  )
}
