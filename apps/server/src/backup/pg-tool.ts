import { existsSync } from 'node:fs'
import { CommandError } from './command-error.ts'

// Debian/Ubuntu keep the versioned client tools off PATH; the newest of these wins after PATH.
const FALLBACK_DIRS = [
  '/usr/lib/postgresql/17/bin',
  '/usr/lib/postgresql/16/bin',
  '/usr/lib/postgresql/15/bin',
]

/** The path of `pg_dump` or `pg_restore`: on PATH, else a Debian versioned directory. */
export function findPgTool(name: 'pg_dump' | 'pg_restore'): string {
  const onPath = Bun.which(name)
  if (onPath) return onPath
  for (const dir of FALLBACK_DIRS) if (existsSync(`${dir}/${name}`)) return `${dir}/${name}`
  throw new CommandError(
    `${name} not found on PATH; install the PostgreSQL client (e.g. apt-get install postgresql-client-15)`,
  )
}

/**
 * Runs a PostgreSQL client tool against `databaseUrl`; on failure throws its stderr as one line.
 * The password goes in PGPASSWORD, not on the command line, where `ps` would show it. The tool
 * gets no other environment (config alone reads it): every connection setting, `sslmode` and
 * `sslrootcert` included, comes from the URL's parameters.
 */
export async function runPgTool(
  name: 'pg_dump' | 'pg_restore',
  databaseUrl: string,
  args: string[],
): Promise<void> {
  const url = new URL(databaseUrl)
  const password = decodeURIComponent(url.password)
  url.password = ''
  const env: Record<string, string> = password ? { PGPASSWORD: password } : {}
  const child = Bun.spawn([findPgTool(name), '--dbname', url.toString(), ...args], {
    env,
    stdout: 'ignore',
    stderr: 'pipe',
  })
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()])
  if (code !== 0) {
    // pg_dump spreads one error over several lines ("connection … failed", "Is the server running…"): one line here.
    const message = stderr
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .join(' ')
    throw new CommandError(`${name} failed: ${message || `exit ${code}`}`)
  }
}
