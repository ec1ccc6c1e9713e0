import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Config } from '@jackpot/config'
import { liveLockHolder, openJackpot } from '@jackpot/domain'
import { backupRequestsDir } from './backup-requests.ts'
import { CommandError } from './command-error.ts'
import { runPgTool } from './pg-tool.ts'

export interface BackupOptions {
  out: string
  /** How long to wait for a running server's PGlite dump. */
  timeoutMs: number
}

/**
 * `bun run cli backup --out FILE`: a consistent logical backup of the configured database.
 * PostgreSQL: `pg_dump --format=custom` (one snapshot; writes go on). Embedded PGlite: a
 * gzipped data-directory dump, asked of the server holding the directory when one runs,
 * taken here otherwise. Writes through `FILE.partial`, so FILE is always a whole backup.
 *
 * @returns a one-line summary for stdout.
 */
export async function backupCommand(config: Config, options: BackupOptions): Promise<string> {
  const out = resolve(options.out)
  if (existsSync(out))
    throw new CommandError(`${out} exists; choose a new file (backups are never overwritten)`)
  if (config.DATABASE_URL) {
    const partial = `${out}.partial`
    try {
      await runPgTool('pg_dump', config.DATABASE_URL, ['--format=custom', '--file', partial])
      renameSync(partial, out)
    } finally {
      rmSync(partial, { force: true })
    }
    return `backup written: ${out} (pg_dump custom format; restore with bun run cli restore)`
  }

  const dataDir = resolve(config.PGLITE_DATA_DIR)
  if (config.PGLITE_DATA_DIR.startsWith('memory://')) {
    throw new CommandError('PGLITE_DATA_DIR is memory://: an in-memory database has nothing to back up')
  }
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    throw new CommandError(`no embedded database at ${dataDir} (PGLITE_DATA_DIR)`)
  }
  const holder = liveLockHolder(dataDir)
  if (holder) {
    await askServer(dataDir, holder.pid, out, options.timeoutMs)
    return `backup written: ${out} (PGlite data directory, dumped by the running server, pid ${holder.pid})`
  }
  const store = await openJackpot({ pgliteDataDir: dataDir, poolSize: 1, currency: config.JACKPOT_CURRENCY })
  try {
    if (!store.dumpDataDir) throw new CommandError('this store has no data directory to dump')
    const dump = await store.dumpDataDir()
    await Bun.write(`${out}.partial`, dump)
    renameSync(`${out}.partial`, out)
  } finally {
    await store.close()
  }
  return `backup written: ${out} (PGlite data directory)`
}

async function askServer(dataDir: string, pid: number, out: string, timeoutMs: number): Promise<void> {
  const dir = backupRequestsDir(dataDir)
  mkdirSync(dir, { recursive: true })
  const id = `${process.pid}-${Date.now()}`
  const request = join(dir, `${id}.json`)
  // Written whole, then renamed into place: the server never reads half a request.
  writeFileSync(`${request}.tmp`, JSON.stringify({ out }))
  renameSync(`${request}.tmp`, request)
  const done = join(dir, `${id}.done`)
  const failed = join(dir, `${id}.failed`)
  try {
    process.kill(pid, 'SIGUSR2')
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      if (existsSync(done)) return
      if (existsSync(failed)) {
        throw new CommandError(
          `the server (pid ${pid}) could not dump: ${readFileSync(failed, 'utf8').trim()}`,
        )
      }
      await Bun.sleep(100)
    }
    throw new CommandError(
      `no backup from the server holding ${dataDir} (pid ${pid}) within ${timeoutMs / 1000} s; ` +
        'check its log, or raise --timeout for a large database',
    )
  } finally {
    for (const path of [request, done, failed]) rmSync(path, { force: true })
  }
}
