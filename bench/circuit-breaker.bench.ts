/**
 * Per-call overhead of a circuit breaker around a successful async call:
 * `circuitBreaker` from @jackpot/observability against opossum and cockatiel, with a
 * bare `await call()` as the anchor, first without a timeout, then with each one's
 * timeout on (1 s, never reached).
 *
 *   bun run bench/circuit-breaker.bench.ts
 *
 * Comparable set-ups: a failure-rate window of the last 100 calls (ours: count window;
 * cockatiel: CountBreaker; opossum: its rolling error percentage with defaults), 50 %
 * threshold, 60 s open wait; timeouts that reject at the deadline and count as breaker
 * failures (ours: `timeoutMs`; cockatiel: an Aggressive `timeout` inside the breaker;
 * opossum: `timeout`). No metrics or listeners on any of them.
 *
 * Each scenario is measured in alternating rounds (bare, ours, opossum, cockatiel, …)
 * so drift on a shared machine hits every side; a side's overhead is its median time
 * per call minus the bare call's in the same round, and the reported figure is the
 * median over rounds. Target: lower overhead than both opossum and cockatiel, also
 * with the timeout on.
 */
import { circuitBreaker } from '@jackpot/observability'
import {
  CountBreaker,
  circuitBreaker as cockatielBreaker,
  handleAll,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel'
import { do_not_optimize, measure } from 'mitata'
import Opossum from 'opossum'

const ROUNDS = 15
const PER_MEASURE = { min_cpu_time: 150e6 }
const TIMEOUT_MS = 1_000

const work = async (): Promise<number> => 1

const OURS = '@jackpot/observability'
// With `abortCalls` (the default) each call gets an AbortController of its own; the plain
// side sets `abortCalls: false`, as the server's breakers do. Opossum never makes one per
// call, cockatiel always does. Reported, not judged: the target compares the plain call.
const OURS_WITH_SIGNAL = `${OURS} (abortCalls)`

interface Side {
  name: string
  call: () => Promise<unknown>
}

function scenario(withTimeout: boolean): { name: string; anchor: Side; sides: Side[]; close: () => void } {
  const ours = circuitBreaker({
    name: `bench-${withTimeout}`,
    registry: false,
    abortCalls: false,
    ...(withTimeout && { timeoutMs: TIMEOUT_MS }),
  })
  const oursWithSignal = circuitBreaker({
    name: `bench-signal-${withTimeout}`,
    registry: false,
    timeoutMs: TIMEOUT_MS,
  })
  const opossum = new Opossum(work, {
    timeout: withTimeout ? TIMEOUT_MS : false,
    errorThresholdPercentage: 50,
    resetTimeout: 60_000,
  })
  const breaker = cockatielBreaker(handleAll, {
    halfOpenAfter: 60_000,
    breaker: new CountBreaker({ threshold: 0.5, size: 100 }),
  })
  const cockatiel = withTimeout ? wrap(breaker, timeout(TIMEOUT_MS, TimeoutStrategy.Aggressive)) : breaker
  return {
    name: withTimeout ? `with a ${TIMEOUT_MS} ms timeout` : 'no timeout',
    anchor: { name: 'bare call (anchor)', call: work },
    sides: [
      { name: OURS, call: () => ours.execute(work) },
      ...(withTimeout ? [{ name: OURS_WITH_SIGNAL, call: () => oursWithSignal.execute(work) }] : []),
      { name: 'opossum', call: () => opossum.fire() },
      { name: 'cockatiel', call: () => cockatiel.execute(work) },
    ],
    close: () => opossum.shutdown(),
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)] as number
}
const time = async (side: Side) =>
  (
    await measure(async () => {
      do_not_optimize(await side.call())
    }, PER_MEASURE)
  ).p50

const runtime = process.versions.bun ? `bun ${process.versions.bun}` : `node ${process.version}`
console.log(`circuit breaker bench — ${new Date().toISOString()} — ${runtime}`)
let allMet = true
for (const withTimeout of [false, true]) {
  const { name, anchor, sides, close } = scenario(withTimeout)
  const bare: number[] = []
  const overheads = new Map<string, number[]>(sides.map((side) => [side.name, []]))
  const totals = new Map<string, number[]>(sides.map((side) => [side.name, []]))
  for (let round = 0; round < ROUNDS; round++) {
    const anchorNs = await time(anchor)
    bare.push(anchorNs)
    for (const side of sides) {
      const ns = await time(side)
      totals.get(side.name)?.push(ns)
      overheads.get(side.name)?.push(ns - anchorNs)
    }
  }
  close()
  const ours = median(overheads.get(OURS) ?? [])
  console.log(`\n${name}: median ns per call over ${ROUNDS} rounds (overhead = minus the bare call)`)
  console.log(`  ${'bare call (anchor)'.padEnd(38)} ${median(bare).toFixed(0).padStart(6)} ns`)
  for (const side of sides) {
    const overhead = median(overheads.get(side.name) ?? [])
    const total = median(totals.get(side.name) ?? [])
    const competitor = !side.name.startsWith(OURS)
    const ratio = competitor ? `  → ${(overhead / ours).toFixed(2)}× ours` : ''
    console.log(
      `  ${side.name.padEnd(38)} ${total.toFixed(0).padStart(6)} ns  overhead ${overhead.toFixed(0).padStart(6)} ns${ratio}`,
    )
    if (competitor) allMet &&= ours < overhead
  }
}
console.log(
  `\ntarget (lower per-call overhead than opossum and cockatiel, also with timeout): ${allMet ? 'met' : 'NOT met'}`,
)
