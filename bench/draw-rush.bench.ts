/**
 * The draw rush, open model, against one replica on PostgreSQL + Redis:
 *
 *   bun run bench/draw-rush.bench.ts --peak 1000
 *
 * Arrivals follow the stage table of loadtests/draw-rush.k6.ts, imported from
 * loadtests/draw-rush-stages.ts (ramp, 2× spike, read burst; 70 % pool reads,
 * 28 % contributions, 2 % wins), scaled so the hold level is `--peak` req/s.
 * Requests leave on schedule whether or not the server keeps up, and latency
 * counts from the scheduled time (bench/support/open-model.ts), so a stall is
 * charged to every request it delayed. Reports p50/p95/p99 per operation, the
 * errors, p95 per stage, and the SLA verdict from loadtests/sla.ts.
 *
 * By default it creates a scratch database on the local PostgreSQL, starts one
 * replica (`apps/server/src/main.ts`, NODE_ENV=production, RATE_LIMIT_ENABLED=false)
 * with the local Redis under a fresh key prefix, pinned to CPU 0 with taskset,
 * and runs the generator as a child pinned to CPU 1 with Bun's cap of 256
 * requests in flight raised; afterwards it drops the database and the keys.
 * `--target URL` loads a server that is already running instead.
 *
 * The generator is JavaScript (Bun's fetch) on one core: good for ~1–2k req/s.
 * Its dispatch lag and CPU are printed; when the lag p99 is more than a few ms,
 * the generator, not the server, set the figures.
 */
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { createTestPostgresDatabase } from '@jackpot/domain/testing'
import { freePort, testServices } from '@jackpot/test-kit'
import Redis from 'ioredis'
import { signJwt } from '../apps/server/src/auth/jwt.ts'
import { DRAW_RUSH_DURATION_S, DRAW_RUSH_STAGES, highestTotalRate } from '../loadtests/draw-rush-stages.ts'
import { type Operation, SLA, slaVerdict } from '../loadtests/sla.ts'
import { CLUSTER_JWT_SECRET, type Replica, startReplica } from '../ops/cluster/local-cluster.ts'
import {
  drawRushSchedule,
  OPERATIONS,
  type Outcome,
  percentileOf,
  type RequestRecord,
  runOpenModel,
} from './support/open-model.ts'
import { LOAD_CPU, SERVER_CPU } from './support/wrk-load.ts'

const USAGE = `usage: bun run bench/draw-rush.bench.ts [options]

Open-model draw rush (loadtests/draw-rush-stages.ts) against one replica on
PostgreSQL + Redis, RATE_LIMIT_ENABLED=false; server on CPU ${SERVER_CPU}, generator on CPU ${LOAD_CPU}.
The replica gets a scratch database on the PostgreSQL of TEST_DATABASE_URL
(default ${testServices().postgresUrl}), dropped afterwards.

  --peak N            hold level in req/s; the spike is 2×N (default ${SLA.drawRush.peakRequestsPerSecond})
  --time-scale F      stage durations × F, same rates (default 1: ${DRAW_RUSH_DURATION_S} s)
  --redis-url URL     Redis of the replica (default ${testServices().redisUrl})
  --target URL        load this running server instead of starting one (give --admin-token or --api-key)
  --admin-token T     admin bearer token for --target: the bench makes an API key and revokes it after
  --api-key K         game API key for --target
  --help              this text`

const REQUEST_TIMEOUT_MS = 10_000
const POOLS = ['minor', 'major', 'mega']
const EXPECTED: Record<Operation, number> = { pool_query: 200, contribution: 201, win: 201 }

interface Settings {
  peak: number
  timeScale: number
  redisUrl: string
  target: string | undefined
  adminToken: string | undefined
  apiKey: string | undefined
  generate: boolean
  serverPid: number | undefined
}

