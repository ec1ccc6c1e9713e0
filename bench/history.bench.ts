/**
 * Figures that cost the same on day 1 and day 1 000 (issue 13): the figure
 * routes over HTTP, storage per contribution, and write throughput, on a
 * database filled by `seed-history` (small and big) against an empty one.
 *
 * For each size: a fresh PostgreSQL database, `bun run cli seed-history`
 * (the real write path, back-dated over --days), then one server replica
 * pinned to CPU 0 and sequential requests from this process pinned to CPU 1:
 * p50/p95 of GET /api/v1/stats, /health/jackpot, /api/v1/stats/top-games and
 * /api/v1/wins/recent. Then bytes per contribution of the ledger, the rollups
 * and their indexes (pg_total_relation_size), and in-process contribution
 * throughput through the group-commit writer (64 in flight for --seconds).
 *
 * Anchor, in the same run: an empty database (pools only) for throughput,
 * measured fresh just before and just after each size's run (the machine is shared);
 * the small size for the route latencies (big/small ratio, target ≤ 1.5,
 * p95 < 10 ms at both).
 *
 *   bun run bench/history.bench.ts [--small 100000] [--big 10000000] [--days 30] [--requests 400] [--seconds 10]
 */
import { parseArgs } from 'node:util'
import { openJackpot } from '@jackpot/domain'
import { testServices } from '@jackpot/test-kit'
import { SQL } from 'bun'
import { signJwt } from '../apps/server/src/auth/jwt.ts'
import { machineLine, UsageError, wholeNumber } from './support/bench-args.ts'
import { type BenchDatabase, createBenchDatabase } from './support/bench-database.ts'
import { startPinnedServer } from './support/pinned-server.ts'
import { LOAD_CPU } from './support/wrk-load.ts'

const USAGE = `usage: bun run bench/history.bench.ts [options]

  --small N      contributions of the small history (default 100000)
  --big N        contributions of the big history (default 10000000; 0 skips it)
  --days D       days each history spans (default 30)
  --requests N   sequential requests per route, after 50 warm-up ones (default 400)
  --seconds S    seconds of each throughput run (default 10)
  --help         this text

Needs PostgreSQL (TEST_DATABASE_URL) and Redis (TEST_REDIS_URL), and taskset.`

const ROUTES = ['/api/v1/stats', '/health/jackpot', '/api/v1/stats/top-games', '/api/v1/wins/recent'] as const
const TABLES = ['ledger_entries', 'ledger_lines', 'pool_minute_stats', 'game_day_stats'] as const

interface SizeRun {
  contributions: number
  seedSeconds: number
  latency: Record<string, { p50: number; p95: number }>
  bytes: Record<string, number>
  bytesPerContribution: number
  throughput: number
  /** Empty-database throughput measured just before and just after this size's own run. */
  anchor: number
}

function options() {
  try {
    const { values } = parseArgs({
      options: {
        small: { type: 'string' },
        big: { type: 'string' },
        days: { type: 'string' },
        requests: { type: 'string' },
        seconds: { type: 'string' },
        help: { type: 'boolean', default: false },
      },
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    return {
      small: wholeNumber('small', values.small, 100_000, 1, 1_000_000_000),
      big: wholeNumber('big', values.big, 10_000_000, 0, 1_000_000_000),
      days: wholeNumber('days', values.days, 30, 1, 3_650),
      requests: wholeNumber('requests', values.requests, 400, 10, 100_000),
      seconds: wholeNumber('seconds', values.seconds, 10, 1, 600),
    }
  } catch (error) {
    if (error instanceof UsageError || error instanceof TypeError) {
      console.error(`${error.message}\n\n${USAGE}`)
      process.exit(2)
    }
    throw error
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

async function seed(database: BenchDatabase, contributions: number, days: number): Promise<number> {
  const started = performance.now()
  const child = Bun.spawn(
    [
      process.execPath,
      'run',
      'apps/server/src/cli.ts',
      'seed-history',
      '--contributions',
      String(contributions),
      '--days',
      String(days),
      '--database-url',
      database.url,
    ],
    { stdout: 'inherit', stderr: 'inherit', env: { ...process.env, DATABASE_URL: database.url } },
  )
  if ((await child.exited) !== 0) throw new Error(`seed-history exited ${child.exitCode}`)
  return (performance.now() - started) / 1000
}

async function routeLatencies(database: BenchDatabase, requests: number): Promise<SizeRun['latency']> {
  const jwtSecret = `bench-${crypto.randomUUID()}-${crypto.randomUUID()}`
  const server = await startPinnedServer({
    databaseUrl: database.url,
    redisUrl: testServices().redisUrl,
    redisKeyPrefix: `bench-history-${process.pid}-${Date.now()}:`,
    jwtSecret,
  })
  const token = signJwt(
    { sub: 'history-bench', role: 'viewer' },
    { secret: jwtSecret, issuer: 'jackpot-platform', ttlSeconds: 3600 },
  )
  const headers = { authorization: `Bearer ${token}` }
  try {
    const latency: SizeRun['latency'] = {}
    for (const route of ROUTES) {
      const times: number[] = []
      for (let i = 0; i < requests + 50; i++) {
        const started = performance.now()
        const response = await fetch(`${server.url}${route}`, { headers })
        await response.arrayBuffer()
        if (response.status !== 200) throw new Error(`${route} answered ${response.status}`)
        if (i >= 50) times.push(performance.now() - started)
      }
      times.sort((a, b) => a - b)
      latency[route] = { p50: percentile(times, 50), p95: percentile(times, 95) }
    }
    return latency
  } finally {
    await server.stop()
  }
}

async function tableBytes(database: BenchDatabase): Promise<Record<string, number>> {
  const sql = new SQL({ url: database.url, max: 1 })
  try {
    const bytes: Record<string, number> = {}
    for (const table of TABLES) {
      const [row] = await sql.unsafe(`SELECT pg_total_relation_size('${table}')::bigint::text AS bytes`)
      bytes[table] = Number(row.bytes)
    }
    return bytes
  } finally {
    await sql.close()
  }
}

/** Contributions per second through the group-commit writer, 64 in flight. */
async function throughput(database: BenchDatabase, seconds: number, label: string): Promise<number> {
  const store = await openJackpot({ databaseUrl: database.url, poolSize: 4 })
  try {
    let done = 0
    const until = performance.now() + seconds * 1000
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < until; i++) {
        await store.contribute({
          idempotencyKey: `tp-${label}-${w}-${i}`,
          gameId: `game-${i % 50}`,
          wagerCents: 2537n,
          currency: 'EUR',
        })
        done++
      }
    }
    const started = performance.now()
    await Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)))
    return done / ((performance.now() - started) / 1000)
  } finally {
    await store.close()
  }
}

