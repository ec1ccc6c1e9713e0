import type { LedgerArchiveRef } from '../errors.ts'
import type { LedgerCheckpoint } from '../ledger-checkpoints.ts'
import { toLedgerLine } from '../ledger-reader.ts'
import type { LedgerEntry, LedgerKind } from '../types.ts'
import { replayRun } from '../write-batch/entry-lines.ts'
import { ArchiveIntegrityError, manifestFileName, readArchiveFile, readManifest } from './archive-manifest.ts'

/**
 * The archived days' ledger entries, oldest first, read back from the archive
 * directory for `verify-ledger --full`. Before yielding a day it checks that
 * each manifest is the one the database recorded and links to the previous
 * one, that the day's checkpoint hash is the database's, and every file's
 * size, sha256 and row count; so a flipped byte fails here, naming its file.
 *
 * @throws ArchiveIntegrityError naming the manifest or file that does not match.
 * @example
 * await verifyLedger(store, { mode: 'full', archived: archivedEntries(dir, archives, checkpoints) })
 */
export async function* archivedEntries(
  dir: string,
  archives: readonly LedgerArchiveRef[],
  checkpoints: readonly LedgerCheckpoint[],
): AsyncGenerator<LedgerEntry> {
  const hashes = new Map(checkpoints.map((checkpoint) => [checkpoint.day, checkpoint.hash]))
  let previousManifest: string | null = null
  for (const archive of archives) {
    const manifest = await readManifest(dir, archive.name, archive.manifestSha256)
    const manifestFile = manifestFileName(archive.name)
    if (manifest.previousManifestSha256 !== previousManifest) {
      throw new ArchiveIntegrityError(manifestFile, 'does not link to the previous archive manifest')
    }
    previousManifest = archive.manifestSha256
    for (const day of manifest.days) {
      if ((hashes.get(day.day) ?? null) !== day.checkpointHash) {
        throw new ArchiveIntegrityError(
          manifestFile,
          `the checkpoint of ${day.day} is ${day.checkpointHash}, the database's is ${hashes.get(day.day) ?? 'missing'}`,
        )
      }
      const rows = new Map<string, Record<string, unknown>[]>()
      for (const file of day.files) rows.set(file.table, await readArchiveFile(dir, file))
      yield* ledgerEntriesFromRows(
        rows.get('ledger_entries') ?? [],
        rows.get('ledger_lines') ?? [],
        rows.get('ledger_batch_pools') ?? [],
      )
    }
  }
}

/**
 * Archived rows (bigints as decimal strings, times as ISO text) back into
 * ledger entries, by id: a compact contribution's lines are recomputed from
 * its run (`ledger_batch_pools`), as the live reader does.
 */
export function ledgerEntriesFromRows(
  entryRows: readonly Record<string, unknown>[],
  lineRows: readonly Record<string, unknown>[],
  runRows: readonly Record<string, unknown>[] = [],
): LedgerEntry[] {
  const lines = new Map<string, LedgerEntry['lines']>()
  for (const row of runRows) {
    const run = {
      firstEntryId: BigInt(String(row.first_entry_id)),
      lastEntryId: BigInt(String(row.last_entry_id)),
      poolSlug: String(row.pool_slug),
      contributions: Number(row.contributions),
      contributionBp: Number(row.contribution_bp),
      ceilingCents: row.ceiling_cents === null ? null : BigInt(String(row.ceiling_cents)),
      amountDeltaCents: BigInt(String(row.amount_delta_cents)),
      reserveDeltaCents: BigInt(String(row.reserve_delta_cents)),
      amountAfterCents: BigInt(String(row.amount_after_cents)),
      reserveAfterCents: BigInt(String(row.reserve_after_cents)),
      residueAfter: Number(row.residue_after),
      createdAt: new Date(String(row.created_at)),
    }
    const members = entryRows
      .filter((entry) => {
        const id = BigInt(String(entry.id))
        return (
          entry.kind === 'contribution' &&
          id >= run.firstEntryId &&
          id <= run.lastEntryId &&
          new Date(String(entry.created_at)).getTime() === run.createdAt.getTime()
        )
      })
      .map((entry) => ({
        id: BigInt(String(entry.id)),
        wagerCents: entry.wager_cents === null ? null : BigInt(String(entry.wager_cents)),
      }))
      .sort((a, b) => (a.id < b.id ? -1 : 1))
    for (const [id, line] of replayRun(run, members)) {
      const list = lines.get(id.toString()) ?? []
      list.push(toLedgerLine(line))
      lines.set(id.toString(), list)
    }
  }
  for (const row of lineRows) {
    const entryId = String(row.entry_id)
    const list = lines.get(entryId) ?? []
    list.push(
      toLedgerLine({
        poolSlug: String(row.pool_slug),
        amountDeltaCents: BigInt(String(row.amount_delta_cents)),
        reserveDeltaCents: BigInt(String(row.reserve_delta_cents)),
        amountAfterCents: BigInt(String(row.amount_after_cents)),
        reserveAfterCents: BigInt(String(row.reserve_after_cents)),
        residueAfter: Number(row.residue_after),
      }),
    )
    lines.set(entryId, list)
  }
  return entryRows
    .map((row) => ({
      id: String(row.id),
      kind: row.kind as LedgerKind,
      idempotencyKey: (row.idempotency_key as string | null) ?? null,
      parentId: row.parent_id === null ? null : String(row.parent_id),
      gameId: (row.game_id as string | null) ?? null,
      playerId: (row.player_id as string | null) ?? null,
      wagerCents: row.wager_cents === null ? null : BigInt(String(row.wager_cents)),
      lines: (lines.get(String(row.id)) ?? []).sort((a, b) => (a.pool < b.pool ? -1 : 1)),
      createdAt: new Date(String(row.created_at)),
    }))
    .sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1))
}
