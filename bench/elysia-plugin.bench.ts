/**
 * Cost of the full observability plugin on a trivial JSON route (`{ ok: true }`, as the
 * issue's acceptance asks: "over a socket on a JSON route"): bare Elysia (the anchor)
 * against the same app with `observability()` — request id, request context, one
 * access-log line, HTTP metrics, /metrics and health routes. Run `--help` for usage.
 *
 * Three measurements, each alternating the variants round by round:
 *
 * 1. `handle`: `app.handle(new Request(…))` in process (mitata, median of p50): the
 *    framework's and the plugin's own work with no HTTP server at all — the harshest
 *    ratio, since the bare route costs only a few µs.
 * 2. `cpu`: the process's CPU time (`process.cpuUsage()`) per `app.handle` call, over
 *    batches of 16 requests with a turn of the event loop between batches (so the
 *    batched access log writes as under load); min over rounds. CPU time, not wall time:
 *    on a shared machine another job's slice does not count against the round.
 * 3. `socket`: each app in its own Bun process pinned to CPU 0 (stdout, where the access
 *    log goes, is /dev/null), loaded by `wrk` pinned to CPU 1. wrk, not autocannon: a
 *    load generator written in JavaScript needs as much CPU as the server it drives.
 *    With the server alone on its core, requests/s is the server's capacity; its CPU
 *    time per request (from /proc) is reported too, being disturbed less by other load.
 *    This is the acceptance figure: full plugin ≥ 0.85× bare requests/s.
 *
 * Variants: `plugin-no-access-log` (logger at warn) shows how the cost splits;
 * `plugin-traced` (socket only: registering a tracer provider is global, so it would
 * change the other variants of an in-process run) adds `requestTracing()` with every
 * request sampled and the spans dropped. Both are informative, not the target.
 * Tracing off is the `plugin` variant itself; `bench/tracing.bench.ts` measures it.
 * The socket part needs `wrk` and `taskset` (util-linux); Linux only (/proc).
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { openSync } from 'node:fs'
import { batchedDestination, createLogger } from '@jackpot/observability'
import { observability, requestTracing } from '@jackpot/observability/elysia'
import { createTracing } from '@jackpot/observability/tracing'
import { Elysia } from 'elysia'
import { measure } from 'mitata'
import { alternatingLoad } from './support/alternating-load.ts'
import { machineLine } from './support/bench-args.ts'
import { median, requireLoadTools, SERVER_CPU, wrkLoad } from './support/wrk-load.ts'

const USAGE = `usage: bun bench/elysia-plugin.bench.ts [handle] [cpu] [socket] [--help]

Bare Elysia against the full observability() plugin on a JSON route. With no
part named, runs all three; the last line is the summary with each ratio.

  handle   app.handle in process, mitata (median of p50 over ${9} rounds)
  cpu      process CPU µs per app.handle call, min over ${7} alternating rounds
  socket   wrk over a socket, each app pinned alone on CPU ${SERVER_CPU}
           (the acceptance figure: plugin ≥ 0.85× bare req/s)
  --help   this text`

const TARGET = 0.85
const VARIANTS = ['bare', 'plugin', 'plugin-no-access-log', 'plugin-traced'] as const
type Variant = (typeof VARIANTS)[number]
/** In process, every variant but the traced one (see the header). */
const IN_PROCESS = ['bare', 'plugin', 'plugin-no-access-log'] as const

const HANDLE_ROUNDS = 9
const CPU_ROUNDS = 7
const CPU_REQUESTS = 40_000
const CPU_BATCH = 16
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
  const app = new Elysia().use(observability({ service: 'bench', version: '1.0.0', logger }))
  if (variant !== 'plugin-traced') return app.get('/', route)
  // Tracing off is the `plugin` variant: without requestTracing() the request path holds no tracing code.
  const { tracer } = createTracing({ service: 'bench', exporter: discardSpans })
  return app.use(requestTracing({ tracer })).get('/', route)
}
type App = ReturnType<typeof buildApp>

const ratioText = (ratio: number) =>
  `${ratio.toFixed(2)}× (target ≥ ${TARGET.toFixed(2)}×: ${ratio >= TARGET ? 'met' : 'NOT met'})`

async function inProcessApps(): Promise<Record<(typeof IN_PROCESS)[number], App>> {
  const devNull = openSync('/dev/null', 'w')
  const apps = Object.fromEntries(IN_PROCESS.map((v) => [v, buildApp(v, devNull)])) as Record<
    (typeof IN_PROCESS)[number],
    App
  >
  for (const variant of IN_PROCESS) {
    const response = await apps[variant].handle(new Request('http://localhost/'))
    if ((await response.text()) !== '{"ok":true}') throw new Error(`${variant} does not answer the route`)
  }
  return apps
}

/** Prints one line per in-process variant and returns the plugin's ratio (bare ÷ plugin per round, median). */
function report(title: string, unit: string, perVariant: Record<string, number[]>): number {
  console.log(`\n${title}`)
  const bare = perVariant.bare as number[]
  let pluginRatio = 0
  for (const variant of IN_PROCESS) {
    const values = perVariant[variant] as number[]
    const ratio = median(bare.map((b, i) => b / (values[i] as number)))
    if (variant === 'plugin') pluginRatio = ratio
    console.log(
      `${variant.padEnd(20)} ${median(values).toFixed(3).padStart(7)} ${unit} ` +
        `(rounds ${values.map((v) => v.toFixed(2)).join(' ')}) ${ratio.toFixed(2)}×`,
    )
  }
  return pluginRatio
}

