import { closeSync, existsSync, openSync, readSync } from 'node:fs'
import { resolve } from 'node:path'
import { assertEmptyPostgres, restorePgliteDataDir } from '@jackpot/domain'
import { CommandError } from './command-error.ts'
import { runPgTool } from './pg-tool.ts'

export interface RestoreOptions {
  file: string
  databaseUrl?: string | undefined
  dataDir?: string | undefined
}

/**
 * `bun run cli restore FILE --database-url URL | --data-dir DIR`: restores a backup of
 * `bun run cli backup` into an EMPTY database. A pg_dump file goes into PostgreSQL with
 * `pg_restore` (one transaction, stop on the first error); a PGlite dump into a new data
 * directory. Refuses a target that holds anything.
 *
 * @returns a one-line summary for stdout.
 */
export async function restoreCommand(options: RestoreOptions): Promise<string> {
  const file = resolve(options.file)
  if (!existsSync(file)) throw new CommandError(`no backup file at ${file}`)
  const format = backupFormat(file)
  if (format === 'pg_dump') {
    if (!options.databaseUrl)
      throw new CommandError(`${file} is a PostgreSQL dump: restore it with --database-url`)
    await assertEmptyPostgres(options.databaseUrl).catch(rethrowAsCommandError)
    await runPgTool('pg_restore', options.databaseUrl, [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      '--single-transaction',
      file,
    ])
    return `restored ${file} into the database; now run bun run cli verify-ledger against it`
  }
  if (!options.dataDir)
    throw new CommandError(`${file} is an embedded (PGlite) dump: restore it with --data-dir`)
  const dataDir = resolve(options.dataDir)
  await restorePgliteDataDir(dataDir, Bun.file(file)).catch(rethrowAsCommandError)
  return `restored ${file} into ${dataDir}; now run PGLITE_DATA_DIR=${dataDir} bun run cli verify-ledger`
}

/** pg_dump's custom format starts with "PGDMP"; a PGlite dump is a gzipped tarball. */
function backupFormat(file: string): 'pg_dump' | 'pglite' {
  const head = Buffer.alloc(5)
  const fd = openSync(file, 'r')
  try {
    readSync(fd, head, 0, 5, 0)
  } finally {
    closeSync(fd)
  }
  if (head.toString('latin1') === 'PGDMP') return 'pg_dump'
  if (head[0] === 0x1f && head[1] === 0x8b) return 'pglite'
  throw new CommandError(`${file} is neither a pg_dump custom-format file nor a PGlite dump`)
}

function rethrowAsCommandError(error: unknown): never {
  throw new CommandError(error instanceof Error ? error.message : String(error))
}
