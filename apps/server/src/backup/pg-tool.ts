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

/** Runs a PostgreSQL client tool; on failure throws its last stderr line (never the URL's password). */
export async function runPgTool(name: 'pg_dump' | 'pg_restore', args: string[]): Promise<void> {
  const child = Bun.spawn([findPgTool(name), ...args], { stdout: 'ignore', stderr: 'pipe' })
  const [code, stderr] = await Promise.all([child.exited, new Response(child.stderr).text()])
  if (code !== 0) {
    const last = stderr.trim().split('\n').at(-1) ?? `exit ${code}`
    throw new CommandError(`${name} failed: ${last}`)
  }
}
