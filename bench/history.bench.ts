/**
 * Figures that cost the same on day 1 and day 1 000 (issue 13): the figure
 * routes over HTTP, the figure readers beneath them, storage per
 * contribution, and write throughput, on a database filled by `seed-history`
 * (small and big) against an empty one.
 *
 * For each size: a fresh PostgreSQL database filled by `bun run cli
 * seed-history` (the real write path, back-dated over --days), or one seeded
 * earlier and named with --small-url/--big-url (a 10 M history takes an hour
 * on a shared machine: seed it once, measure it many times). Then:
 * - HTTP: one server replica per size, all pinned to CPU 0 (taskset), and
 *   for each figure route `wrk -t1 -c1 -d<S>s` pinned to CPU 1 with a Lua
 *   `done()` that prints p50/p95 (one request at a time: a percentile is a
 *   request's cost, not a queue's), --rounds rounds per size alternating
 *   sizes, so both sizes share the machine's load as it drifts; the median
 *   round is the figure. Anchor row: /health/live (no database), the floor
 *   the machine allows at that moment. Routes: GET /api/v1/stats,
 *   /health/jackpot, /api/v1/stats/top-games, /api/v1/stats/pool-growth,
 *   /api/v1/wins/recent; with the server's CPU time per request (/proc).
 * - Readers: the same figures read straight from the store in this process
 *   (no memo, no HTTP), sequentially, sizes alternating every 10 reads: what
 *   one memo refresh costs.
 * - Bytes per contribution of the ledger, the rollups and their indexes
 *   (pg_total_relation_size over every table but pools, API keys and audit),
 *   after the store's upkeep has run once (as the hourly one would have: the
 *   closed days' keys settled, the indexes of days past the retention dropped).
 * - Contribution throughput through the group-commit writer (64 in flight for
 *   --write-seconds, after 3 s of the same writes uncounted) on the seeded
 *   database, --write-rounds times, each run between two runs on an empty
 *   database made fresh (the machine is shared, and drifts): the median of
 *   the per-round ratios is the figure.
 *
 * Anchors, in the same run: the empty database for throughput (target ratio
 * ≥ 0.9), the small size for latencies (big/small p95 ratio, target ≤ 1.5,
 * and p95 < 10 ms at both).
 *
 *   bun run bench/history.bench.ts [--small 100000] [--big 10000000] [--small-url URL] [--big-url URL]
 *                                  [--days 30] [--seconds 3] [--rounds 3] [--reads 300] [--write-seconds 10]
 *                                  [--write-rounds 3]
 */
import { type DrizzleJackpotStore, openJackpot } from '@jackpot/domain'
import { testServices } from '@jackpot/test-kit'
import { SQL } from 'bun'
import { signJwt } from '../apps/server/src/auth/jwt.ts'
import { benchFlags, machineLine, UsageError, wholeNumber } from './support/bench-args.ts'
import { type BenchDatabase, createBenchDatabase } from './support/bench-database.ts'
import { type PinnedServer, startPinnedServer } from './support/pinned-server.ts'
import { CLOCK_TICKS_PER_S, cpuTicks, LOAD_CPU } from './support/wrk-load.ts'

const USAGE = `usage: bun run bench/history.bench.ts [options]

  --small N          contributions of the small history (default 100000)
  --big N            contributions of the big history (default 10000000; 0 skips it)
  --small-url URL    measure this database, already seeded, instead of seeding --small
  --big-url URL      measure this database, already seeded, instead of seeding --big
                     (a reused database is kept; the throughput run adds its contributions to it)
  --days D           days each seeded history spans (default 30)
  --seconds S        seconds of each wrk round (default 3)
  --rounds R         wrk rounds per route and size, sizes alternating (default 3)
  --reads N          in-process reads per figure reader, after 30 warm-up ones (default 300)
  --write-seconds S  seconds of each throughput run (default 10)
  --write-rounds W   throughput runs per size, each between two empty-database runs (default 3)
  --help             this text

Needs PostgreSQL (TEST_DATABASE_URL), Redis (TEST_REDIS_URL), wrk and taskset.`

