import { join, resolve } from 'node:path'

/**
 * How `bun run cli backup` asks a running server for a PGlite dump: PGlite is one
 * process's (the data-dir lock), so the CLI cannot open it while the server runs. The CLI
 * writes `<id>.json` ({ out }) here and sends SIGUSR2 to the lock holder; the server
 * writes the dump to `out` and then `<id>.done` (or `<id>.failed` with the reason).
 * Kept inside the data directory, the one place both can write; a restore drops it.
 */
export const BACKUP_REQUESTS_DIR = '.backup-requests'

export interface BackupRequest {
  /** Absolute path the dump is written to (through `<out>.partial`, then renamed). */
  out: string
}

export function backupRequestsDir(dataDir: string): string {
  return join(resolve(dataDir), BACKUP_REQUESTS_DIR)
}
