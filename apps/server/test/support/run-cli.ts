import { join } from 'node:path'

const CLI = join(import.meta.dir, '../../src/cli.ts')

/** What one `bun run cli …` run printed and how it ended. */
export interface CliRun {
  code: number
  out: string
  err: string
}

/**
 * Runs the server's CLI (`apps/server/src/cli.ts`) in a child process, as an
 * operator would, with exactly the environment given (plus a silent log
 * level): the child never inherits this test's environment, so a test states
 * every setting the command reads.
 *
 * @example
 * const { code, out } = await runCli(['verify-ledger'], { DATABASE_URL: url })
 */
export async function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  const child = Bun.spawn([process.execPath, CLI, ...args], {
    env: { LOG_LEVEL: 'silent', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  return { code, out, err }
}
