import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { silentLogger } from '@jackpot/test-kit'
import { backupRequestsDir } from './backup-requests.ts'
import { type BackupResponder, startBackupResponder } from './backup-responder.ts'

const dirs: string[] = []
let responder: BackupResponder | undefined
afterEach(() => {
  responder?.stop()
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

/** Writes a request as the CLI does and signals this process; resolves with the marker the responder left. */
async function request(dataDir: string, id: string, out: string): Promise<string> {
  writeFileSync(join(backupRequestsDir(dataDir), `${id}.json`), JSON.stringify({ out }))
  process.kill(process.pid, 'SIGUSR2')
  for (let i = 0; i < 200; i++) {
    for (const marker of ['done', 'failed']) {
      const path = join(backupRequestsDir(dataDir), `${id}.${marker}`)
      if (existsSync(path)) return `${marker}: ${readFileSync(path, 'utf8').trim()}`
    }
    await Bun.sleep(25)
  }
  return 'no answer'
}

describe('backup responder (the server side of `cli backup` on PGlite)', () => {
  test('on SIGUSR2 writes the dump to the requested file, marks the request done and removes it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jackpot-responder-'))
    dirs.push(dataDir)
    responder = startBackupResponder({
      dataDir,
      store: { dumpDataDir: async () => new Blob(['tarball bytes']) },
      logger: silentLogger,
    })
    const out = join(dataDir, 'out.tar.gz')
    expect(await request(dataDir, 'r1', out)).toBe('done: 13')
    expect(readFileSync(out, 'utf8')).toBe('tarball bytes')
    expect(existsSync(join(backupRequestsDir(dataDir), 'r1.json'))).toBe(false)
    expect(existsSync(`${out}.partial`)).toBe(false)
  })

  test('a dump that fails marks the request failed with the reason and writes no file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'jackpot-responder-'))
    dirs.push(dataDir)
    responder = startBackupResponder({
      dataDir,
      store: { dumpDataDir: () => Promise.reject(new Error('disk full')) },
      logger: silentLogger,
    })
    const out = join(dataDir, 'out.tar.gz')
    expect(await request(dataDir, 'r2', out)).toBe('failed: disk full')
    expect(existsSync(out)).toBe(false)
  })
})
