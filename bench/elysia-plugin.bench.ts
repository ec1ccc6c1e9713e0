/**
 * Cost of the full observability plugin on a trivial route: requests/s of bare
 * Elysia (the anchor) against the same app with `observability()` — request id,
 * request context, access-log line, HTTP metrics, /metrics and health routes —
 * over a real socket, driven by autocannon.
 *
 *   bun bench/elysia-plugin.bench.ts
 *
 * Each app runs in its own Bun process (its stdout, where the access log goes, is
 * /dev/null) so the load generator does not share its event loop. Runs alternate
 * bare, plugin, plugin without access log, bare, … and each figure is the median
 * over the rounds. Besides requests/s (the target: ≥ 0.85× bare) it reports the
 * server's CPU time per request from /proc, which other load on a shared machine
 * disturbs far less than throughput. The third variant (access log silenced) shows
 * how the cost splits; it is informative, not the target.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import autocannon from 'autocannon'

const ROUNDS = 5
const DURATION_S = 4
const WARMUP_S = 2
const CONNECTIONS = 32
const TARGET = 0.85
const CLOCK_TICKS_PER_S = 100

const VARIANTS = ['bare', 'plugin', 'plugin-no-access-log'] as const
type Variant = (typeof VARIANTS)[number]

async function serve(variant: Variant) {
  const { Elysia } = await import('elysia')
  const route = () => 'ok'
  const listen = { port: 0, hostname: '127.0.0.1' }
  let port: number | undefined
  if (variant === 'bare') {
    port = new Elysia().get('/', route).listen(listen).server?.port
  } else {
    const { observability } = await import('@jackpot/observability/elysia')
    const { createLogger } = await import('@jackpot/observability')
    const logger = createLogger({ service: 'bench', level: variant === 'plugin' ? 'info' : 'warn' })
    port = new Elysia()
      .use(observability({ service: 'bench', version: '1.0.0', logger }))
      .get('/', route)
      .listen(listen).server?.port
  }
  process.stderr.write(`READY ${port}\n`)
}

function start(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('bun', [import.meta.path, '--serve', variant], { stdio: ['ignore', 'ignore', 'pipe'] })
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

/** utime + stime of a process, in clock ticks (Linux). */
function cpuTicks(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ')
  return Number(fields[11]) + Number(fields[12])
}

interface Run {
  rps: number
  cpuMicrosPerRequest: number
  p99: number
  errors: number
}

async function load(server: { child: ChildProcess; url: string }, duration: number): Promise<Run> {
  const pid = server.child.pid as number
  const before = cpuTicks(pid)
  const result = await autocannon({ url: server.url, connections: CONNECTIONS, duration, pipelining: 1 })
  const cpuSeconds = (cpuTicks(pid) - before) / CLOCK_TICKS_PER_S
  return {
    rps: result.requests.average,
    cpuMicrosPerRequest: (cpuSeconds * 1e6) / Math.max(1, result.requests.total),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number

async function compare() {
  const servers = Object.fromEntries(
    await Promise.all(VARIANTS.map(async (variant) => [variant, await start(variant)] as const)),
  ) as Record<Variant, { child: ChildProcess; url: string }>
  const runs = Object.fromEntries(VARIANTS.map((variant) => [variant, [] as Run[]])) as Record<Variant, Run[]>
  try {
    for (const variant of VARIANTS) await load(servers[variant], WARMUP_S)
    for (let round = 0; round < ROUNDS; round++) {
      for (const variant of VARIANTS) {
        const run = await load(servers[variant], DURATION_S)
        runs[variant].push(run)
        console.log(
          `round ${round + 1} ${variant.padEnd(20)} ${Math.round(run.rps).toLocaleString('en').padStart(7)} req/s, ` +
            `${run.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, p99 ${run.p99} ms, errors ${run.errors}`,
        )
      }
    }
  } finally {
    for (const variant of VARIANTS) servers[variant].child.kill()
  }
  const rps = (variant: Variant) => median(runs[variant].map((run) => run.rps))
  const cpu = (variant: Variant) => median(runs[variant].map((run) => run.cpuMicrosPerRequest))
  console.log(
    `\nelysia plugin bench — ${new Date().toISOString()} — bun ${Bun.version}, ${CONNECTIONS} connections, ${ROUNDS}×${DURATION_S}s per variant`,
  )
  for (const variant of VARIANTS) {
    console.log(
      `${variant.padEnd(20)} ${Math.round(rps(variant)).toLocaleString('en').padStart(7)} req/s ` +
        `(${(rps(variant) / rps('bare')).toFixed(2)}×), ${cpu(variant).toFixed(1)} µs CPU/req ` +
        `(throughput-equivalent ${(cpu('bare') / cpu(variant)).toFixed(2)}×)`,
    )
  }
  const ratio = rps('plugin') / rps('bare')
  console.log(
    `full plugin vs bare: ${ratio.toFixed(2)}× requests/s (target ≥ ${TARGET.toFixed(2)}×: ${ratio >= TARGET ? 'met' : 'NOT met'})`,
  )
}

const serveIndex = process.argv.indexOf('--serve')
if (serveIndex >= 0) {
  const variant = process.argv[serveIndex + 1] as Variant
  await serve(VARIANTS.includes(variant) ? variant : 'bare')
} else {
  await compare()
}
