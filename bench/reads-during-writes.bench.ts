/**
 * Pool reads while contributions run flat out (issue: "reads never wait for
 * writes"). One replica on PostgreSQL + Redis pinned to CPU 0, wrk on CPU 1.
 *
 * Anchor, in the same run: the same pool reads with no writes. Then the reads
 * again while a second wrk posts contributions over 32 connections. Targets:
 * reads keep p99 < 10 ms and at least a third of their anchor req/s (the server
 * has one JavaScript thread, so the two share it; a read must not *wait*).
 *
 *   bun run bench/reads-during-writes.bench.ts [--duration 10] [--read-connections 20] [--write-connections 32]
 */
import { parseArgs } from 'node:util'
import { machineLine, UsageError, wholeNumber } from './support/bench-args.ts'
import { runContributionLoad } from './support/contribution-load.ts'
import { openContributionRun } from './support/contribution-run.ts'
import { LOAD_CPU, requireLoadTools, wrkErrors } from './support/wrk-load.ts'

const USAGE = `usage: bun run bench/reads-during-writes.bench.ts [options]

  --duration S            seconds of each read phase (default 10)
  --read-connections N    wrk connections reading GET /api/v1/pools (default 20)
  --write-connections N   wrk connections posting contributions (default 32)
  --help                  this text

Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL), wrk and taskset.`

interface ReadRun {
  rps: number
  p50Ms: number
  p99Ms: number
  errors: number
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        duration: { type: 'string' },
        'read-connections': { type: 'string' },
        'write-connections': { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    return {
      seconds: wholeNumber('duration', values.duration, 10, 1, 600),
      readConnections: wholeNumber('read-connections', values['read-connections'], 20, 1, 1_000),
      writeConnections: wholeNumber('write-connections', values['write-connections'], 32, 1, 1_000),
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      console.error(`${error.message}\n\n${USAGE}`)
      process.exit(2)
    }
    throw error
  }
}

/** wrk's latency as milliseconds ("812.00us", "1.23ms", "2.01s"). */
function milliseconds(text: string | undefined): number {
  const match = /^([\d.]+)(us|µs|ms|s)$/.exec(text ?? '')
  if (!match) return Number.NaN
  const value = Number(match[1])
  return match[2] === 'us' || match[2] === 'µs' ? value / 1000 : match[2] === 's' ? value * 1000 : value
}

async function readLoad(url: string, connections: number, seconds: number): Promise<ReadRun> {
  const child = Bun.spawn(
    [
      'taskset',
      '-c',
      LOAD_CPU,
      'wrk',
      '-t1',
      `-c${connections}`,
      `-d${seconds}s`,
      '--latency',
      `${url}/api/v1/pools`,
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  )
  const [out, err, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ])
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1])
  if (code !== 0 || !(rps > 0)) throw new Error(`wrk failed (${code}): ${err}\n${out}`)
  const errors = wrkErrors(out)
  return {
    rps,
    p50Ms: milliseconds(/50%\s+(\S+)/.exec(out)?.[1]),
    p99Ms: milliseconds(/99%\s+(\S+)/.exec(out)?.[1]),
    errors,
  }
}

const settings = options()
requireLoadTools()
console.log(`reads during writes — ${new Date().toISOString()} — ${machineLine()}\n`)
const run = await openContributionRun({ label: 'rdw' })
try {
  const url = run.server.url
  // Warm-up: the cache holds the pools, the key is verified.
  await readLoad(url, settings.readConnections, 2)

  const alone = await readLoad(url, settings.readConnections, settings.seconds)
  console.log(
    `1. anchor: pool reads alone, wrk -c${settings.readConnections}: ${alone.rps.toFixed(0)} req/s, ` +
      `p50 ${alone.p50Ms.toFixed(2)} ms, p99 ${alone.p99Ms.toFixed(2)} ms, errors ${alone.errors}`,
  )

  // The writes start first and end last, so the whole read phase runs under them.
  const writes = runContributionLoad({
    url,
    apiKey: run.apiKey,
    currency: run.currency,
    connections: settings.writeConnections,
    threads: 1,
    seconds: settings.seconds + 4,
    logDir: run.logDir,
    keyPrefix: `rdw-${run.id}`,
  })
  await Bun.sleep(2_000)
  const during = await readLoad(url, settings.readConnections, settings.seconds)
  const written = await writes
  const created = written.statuses.get(201) ?? 0
  console.log(
    `2. pool reads while contributions run over ${settings.writeConnections} connections: ${during.rps.toFixed(0)} req/s, ` +
      `p50 ${during.p50Ms.toFixed(2)} ms, p99 ${during.p99Ms.toFixed(2)} ms, errors ${during.errors}`,
  )
  console.log(
    `   contributions meanwhile: ${(created / written.durationSeconds).toFixed(0)}/s (201s), ` +
      `non-201 ${written.responses - created}, p99 ${written.latencyMs.p99.toFixed(1)} ms`,
  )

  const ratio = during.rps / alone.rps
  console.log('\nsummary')
  console.log(
    `   reads during writes vs alone: ${ratio.toFixed(2)}× (target ≥ 0.33×: ${ratio >= 1 / 3 ? 'met' : 'NOT met'})`,
  )
  console.log(
    `   read p99 during writes: ${during.p99Ms.toFixed(2)} ms (target < 10 ms: ${during.p99Ms < 10 ? 'met' : 'NOT met'})`,
  )
} finally {
  await run.close()
}