async function compareWithMitata(): Promise<number> {
  const apps = await inProcessApps()
  const ns: Record<string, number[]> = { bare: [], plugin: [], 'plugin-no-access-log': [] }
  for (let round = 0; round < HANDLE_ROUNDS; round++) {
    for (const variant of IN_PROCESS) {
      const app = apps[variant]
      const stats = await measure(async () => app.handle(new Request('http://localhost/')), {
        min_cpu_time: 200e6,
      })
      ns[variant]?.push(stats.p50 / 1000)
    }
  }
  const ratio = report(`1. app.handle in process — ${HANDLE_ROUNDS} rounds, median of mitata p50`, 'µs', ns)
  console.log(`full plugin vs bare, in process: ${ratioText(ratio)}`)
  return ratio
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve))

/** CPU µs per request of `CPU_REQUESTS` `app.handle` calls, a turn of the event loop every batch. */
async function cpuPerRequest(app: App): Promise<number> {
  const batch = new Array<Promise<Response>>(CPU_BATCH)
  const before = process.cpuUsage()
  for (let sent = 0; sent < CPU_REQUESTS; sent += CPU_BATCH) {
    for (let i = 0; i < CPU_BATCH; i++) batch[i] = app.handle(new Request('http://localhost/'))
    await Promise.all(batch)
    await nextTurn()
  }
  const used = process.cpuUsage(before)
  return (used.user + used.system) / CPU_REQUESTS
}

async function compareCpu(): Promise<number> {
  const apps = await inProcessApps()
  for (const variant of IN_PROCESS) await cpuPerRequest(apps[variant])
  const us: Record<string, number[]> = { bare: [], plugin: [], 'plugin-no-access-log': [] }
  for (let round = 0; round < CPU_ROUNDS; round++) {
    for (const variant of IN_PROCESS) us[variant]?.push(await cpuPerRequest(apps[variant]))
  }
  // The minimum: the round other jobs on the machine disturbed least (medians are printed too).
  const mins = Object.fromEntries(
    Object.entries(us).map(([variant, values]) => [variant, [Math.min(...values)]]),
  )
  report(
    `2. CPU per app.handle — ${CPU_ROUNDS} alternating rounds of ${CPU_REQUESTS} requests (median)`,
    'µs',
    us,
  )
  const ratio = report('   the same, minimum over rounds', 'µs', mins)
  const pluginOwn = (mins.plugin?.[0] as number) - (mins.bare?.[0] as number)
  console.log(
    `full plugin vs bare, CPU per request in process: ${ratio.toFixed(2)}×; plugin's own cost ${pluginOwn.toFixed(3)} µs`,
  )
  return ratio
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

async function compareOverSocket(): Promise<number> {
  requireLoadTools()
  const servers = await Promise.all(VARIANTS.map(start))
  console.log('\n3. over a socket')
  try {
    const [, plugin] = alternatingLoad(
      VARIANTS.map((name, index) => {
        const server = servers[index] as { child: ChildProcess; url: string }
        return { name, load: (seconds) => wrkLoad(server.child.pid as number, server.url, seconds) }
      }),
      { rounds: SOCKET_ROUNDS, seconds: SOCKET_DURATION_S, warmupSeconds: SOCKET_WARMUP_S },
    )
    const ratio = plugin?.ratio ?? 0
    console.log(`full plugin vs bare, over a socket: ${ratioText(ratio)}`)
    return ratio
  } finally {
    for (const server of servers) server.child.kill()
  }
}

const serveIndex = process.argv.indexOf('--serve')
if (serveIndex >= 0) {
  const variant = process.argv[serveIndex + 1] as Variant
  serve(VARIANTS.includes(variant) ? variant : 'bare')
} else {
  const args = process.argv.slice(2)
  const parts = new Set(args.length === 0 ? ['handle', 'cpu', 'socket'] : args)
  const unknown = [...parts].filter((part) => !['handle', 'cpu', 'socket'].includes(part))
  if (parts.has('--help') || parts.has('-h') || unknown.length > 0) {
    if (unknown.length > 0 && !parts.has('--help') && !parts.has('-h'))
      console.error(`unknown: ${unknown.join(' ')}\n`)
    console.log(USAGE)
    process.exit(unknown.length > 0 && !parts.has('--help') && !parts.has('-h') ? 2 : 0)
  }
  console.log(
    `elysia plugin bench — ${new Date().toISOString()} — ${machineLine()}, elysia ${
      (await import('elysia/package.json')).version
    }`,
  )
  const handle = parts.has('handle') ? await compareWithMitata() : undefined
  const cpu = parts.has('cpu') ? await compareCpu() : undefined
  const socket = parts.has('socket') ? await compareOverSocket() : undefined
  const shown = (ratio: number | undefined) => (ratio === undefined ? 'not run' : `${ratio.toFixed(2)}×`)
  console.log(
    `\nsummary (plugin ÷ bare; ${machineLine()}): in process ${shown(handle)}, ` +
      `CPU per request ${shown(cpu)}, over a socket ${
        socket === undefined ? 'not run' : ratioText(socket)
      } ← the acceptance figure`,
  )
}
