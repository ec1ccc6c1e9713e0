import { describe, expect, test } from 'bun:test'
import {
  DRAW_RUSH_DURATION_S,
  DRAW_RUSH_MIX,
  DRAW_RUSH_STAGES,
  highestTotalRate,
  k6ArrivalStages,
  rateAt,
} from './draw-rush-stages.ts'

describe('the draw-rush stage table', () => {
  test('mixes 70 % pool reads, 28 % contributions and 2 % wins, adding up to the whole', () => {
    expect(DRAW_RUSH_MIX).toEqual({ pool_query: 0.7, contribution: 0.28, win: 0.02 })
    expect(Object.values(DRAW_RUSH_MIX).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10)
  })

  test('ramps from nothing, holds the peak, spikes to twice it and ends at nothing', () => {
    const total = (seconds: number) =>
      rateAt('pool_query', seconds, 1000) +
      rateAt('contribution', seconds, 1000) +
      rateAt('win', seconds, 1000)
    expect(total(0)).toBe(0)
    expect(total(15)).toBeCloseTo(500, 6) // halfway up the 30 s ramp
    expect(total(60)).toBeCloseTo(1000, 6)
    expect(total(30 + 60 + 5 + 7)).toBeCloseTo(2000, 6) // inside the spike
    expect(rateAt('contribution', 60, 1000)).toBeCloseTo(280, 6)
    expect(total(DRAW_RUSH_DURATION_S)).toBe(0)
  })

  test('the read burst doubles reads while writes stay at the peak', () => {
    const burst = DRAW_RUSH_STAGES.slice(0, DRAW_RUSH_STAGES.findIndex((s) => s.name === 'read burst') + 1)
    const inBurst = burst.reduce((sum, stage) => sum + stage.durationS, 0) - 1
    expect(rateAt('pool_query', inBurst, 1000)).toBeCloseTo(1400, 6)
    expect(rateAt('contribution', inBurst, 1000)).toBeCloseTo(280, 6)
    expect(highestTotalRate(1000)).toBeCloseTo(2000, 6)
  })

  test('gives k6 the same table in arrivals per minute', () => {
    const wins = k6ArrivalStages('win', 200)
    expect(wins).toHaveLength(DRAW_RUSH_STAGES.length)
    expect(wins[1]).toEqual({ duration: '60s', target: 240 }) // 2 % of 200/s = 4/s
    expect(wins.at(-1)).toEqual({ duration: '20s', target: 0 })
  })
})