/** The anchor route: answered from memory, no database: the floor this machine allows right now. */
const ANCHOR = '/health/live'
const ROUTES = [
  ANCHOR,
  '/api/v1/stats',
  '/health/jackpot',
  '/api/v1/stats/top-games',
  '/api/v1/stats/pool-growth',
  '/api/v1/wins/recent',
] as const
/** Everything but the configuration tables: the ledger, the rollups and whatever the layout adds. */
const CONFIG_TABLES = ['pools', 'api_keys', 'audit_log', '__drizzle_migrations']

interface Percentiles {
  p50: number
  p95: number
}

interface SizeRun {
  contributions: number
  /** How the history got there: "seeded in … s" or "reused <database>". */
  origin: string
  http: Record<string, Percentiles & { requests: number; serverCpuMs: number }>
  readers: Record<string, Percentiles>
  bytes: Record<string, number>
  bytesPerContribution: number
  throughput: number
  /** Median empty-database throughput, of the runs around this size's own. */
  anchor: number
  /** Per round: this size's throughput ÷ the mean of the empty runs just before and just after it. */
  ratios: number[]
}

function options() {
  try {
    const values = benchFlags(process.argv.slice(2), {
      small: { type: 'string' },
      big: { type: 'string' },
      'small-url': { type: 'string' },
      'big-url': { type: 'string' },
      days: { type: 'string' },
      seconds: { type: 'string' },
      rounds: { type: 'string' },
      reads: { type: 'string' },
      'write-seconds': { type: 'string' },
      'write-rounds': { type: 'string' },
    })
    if (values.help) {
      console.log(USAGE)
      process.exit(0)
    }
    return {
      small: wholeNumber('small', values.small, 100_000, 1, 1_000_000_000),
      big: wholeNumber('big', values.big, 10_000_000, 0, 1_000_000_000),
      smallUrl: values['small-url'],
      bigUrl: values['big-url'],
      days: wholeNumber('days', values.days, 30, 1, 3_650),
      seconds: wholeNumber('seconds', values.seconds, 3, 1, 600),
      rounds: wholeNumber('rounds', values.rounds, 3, 1, 100),
      reads: wholeNumber('reads', values.reads, 300, 10, 100_000),
      writeSeconds: wholeNumber('write-seconds', values['write-seconds'], 10, 1, 600),
      writeRounds: wholeNumber('write-rounds', values['write-rounds'], 3, 1, 20),
    }
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`)
      process.exit(2)
    }
    throw error
  }
}

function percentiles(times: number[]): Percentiles {
  const sorted = [...times].sort((a, b) => a - b)
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
  return { p50: at(50), p95: at(95) }
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

/** A database seeded earlier: measured as it is, and kept. */
function reusedDatabase(url: string): BenchDatabase {
  return { url, name: new URL(url).pathname.slice(1), drop: async () => {} }
}

/** One wrk run of `url`: one connection, pinned away from the server. */
function wrkRound(url: string, seconds: number, token: string, pid: number) {
  const ticks = cpuTicks(pid)
  const run = Bun.spawnSync([
    'taskset',
    '-c',
    LOAD_CPU,
    'wrk',
    '-t1',
    '-c1',
    `-d${seconds}s`,
    '-s',
    'bench/support/latency-percentiles.lua',
    '-H',
    `Authorization: Bearer ${token}`,
    url,
  ])
  const out = run.stdout.toString()
  const line = /WRK_LATENCY (\{.*\})/.exec(out)?.[1]
  if (run.exitCode !== 0 || line === undefined) throw new Error(`wrk failed on ${url}:\n${out}${run.stderr}`)
  const result = JSON.parse(line) as Percentiles & { requests: number; errors: number }
  if (result.errors > 0) throw new Error(`${url}: ${result.errors} failed requests under wrk`)
  const serverCpuMs = ((cpuTicks(pid) - ticks) / CLOCK_TICKS_PER_S / result.requests) * 1000
  return { ...result, serverCpuMs }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

/**
 * p50/p95 of each figure route on every size at once: one server per size,
 * both on CPU 0, and for each route `rounds` wrk runs per size, alternating
 * sizes round by round, so the sizes share the machine's load as it drifts.
 * Each size's figure is the median of its rounds.
 */
async function routeLatencies(
  databases: BenchDatabase[],
  seconds: number,
  rounds: number,
): Promise<SizeRun['http'][]> {
  const jwtSecret = `bench-${crypto.randomUUID()}-${crypto.randomUUID()}`
  const servers: PinnedServer[] = []
  try {
    for (const [i, database] of databases.entries())
      servers.push(
        await startPinnedServer({
          databaseUrl: database.url,
          redisUrl: testServices().redisUrl,
          redisKeyPrefix: `bench-history-${process.pid}-${Date.now()}-${i}:`,
          jwtSecret,
          // The background verify-ledger replay re-reads the whole ledger at start (until it is made
          // incremental, issue 13 item 4): on the big size its CPU landed on these very requests
          // (server CPU per memo hit 0.3 → 3-4 ms in the 02:16 run). Off, so this measures the figures.
          env: { LEDGER_VERIFY_INTERVAL_MS: '0' },
        }),
      )
    // Measured as replicas that have been up a while: their start-up work (the upkeep, the load of
    // the settled-key filter, ~13 s for 10 M keys) is over, as it is for the in-process readers.
    await Promise.all(servers.map((server) => quietProcess(server.pid)))
    const token = signJwt(
      { sub: 'history-bench', role: 'viewer' },
      { secret: jwtSecret, issuer: 'jackpot-platform', ttlSeconds: 3600 },
    )
    const results = servers.map((): SizeRun['http'] => ({}))
    for (const route of ROUTES) {
      for (const server of servers) {
        // A warm-up request that also proves the route answers 200 to this token.
        const check = await fetch(`${server.url}${route}`, { headers: { authorization: `Bearer ${token}` } })
        if (check.status !== 200) throw new Error(`${route} answered ${check.status}: ${await check.text()}`)
      }
      const taken = servers.map(() => [] as ReturnType<typeof wrkRound>[])
      for (let round = 0; round < rounds; round++)
        for (const [i, server] of servers.entries())
          taken[i]!.push(wrkRound(`${server.url}${route}`, seconds, token, server.pid))
      for (const [i, runs] of taken.entries())
        results[i]![route] = {
          p50: median(runs.map((run) => run.p50)),
          p95: median(runs.map((run) => run.p95)),
          requests: runs.reduce((sum, run) => sum + run.requests, 0),
          serverCpuMs: median(runs.map((run) => run.serverCpuMs)),
        }
    }
    return results
  } finally {
    await Promise.all(servers.map((server) => server.stop()))
  }
}

/**
 * What one memo refresh costs: each figure read straight from the store,
 * sequentially, on every size in turn (`reads` per figure per size, in
 * rounds of 10 alternating sizes, after 30 warm-up reads each).
 */
async function readerLatencies(databases: BenchDatabase[], reads: number): Promise<SizeRun['readers'][]> {
  const stores = await Promise.all(
    databases.map((database) => openJackpot({ databaseUrl: database.url, poolSize: 2 })),
  )
  const figures: Record<string, (store: (typeof stores)[number]) => Promise<unknown>> = {
    stats: (store) => store.stats(),
    topGames: (store) => store.topGames({}),
    poolGrowth: (store) => store.poolGrowth({}),
    recentWins: (store) => store.recentWins({}),
  }
  try {
    await Promise.all(stores.map((store) => (store as DrizzleJackpotStore).settledKeyFilter.idle()))
    const results = stores.map((): SizeRun['readers'] => ({}))
    for (const [name, read] of Object.entries(figures)) {
      const times = stores.map(() => [] as number[])
      for (const store of stores) for (let i = 0; i < 30; i++) await read(store)
      for (let done = 0; done < reads; done += 10)
        for (const [s, store] of stores.entries())
          for (let i = 0; i < 10; i++) {
            const started = performance.now()
            await read(store)
            times[s]!.push(performance.now() - started)
          }
      for (const [s, taken] of times.entries()) results[s]![name] = percentiles(taken)
    }
    return results
  } finally {
    await Promise.all(stores.map((store) => store.close()))
  }
}

/**
 * Resolves once a process has used under 5 % of a CPU over two half-second
 * samples in a row (its start-up work is over), or after a minute.
 */
async function quietProcess(pid: number): Promise<void> {
  const until = performance.now() + 60_000
  let quiet = 0
  let ticks = cpuTicks(pid)
  while (quiet < 2 && performance.now() < until) {
    await Bun.sleep(500)
    const now = cpuTicks(pid)
    quiet = now - ticks <= 0.05 * 0.5 * CLOCK_TICKS_PER_S ? quiet + 1 : 0
    ticks = now
  }
}

/**
 * Bytes of every history table, indexes and TOAST included, partitions summed
 * under their parent (pg_total_relation_size of a partitioned parent is 0).
 */
async function tableBytes(database: BenchDatabase): Promise<Record<string, number>> {
  const sql = new SQL({ url: database.url, max: 1 })
  try {
    const rows: { table: string; bytes: string }[] = await sql.unsafe(`
      SELECT coalesce(parent.relname, c.relname) AS table, sum(pg_total_relation_size(c.oid))::bigint::text AS bytes
      FROM pg_class c
      JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
      LEFT JOIN pg_class parent ON parent.oid = i.inhparent
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'm')
      GROUP BY 1 ORDER BY 1`)
    return Object.fromEntries(
      rows.filter((row) => !CONFIG_TABLES.includes(row.table)).map((row) => [row.table, Number(row.bytes)]),
    )
  } finally {
    await sql.close()
  }
}

/** Contributions already in a database: every contribution touches every pool, so any pool's count. */
async function contributionCount(database: BenchDatabase): Promise<number> {
  const sql = new SQL({ url: database.url, max: 1 })
  try {
    const [row] = await sql.unsafe('SELECT coalesce(max(contributions_count), 0)::text AS n FROM pools')
    return Number(row.n)
  } finally {
    await sql.close()
  }
}

/**
 * Ledger entries already written today (UTC). Every throughput run adds its writes to a reused
 * database's today, and a bigger today means a bigger key index for each write to update: the
 * empty anchor starts each run at none, so a big database measured many times in one day drifts
 * away from it for a reason that is not its history.
 */
async function entriesToday(database: BenchDatabase): Promise<number> {
  const sql = new SQL({ url: database.url, max: 1 })
  try {
    const [row] = await sql.unsafe(
      `SELECT count(*)::text AS n FROM ledger_entries WHERE created_at >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC'`,
    )
    return Number(row.n)
  } finally {
    await sql.close()
  }
}

