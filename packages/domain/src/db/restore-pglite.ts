import { readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { LOCK_FILE_NAME, lockDataDirectory } from './pglite-lock.ts'

/** The target of a restore already holds something: restoring would mix two databases. */
export class RestoreTargetNotEmptyError extends Error {
  constructor(readonly target: string) {
    super(
      `${target} is not empty; restore only into an empty database (a new database, or a new data directory)`,
    )
    this.name = 'RestoreTargetNotEmptyError'
  }
}

/**
 * Unpacks a PGlite data-directory dump (`dumpDataDir`, what `bun run cli backup` writes
 * on the embedded mode) into `dataDir`, which must be absent or empty. Holds the
 * directory lock while it does, and starts PGlite once so the copy is known to open.
 *
 * @throws RestoreTargetNotEmptyError when `dataDir` holds anything.
 * @example
 * await restorePgliteDataDir('./data-restored', Bun.file('jackpot.tar.gz'))
 */
export async function restorePgliteDataDir(dataDir: string, dump: Blob): Promise<void> {
  if (listEntries(dataDir).length > 0) throw new RestoreTargetNotEmptyError(`directory ${dataDir}`)
  const lock = lockDataDirectory(dataDir)
  try {
    if (listEntries(dataDir).some((name) => name !== LOCK_FILE_NAME)) {
      throw new RestoreTargetNotEmptyError(`directory ${dataDir}`)
    }
    const client = new PGlite(dataDir, { loadDataDir: dump })
    await client.waitReady
    await client.close()
    // A dump of a running server's directory carries that server's lock file and its
    // backup requests: PostgreSQL keeps no dot-files at the top, so every one is ours to drop.
    for (const name of listEntries(dataDir)) {
      if (name.startsWith('.')) rmSync(join(dataDir, name), { recursive: true, force: true })
    }
  } finally {
    lock.release()
  }
}

function listEntries(dir: string): string[] {
  try {
    return readdirSync(dir)
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return []
    throw error
  }
}
