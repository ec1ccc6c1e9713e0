import type { Config } from '@jackpot/config'
import {
  ArchiveIntegrityError,
  archivedEntries,
  type DrizzleJackpotStore,
  LedgerArchivedError,
  nextUtcDay,
  verifyLedger,
} from '@jackpot/domain'
import { CommandError } from '../backup/command-error.ts'
import { openMaintenanceStore } from './open-maintenance-store.ts'

/** What `verify-ledger` was asked. */
export interface VerifyLedgerArgs {
  /** Replay from the first entry (archived days included) instead of the last checkpoint. */
  full: boolean
  /** Where `cli archive` wrote the archived days: read back for `full`. */
  archiveDir?: string | undefined
  databaseUrl?: string | undefined
}

/**
 * `bun run cli verify-ledger [--full [--archive-dir DIR]] [--database-url URL]`:
 * replays the ledger of the database, from its last checkpoint (or, `--full`, from
 * the first entry, reading archived days from their files) and checks every pool
 * and the rollups of the replayed days against it. Exit 0 when they agree; 1
 * naming the first divergent entry, checkpoint or archive file.
 *
 * @throws CommandError for a database with archived days asked `--full` without `--archive-dir`.
 */
export async function verifyLedgerCommand(config: Config, args: VerifyLedgerArgs): Promise<number> {
  const store = await openMaintenanceStore(config, args.databaseUrl)
  try {
    const checkpoints = await store.ledgerCheckpoints()
    const archives = await store.ledgerArchives()
    const archived =
      args.full && args.archiveDir !== undefined
        ? archivedEntries(args.archiveDir, archives, checkpoints)
        : undefined
    const result = await verifyLedger(store, { mode: args.full ? 'full' : 'incremental', archived })
    if (!result.ok) {
      const { entryId, pool, reason } = result.divergence
      console.error(
        `ledger divergence at entry ${entryId ?? '(none)'}${pool === null ? '' : ` (pool ${pool})`}: ${reason}`,
      )
      return 1
    }
    const from = result.from === null ? '' : ` after the checkpoint of ${result.from}`
    const archivedDays =
      archived === undefined ? '' : `, ${archives.length} archive(s) read back from ${args.archiveDir}`
    const written =
      result.checkpointsWritten === 0 ? '' : `; ${result.checkpointsWritten} day checkpoint(s) written`
    console.log(
      `ledger verified: ${result.entries} entries${from}, ${result.pools} pools agree${archivedDays}${written}`,
    )
    // The rollups of the days this run replayed; archived days' rollups have no ledger left to compare with.
    const sinceDay = args.full ? archives.at(-1)?.lastDay : result.from
    return await verifyRollups(
      store,
      sinceDay === undefined || sinceDay === null ? undefined : nextUtcDay(sinceDay),
    )
  } catch (error) {
    if (error instanceof ArchiveIntegrityError) {
      console.error(`archive verification failed: ${error.message}`)
      return 1
    }
    if (error instanceof LedgerArchivedError) {
      throw new CommandError(`${error.message}: pass --archive-dir <dir> to read them back for --full`)
    }
    throw error
  } finally {
    await store.close()
  }
}

/** Runs after a successful replay: the rollups the figures read must equal the ledger. */
async function verifyRollups(
  store: Pick<DrizzleJackpotStore, 'checkRollups'>,
  sinceDay: string | undefined,
): Promise<number> {
  const check = await store.checkRollups(
    sinceDay === undefined ? undefined : new Date(`${sinceDay}T00:00:00Z`),
  )
  if (check.ok) {
    console.log(
      `rollups verified${sinceDay === undefined ? '' : ` from ${sinceDay}`}: ${check.poolMinutes} pool-minutes, ${check.gameDays} game-days agree`,
    )
    return 0
  }
  console.error(`rollup divergence in ${check.table} at ${check.key}: ${check.reason}`)
  return 1
}
