/** What one child process printed and how it ended. */
export interface ProcessRun {
  code: number
  out: string
  err: string
}

/**
 * Runs `argv` to its end with exactly `env` (nothing inherited unless the caller
 * passes it), collecting its exit code, stdout and stderr.
 *
 * @example
 * const { code, out } = await runProcess([process.execPath, 'cli.ts', 'verify-ledger'], { DATABASE_URL: url })
 */
export async function runProcess(
  argv: string[],
  env: Record<string, string | undefined>,
): Promise<ProcessRun> {
  const child = Bun.spawn(argv, { env, stdout: 'pipe', stderr: 'pipe' })
  const [code, out, err] = await Promise.all([
    child.exited,
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
  ])
  return { code, out, err }
}
