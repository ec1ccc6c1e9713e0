import type { Config } from '@jackpot/config'
import { ArchiveIntegrityError, DrizzleJackpotStore, InvalidCommandError, openJackpot } from '@jackpot/domain'
import { CommandError } from '../backup/command-error.ts'

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
  const store = await openJackpot({
    databaseUrl: args.databaseUrl ?? config.DATABASE_URL,
    pgliteDataDir: config.PGLITE_DATA_DIR,
    poolSize: 1,
    currency: config.JACKPOT_CURRENCY,
    // Reading whole days out is a maintenance job: no per-statement cap.
    statementTimeoutMs: 0,
  })
  try {
    if (!(store instanceof DrizzleJackpotStore))
      throw new CommandError('archive needs a store made by openJackpot')
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
