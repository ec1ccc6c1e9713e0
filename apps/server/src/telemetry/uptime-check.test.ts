import { expect, test } from 'bun:test'
import { HealthRegistry } from '@jackpot/observability'
import { ManualClock } from '@jackpot/observability/testing'
import { uptimeCheck } from './uptime-check.ts'

test('reports the seconds since the process started as a passing system entry outside every probe', async () => {
  const clock = new ManualClock(1_000_000)
  const health = new HealthRegistry({ clock })
  health.register(uptimeCheck(clock))
  clock.advance(90_250)
  const report = await health.run()
  expect(report.body.checks.uptime?.[0]).toMatchObject({
    componentType: 'system',
    status: 'pass',
    observedValue: 90.3,
    observedUnit: 's',
  })
  expect((await health.run({ kind: 'ready' })).body.checks.uptime).toBeUndefined()
  expect((await health.run({ kind: 'live' })).body.checks.uptime).toBeUndefined()
})
