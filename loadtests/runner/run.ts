/**
 * `bun run loadtests/runner/run.ts [-e NAME=value]… [--iterations N] script.k6.ts…`:
 * smoke-runs k6 scripts without k6 (loadtests/runner/k6-runner.ts) and prints
 * each one's checks, thresholds (evaluated on a handful of samples, so
 * informative only) and failures. Exit 1 when any script has a failure.
 */
import { failuresOf, type K6RunReport, runK6Script } from './k6-runner.ts'

const USAGE = `usage: bun run loadtests/runner/run.ts [-e NAME=value]… [--iterations N] <script.k6.ts>…

Runs each k6 script a few iterations per scenario (default 3) without k6: the
k6 API the scripts use, synchronous HTTP, setup() and teardown(). Not a load
test: durations, rates and VU counts are ignored and sleep() is cut short.
-e sets __ENV as with k6 (BASE_URL, ADMIN_TOKEN, API_KEY, …).
Exit 1 when a check fails, a phase throws or a threshold is invalid.`

interface Arguments {
  env: Record<string, string>
  iterations: number
  scripts: string[]
}

function parse(argv: string[]): Arguments {
  const parsed: Arguments = { env: {}, iterations: 3, scripts: [] }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '-e' || arg === '--env') {
      const pair = argv[++i] ?? ''
      const eq = pair.indexOf('=')
      if (eq < 1) throw new Error(`-e takes NAME=value, got '${pair}'`)
      parsed.env[pair.slice(0, eq)] = pair.slice(eq + 1)
    } else if (arg === '--iterations') {
      parsed.iterations = Number(argv[++i])
      if (!Number.isInteger(parsed.iterations) || parsed.iterations < 1)
        throw new Error('--iterations takes a whole number ≥ 1')
    } else if (arg.startsWith('-')) throw new Error(`unknown option ${arg}`)
    else parsed.scripts.push(arg)
  }
  if (parsed.scripts.length === 0) throw new Error('name at least one script')
  return parsed
}

function print(report: K6RunReport, failures: string[]): void {
  console.log(`\n${report.script}: ${report.requests} requests`)
  for (const scenario of report.scenarios)
    console.log(`  scenario ${scenario.name} (${scenario.exec}): ${scenario.iterations} iterations`)
  for (const check of report.checks) {
    const mark = check.fails === 0 ? '✓' : '✗'
    console.log(
      `  ${mark} ${check.group ? `${check.group}::` : ''}${check.name}  ${check.passes}/${check.passes + check.fails}`,
    )
  }
  for (const threshold of report.thresholds) {
    const value = threshold.value === null ? 'no samples' : threshold.value.toFixed(3)
    const state = threshold.problem
      ? 'INVALID'
      : threshold.held === null
        ? '-'
        : threshold.held
          ? 'held'
          : 'not held'
    console.log(
      `  threshold ${threshold.expression} ${threshold.condition}: ${value} (${state}, informative)`,
    )
  }
  for (const failure of failures) console.log(`  FAIL ${failure}`)
}

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log(USAGE)
  process.exit(0)
}
let args: Arguments
try {
  args = parse(process.argv.slice(2))
} catch (error) {
  console.error(`${(error as Error).message}\n\n${USAGE}`)
  process.exit(2)
}
let failed = 0
for (const script of args.scripts) {
  const report = await runK6Script({ script, env: args.env, iterations: args.iterations })
  const failures = failuresOf(report)
  print(report, failures)
  if (failures.length > 0) failed++
}
console.log(`\n${args.scripts.length - failed} passed, ${failed} failed`)
process.exit(failed === 0 ? 0 : 1)
