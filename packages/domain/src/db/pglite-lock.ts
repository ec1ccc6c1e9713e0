import { closeSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join, resolve } from 'node:path'
import type { LoggerPort } from '@jackpot/observability'
import { DatabaseLockedError } from '../errors.ts'

export const LOCK_FILE_NAME = '.jackpot.lock'

// Containers sharing a volume are all pid 1: the lock names the host too, and a
// holder on another host is never judged dead from here (its pids are not ours to probe).
const HOST = hostname()

// Directories this process holds. A lock file naming our own pid but missing
// here was left by an earlier run that reused the pid (a container's pid 1).
const heldByThisProcess = new Set<string>()

/** A held directory lock. */
export interface DirectoryLock {
  readonly path: string
  release(): void
}

/**
 * Takes `<dir>/.jackpot.lock` atomically (create-if-absent) with this process's pid, so a
 * second process cannot open the same PGlite directory. A lock left by a dead
 * process is taken over with a warning.
 *
 * @throws DatabaseLockedError when a live process holds the directory.
 * @example
 * const lock = lockDataDirectory('./data')
 * try { ... } finally { lock.release() }
 */
export function lockDataDirectory(dataDir: string, logger?: LoggerPort): DirectoryLock {
  const dir = resolve(dataDir)
  mkdirSync(dir, { recursive: true })
  const path = join(dir, LOCK_FILE_NAME)
  if (heldByThisProcess.has(dir)) throw new DatabaseLockedError(dir, process.pid)

  for (let attempt = 0; attempt < 2; attempt++) {
    if (tryCreate(path)) {
      heldByThisProcess.add(dir)
      return { path, release: () => release(dir, path) }
    }
    const holder = readHolder(path)
    if (holder !== null && holder.host !== HOST) throw new DatabaseLockedError(dir, holder.pid, holder.host)
    if (holder !== null && holder.pid !== process.pid && isAlive(holder.pid))
      throw new DatabaseLockedError(dir, holder.pid)
    logger?.warn({ dataDir: dir, stalePid: holder?.pid }, 'taking over a stale embedded-database lock')
    rmSync(path, { force: true })
  }
  // Someone else took it between our removal and our retry.
  throw new DatabaseLockedError(dir, readHolder(path)?.pid ?? -1)
}

/**
 * Creates the lock file with its pid already inside: written to a private file
 * first, then hard-linked into place, which fails (like O_EXCL) when the lock
 * exists. So a reader never sees a half-written, pid-less lock.
 */
function tryCreate(path: string): boolean {
  const staging = `${path}.${process.pid}.tmp`
  const fd = openSync(staging, 'w')
  try {
    writeSync(fd, `${process.pid} ${HOST}\n`)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(staging, path)
    return true
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false
    throw error
  } finally {
    rmSync(staging, { force: true })
  }
}

function release(dir: string, path: string): void {
  if (!heldByThisProcess.delete(dir)) return
  const holder = readHolder(path)
  if (holder?.pid === process.pid && holder.host === HOST) rmSync(path, { force: true })
}

/**
 * The live process on this host that holds `dataDir`, or null when none does (no lock,
 * a stale one, or a holder on another host, whose pid is not ours to signal).
 *
 * @example
 * const holder = liveLockHolder('./data')
 * if (holder) process.kill(holder.pid, 'SIGUSR2')
 */
export function liveLockHolder(dataDir: string): { pid: number } | null {
  const holder = readHolder(join(resolve(dataDir), LOCK_FILE_NAME))
  if (holder === null || holder.host !== HOST || !isAlive(holder.pid)) return null
  return { pid: holder.pid }
}

/** `<pid> <hostname>`; a lock written before hosts were recorded (pid only) counts as this host's. */
function readHolder(path: string): { pid: number; host: string } | null {
  try {
    const [pidText, host] = readFileSync(path, 'utf8').trim().split(/\s+/, 2)
    const pid = Number.parseInt(pidText ?? '', 10)
    return Number.isInteger(pid) && pid > 0 ? { pid, host: host || HOST } : null
  } catch {
    return null
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return isErrno(error, 'EPERM')
  }
}

function isErrno(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === code
}
