import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'

const CLI = join(import.meta.dir, '../src/cli.ts')
const work = mkdtempSync(join(tmpdir(), 'jackpot-cli-backup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** Runs the CLI as a user would, with only `env` set. */
async function cli(args: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn([process.execPath, CLI, ...args], { env, stdout: 'pipe', stderr: 'pipe' })
  const [code, stdout, stderr] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  return { code, stdout, stderr }
}

describe('cli backup and restore: usage and refusals', () => {
  test('--help of either command prints the backup and restore usage and exits 0', async () => {
    for (const command of ['backup', 'restore']) {
      const { code, stdout } = await cli([command, '--help'])
      expect(code).toBe(0)
      expect(stdout).toContain('bun run cli backup --out <file>')
      expect(stdout).toContain('bun run cli restore <file> (--database-url <url> | --data-dir <dir>)')
    }
  }, 30_000)

  test('a missing --out, a missing or doubled restore target and a bad --timeout exit 2 naming the problem', async () => {
    const cases: [string[], RegExp][] = [
      [['backup'], /--out is required/],
      [['backup', '--out', 'x', '--timeout', 'soon'], /bad --timeout 'soon'/],
      [['restore', 'x.dump'], /give exactly one target/],
      [
        ['restore', 'x.dump', '--database-url', 'postgres://a/b', '--data-dir', 'd'],
        /give exactly one target/,
      ],
      [['restore', '--data-dir', 'd'], /give exactly one backup file/],
    ]
    for (const [args, message] of cases) {
      const { code, stderr } = await cli(args)
      expect(code).toBe(2)
      expect(stderr).toMatch(message)
    }
  }, 30_000)

  test('refuses to overwrite an existing file and to back up a directory with no database, in one line each', async () => {
    const existing = join(work, 'existing.dump')
    writeFileSync(existing, 'old backup')
    const overwrite = await cli(['backup', '--out', existing], { PGLITE_DATA_DIR: join(work, 'none') })
    expect(overwrite.code).toBe(1)
    expect(overwrite.stderr.trim()).toBe(
      `${existing} exists; choose a new file (backups are never overwritten)`,
    )

    const nothing = await cli(['backup', '--out', join(work, 'new.tar.gz')], {
      PGLITE_DATA_DIR: join(work, 'none'),
    })
    expect(nothing.code).toBe(1)
    expect(nothing.stderr.trim()).toBe(`no embedded database at ${join(work, 'none')} (PGLITE_DATA_DIR)`)
  }, 30_000)

  test('restore names a file that is no backup, and refuses a non-empty data directory', async () => {
    const junk = join(work, 'junk.bin')
    writeFileSync(junk, 'not a backup at all')
    const notBackup = await cli(['restore', junk, '--data-dir', join(work, 'target')])
    expect(notBackup.code).toBe(1)
    expect(notBackup.stderr.trim()).toBe(`${junk} is neither a pg_dump custom-format file nor a PGlite dump`)

    const gz = join(work, 'fake.tar.gz')
    writeFileSync(gz, Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0x00]))
    const occupied = join(work, 'occupied')
    mkdirSync(occupied)
    writeFileSync(join(occupied, 'keep-me'), 'data')
    const refused = await cli(['restore', gz, '--data-dir', occupied])
    expect(refused.code).toBe(1)
    expect(refused.stderr.trim()).toBe(
      `directory ${occupied} is not empty; restore only into an empty database (a new database, or a new data directory)`,
    )
    expect(existsSync(join(occupied, 'keep-me'))).toBe(true)
  }, 30_000)

  test('a server holding the directory that never answers gets a timeout message naming its pid', async () => {
    const dataDir = join(work, 'held')
    mkdirSync(dataDir)
    writeFileSync(join(dataDir, 'PG_VERSION'), '17\n')
    // A live process that takes SIGUSR2 without answering stands in for a server of another version.
    const holder = Bun.spawn(['sh', '-c', 'trap "" USR2; sleep 30'], { stdout: 'ignore', stderr: 'ignore' })
    try {
      writeFileSync(join(dataDir, '.jackpot.lock'), `${holder.pid} ${hostname()}\n`)
      const out = join(work, 'never.tar.gz')
      const { code, stderr } = await cli(['backup', '--out', out, '--timeout', '0.5'], {
        PGLITE_DATA_DIR: dataDir,
      })
      expect(code).toBe(1)
      expect(stderr.trim()).toBe(
        `no backup from the server holding ${dataDir} (pid ${holder.pid}) within 0.5 s; check its log, or raise --timeout for a large database`,
      )
      expect(existsSync(out)).toBe(false)
      expect(existsSync(join(dataDir, '.backup-requests'))).toBe(true)
    } finally {
      holder.kill('SIGKILL')
    }
  }, 30_000)
})
