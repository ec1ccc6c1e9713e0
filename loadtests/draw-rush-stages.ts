/**
 * The draw rush as an open model: how many requests of each kind *arrive* per
 * second, whatever the server does with them. One table, read by
 * loadtests/draw-rush.k6.ts (k6 `ramping-arrival-rate` scenarios) and by
 * bench/draw-rush.bench.ts (its own scheduler), so the two load the server
 * with the same shape.
 *
 * Pure data and functions: k6 and Bun both load this file.
 */
import type { Operation } from './sla.ts'

/** Share of the arrivals per operation: players' screens poll, game servers contribute, a few wins land. */
export const DRAW_RUSH_MIX: Readonly<Record<Operation, number>> = {
  pool_query: 0.7,
  contribution: 0.28,
  win: 0.02,
}

/**
 * One step: over `durationS` the arrival rates move linearly from where the
 * previous stage ended (0 before the first) to `reads` × and `writes` × the
 * peak's share. At 1/1 the total is the peak: 70 % of it reads, 30 % writes.
 */
export interface DrawRushStage {
  name: string
  durationS: number
  /** Pool reads, as a multiple of the peak's reads (0.7 × peak). */
  reads: number
  /** Contributions and wins, as a multiple of the peak's writes (0.3 × peak). */
  writes: number
}

export const DRAW_RUSH_STAGES: readonly DrawRushStage[] = [
  { name: 'ramp', durationS: 30, reads: 1, writes: 1 },
  { name: 'hold', durationS: 60, reads: 1, writes: 1 },
  // The last minutes before the draw: everyone bets and watches at once.
  { name: 'spike up', durationS: 5, reads: 2, writes: 2 },
  { name: 'spike', durationS: 15, reads: 2, writes: 2 },
  { name: 'spike down', durationS: 5, reads: 1, writes: 1 },
  { name: 'hold again', durationS: 20, reads: 1, writes: 1 },
  // The draw: every screen refreshes to see who won, game servers carry on.
  { name: 'read burst up', durationS: 2, reads: 2, writes: 1 },
  { name: 'read burst', durationS: 15, reads: 2, writes: 1 },
  { name: 'cool down', durationS: 20, reads: 0, writes: 0 },
]

/** Whole seconds the table lasts. */
export const DRAW_RUSH_DURATION_S = DRAW_RUSH_STAGES.reduce((sum, stage) => sum + stage.durationS, 0)

/** Arrivals per second of `operation` at the end of `stage`, for a run whose hold level is `peak` req/s. */
export function stageRate(stage: DrawRushStage, operation: Operation, peak: number): number {
  const level = operation === 'pool_query' ? stage.reads : stage.writes
  return level * DRAW_RUSH_MIX[operation] * peak
}

/**
 * Arrivals per second of `operation` at `seconds` into the run (linear within
 * each stage), 0 after the end.
 *
 * @example
 * rateAt('contribution', 45, 1000) // 280: 28 % of the 1000 req/s hold
 */
export function rateAt(operation: Operation, seconds: number, peak: number): number {
  let start = 0
  let from = 0
  for (const stage of DRAW_RUSH_STAGES) {
    const to = stageRate(stage, operation, peak)
    if (seconds < start + stage.durationS) return from + ((to - from) * (seconds - start)) / stage.durationS
    start += stage.durationS
    from = to
  }
  return 0
}

/** The largest total arrival rate anywhere in the table, in req/s. */
export function highestTotalRate(peak: number): number {
  const operations = Object.keys(DRAW_RUSH_MIX) as Operation[]
  return Math.max(
    ...DRAW_RUSH_STAGES.map((stage) => operations.reduce((sum, op) => sum + stageRate(stage, op, peak), 0)),
  )
}

/** A k6 `ramping-arrival-rate` stage. */
export interface ArrivalStage {
  duration: string
  target: number
}

/**
 * The table as k6 `ramping-arrival-rate` stages of one operation, in arrivals
 * per minute (k6 targets are whole numbers per `timeUnit`; per minute keeps a
 * 2 % share precise at small peaks). Use with `timeUnit: '1m', startRate: 0`.
 *
 * @example
 * { executor: 'ramping-arrival-rate', timeUnit: '1m', startRate: 0, stages: k6ArrivalStages('win', 1000) }
 */
export function k6ArrivalStages(operation: Operation, peak: number): ArrivalStage[] {
  return DRAW_RUSH_STAGES.map((stage) => ({
    duration: `${stage.durationS}s`,
    target: Math.round(stageRate(stage, operation, peak) * 60),
  }))
}
