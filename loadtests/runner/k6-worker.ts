/**
 * The runner's worker: one k6 VU. It maps the `k6` imports to the runner's
 * modules, loads the script (init context), then runs `setup()`, a few
 * iterations of every scenario's `exec` function, and `teardown()`, and posts
 * the report. HTTP is synchronous here, as in k6: a request goes to the main
 * thread over `port`, and this thread sleeps on `Atomics.wait` until the
 * answer is there.
 */
import { type MessagePort, parentPort, receiveMessageOnPort, workerData } from 'node:worker_threads'
import { MetricRecorder } from './k6-metrics.ts'
import { type BridgeRequest, type BridgeResponse, createK6Modules, type VuContext } from './k6-modules.ts'
import type { RunError, ScenarioRun, WorkerInput, WorkerReport } from './k6-runner.ts'

const input = workerData as WorkerInput & { port: MessagePort; signal: SharedArrayBuffer }
const signal = new Int32Array(input.signal)

function syncFetch(request: BridgeRequest): BridgeResponse {
  Atomics.store(signal, 0, 0)
  input.port.postMessage(request)
  // The main thread enforces the request timeout; the margin only guards against a lost answer.
  const waited = Atomics.wait(signal, 0, 0, request.timeoutMs + 5_000)
  const reply = receiveMessageOnPort(input.port)
  if (waited === 'timed-out' || !reply)
    throw new Error(`no answer from the runner for ${request.method} ${request.url}`)
  return reply.message as BridgeResponse
}

const recorder = new MetricRecorder()
const vu: VuContext = { group: '', scenario: '', maxSleepMs: input.maxSleepMs }
const modules = createK6Modules(syncFetch, recorder, vu)
for (const [name, type] of Object.entries({
  http_reqs: 'counter',
  http_req_duration: 'trend',
  http_req_waiting: 'trend',
  http_req_failed: 'rate',
  checks: 'rate',
  group_duration: 'trend',
} as const))
  recorder.declare(name, type)

Bun.plugin({
  name: 'k6 modules of the runner',
  setup(build) {
    for (const [specifier, exports] of Object.entries(modules))
      build.module(specifier, () => ({ loader: 'object', exports }))
  },
})

const globals = globalThis as unknown as Record<string, unknown>
globals.__ENV = Object.freeze({ ...input.env })
globals.__VU = 0
globals.__ITER = 0

const errors: RunError[] = []
const scenarios: ScenarioRun[] = []
let hasSetup = false
let hasTeardown = false
let setupRan = false
let teardownRan = false
let thresholds: Record<string, unknown> = {}

const message = (error: unknown) => (error instanceof Error ? (error.stack ?? error.message) : String(error))

/** k6 hands setup's data to VUs and teardown as JSON. */
const viaJson = (data: unknown): unknown =>
  data === undefined ? undefined : JSON.parse(JSON.stringify(data))

type ScriptFunction = (data: unknown) => unknown
interface ScriptModule {
  options?: {
    scenarios?: Record<string, { executor: string; exec?: string }>
    thresholds?: Record<string, unknown>
  }
  setup?: () => unknown
  teardown?: ScriptFunction
  [name: string]: unknown
}

const EXECUTORS = new Set([
  'shared-iterations',
  'per-vu-iterations',
  'constant-vus',
  'ramping-vus',
  'constant-arrival-rate',
  'ramping-arrival-rate',
])

async function run(): Promise<void> {
  let script: ScriptModule
  try {
    script = (await import(input.script)) as ScriptModule
  } catch (error) {
    errors.push({ phase: 'init', message: message(error) })
    return
  }
  thresholds = script.options?.thresholds ?? {}
  hasSetup = typeof script.setup === 'function'
  hasTeardown = typeof script.teardown === 'function'
  const declared = script.options?.scenarios ?? { default: { executor: 'per-vu-iterations' } }
  const plan: { name: string; fn: ScriptFunction; run: ScenarioRun }[] = []
  for (const [name, scenario] of Object.entries(declared)) {
    const exec = scenario.exec ?? 'default'
    const fn = script[exec]
    if (!EXECUTORS.has(scenario.executor))
      errors.push({ phase: 'init', scenario: name, message: `unknown executor '${scenario.executor}'` })
    else if (typeof fn !== 'function')
      errors.push({ phase: 'init', scenario: name, message: `the script exports no function '${exec}'` })
    else {
      const entry = { name, executor: scenario.executor, exec, iterations: 0, failedIterations: 0 }
      scenarios.push(entry)
      plan.push({ name, fn: fn as ScriptFunction, run: entry })
    }
  }
  if (errors.length > 0) return

  let data: unknown
  if (script.setup) {
    try {
      data = viaJson(script.setup())
      setupRan = true
    } catch (error) {
      // k6 stops the run when setup() throws: no iterations, no teardown.
      errors.push({ phase: 'setup', message: message(error) })
      return
    }
  }
  // Round robin over the scenarios, two nominal VUs each, as k6 interleaves them.
  for (let i = 0; i < input.iterations; i++) {
    for (const { name, fn, run } of plan) {
      globals.__VU = (i % 2) + 1
      globals.__ITER = Math.floor(i / 2)
      vu.scenario = name
      vu.group = ''
      const started = performance.now()
      try {
        fn(viaJson(data))
      } catch (error) {
        run.failedIterations++
        errors.push({ phase: 'iteration', scenario: name, message: message(error) })
      }
      run.iterations++
      recorder.add('iteration_duration', performance.now() - started, { scenario: name })
    }
  }
  if (script.teardown) {
    globals.__VU = 0
    vu.scenario = ''
    vu.group = ''
    try {
      script.teardown(viaJson(data))
      teardownRan = true
    } catch (error) {
      errors.push({ phase: 'teardown', message: message(error) })
    }
  }
}

recorder.declare('iteration_duration', 'trend')
await run()
const report: WorkerReport = {
  hasSetup,
  hasTeardown,
  setupRan,
  teardownRan,
  scenarios,
  errors,
  checks: [...recorder.checks.values()],
  metrics: [...recorder.metrics.values()].map((metric) => ({
    name: metric.name,
    type: metric.type,
    samples: metric.samples.length,
  })),
  thresholds: recorder.thresholds(thresholds),
}
parentPort!.postMessage(report)
