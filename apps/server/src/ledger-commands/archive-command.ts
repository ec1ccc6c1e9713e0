import type { Config } from '@jackpot/config'
import { ArchiveIntegrityError, InvalidCommandError } from '@jackpot/domain'
import { CommandError } from '../backup/command-error.ts'
import { openMaintenanceStore } from './open-maintenance-store.ts'

/** What `archive` was asked. */
export interface ArchiveArgs {
  before: string
  out: string
  databaseUrl?: string | undefined
}

/**
 * `bun run cli archive --before YYYY-MM-DD --out DIR [--database-url URL]`:
 * moves the ledger's days before the date into gzip JSONL files with a manifest,
 * read back and matched before the partitions are dropped. Progress on stderr,
 * the summary on stdout.
 *
 * @throws CommandError for a refused date, a directory collision, a ledger that does not verify.
 */
export async function archiveCommand(config: Config, args: ArchiveArgs): Promise<string> {
  const store = await openMaintenanceStore(config, args.databaseUrl)
  try {
    const done = await store.archiveLedger({
      before: args.before,
      outDir: args.out,
      onProgress: (line) => console.error(line),
    })
    return (
      `archived ${done.days} day(s) ${done.firstDay}..${done.lastDay} as ${done.name}: ${done.files} files, ` +
      `${done.bytes} bytes, manifest ${done.manifest}; ${done.partitionsDropped} partitions dropped`
    )
  } catch (error) {
    if (error instanceof InvalidCommandError || error instanceof ArchiveIntegrityError)
      throw new CommandError(`error: ${error.message}`)
    throw error
  } finally {
    await store.close()
  }
}
