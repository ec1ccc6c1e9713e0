import { describe, expect, test } from 'bun:test'
import { CircuitBreakerRegistry, circuitBreaker } from '../breaker/index.ts'
import { ManualClock } from '../clock/manual-clock.ts'
import { circuitBreakersCheck } from './circuit-breakers-check.ts'
import { HealthRegistry } from './health-registry.ts'

function setup() {
  const clock = new ManualClock()
  const breakers = new CircuitBreakerRegistry()
  const options = { clock, registry: breakers, minimumCalls: 1, openStateWaitMs: 5_000 }
  const postgres = circuitBreaker({ name: 'postgres', ...options })
  const redis = circuitBreaker({ name: 'redis', ...options })
  const health = new HealthRegistry({ clock })
  const trip = (breaker: typeof postgres) =>
    breaker.execute(() => Promise.reject(new Error('down'))).catch(() => {})
  return { clock, breakers, postgres, redis, health, trip }
}

describe('circuitBreakersCheck', () => {
  test('passes while every breaker is closed', async () => {
    const { breakers, health } = setup()
    health.register(circuitBreakersCheck({ registry: breakers }))
    const report = await health.run({ names: ['circuit-breakers'] })
    expect(report.body.checks['circuit-breakers']?.[0]).toMatchObject({ status: 'pass', observedValue: 0 })
  })

  test('warns, naming the open breakers and when they retry, without failing readiness', async () => {
    const { breakers, health, postgres, trip } = setup()
    health.register(circuitBreakersCheck({ registry: breakers }))
    await trip(postgres)
    const report = await health.run({ kind: 'ready' })
    expect(report.httpStatus).toBe(200)
    expect(report.body.checks['circuit-breakers']?.[0]).toMatchObject({
      status: 'warn',
      observedValue: 1,
      output: 'postgres is open (retry in 5000 ms)',
    })
  })

  test('can fail readiness for chosen breakers only', async () => {
    const { breakers, health, postgres, redis, trip } = setup()
    health.register(
      circuitBreakersCheck({
        name: 'database-breaker',
        registry: breakers,
        breakers: ['postgres'],
        openStatus: 'fail',
        critical: true,
      }),
    )
    await trip(redis)
    expect((await health.run({ kind: 'ready' })).httpStatus).toBe(200)
    await trip(postgres)
    expect((await health.run({ kind: 'ready' })).httpStatus).toBe(503)
  })
})
