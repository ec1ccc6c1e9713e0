import { join } from 'node:path'
import { type ProcessRun, runProcess } from '@jackpot/test-kit'

const CLI = join(import.meta.dir, '../../src/cli.ts')

/** What one `bun run cli …` run printed and how it ended. */
export type CliRun = ProcessRun

/**
 * Runs the server's CLI (`apps/server/src/cli.ts`) in a child process, as an
 * operator would, with exactly the environment given (plus a silent log
 * level): the child never inherits this test's environment, so a test states
 * every setting the command reads.
 *
 * @example
 * const { code, out } = await runCli(['verify-ledger'], { DATABASE_URL: url })
 */
export function runCli(args: string[], env: Record<string, string>): Promise<CliRun> {
  return runProcess([process.execPath, CLI, ...args], { LOG_LEVEL: 'silent', ...env })
}