function settings(): Settings | 'help' {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      peak: { type: 'string' },
      'time-scale': { type: 'string' },
      'redis-url': { type: 'string' },
      target: { type: 'string' },
      'admin-token': { type: 'string' },
      'api-key': { type: 'string' },
      help: { type: 'boolean' },
      // Internal: this process is the generator child the bench spawns.
      generate: { type: 'boolean' },
      'server-pid': { type: 'string' },
    },
  })
  if (values.help) return 'help'
  const peak = Number(values.peak ?? SLA.drawRush.peakRequestsPerSecond)
  const timeScale = Number(values['time-scale'] ?? 1)
  if (!(peak > 0)) throw new Error(`--peak takes a number of req/s > 0, got ${values.peak}`)
  if (!(timeScale > 0)) throw new Error(`--time-scale takes a number > 0, got ${values['time-scale']}`)
  if (values.target && !values['admin-token'] && !values['api-key'])
    throw new Error('--target needs --admin-token or --api-key')
  return {
    peak,
    timeScale,
    redisUrl: values['redis-url'] ?? testServices().redisUrl,
    target: values.target?.replace(/\/$/, ''),
    adminToken: values['admin-token'],
    apiKey: values['api-key'],
    generate: values.generate ?? false,
    serverPid: values['server-pid'] ? Number(values['server-pid']) : undefined,
  }
}

/** Pins every thread of `pid` to `cpu`. */
function pin(pid: number, cpu: string): void {
  const result = spawnSync('taskset', ['-a', '-p', '-c', cpu, String(pid)], { encoding: 'utf8' })
  if (result.status !== 0) throw new Error(`taskset failed (apt-get install util-linux): ${result.stderr}`)
}

/** utime + stime of a process, in seconds (Linux). */
function cpuSeconds(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return (Number(fields[11]) + Number(fields[12])) / 100
}

/** A scratch database, a replica on it and a Redis key prefix of its own; `stop` removes all three. */
async function startServer(
  options: Settings,
): Promise<{ replica: Replica; url: string; stop(): Promise<void>; describe: string }> {
  const database = await createTestPostgresDatabase()
  const keyPrefix = `bench-draw-rush-${database.name}`
  const dropAll = async () => {
    await database.drop()
    const redis = new Redis(options.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 })
    try {
      await redis.connect()
      const keys = await redis.keys(`${keyPrefix}*`)
      if (keys.length > 0) await redis.del(...keys)
    } finally {
      redis.disconnect()
    }
  }
  let replica: Replica
  try {
    replica = await startReplica(await freePort(), {
      databaseUrl: database.url,
      redisUrl: options.redisUrl,
      redisKeyPrefix: keyPrefix,
      // Only a crash's last words reach this terminal: at error level every 503 would be logged.
      verbose: true,
      env: { RATE_LIMIT_ENABLED: 'false', LOG_LEVEL: 'fatal' },
    })
  } catch (error) {
    await dropAll()
    throw error
  }
  pin(replica.pid, SERVER_CPU)
  return {
    replica,
    url: replica.url,
    describe: `one replica (pid ${replica.pid}, CPU ${SERVER_CPU}) on PostgreSQL (database ${database.name}) + Redis (prefix ${keyPrefix}), RATE_LIMIT_ENABLED=false`,
    async stop() {
      await replica.stop()
      await dropAll()
    },
  }
}

/** An API key to contribute with, and how to give it back. */
async function apiKeyFor(base: string, options: Settings): Promise<{ key: string; revoke(): Promise<void> }> {
  if (options.apiKey) return { key: options.apiKey, revoke: async () => {} }
  const token =
    options.adminToken ??
    signJwt(
      { sub: 'draw-rush-bench', role: 'admin' },
      { secret: CLUSTER_JWT_SECRET, issuer: 'jackpot-platform', ttlSeconds: 3600 },
    )
  const auth = { authorization: `Bearer ${token}` }
  const response = await fetch(`${base}/api/v1/api-keys`, {
    method: 'POST',
    headers: { ...auth, 'content-type': 'application/json' },
    body: JSON.stringify({ name: `draw-rush-bench-${Date.now()}` }),
  })
  if (response.status !== 201)
    throw new Error(`creating an API key answered ${response.status}: ${await response.text()}`)
  const created = (await response.json()) as { id: string; key: string }
  return {
    key: created.key,
    revoke: async () => {
      const revoked = await fetch(`${base}/api/v1/api-keys/${created.id}`, {
        method: 'DELETE',
        headers: auth,
      })
      if (revoked.status !== 200) console.error(`revoking the bench's API key answered ${revoked.status}`)
    },
  }
}

