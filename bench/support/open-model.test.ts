import { describe, expect, test } from 'bun:test'
import { DRAW_RUSH_DURATION_S } from '../../loadtests/draw-rush-stages.ts'
import { drawRushSchedule, percentileOf, runOpenModel } from './open-model.ts'

describe('the open-model generator', () => {
  test('schedules the stage table: the mix, the total, in time order', () => {
    const schedule = drawRushSchedule(100, 0.1)
    const count = (operation: string) => schedule.filter((a) => a.operation === operation).length
    // Average level over the table × its duration: about 1.09 × peak × 172 s, here a tenth as long.
    const total = schedule.length
    expect(total).toBeGreaterThan(0.09 * 100 * DRAW_RUSH_DURATION_S)
    expect(total).toBeLessThan(0.13 * 100 * DRAW_RUSH_DURATION_S)
    expect(count('pool_query') / total).toBeCloseTo(0.7, 1)
    expect(count('win') / total).toBeCloseTo(0.02, 2)
    expect(schedule.every((a, i) => i === 0 || schedule[i - 1]!.atMs <= a.atMs)).toBe(true)
    expect(schedule.at(-1)!.atMs).toBeLessThan(DRAW_RUSH_DURATION_S * 100)
  })

  test('charges a late start to the requests: latency runs from the scheduled time, not the send', async () => {
    const schedule = [0, 10, 20].map((atMs) => ({ atMs, operation: 'pool_query' as const }))
    // The schedule began 300 ms ago, as if the generator had been stalled.
    const run = await runOpenModel(
      schedule,
      async () => ({ ok: true, status: 200, timedOut: false }),
      performance.now() - 300,
    )

    expect(run.records).toHaveLength(3)
    for (const record of run.records) {
      expect(record.latencyMs).toBeGreaterThanOrEqual(280 - record.scheduledMs)
      expect(record.lagMs).toBeGreaterThanOrEqual(280 - record.scheduledMs)
    }
    expect(run.maxInFlight).toBe(3) // all three left at once, none waited for another
  })

  test('sends on schedule without waiting for earlier answers', async () => {
    const schedule = [0, 20, 40].map((atMs) => ({ atMs, operation: 'contribution' as const }))
    const sentAt: number[] = []
    const answeredAt: number[] = []
    await runOpenModel(schedule, async () => {
      sentAt.push(performance.now())
      await Bun.sleep(200)
      answeredAt.push(performance.now())
      return { ok: true, status: 201, timedOut: false }
    })

    // Each answer takes 200 ms, yet the third request left before the first came back.
    expect(sentAt).toHaveLength(3)
    expect(sentAt[2]!).toBeLessThan(answeredAt[0]!)
  })

  test('percentiles by nearest rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i)
    expect(percentileOf(values, 50)).toBe(50)
    expect(percentileOf(values, 99)).toBe(99)
    expect(percentileOf([], 50)).toBeNaN()
  })
})
