/**
 * An open-model load generator: requests leave on a schedule fixed before the
 * run, whether or not earlier ones have been answered, and each latency is
 * measured from the request's *scheduled* time. A server that stalls is
 * charged for every request that should have left during the stall, and a
 * generator that falls behind is charged too, rather than quietly sending
 * fewer requests (the coordinated omission of closed-loop tools).
 */
import { DRAW_RUSH_DURATION_S, rateAt } from '../../loadtests/draw-rush-stages.ts'
import type { Operation } from '../../loadtests/sla.ts'

export const OPERATIONS: readonly Operation[] = ['pool_query', 'contribution', 'win']

/** One request of the schedule: which operation, and when, in ms from the start. */
export interface Arrival {
  atMs: number
  operation: Operation
}

/**
 * The draw-rush stage table as a list of arrivals, in time order: for each
 * operation, the n-th request leaves when the integral of its rate reaches n.
 * `timeScale` stretches or shrinks the table's durations (0.1 → a tenth as long, same rates).
 *
 * @example
 * drawRushSchedule(1000, 1).length // ≈ 190 000 requests over 172 s
 */
export function drawRushSchedule(peak: number, timeScale = 1): Arrival[] {
  const stepMs = 1
  const endMs = DRAW_RUSH_DURATION_S * 1000 * timeScale
  const arrivals: Arrival[] = []
  for (const operation of OPERATIONS) {
    let due = 0
    let next = 1
    for (let t = 0; t < endMs; t += stepMs) {
      due += (rateAt(operation, t / 1000 / timeScale, peak) * stepMs) / 1000
      while (due >= next) {
        arrivals.push({ atMs: t, operation })
        next++
      }
    }
  }
  return arrivals.sort((a, b) => a.atMs - b.atMs)
}

/** How one request ended. */
export interface Outcome {
  /** The status the operation expects (201 for writes, 200 for reads). */
  ok: boolean
  /** 0 without an answer. */
  status: number
  timedOut: boolean
}

export interface RequestRecord {
  operation: Operation
  scheduledMs: number
  /** From the scheduled time to the end of the answer. */
  latencyMs: number
  /** How late the generator sent it (0 when on time). */
  lagMs: number
  outcome: Outcome
}

export interface OpenModelRun {
  records: RequestRecord[]
  maxInFlight: number
  durationMs: number
}

/**
 * Sends every arrival at its time through `send` and waits for all answers.
 * `startAt` is the `performance.now()` the schedule counts from (now, unless given).
 *
 * @example
 * const run = await runOpenModel(drawRushSchedule(200), (operation) => sendOne(operation))
 */
export async function runOpenModel(
  schedule: readonly Arrival[],
  send: (operation: Operation) => Promise<Outcome>,
  startAt = performance.now(),
): Promise<OpenModelRun> {
  const records: RequestRecord[] = []
  const pending: Promise<void>[] = []
  let inFlight = 0
  let maxInFlight = 0
  let index = 0
  while (index < schedule.length) {
    const now = performance.now() - startAt
    // Everything due by now leaves now: a late generator sends in a burst, and the
    // lateness counts in the latency, not against the schedule.
    while (index < schedule.length && schedule[index]!.atMs <= now) {
      const arrival = schedule[index++]!
      const scheduledAt = startAt + arrival.atMs
      const lagMs = performance.now() - scheduledAt
      inFlight++
      maxInFlight = Math.max(maxInFlight, inFlight)
      pending.push(
        send(arrival.operation).then((outcome) => {
          inFlight--
          records.push({
            operation: arrival.operation,
            scheduledMs: arrival.atMs,
            latencyMs: performance.now() - scheduledAt,
            lagMs,
            outcome,
          })
        }),
      )
    }
    if (index < schedule.length) {
      const waitMs = schedule[index]!.atMs - (performance.now() - startAt)
      // Bun.sleep(0) still yields, so answers are handled between sends.
      await Bun.sleep(Math.max(0, Math.min(waitMs, 50)))
    }
  }
  await Promise.all(pending)
  return { records, maxInFlight, durationMs: performance.now() - startAt }
}

/** Nearest-rank percentile of unsorted values (NaN for none). */
export function percentileOf(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}
