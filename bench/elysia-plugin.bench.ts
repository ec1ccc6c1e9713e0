/**
 * Cost of the full observability plugin on a trivial JSON route (`{ ok: true }`, as the
 * issue's acceptance asks: "over a socket on a JSON route"): bare Elysia (the anchor)
 * against the same app with `observability()` — request id, request context, one
 * access-log line, HTTP metrics, /metrics and health routes — measured two ways in
 * one run:
 *
 *   bun bench/elysia-plugin.bench.ts            # both
 *   bun bench/elysia-plugin.bench.ts handle     # only in-process
 *   bun bench/elysia-plugin.bench.ts socket     # only over a socket
 *
 * 1. `app.handle(new Request(…))` in process (mitata): the framework's and the
 *    plugin's own work with no HTTP server at all — the harshest ratio, since the
 *    bare route costs only a few µs.
 * 2. Over a real socket: each app in its own Bun process pinned to CPU 0 (stdout,
 *    where the access log goes, is /dev/null), loaded by `wrk` pinned to CPU 1.
 *    wrk, not autocannon: a load generator written in JavaScript needs as much CPU
 *    as the server it drives, so on two cores it, not the server, set the pace and
 *    figures swung 3× between rounds. With the server alone on its core,
 *    requests/s is the server's capacity. The server's CPU time per request (from
 *    /proc) is reported too: it is disturbed less by other load on a shared machine.
 *
 * Variants alternate (bare, plugin, plugin without access log, plugin with tracing,
 * bare, …) and each figure is the median over rounds; the ratio is the median of
 * per-round ratios. The third variant (access log level raised to warn) shows how
 * the cost splits; the fourth gives every request a sampled server span (exported to
 * a sink that drops it). Both are informative, not the target. Tracing off is the
 * `plugin` variant itself: without a tracer the request path has no tracing code.
 * Target: full plugin ≥ 0.85× bare requests/s.
 * Needs `wrk` and `taskset` (util-linux) for the socket part; Linux only (/proc).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { batchedDestination, createLogger } from '@jackpot/observability'
import { observability } from '@jackpot/observability/elysia'
import { createTracing } from '@jackpot/observability/tracing'
import { Elysia } from 'elysia'
import { measure } from 'mitata'
import {
  CONNECTIONS,
  LOAD_CPU,
  type LoadRun,
  median,
  requireLoadTools,
  SERVER_CPU,
  wrkLoad,
} from './support/wrk-load.ts'

const TARGET = 0.85
const VARIANTS = ['bare', 'plugin', 'plugin-no-access-log', 'plugin-traced'] as const
type Variant = (typeof VARIANTS)[number]

const HANDLE_ROUNDS = 9
const SOCKET_ROUNDS = 5
const SOCKET_DURATION_S = 4
const SOCKET_WARMUP_S = 2

/** Spans are built, batched and handed to an exporter that drops them: the cost of tracing without the network. */
const discardSpans = {
  export: (_spans: unknown[], done: (result: { code: 0 }) => void) => done({ code: 0 }),
  shutdown: async () => {},
}

/** The app under test; the access log goes to `fd` through the logger's default batching. */
function buildApp(variant: Variant, fd: number) {
  const route = () => ({ ok: true })
  if (variant === 'bare') return new Elysia().get('/', route)
  const logger = createLogger({
    service: 'bench',
    version: '1.0.0',
    level: variant === 'plugin-no-access-log' ? 'warn' : 'info',
    destination: batchedDestination({ fd }),
  })
  // Tracing off is the `plugin` variant: without a tracer the plugin's request path holds no tracing code.
  const tracer =
    variant === 'plugin-traced'
      ? createTracing({ service: 'bench', exporter: discardSpans, global: true }).tracer
      : undefined
  return new Elysia()
    .use(observability({ service: 'bench', version: '1.0.0', logger, ...(tracer ? { tracer } : {}) }))
    .get('/', route)
}

const ratioText = (ratio: number) =>
  `${ratio.toFixed(2)}× (target ≥ ${TARGET.toFixed(2)}×: ${ratio >= TARGET ? 'met' : 'NOT met'})`

