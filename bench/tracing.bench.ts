/**
 * Cost of tracing, off and on, against the cost of the observability plugin it sits
 * beside (the anchor), in one run, in process (`app.handle`, mitata):
 *
 *   bun bench/tracing.bench.ts
 *
 * Tracing **off** is what the server does with TRACING_ENABLED=false: the app gets an
 * empty placeholder plugin where `requestTracing()` would go (no hook, no wrapper), the
 * database interceptor is not wrapped, and the group-commit writer, given no tracer,
 * only tests for it per write and per batch. That test is measured on its own (`off
 * path`, charged a batch per request: the worst case, a batch of one) and the whole
 * app as a variant (`plugin + off`: the placeholder plugin, the test in the handler).
 * Target: off path ≤ 1 % of the plugin's own cost (plugin − bare, per request).
 *
 * Tracing **on** is `requestTracing()` with every request sampled, spans batched and
 * handed to an exporter that drops them (the cost without the network), measured
 * after the off phase because registering the provider is global.
 *
 * Variants alternate per round; each figure is the median over rounds of mitata's
 * minimum: on a shared two-core machine the p50 of `app.handle` swung by more than the
 * plugin's whole cost between rounds, while the fastest of many samples is the
 * figure other processes disturb least.
 */
import { openSync } from 'node:fs'
import { batchedDestination, createLogger } from '@jackpot/observability'
import { observability, requestTracing } from '@jackpot/observability/elysia'
import { createTracing } from '@jackpot/observability/tracing'
import { type Tracer, trace } from '@opentelemetry/api'
import { Elysia } from 'elysia'
import { measure } from 'mitata'
import { median } from './support/wrk-load.ts'

const ROUNDS = 7
const OFF_TARGET = 0.01
const devNull = openSync('/dev/null', 'w')
const route = () => 'ok'

// What the writer does per write with tracing off: no tracer was given, so it takes no
// caller span and opens no batch span (group-commit-writer.ts, `submit` and `#commit`).
const writer: { tracer: Tracer | undefined; caller: unknown } = { tracer: undefined, caller: undefined }
function offPath(): void {
  writer.caller = writer.tracer === undefined ? undefined : trace.getActiveSpan()?.spanContext()
  if (writer.tracer === undefined) return
  writer.caller = writer.tracer.startActiveSpan('write batch', (span) => span.end())
}

const logger = () =>
  createLogger({ service: 'bench', version: '1.0.0', destination: batchedDestination({ fd: devNull }) })
// The full plugin as the server uses it (access line, metrics, health routes).
const withPlugin = () =>
  new Elysia().use(observability({ service: 'bench', version: '1.0.0', logger: logger() }))

type Measured = Record<string, number[]>
async function rounds(
  apps: Record<string, { handle(r: Request): Promise<Response> }>,
  extra: Record<string, () => unknown> = {},
) {
  const ns: Measured = {}
  for (const name of [...Object.keys(apps), ...Object.keys(extra)]) ns[name] = []
  for (const [name, app] of Object.entries(apps)) {
    const response = await app.handle(new Request('http://localhost/'))
    if ((await response.text()) !== 'ok') throw new Error(`${name} does not answer the route`)
  }
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, app] of Object.entries(apps)) {
      const stats = await measure(async () => app.handle(new Request('http://localhost/')), {
        min_cpu_time: 200e6,
      })
      ns[name]?.push(stats.min)
    }
    for (const [name, fn] of Object.entries(extra)) {
      const stats = await measure(fn, { min_cpu_time: 200e6 })
      ns[name]?.push(stats.min)
    }
  }
  return ns
}
const perRound = (a: number[], b: number[], f: (x: number, y: number) => number) =>
  median(a.map((x, i) => f(x, b[i] as number)))
const us = (ns: number) => `${(ns / 1000).toFixed(2).padStart(6)} µs`

// ---- off: no tracer provider registered, as in the server with TRACING_ENABLED=false
const off = await rounds(
  {
    bare: new Elysia().get('/', route),
    plugin: withPlugin().get('/', route),
    'plugin + off': withPlugin()
      .use(new Elysia({ name: 'jackpot/tracing-off' }))
      .get('/', () => {
        offPath()
        return 'ok'
      }),
  },
  {
    'off path': offPath,
  },
)
const bare = off.bare as number[]
const plugin = off.plugin as number[]
const pluginCost = perRound(plugin, bare, (p, b) => p - b)
const offPathNs = median(off['off path'] as number[])
const offShare = offPathNs / pluginCost
console.log(`\ntracing off — ${ROUNDS} rounds, median of mitata min (in process)`)
console.log(`bare                  ${us(median(bare))}/request`)
console.log(`plugin                ${us(median(plugin))}/request   plugin's own cost ${us(pluginCost)}`)
console.log(
  `plugin + off          ${us(median(off['plugin + off'] as number[]))}/request   ` +
    `${perRound(off['plugin + off'] as number[], plugin, (o, p) => o / p).toFixed(3)}× plugin`,
)
console.log(
  `off path (per write)  ${offPathNs.toFixed(2).padStart(6)} ns         ` +
    `${(offShare * 100).toFixed(2)} % of the plugin's own cost ` +
    `(target ≤ ${OFF_TARGET * 100} %: ${offShare <= OFF_TARGET && offShare >= 0 ? 'met' : 'NOT met'}), ` +
    `${((offPathNs / median(plugin)) * 100).toFixed(2)} % of a request with the plugin`,
)

// ---- on: every request sampled, spans batched and dropped
const discardSpans = {
  export: (_spans: unknown[], done: (result: { code: 0 }) => void) => done({ code: 0 }),
  shutdown: async () => {},
}
const tracing = createTracing({ service: 'bench', exporter: discardSpans })
const on = await rounds({
  plugin: withPlugin().get('/', route),
  'plugin + tracing': withPlugin()
    .use(requestTracing({ tracer: tracing.tracer }))
    .get('/', route),
})
const onPlugin = on.plugin as number[]
const traced = on['plugin + tracing'] as number[]
console.log(`\ntracing on — ${ROUNDS} rounds (every request sampled, exporter drops the spans)`)
console.log(`plugin                ${us(median(onPlugin))}/request`)
console.log(
  `plugin + tracing      ${us(median(traced))}/request   +${us(perRound(traced, onPlugin, (t, p) => t - p))} ` +
    `(${perRound(traced, onPlugin, (t, p) => t / p).toFixed(2)}× the plugin's time per request)`,
)
await tracing.shutdown()