/** One request of `operation`, as loadtests/lib/jackpot-requests.ts sends it. */
function sender(base: string, apiKey: string): (operation: Operation) => Promise<Outcome> {
  let sequence = 0
  const run = randomBytes(4).toString('hex')
  const write = (path: string, body: unknown) => ({
    url: `${base}${path}`,
    init: {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': apiKey,
        'idempotency-key': `bench-${run}-${sequence++}`,
      },
      body: JSON.stringify(body),
    },
  })
  return async (operation) => {
    const n = sequence
    const { url, init } =
      operation === 'pool_query'
        ? { url: `${base}/api/v1/pools${Math.random() < 0.7 ? '/mega' : ''}`, init: { method: 'GET' } }
        : operation === 'contribution'
          ? write('/api/v1/contributions', {
              gameId: `bench-game-${n % 20}`,
              playerId: `bench-player-${n % 500}`,
              wagerCents: 100 + Math.floor(Math.random() * 9900),
              currency: 'EUR',
            })
          : write('/api/v1/wins', {
              pool: POOLS[n % POOLS.length],
              gameId: `bench-game-${n % 20}`,
              playerId: `bench-player-${n % 500}`,
            })
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) })
      await response.arrayBuffer()
      return { ok: response.status === EXPECTED[operation], status: response.status, timedOut: false }
    } catch (error) {
      return {
        ok: false,
        status: 0,
        timedOut: error instanceof DOMException && error.name === 'TimeoutError',
      }
    }
  }
}

const ms = (value: number) => (Number.isNaN(value) ? '-' : value.toFixed(1))

function report(records: RequestRecord[], options: Settings): void {
  console.log('\noperation      sent   failed  timeouts     p50 ms    p95 ms    p99 ms    max ms  statuses')
  const p95Ms: Partial<Record<Operation, number>> = {}
  for (const operation of OPERATIONS) {
    const mine = records.filter((r) => r.operation === operation)
    const latencies = mine.map((r) => r.latencyMs)
    const statuses = new Map<number, number>()
    for (const r of mine) statuses.set(r.outcome.status, (statuses.get(r.outcome.status) ?? 0) + 1)
    p95Ms[operation] = percentileOf(latencies, 95)
    console.log(
      `${operation.padEnd(13)}${String(mine.length).padStart(6)}${String(mine.filter((r) => !r.outcome.ok).length).padStart(9)}` +
        `${String(mine.filter((r) => r.outcome.timedOut).length).padStart(10)}` +
        [50, 95, 99, 100].map((p) => ms(percentileOf(latencies, p)).padStart(10)).join('') +
        `  ${[...statuses].map(([status, count]) => `${status || 'none'}×${count}`).join(' ')}`,
    )
  }
  const all = records.map((r) => r.latencyMs)
  console.log(
    `${'all'.padEnd(13)}${String(records.length).padStart(6)}${String(records.filter((r) => !r.outcome.ok).length).padStart(9)}` +
      `${String(records.filter((r) => r.outcome.timedOut).length).padStart(10)}` +
      [50, 95, 99, 100].map((p) => ms(percentileOf(all, p)).padStart(10)).join(''),
  )

  console.log('\nper stage (by scheduled time): arrivals/s, p95 ms of every request, failed')
  let startMs = 0
  for (const stage of DRAW_RUSH_STAGES) {
    const endMs = startMs + stage.durationS * 1000 * options.timeScale
    const inStage = records.filter((r) => r.scheduledMs >= startMs && r.scheduledMs < endMs)
    console.log(
      `  ${stage.name.padEnd(14)} ${(inStage.length / ((endMs - startMs) / 1000)).toFixed(0).padStart(6)}/s` +
        `  p95 ${ms(
          percentileOf(
            inStage.map((r) => r.latencyMs),
            95,
          ),
        ).padStart(8)}` +
        `  failed ${inStage.filter((r) => !r.outcome.ok).length}`,
    )
    startMs = endMs
  }

  const verdict = slaVerdict(
    {
      p95Ms,
      overallP95Ms: percentileOf(all, 95),
      requests: records.length,
      errors: records.filter((r) => !r.outcome.ok).length,
      timeouts: records.filter((r) => r.outcome.timedOut).length,
    },
    { drawRush: true },
  )
  console.log('\nSLA (loadtests/sla.ts)')
  for (const check of verdict)
    console.log(
      `  ${check.held ? 'held    ' : 'NOT held'}  ${check.name.padEnd(20)} ${check.measured.padStart(12)}  (${check.limit})`,
    )
  const held = verdict.every((check) => check.held)
  console.log(`\nSLA verdict at peak ${options.peak} req/s: ${held ? 'HELD' : 'NOT HELD'}`)
}

