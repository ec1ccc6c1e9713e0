import { afterEach, describe, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import { DatabaseUnavailableError, type JackpotStore } from '@jackpot/domain'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import { Elysia } from 'elysia'
import { silentLogger } from '../logger.ts'
import { createServerObservability, type ServerObservability } from './server-observability.ts'

const config = loadConfig({ NODE_ENV: 'test' })
const built: ServerObservability[] = []
afterEach(async () => {
  for (const telemetry of built.splice(0)) await telemetry.close()
})

/** A store whose ping the test can break; the other calls are never made here, or answer idle. */
function fakeStore() {
  const state = { down: false }
  const store = {
    kind: 'postgres',
    ping: async () => {
      if (state.down) throw new DatabaseUnavailableError('down')
    },
    listPools: async () => [],
    writeLoad: () => ({ queued: 0, inFlight: 0, limit: 1_000 }),
    stats: async () => ({ lastContributionAt: null, lastWinAt: null }),
  } as unknown as JackpotStore
  return { store, state }
}

function observed() {
  const telemetry = createServerObservability({
    config,
    logger: silentLogger,
    globalMetrics: false,
    breakerRegistry: new CircuitBreakerRegistry(),
    databaseCheck: { intervalMs: 60_000 },
  })
  built.push(telemetry)
  const fake = fakeStore()
  telemetry.observe(fake.store)
  const app = new Elysia().use(telemetry.plugin())
  const probe = async (path: string) => {
    const response = await app.handle(new Request(`http://localhost${path}`))
    const body = (await response.json()) as { status: string; checks: Record<string, unknown> }
    return { status: response.status, health: body.status, checks: Object.keys(body.checks).sort() }
  }
  return { telemetry, fake, probe }
}

describe('createServerObservability', () => {
  test('keeps liveness in-process and puts the database in readiness and start-up', async () => {
    const { probe } = observed()
    // The event-loop check warns (still 200) when a loaded machine stalled the loop for over
    // a second since it started; which checks liveness holds is what this test is about.
    const live = await probe('/health/live')
    expect(live).toMatchObject({ status: 200, checks: ['event-loop'] })
    expect(['pass', 'warn']).toContain(live.health)
    expect(await probe('/health/ready')).toEqual({
      status: 200,
      health: 'pass',
      checks: ['database', 'shutdown', 'write-queue'],
    })
    expect(await probe('/health/startup')).toEqual({ status: 200, health: 'pass', checks: ['database'] })
    expect((await probe('/health')).checks).toEqual([
      'circuit-breakers',
      'database',
      'event-loop',
      'jackpot',
      'shutdown',
      'write-queue',
    ])
    expect((await probe('/health/jackpot')).checks).toEqual(['jackpot'])
  })

  test('fails readiness, not liveness, when the database stops answering', async () => {
    const { telemetry, fake } = observed()
    fake.state.down = true
    await telemetry.close() // background pings stop; a probe now runs the check itself
    const app = new Elysia().use(telemetry.plugin())
    const ready = await app.handle(new Request('http://localhost/health/ready'))
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { status: string }).status).toBe('fail')
    expect((await app.handle(new Request('http://localhost/health/live'))).status).toBe(200)
  })

  test('fails readiness first on shutdown while liveness stays 200', async () => {
    const { telemetry, probe } = observed()
    telemetry.health.beginShutdown()
    expect(await probe('/health/ready')).toMatchObject({ status: 503, health: 'fail' })
    const live = await probe('/health/live')
    expect(live.status).toBe(200)
    expect(['pass', 'warn']).toContain(live.health)
  })

  test('observes one store: the same store gets the same routes store, another is refused', () => {
    const { telemetry, fake } = observed()
    expect(telemetry.observe(fake.store)).toBe(telemetry.observe(fake.store))
    expect(() => telemetry.observe(fakeStore().store)).toThrow(
      'observe() was already called with another store',
    )
  })

  test('closes once, however often it is asked', async () => {
    const { telemetry } = observed()
    await telemetry.close()
    await telemetry.close()
  })
})
