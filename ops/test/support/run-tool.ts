import { join } from 'node:path'

/** Repository root: every path the ops tests pass to a tool is relative to it. */
export const REPO_ROOT = join(import.meta.dir, '..', '..', '..')

export interface ToolResult {
  exitCode: number
  output: string
}

/**
 * Runs a Debian tool (promtool, amtool, docker-compose) from the repository
 * root and returns its exit code with stdout and stderr together, so a failing
 * assertion shows the tool's own explanation.
 *
 * A missing binary fails loudly with the package to install: .ci/run installs
 * them, so on CI a missing tool is a broken set-up, never a reason to skip.
 *
 * @example
 * const { exitCode, output } = runTool(['promtool', 'check', 'config', 'ops/prometheus/prometheus.yml'])
 */
export function runTool(command: string[], options: { env?: Record<string, string> } = {}): ToolResult {
  const [binary] = command
  if (!binary || !Bun.which(binary)) {
    throw new Error(`${binary} is not installed: apt-get install ${DEBIAN_PACKAGE[binary ?? ''] ?? binary}`)
  }
  const result = Bun.spawnSync(command, {
    cwd: REPO_ROOT,
    stdout: 'pipe',
    stderr: 'pipe',
    ...(options.env ? { env: options.env } : {}),
  })
  return {
    exitCode: result.exitCode,
    output: `${result.stdout.toString()}${result.stderr.toString()}`,
  }
}

const DEBIAN_PACKAGE: Record<string, string> = {
  promtool: 'prometheus',
  prometheus: 'prometheus',
  amtool: 'prometheus-alertmanager',
  'docker-compose': 'docker-compose',
}