async function compareInProcess(): Promise<number> {
  const devNull = openSync('/dev/null', 'w')
  const apps = Object.fromEntries(VARIANTS.map((v) => [v, buildApp(v, devNull)])) as Record<
    Variant,
    ReturnType<typeof buildApp>
  >
  const ns = Object.fromEntries(VARIANTS.map((v) => [v, [] as number[]])) as Record<Variant, number[]>
  for (const variant of VARIANTS) {
    const response = await apps[variant].handle(new Request('http://localhost/'))
    if ((await response.text()) !== '{"ok":true}') throw new Error(`${variant} does not answer the route`)
  }
  for (let round = 0; round < HANDLE_ROUNDS; round++) {
    for (const variant of VARIANTS) {
      const app = apps[variant]
      const stats = await measure(async () => app.handle(new Request('http://localhost/')), {
        min_cpu_time: 200e6,
      })
      ns[variant].push(stats.p50)
    }
  }
  console.log(`\n1. app.handle in process — ${HANDLE_ROUNDS} rounds, median of mitata p50`)
  const ratios: Record<Variant, number> = {
    bare: 1,
    plugin: 0,
    'plugin-no-access-log': 0,
    'plugin-traced': 0,
  }
  for (const variant of VARIANTS) {
    ratios[variant] = median(ns.bare.map((bare, i) => bare / (ns[variant][i] as number)))
    const perSecond = Math.round(1e9 / median(ns[variant]))
    console.log(
      `${variant.padEnd(20)} ${(median(ns[variant]) / 1000).toFixed(2).padStart(6)} µs/request ` +
        `(${perSecond.toLocaleString('en').padStart(9)} req/s) ${ratios[variant].toFixed(2)}×`,
    )
  }
  console.log(`full plugin vs bare, in process: ${ratioText(ratios.plugin)}`)
  return ratios.plugin
}

// ---- over a socket -------------------------------------------------------------

function serve(variant: Variant) {
  const port = buildApp(variant, 1).listen({ port: 0, hostname: '127.0.0.1' }).server?.port
  process.stderr.write(`READY ${port}\n`)
}

function start(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, import.meta.path, '--serve', variant], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  return new Promise((resolve, reject) => {
    let seen = ''
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString()
      const port = /READY (\d+)/.exec(seen)?.[1]
      if (port) resolve({ child, url: `http://127.0.0.1:${port}/` })
    })
    child.once('exit', (code) => reject(new Error(`${variant} server exited (${code}): ${seen}`)))
  })
}

function load(server: { child: ChildProcess; url: string }, seconds: number): LoadRun {
  return wrkLoad(server.child.pid as number, server.url, seconds)
}

async function compareOverSocket(): Promise<number> {
  requireLoadTools()
  const servers = Object.fromEntries(
    await Promise.all(VARIANTS.map(async (variant) => [variant, await start(variant)] as const)),
  ) as Record<Variant, { child: ChildProcess; url: string }>
  const runs = Object.fromEntries(VARIANTS.map((variant) => [variant, [] as LoadRun[]])) as Record<
    Variant,
    LoadRun[]
  >
  console.log(
    `\n2. over a socket — wrk -t1 -c${CONNECTIONS} on CPU ${LOAD_CPU}, each server alone on CPU ${SERVER_CPU}, ` +
      `${SOCKET_ROUNDS}×${SOCKET_DURATION_S}s per variant after ${SOCKET_WARMUP_S}s warm-up`,
  )
  try {
    for (const variant of VARIANTS) load(servers[variant], SOCKET_WARMUP_S)
    for (let round = 0; round < SOCKET_ROUNDS; round++) {
      for (const variant of VARIANTS) {
        const run = load(servers[variant], SOCKET_DURATION_S)
        runs[variant].push(run)
        console.log(
          `round ${round + 1} ${variant.padEnd(20)} ${Math.round(run.rps).toLocaleString('en').padStart(7)} req/s, ` +
            `${run.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, p99 ${run.p99}, errors ${run.errors}`,
        )
      }
    }
  } finally {
    for (const variant of VARIANTS) servers[variant].child.kill()
  }
  const rpsRatio = (variant: Variant) =>
    median(runs.bare.map((bare, i) => (runs[variant][i] as LoadRun).rps / bare.rps))
  const cpu = (variant: Variant) => median(runs[variant].map((run) => run.cpuMicrosPerRequest))
  for (const variant of VARIANTS) {
    const rps = median(runs[variant].map((run) => run.rps))
    console.log(
      `${variant.padEnd(20)} ${Math.round(rps).toLocaleString('en').padStart(7)} req/s ` +
        `(${rpsRatio(variant).toFixed(2)}×), ${cpu(variant).toFixed(1)} µs CPU/req ` +
        `(throughput-equivalent ${(cpu('bare') / cpu(variant)).toFixed(2)}×)`,
    )
  }
  console.log(`full plugin vs bare, over a socket: ${ratioText(rpsRatio('plugin'))}`)
  return rpsRatio('plugin')
}

const serveIndex = process.argv.indexOf('--serve')
if (serveIndex >= 0) {
  const variant = process.argv[serveIndex + 1] as Variant
  serve(VARIANTS.includes(variant) ? variant : 'bare')
} else {
  const only = process.argv[2]
  console.log(
    `elysia plugin bench — ${new Date().toISOString()} — bun ${Bun.version}, elysia ${
      (await import('elysia/package.json')).version
    }`,
  )
  const handle = only === 'socket' ? undefined : await compareInProcess()
  const socket = only === 'handle' ? undefined : await compareOverSocket()
  console.log(
    `\nsummary: in process ${handle === undefined ? 'not run' : `${handle.toFixed(2)}×`}, ` +
      `over a socket ${socket === undefined ? 'not run' : `${socket.toFixed(2)}×`} (target ≥ ${TARGET}×)`,
  )
}
