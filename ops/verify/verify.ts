/**
 * `bun run ops:verify`: proves the Grafana dashboards and Prometheus recording
 * rules work on live data. Starts the server (in-memory PGlite) and Debian's
 * Prometheus with ops/prometheus/prometheus.yml pointed at it, drives traffic,
 * then runs every panel query of every dashboard and every recording rule
 * through the Prometheus HTTP API. Exits 1 with the list of failures.
 *
 *   bun run ops:verify [--redis-url redis://127.0.0.1:6379] [--verbose]
 *   bun run ops:verify --url http://host:3000 (--api-key KEY | --admin-token TOKEN)
 */
import { parseArgs } from 'node:util'
import { verifyOps } from './verify-ops.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    'api-key': { type: 'string' },
    'admin-token': { type: 'string' },
    'redis-url': { type: 'string' },
    'warm-up': { type: 'string', default: '15' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
  strict: true,
})

if (values.help) {
  console.log(
    'usage: bun run ops:verify [--redis-url URL] [--warm-up SECONDS] [--verbose]\n' +
      '       bun run ops:verify --url SERVER_URL (--api-key KEY | --admin-token TOKEN)',
  )
  process.exit(0)
}

// Ctrl-C must not leave Prometheus or the server behind: verifyOps cleans up in
// its finally, which only runs if the process lives long enough to reach it.
let interrupted = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) process.exit(130)
    interrupted = true
    console.error(`\n${signal}: stopping… (again to force)`)
  })
}

const started = performance.now()
try {
  const report = await verifyOps({
    serverUrl: values.url,
    apiKey: values['api-key'],
    adminToken: values['admin-token'],
    redisUrl: values['redis-url'],
    warmUpSeconds: Number(values['warm-up']),
    verbose: values.verbose,
    log: (line) => console.error(`· ${line}`),
  })
  for (const check of report.checks) {
    const mark = check.problem ? '✗' : '✓'
    const detail = check.problem ?? (check.kind === 'rule health' ? 'ok' : `${check.series} series`)
    console.log(`${mark} ${check.kind}: ${check.source} — ${detail}`)
    if (check.problem) console.log(`    ${check.expr.replace(/\s+/g, ' ').trim()}`)
  }
  console.log(`\ntraffic: ${JSON.stringify(report.traffic)}`)
  const seconds = ((performance.now() - started) / 1000).toFixed(0)
  if (report.failures.length > 0) {
    console.log(`\n${report.failures.length} of ${report.checks.length} checks failed (${seconds} s)`)
    process.exit(1)
  }
  console.log(`\nall ${report.checks.length} checks passed on live data (${seconds} s)`)
} catch (error) {
  console.error(`ops:verify could not run: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
}
