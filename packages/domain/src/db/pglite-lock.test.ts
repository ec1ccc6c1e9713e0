import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { captureLogger } from '../../test/support/capture-logger.ts'
import { DatabaseLockedError } from '../errors.ts'
import { LOCK_FILE_NAME, liveLockHolder, lockDataDirectory } from './pglite-lock.ts'

const dirs: string[] = []
const freshDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'jackpot-lock-'))
  dirs.push(dir)
  return dir
}

/** A process that is running for the test's duration. */
function liveProcess() {
  return Bun.spawn(['sleep', '30'], { stdout: 'ignore', stderr: 'ignore' })
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = Bun.spawn(['true'])
  await child.exited
  return child.pid
}

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('lockDataDirectory', () => {
  test('writes its pid into the lock file and removes it on release', () => {
    const dir = freshDir()
    const lock = lockDataDirectory(dir)
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(`${process.pid} ${hostname()}`)
    lock.release()
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(false)
  })

  /** The DatabaseLockedError that locking `dir` must throw. */
  function refusalOf(dir: string): DatabaseLockedError {
    try {
      lockDataDirectory(dir)
    } catch (error) {
      expect(error).toBeInstanceOf(DatabaseLockedError)
      return error as DatabaseLockedError
    }
    throw new Error(`expected ${dir} to be refused, and it was locked`)
  }

  test('creates a missing directory', () => {
    const dir = join(freshDir(), 'nested', 'data')
    const lock = lockDataDirectory(dir)
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(true)
    lock.release()
  })

  test('refuses a directory another live process holds, naming the directory and the pid', () => {
    const dir = freshDir()
    const holder = liveProcess()
    try {
      writeFileSync(join(dir, LOCK_FILE_NAME), `${holder.pid}\n`)
      const error = refusalOf(dir)
      expect(error).toMatchObject({ code: 'E_DATABASE_LOCKED', dataDir: dir, pid: holder.pid })
      expect(error.message).toContain(dir)
      expect(error.message).toContain(String(holder.pid))
      expect(error.message).toContain('corrupt')
      // The holder's lock is left as it was.
      expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(String(holder.pid))
    } finally {
      holder.kill()
    }
  })

  test('refuses a second lock on the same directory within this process', () => {
    const dir = freshDir()
    const lock = lockDataDirectory(dir)
    expect(() => lockDataDirectory(dir)).toThrow(DatabaseLockedError)
    lock.release()
    lockDataDirectory(dir).release()
  })

  test('takes over a lock left by a dead process, with a warning', async () => {
    const dir = freshDir()
    const stale = await deadPid()
    writeFileSync(join(dir, LOCK_FILE_NAME), `${stale}\n`)
    const capture = captureLogger()
    const lock = lockDataDirectory(dir, capture.logger)
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8').trim()).toBe(`${process.pid} ${hostname()}`)
    expect(capture.lines).toEqual([
      {
        level: 'warn',
        message: 'taking over a stale embedded-database lock',
        fields: { dataDir: dir, stalePid: stale },
      },
    ])
    lock.release()
  })

  test('takes over a lock naming this pid that this process does not hold (a restarted container)', () => {
    const dir = freshDir()
    writeFileSync(join(dir, LOCK_FILE_NAME), `${process.pid}\n`)
    const lock = lockDataDirectory(dir)
    expect(existsSync(join(dir, LOCK_FILE_NAME))).toBe(true)
    lock.release()
  })

  test('takes over an unreadable lock file', () => {
    const dir = freshDir()
    writeFileSync(join(dir, LOCK_FILE_NAME), 'garbage')
    lockDataDirectory(dir).release()
  })

  test('refuses a lock held on another host even under this very pid (two containers, both pid 1)', () => {
    const dir = freshDir()
    writeFileSync(join(dir, LOCK_FILE_NAME), `${process.pid} other-container-7f3a\n`)
    const refusal = refusalOf(dir)
    expect(refusal.host).toBe('other-container-7f3a')
    expect(refusal.message).toContain("on host 'other-container-7f3a'")
    expect(readFileSync(join(dir, LOCK_FILE_NAME), 'utf8')).toContain('other-container-7f3a')
  })
})

describe('liveLockHolder (whom `cli backup` signals)', () => {
  test('names a live holder on this host, and nobody for no lock, a dead holder or another host', async () => {
    const dir = freshDir()
    expect(liveLockHolder(dir)).toBeNull()
    const live = liveProcess()
    try {
      writeFileSync(join(dir, LOCK_FILE_NAME), `${live.pid} ${hostname()}\n`)
      expect(liveLockHolder(dir)).toEqual({ pid: live.pid })
      writeFileSync(join(dir, LOCK_FILE_NAME), `${live.pid} some-other-container\n`)
      expect(liveLockHolder(dir)).toBeNull()
      writeFileSync(join(dir, LOCK_FILE_NAME), `${await deadPid()} ${hostname()}\n`)
      expect(liveLockHolder(dir)).toBeNull()
    } finally {
      live.kill()
    }
  })
})
