import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'

import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { PGlite } from '@electric-sql/pglite'
import { freePort } from '@jackpot/test-kit'
import postgres from 'postgres'

const POSTGRES_ROOT = '/usr/lib/postgresql'

/** The newest `/usr/lib/postgresql/N/bin` holding initdb and pg_ctl, or undefined. */
export function postgresBinDir(): string | undefined {
  if (!existsSync(POSTGRES_ROOT)) return undefined
  const versions = readdirSync(POSTGRES_ROOT)
    .filter((name) => /^\d+$/.test(name))
    .sort((a, b) => Number(b) - Number(a))
  for (const version of versions) {
    const bin = join(POSTGRES_ROOT, version, 'bin')
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin
  }
  return undefined
}

/** Whether this process can run a private cluster: the binaries exist and we are root or `postgres`. */
export function privatePostgresAvailable(): boolean {
  return postgresBinDir() !== undefined && (process.getuid?.() === 0 || userInfo().username === 'postgres')
}

/** A PostgreSQL cluster of its own (initdb in a temporary directory), which a test may stop and start. */
export interface PrivatePostgres {
  /** `postgres://postgres@127.0.0.1:PORT/postgres` */
  url: string
  port: number
  /** `pg_ctl stop -m <mode>`; `immediate` is a crash (no checkpoint, clients cut). */
  stop(mode?: 'immediate' | 'fast' | 'smart'): Promise<void>
  /** `pg_ctl start -w`: resolves once PostgreSQL accepts connections. */
  start(): Promise<void>
  /** Stops it (immediately) and deletes its directory. */
  destroy(): Promise<void>
}

/** Runs a PostgreSQL binary as the `postgres` user (initdb refuses root). */
async function asPostgres(argv: string[]): Promise<void> {
  const command = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--', ...argv] : argv
  const child = Bun.spawn(command, { stdout: 'pipe', stderr: 'pipe', stdin: 'ignore' })
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}:\n${out}\n${err}`)
}

/**
 * initdb + pg_ctl start on a free port, trust auth, listening on 127.0.0.1 only,
 * its socket and files in a fresh temporary directory. fsync stays on: tests use
 * it to prove acknowledged writes survive a crash.
 *
 * @example
 * const cluster = await startPrivatePostgres()
 * try { await cluster.stop('immediate'); await cluster.start() } finally { await cluster.destroy() }
 */
export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir()
  if (bin === undefined) throw new Error(`no initdb/pg_ctl under ${POSTGRES_ROOT}/*/bin`)
  const root = mkdtempSync(join(tmpdir(), 'jackpot-pg-'))
  const data = join(root, 'data')
  const log = join(root, 'postgres.log')
  if (process.getuid?.() === 0) {
    const { uid, gid } = await postgresIds()
    chownSync(root, uid, gid)
  }
  chmodSync(root, 0o700)
  const port = await freePort()
  await asPostgres([
    join(bin, 'initdb'),
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '-E',
    'UTF8',
    '--no-sync',
  ])
  const options = `-p ${port} -k ${root} -c listen_addresses=127.0.0.1 -c max_connections=50 -c shared_buffers=16MB`
  const ctl = (...args: string[]) => asPostgres([join(bin, 'pg_ctl'), '-D', data, ...args])
  const start = () => ctl('start', '-w', '-t', '30', '-l', log, '-o', options)
  await start()
  let stopped = false
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async stop(mode = 'fast') {
      await ctl('stop', '-w', '-m', mode)
      stopped = true
    },
    async start() {
      await start()
      stopped = false
    },
    async destroy() {
      if (!stopped) await ctl('stop', '-w', '-m', 'immediate').catch(() => undefined)
      rmSync(root, { recursive: true, force: true })
    },
  }
}

async function postgresIds(): Promise<{ uid: number; gid: number }> {
  const text = await Bun.file('/etc/passwd').text()
  const line = text.split('\n').find((entry) => entry.startsWith('postgres:'))
  const [, , uid, gid] = line?.split(':') ?? []
  if (uid === undefined || gid === undefined) throw new Error('no postgres user in /etc/passwd')
  return { uid: Number(uid), gid: Number(gid) }
}

/**
 * Which of `ids` have no ledger entry in the database at `url`: the check that
 * acknowledged writes survived a crash or a restore.
 *
 * @example
 * expect(await missingLedgerEntries(cluster.url, acknowledgedIds)).toEqual([])
 */
export async function missingLedgerEntries(
  target: string | { pgliteDataDir: string },
  ids: readonly string[],
): Promise<string[]> {
  let present: Set<string>
  if (typeof target === 'string') {
    const sql = postgres(target, { max: 1, onnotice: () => {} })
    try {
      const rows = await sql<{ id: string }[]>`
        select id::text as id from ledger_entries where id = any(${ids as string[]}::bigint[])`
      present = new Set(rows.map((row) => row.id))
    } finally {
      await sql.end({ timeout: 1 })
    }
  } else {
    const pg = new PGlite(target.pgliteDataDir)
    try {
      const { rows } = await pg.query<{ id: string }>('select id::text as id from ledger_entries')
      present = new Set(rows.map((row) => row.id))
    } finally {
      await pg.close()
    }
  }
  return ids.filter((id) => !present.has(id))
}

/**
 * Runs one SQL statement on the database at `url` (a test corrupting a row on purpose).
 *
 * @example
 * await runSql(database.url, "update pools set amount_cents = amount_cents + 1 where slug = 'minor'")
 */
export async function runSql(url: string, statement: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} })
  try {
    await sql.unsafe(statement)
  } finally {
    await sql.end({ timeout: 1 })
  }
}