/** The anchor: the same throughput run on an empty database (pools only), made fresh. */
async function emptyThroughput(seconds: number, label: string): Promise<number> {
  const empty = await createBenchDatabase('history_empty')
  try {
    return await throughput(empty, seconds, `empty-${label}`)
  } finally {
    await empty.drop()
  }
}

async function sizeRun(contributions: number, settings: ReturnType<typeof options>): Promise<SizeRun> {
  const database = await createBenchDatabase(`history_${contributions}`)
  try {
    const seedSeconds = await seed(database, contributions, settings.days)
    const bytes = await tableBytes(database)
    const latency = await routeLatencies(database, settings.requests)
    const before = await emptyThroughput(settings.seconds, `${contributions}-before`)
    const rate = await throughput(database, settings.seconds, String(contributions))
    const after = await emptyThroughput(settings.seconds, `${contributions}-after`)
    const total = Object.values(bytes).reduce((s, b) => s + b, 0)
    return {
      contributions,
      seedSeconds,
      latency,
      bytes,
      bytesPerContribution: total / contributions,
      throughput: rate,
      anchor: (before + after) / 2,
    }
  } finally {
    await database.drop()
  }
}

const settings = options()
// This process makes the requests: keep it off the server's CPU.
Bun.spawnSync(['taskset', '-cp', LOAD_CPU, String(process.pid)])
console.log(`# history bench — ${machineLine()}`)
const runs = [await sizeRun(settings.small, settings)]
if (settings.big > 0) runs.push(await sizeRun(settings.big, settings))
for (const run of runs) {
  console.log(`\n## ${run.contributions} contributions (seeded in ${run.seedSeconds.toFixed(1)} s)`)
  for (const [route, { p50, p95 }] of Object.entries(run.latency))
    console.log(
      `${route.padEnd(26)} p50 ${p50.toFixed(2)} ms  p95 ${p95.toFixed(2)} ms  ${p95 < 10 ? 'ok' : 'OVER 10 ms'}`,
    )
  console.log(
    `bytes: ${Object.entries(run.bytes)
      .map(([t, b]) => `${t} ${(b / 1e6).toFixed(1)} MB`)
      .join(', ')}`,
  )
  console.log(`bytes per contribution (ledger + rollups + indexes): ${run.bytesPerContribution.toFixed(0)}`)
  console.log(
    `throughput: ${run.throughput.toFixed(0)}/s, empty-database anchor ${run.anchor.toFixed(0)}/s (mean of one run before and one after), ratio ${(run.throughput / run.anchor).toFixed(2)}`,
  )
}
if (runs.length === 2) {
  const [small, big] = runs as [SizeRun, SizeRun]
  console.log(`\n## big/small p95 ratio`)
  for (const route of ROUTES) {
    const ratio = big.latency[route]!.p95 / small.latency[route]!.p95
    console.log(`${route.padEnd(26)} ${ratio.toFixed(2)} ${ratio <= 1.5 ? 'ok' : 'OVER 1.5'}`)
  }
}