/** Seconds of writes before each throughput run starts counting. */
const WARM_UP_SECONDS = 3

/**
 * Contributions per second through the group-commit writer, 64 in flight, once
 * warm: the store's upkeep has run (on a fresh database it makes the days
 * ahead, DDL that would otherwise land inside the run) and WARM_UP_SECONDS of
 * the same writes have passed uncounted (caches of a server that has been up,
 * not of one just started: the same for the anchor and the seeded database).
 */
async function throughput(database: BenchDatabase, seconds: number, label: string): Promise<number> {
  const opened = performance.now()
  const store = (await openJackpot({ databaseUrl: database.url, poolSize: 4 })) as DrizzleJackpotStore
  try {
    await store.maintainHistory()
    // As on a replica up for more than a few seconds: the settled-key filter's start-up load (in
    // the background since the store opened, and again after an upkeep that settled keys) is over.
    await store.settledKeyFilter.idle()
    const loaded = store.settledKeyFilter.stats()
    console.log(
      `# ${label}: settled-key filter of ${loaded.keys} keys, ${(loaded.bytes / 1048576).toFixed(1)} MiB, ready ${((performance.now() - opened) / 1000).toFixed(1)} s after the store opened; today's day already holds ${await entriesToday(database)} entries`,
    )
    let done = 0
    let counting = false
    const warm = performance.now() + WARM_UP_SECONDS * 1000
    const until = warm + seconds * 1000
    const worker = async (w: number) => {
      for (let i = 0; performance.now() < until; i++) {
        await store.contribute({
          idempotencyKey: `tp-${label}-${w}-${i}`,
          gameId: `game-${i % 50}`,
          wagerCents: 2537n,
          currency: 'EUR',
        })
        if (counting) done++
      }
    }
    const workers = Promise.all(Array.from({ length: 64 }, (_, w) => worker(w)))
    await Bun.sleep(WARM_UP_SECONDS * 1000)
    counting = true
    const started = performance.now()
    await workers
    const rate = done / ((performance.now() - started) / 1000)
    const used = store.settledKeyFilter.stats()
    console.log(
      `# ${label}: ${rate.toFixed(0)} contributions/s; batches through the filter ${used.filtered}, probing every key ${used.probedAll}`,
    )
    return rate
  } finally {
    await store.close()
  }
}