/**
 * Bun's fetch keeps at most 256 requests in flight by default and queues the rest inside the
 * client: past that, an open model would quietly turn closed. The generator runs as a child
 * with the cap raised (`env` adds the variable to the inherited environment).
 */
const MAX_IN_FLIGHT = '16384'

/** The generator: warm-up, the schedule, the report. Runs in the child, pinned to {@link LOAD_CPU}. */
async function generate(options: Settings): Promise<void> {
  const base = options.target!
  const send = sender(base, options.apiKey!)
  // Warm-up, not measured: the first requests pay for JIT and connection set-up.
  for (let i = 0; i < 50; i++) await send(i % 5 === 0 ? 'contribution' : 'pool_query')

  const schedule = drawRushSchedule(options.peak, options.timeScale)
  const serverCpuBefore = options.serverPid ? cpuSeconds(options.serverPid) : 0
  const ownCpuBefore = process.cpuUsage()
  const run = await runOpenModel(schedule, send)
  const seconds = run.durationMs / 1000
  const ownCpu = process.cpuUsage(ownCpuBefore)

  report(run.records, options)
  const lags = run.records.map((r) => r.lagMs)
  console.log(
    `\ngenerator: dispatch lag p50 ${ms(percentileOf(lags, 50))} ms, p99 ${ms(percentileOf(lags, 99))} ms, ` +
      `max ${ms(percentileOf(lags, 100))} ms; at most ${run.maxInFlight} requests in flight; ` +
      `CPU ${(((ownCpu.user + ownCpu.system) / 1e6 / seconds) * 100).toFixed(0)} % of one core`,
  )
  if (options.serverPid && !existsSync(`/proc/${options.serverPid}`))
    console.log(
      'server: EXITED during the run (its output is above); the figures after that are refused connections',
    )
  else if (options.serverPid)
    console.log(
      `server: CPU ${(((cpuSeconds(options.serverPid) - serverCpuBefore) / seconds) * 100).toFixed(0)} % of one core over ${seconds.toFixed(1)} s`,
    )
}

async function main(): Promise<void> {
  const options = settings()
  if (options === 'help') {
    console.log(USAGE)
    return
  }
  if (options.generate) return generate(options)
  if (spawnSync('which', ['taskset']).status !== 0)
    throw new Error('taskset is needed (apt-get install util-linux)')

  console.log(
    `draw rush bench — ${new Date().toISOString()} — bun ${Bun.version} — peak ${options.peak} req/s ` +
      `(spike ${highestTotalRate(options.peak).toFixed(0)} req/s), time scale ${options.timeScale}: ` +
      `${(DRAW_RUSH_DURATION_S * options.timeScale).toFixed(0)} s, ` +
      `${drawRushSchedule(options.peak, options.timeScale).length} requests scheduled`,
  )
  const server = options.target ? null : await startServer(options)
  const base = options.target ?? server!.url
  console.log(
    `target: ${server ? server.describe : base}; generator on CPU ${LOAD_CPU}, up to ${MAX_IN_FLIGHT} in flight`,
  )
  const apiKey = await apiKeyFor(base, options)
  try {
    const child = Bun.spawn(
      [
        'env',
        `BUN_CONFIG_MAX_HTTP_REQUESTS=${MAX_IN_FLIGHT}`,
        'taskset',
        '-c',
        LOAD_CPU,
        process.execPath,
        import.meta.path,
        '--generate',
        '--target',
        base,
        '--api-key',
        apiKey.key,
        '--peak',
        String(options.peak),
        '--time-scale',
        String(options.timeScale),
        ...(server ? ['--server-pid', String(server.replica.pid)] : []),
      ],
      { stdin: 'ignore', stdout: 'inherit', stderr: 'inherit' },
    )
    if ((await child.exited) !== 0) throw new Error(`the generator exited with code ${child.exitCode}`)
  } finally {
    await apiKey.revoke()
    await server?.stop()
  }
}

await main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
