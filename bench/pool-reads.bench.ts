/**
 * Cached pool reads through the whole server vs a bare Elysia hello route (the
 * anchor), over a socket, in one run:
 *
 *   bun run bench/pool-reads.bench.ts
 *
 * One server process pinned to CPU 0 hosts the apps on their own ports: a bare
 * `new Elysia().get('/hello', () => 'hello')` and the jackpot server as
 * `buildServer` builds it (observability plugin with its access log, security
 * headers, CORS, rate limiter, pool cache; embedded PGlite, production
 * settings, access log to /dev/null) answering `GET /api/v1/pools/mega` (and the floor below).
 * `wrk -t1` pinned to CPU 1 loads one app at a time, alternating, so they
 * never compete; each figure is the median over rounds, the ratio the median
 * of per-round ratios. The server's CPU time per request (from /proc) is
 * printed too: it is disturbed less by other load on a shared machine.
 *
 * Extra rows, informative (not the target): the same read revalidated with
 * `If-None-Match` (a 304, what a polling client or the edge mostly sends), and
 * the floor: a bare Elysia `/:slug` route answering from the same pool cache
 * with no plugin at all (what any real pool read costs before the server's
 * security, CORS, rate limiting and observability).
 *
 * Target: pool reads ≥ 0.8× the hello route's requests/s. Needs wrk and taskset.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { loadConfig } from '@jackpot/config'
import { openJackpot } from '@jackpot/domain'
import { Elysia } from 'elysia'
import { buildServer } from '../apps/server/src/build-server.ts'
import { createPoolCache } from '../apps/server/src/pool-cache/index.ts'
import { alternatingLoad, type LoadSummary } from './support/alternating-load.ts'
import { type LoadRun, requireLoadTools, SERVER_CPU, wrkLoad } from './support/wrk-load.ts'

const TARGET = 0.8
const ROUNDS = 5
const DURATION_S = 4
const WARMUP_S = 2

interface Target {
  name: string
  path: string
  headers?: Record<string, string>
  port: 'hello' | 'server' | 'bare'
}

async function serve(): Promise<void> {
  const hello = new Elysia().get('/hello', () => 'hello').listen({ port: 0, hostname: '127.0.0.1' })
  const config = loadConfig({
    NODE_ENV: 'production',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0123',
    LOG_LEVEL: 'info',
    // Every request still goes through the limiter; the limit is just out of reach.
    RATE_LIMIT_PUBLIC: '1000000000',
  })
  const store = await openJackpot({ pgliteDataDir: 'memory://', currency: config.JACKPOT_CURRENCY })
  const server = (await buildServer(config, { store })).app.listen({ port: 0, hostname: '127.0.0.1' })
  const poolCache = createPoolCache({ store })
  const bare = new Elysia()
    .get('/api/v1/pools/:slug', async ({ params }) => {
      const entry = await poolCache.pool(params.slug)
      return new Response(entry.body, { headers: { 'content-type': 'application/json', etag: entry.etag } })
    })
    .listen({ port: 0, hostname: '127.0.0.1' })
  const etag = (await fetch(`http://127.0.0.1:${server.server?.port}/api/v1/pools/mega`)).headers.get('etag')
  process.stderr.write(`READY ${hello.server?.port} ${server.server?.port} ${bare.server?.port} ${etag}\n`)
}

interface Started {
  child: ChildProcess
  ports: { hello: number; server: number; bare: number }
  etag: string
}

function start(): Promise<Started> {
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, import.meta.path, '--serve'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let seen = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const ready = /READY (\d+) (\d+) (\d+) (\S+)/.exec(seen)
      if (ready)
        resolve({
          child,
          ports: { hello: Number(ready[1]), server: Number(ready[2]), bare: Number(ready[3]) },
          etag: ready[4]!,
        })
    })
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${seen}`)))
  })
}

function load(started: Started, target: Target, seconds: number): LoadRun {
  const url = `http://127.0.0.1:${started.ports[target.port]}${target.path}`
  return wrkLoad(started.child.pid as number, url, seconds, target.headers)
}

async function main(): Promise<void> {
  requireLoadTools()
  console.log(
    `pool reads bench — ${new Date().toISOString()} — bun ${Bun.version}, elysia ${
      (await import('elysia/package.json')).version
    }`,
  )
  const started = await start()
  const targets: Target[] = [
    { name: 'hello (anchor)', path: '/hello', port: 'hello' },
    { name: 'GET /api/v1/pools/mega', path: '/api/v1/pools/mega', port: 'server' },
    {
      name: '… with If-None-Match (304)',
      path: '/api/v1/pools/mega',
      port: 'server',
      headers: { 'if-none-match': started.etag },
    },
    { name: 'floor: bare Elysia :slug route', path: '/api/v1/pools/mega', port: 'bare' },
  ]
  let summaries: LoadSummary[]
  try {
    summaries = alternatingLoad(
      targets.map((target) => ({ name: target.name, load: (seconds) => load(started, target, seconds) })),
      { rounds: ROUNDS, seconds: DURATION_S, warmupSeconds: WARMUP_S },
    )
  } finally {
    started.child.kill()
  }
  const ratio = summaries[1]!.ratio
  console.log(
    `\npool reads vs hello: ${ratio.toFixed(2)}× (target ≥ ${TARGET.toFixed(2)}×: ${ratio >= TARGET ? 'met' : 'NOT met'})`,
  )
}

if (process.argv.includes('--serve')) await serve()
else await main()