/** Runs the store's upkeep once, as the hourly one would have by now: settles the closed days' keys. */
async function upkeep(database: BenchDatabase): Promise<void> {
  const store = (await openJackpot({
    databaseUrl: database.url,
    poolSize: 1,
    statementTimeoutMs: 0,
  })) as DrizzleJackpotStore
  try {
    await store.maintainHistory()
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

interface Size {
  database: BenchDatabase
  origin: string
}

/** A fresh database seeded with `size` contributions, or the one at `reuseUrl` as it is. */
async function prepare(size: number, reuseUrl: string | undefined, days: number): Promise<Size> {
  if (reuseUrl !== undefined) {
    const database = reusedDatabase(reuseUrl)
    return { database, origin: `reused ${database.name}` }
  }
  const database = await createBenchDatabase(`history_${size}`)
  try {
    return { database, origin: `seeded in ${(await seed(database, size, days)).toFixed(1)} s` }
  } catch (error) {
    await database.drop()
    throw error
  }
}

async function measure(sizes: Size[], settings: ReturnType<typeof options>): Promise<SizeRun[]> {
  const databases = sizes.map((size) => size.database)
  const counts = await Promise.all(databases.map(contributionCount))
  for (const database of databases) await upkeep(database)
  const bytes = await Promise.all(databases.map(tableBytes))
  const http = await routeLatencies(databases, settings.seconds, settings.rounds)
  const readers = await readerLatencies(databases, settings.reads)
  const runs: SizeRun[] = []
  for (const [i, database] of databases.entries()) {
    const label = `${counts[i]}-${process.pid}-${Date.now()}`
    // Empty, seeded, empty, seeded, …, empty: each seeded run is compared with the empty runs
    // on either side of it, so a drift of the shared machine over the minutes lands on both.
    const anchors = [await emptyThroughput(settings.writeSeconds, `${label}-empty-0`)]
    const rates: number[] = []
    for (let round = 1; round <= settings.writeRounds; round++) {
      rates.push(await throughput(database, settings.writeSeconds, `${label}-${round}`))
      anchors.push(await emptyThroughput(settings.writeSeconds, `${label}-empty-${round}`))
    }
    const total = Object.values(bytes[i]!).reduce((sum, b) => sum + b, 0)
    runs.push({
      contributions: counts[i]!,
      origin: sizes[i]!.origin,
      http: http[i]!,
      readers: readers[i]!,
      bytes: bytes[i]!,
      bytesPerContribution: total / counts[i]!,
      throughput: median(rates),
      anchor: median(anchors),
      ratios: rates.map((rate, round) => rate / ((anchors[round]! + anchors[round + 1]!) / 2)),
    })
  }
  return runs
}

const ms = (value: number) => `${value.toFixed(2)} ms`.padStart(10)

/** One line per figure: p95 at each size, each against 10 ms, and big/small. */
function latencyTable(
  title: string,
  runs: SizeRun[],
  pick: (run: SizeRun) => Record<string, Percentiles & { serverCpuMs?: number }>,
) {
  console.log(`\n## ${title}: p95 (p50) per size${runs.length === 2 ? ', big/small p95 ratio' : ''}`)
  for (const name of Object.keys(pick(runs[0]!))) {
    const cells = runs.map((run) => {
      const { p50, p95, serverCpuMs } = pick(run)[name]!
      const cpu = serverCpuMs === undefined ? '' : ` cpu ${serverCpuMs.toFixed(2)} ms/req`
      return `${ms(p95)} (${ms(p50).trim()}) ${p95 < 10 ? 'ok  ' : 'OVER'}${cpu}`
    })
    const ratio = runs.length === 2 ? pick(runs[1]!)[name]!.p95 / pick(runs[0]!)[name]!.p95 : Number.NaN
    const verdict = runs.length === 2 ? `  ${ratio.toFixed(2)} ${ratio <= 1.5 ? 'ok' : 'OVER 1.5'}` : ''
    console.log(`${name.padEnd(26)} ${cells.join('  ')}${verdict}`)
  }
}

const settings = options()
// This process makes the in-process reads and starts wrk: keep it off the server's CPU.
Bun.spawnSync(['taskset', '-cp', LOAD_CPU, String(process.pid)])
console.log(`# history bench — ${machineLine()}`)
const sizes = [await prepare(settings.small, settings.smallUrl, settings.days)]
let runs: SizeRun[]
try {
  if (settings.big > 0 || settings.bigUrl !== undefined)
    sizes.push(await prepare(settings.big, settings.bigUrl, settings.days))
  runs = await measure(sizes, settings)
} finally {
  await Promise.all(sizes.map((size) => size.database.drop()))
}
for (const run of runs) {
  console.log(`\n## ${run.contributions} contributions (${run.origin})`)
  console.log(
    `bytes: ${Object.entries(run.bytes)
      .map(([t, b]) => `${t} ${(b / 1e6).toFixed(1)} MB`)
      .join(', ')}`,
  )
  console.log(`bytes per contribution (history tables + indexes): ${run.bytesPerContribution.toFixed(0)}`)
  const ratio = median(run.ratios)
  console.log(
    `throughput: ${run.throughput.toFixed(0)}/s (median of ${run.ratios.length}), empty-database anchor ${run.anchor.toFixed(0)}/s (median of ${run.ratios.length + 1}); ` +
      `ratio to the empty runs either side, per round ${run.ratios.map((r) => r.toFixed(2)).join(', ')}: median ${ratio.toFixed(2)} ${ratio >= 0.9 ? 'ok' : 'UNDER 0.9'}`,
  )
}
console.log(`\nsizes: ${runs.map((run) => run.contributions).join(' | ')}`)
latencyTable(
  `HTTP, median of ${settings.rounds} alternating rounds of wrk -t1 -c1 -d${settings.seconds}s on CPU ${LOAD_CPU}, servers on the other CPU`,
  runs,
  (run) => run.http,
)
latencyTable(`readers in process, no memo, ${settings.reads} sequential reads`, runs, (run) => run.readers)
