/**
 * Alternating socket rounds for the HTTP benches that compare targets against an
 * anchor: every target is loaded in turn each round (so a burst of other load on a
 * shared machine hits them all alike), and each figure is the median over rounds,
 * the ratio the median of per-round ratios to the anchor.
 */
import { CONNECTIONS, LOAD_CPU, type LoadRun, median, SERVER_CPU } from './wrk-load.ts'

/** One thing to load: `load(seconds)` runs wrk against it (see `wrkLoad`). */
export interface LoadTarget {
  name: string
  load(seconds: number): LoadRun
}

/** What a target did over the rounds, against the anchor (the first target). */
export interface LoadSummary {
  name: string
  /** Median requests/s over the rounds. */
  rps: number
  /** Median over rounds of this target's req/s over the anchor's in the same round. */
  ratio: number
  /** Median server CPU µs per request. */
  cpuMicrosPerRequest: number
}

/**
 * Warms every target up, then loads them in turn for `rounds` rounds, printing each
 * run and finally one summary line per target; the first target is the anchor.
 *
 * @example
 * const [anchor, plugin] = alternatingLoad([bareTarget, pluginTarget], { rounds: 5, seconds: 4, warmupSeconds: 2 })
 */
export function alternatingLoad(
  targets: readonly LoadTarget[],
  options: { rounds: number; seconds: number; warmupSeconds: number },
): LoadSummary[] {
  const width = Math.max(...targets.map((target) => target.name.length)) + 1
  console.log(
    `wrk -t1 -c${CONNECTIONS} on CPU ${LOAD_CPU}, server process(es) on CPU ${SERVER_CPU}, ` +
      `${options.rounds}×${options.seconds}s per target after ${options.warmupSeconds}s warm-up, targets alternating`,
  )
  const runs = targets.map(() => [] as LoadRun[])
  for (const target of targets) target.load(options.warmupSeconds)
  for (let round = 0; round < options.rounds; round++) {
    targets.forEach((target, index) => {
      const run = target.load(options.seconds)
      runs[index]?.push(run)
      console.log(
        `round ${round + 1} ${target.name.padEnd(width)} ${Math.round(run.rps).toLocaleString('en').padStart(7)} req/s, ` +
          `${run.cpuMicrosPerRequest.toFixed(1)} µs CPU/req, p99 ${run.p99}, errors ${run.errors}`,
      )
    })
  }
  const anchor = runs[0] as LoadRun[]
  const cpuOf = (of: LoadRun[]) => median(of.map((run) => run.cpuMicrosPerRequest))
  console.log('')
  return targets.map((target, index) => {
    const of = runs[index] as LoadRun[]
    const summary = {
      name: target.name,
      rps: median(of.map((run) => run.rps)),
      ratio: median(anchor.map((first, round) => (of[round] as LoadRun).rps / first.rps)),
      cpuMicrosPerRequest: cpuOf(of),
    }
    console.log(
      `${target.name.padEnd(width)} ${Math.round(summary.rps).toLocaleString('en').padStart(7)} req/s ` +
        `(${summary.ratio.toFixed(2)}×), ${summary.cpuMicrosPerRequest.toFixed(1)} µs CPU/req ` +
        `(throughput-equivalent ${(cpuOf(anchor) / summary.cpuMicrosPerRequest).toFixed(2)}×)`,
    )
    return summary
  })
}
