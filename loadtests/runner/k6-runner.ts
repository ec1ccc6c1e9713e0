/**
 * Runs a k6 script without k6, for a few iterations per scenario: enough to
 * prove that a script still talks to the server correctly (every check
 * passes, setup and teardown run), which no machine here can prove with k6
 * itself. It is not a load generator: scenario durations, rates and VU counts
 * are ignored, and `sleep()` is cut short.
 *
 * The script runs in a worker (loadtests/runner/k6-worker.ts) whose `k6`,
 * `k6/http` and `k6/metrics` imports are the runner's own
 * (loadtests/runner/k6-modules.ts). k6 HTTP calls are synchronous; the worker
 * blocks on `Atomics.wait` while this thread does the `fetch`.
 */
import { resolve } from 'node:path'
import { MessageChannel, Worker } from 'node:worker_threads'
import type { CheckRecord, MetricType, ThresholdResult } from './k6-metrics.ts'
import type { BridgeRequest, BridgeResponse } from './k6-modules.ts'

export interface RunK6Options {
  /** Path of the `*.k6.ts` script. */
  script: string
  /** `__ENV`, as `k6 run -e NAME=value` sets it. */
  env?: Record<string, string>
  /** Iterations of each scenario's exec function. Defaults to 3. */
  iterations?: number
  /** Longest real pause of `sleep()`, in ms. Defaults to 10. */
  maxSleepMs?: number
  /** The whole run's limit, in ms; the worker is stopped after it. Defaults to 60 000. */
  timeoutMs?: number
}

export interface RunError {
  phase: 'init' | 'setup' | 'iteration' | 'teardown' | 'runner'
  scenario?: string
  message: string
}

export interface ScenarioRun {
  name: string
  executor: string
  exec: string
  iterations: number
  failedIterations: number
}

/** What the worker reports. */
export interface WorkerReport {
  /** The script exports setup() / teardown(). */
  hasSetup: boolean
  hasTeardown: boolean
  setupRan: boolean
  teardownRan: boolean
  scenarios: ScenarioRun[]
  errors: RunError[]
  checks: CheckRecord[]
  metrics: { name: string; type: MetricType; samples: number }[]
  thresholds: ThresholdResult[]
}

export interface K6RunReport extends WorkerReport {
  script: string
  /** Requests the script sent. */
  requests: number
}

/** Handed to the worker as `workerData` (with its port and signal). */
export interface WorkerInput {
  script: string
  env: Record<string, string>
  iterations: number
  maxSleepMs: number
}

const WORKER = resolve(import.meta.dir, 'k6-worker.ts')

/**
 * Runs `script` and reports its checks, scenarios, metrics and thresholds.
 * Never throws for the script's faults: they are in `errors`.
 *
 * @example
 * const report = await runK6Script({ script: 'loadtests/wins.k6.ts', env: { BASE_URL, ADMIN_TOKEN } })
 * expect(failuresOf(report)).toEqual([])
 */
export async function runK6Script(options: RunK6Options): Promise<K6RunReport> {
  const script = resolve(options.script)
  const signalBuffer = new SharedArrayBuffer(4)
  const signal = new Int32Array(signalBuffer)
  const { port1, port2 } = new MessageChannel()
  let requests = 0
  port1.on('message', async (request: BridgeRequest) => {
    requests++
    const answer = await send(request)
    port1.postMessage(answer)
    Atomics.store(signal, 0, 1)
    Atomics.notify(signal, 0)
  })
  const input: WorkerInput = {
    script,
    env: options.env ?? {},
    iterations: options.iterations ?? 3,
    maxSleepMs: options.maxSleepMs ?? 10,
  }
  const worker = new Worker(WORKER, {
    workerData: { ...input, port: port2, signal: signalBuffer },
    transferList: [port2],
  })
  const empty: WorkerReport = {
    hasSetup: false,
    hasTeardown: false,
    setupRan: false,
    teardownRan: false,
    scenarios: [],
    errors: [],
    checks: [],
    metrics: [],
    thresholds: [],
  }
  let timer: Timer | undefined
  try {
    const report = await new Promise<WorkerReport>((done) => {
      worker.once('message', (report: WorkerReport) => done(report))
      worker.once('error', (error: Error) =>
        done({
          ...empty,
          errors: [{ phase: 'runner', message: `the worker failed: ${error.stack ?? error}` }],
        }),
      )
      worker.once('exit', (code) =>
        done({
          ...empty,
          errors: [{ phase: 'runner', message: `the worker exited (${code}) without a report` }],
        }),
      )
      const timeoutMs = options.timeoutMs ?? 60_000
      timer = setTimeout(
        () => done({ ...empty, errors: [{ phase: 'runner', message: `no report within ${timeoutMs} ms` }] }),
        timeoutMs,
      )
    })
    return { script: options.script, requests, ...report }
  } finally {
    clearTimeout(timer)
    port1.close()
    await worker.terminate()
  }
}

async function send(request: BridgeRequest): Promise<BridgeResponse> {
  const started = performance.now()
  try {
    const response = await fetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      redirect: request.followRedirects ? 'follow' : 'manual',
      signal: AbortSignal.timeout(request.timeoutMs),
    })
    const body = await response.text()
    return {
      status: response.status,
      url: response.url || request.url,
      headers: [...response.headers.entries()],
      body,
      durationMs: performance.now() - started,
      error: null,
      timedOut: false,
    }
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError'
    return {
      status: 0,
      url: request.url,
      headers: [],
      body: '',
      durationMs: performance.now() - started,
      error: timedOut ? 'request timeout' : String(error),
      timedOut,
    }
  }
}

/**
 * Everything that makes a run a failure, one line each: a failed check, an
 * error in any phase, a threshold k6 would refuse, a scenario that never ran,
 * a setup() or teardown() that did not complete (the script's own, or one
 * `expect` requires). Empty when the run is clean. Thresholds that did not *hold* are not failures here: a few
 * iterations measure nothing.
 */
export function failuresOf(
  report: K6RunReport,
  expect: { setup?: boolean; teardown?: boolean } = {},
): string[] {
  const failures: string[] = []
  for (const error of report.errors)
    failures.push(`${error.phase}${error.scenario ? ` (${error.scenario})` : ''}: ${error.message}`)
  for (const check of report.checks)
    if (check.fails > 0)
      failures.push(
        `check '${check.group ? `${check.group}::` : ''}${check.name}' failed ${check.fails} of ${check.passes + check.fails}`,
      )
  for (const threshold of report.thresholds)
    if (threshold.problem) failures.push(`threshold ${threshold.expression}: ${threshold.problem}`)
  for (const scenario of report.scenarios)
    if (scenario.iterations === 0) failures.push(`scenario ${scenario.name} ran no iteration`)
  if ((expect.setup || report.hasSetup) && !report.setupRan) failures.push('setup() did not complete')
  if ((expect.teardown || report.hasTeardown) && !report.teardownRan)
    failures.push('teardown() did not complete')
  return failures
}
