import { spawnSync } from 'node:child_process'

/**
 * Runs `promtool check metrics` on an exposition. promtool comes from the
 * `prometheus` Debian package, which CI installs (.ci/run); a machine without it
 * fails this check loudly rather than skipping it.
 */
export function promtoolCheckMetrics(text: string): { ok: boolean; output: string } {
  const result = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })
  if (result.error) {
    return {
      ok: false,
      output: `promtool could not run (apt-get install prometheus): ${result.error.message}`,
    }
  }
  return { ok: result.status === 0, output: `${result.stdout}${result.stderr}` }
}
