import { afterEach, describe, expect, test } from 'bun:test'
import { loadConfig } from '@jackpot/config'
import {
  DatabaseUnavailableError,
  type JackpotStore,
  type Pool,
  type PoolsListener,
  type WritesListener,
} from '@jackpot/domain'
import { CircuitBreakerRegistry } from '@jackpot/observability'
import { silentLogger } from '@jackpot/test-kit'
import { Elysia } from 'elysia'
import { createServerObservability, type ServerObservability } from './server-observability.ts'

const config = loadConfig({ NODE_ENV: 'test' })
const built: ServerObservability[] = []
afterEach(async () => {
  for (const telemetry of built.splice(0)) await telemetry.close()
})

/**
 * A store whose ping the test can break and whose events the test fires; the other
 * calls are never made here, or answer idle.
 */
function fakeStore() {
  const state = { down: false }
  const pools = new Set<PoolsListener>()
  const writes = new Set<WritesListener>()
  const store = {
    kind: 'postgres',
    ping: async () => {
      if (state.down) throw new DatabaseUnavailableError('down')
    },
    listPools: async () => [],
    writeLoad: () => ({ queued: 0, inFlight: 0, limit: 1_000 }),
    stats: async () => ({ lastContributionAt: null, lastWinAt: null }),
    onPoolsChanged: (listener: PoolsListener) => {
      pools.add(listener)
      return () => pools.delete(listener)
    },
    onWritesSettled: (listener: WritesListener) => {
      writes.add(listener)
      return () => writes.delete(listener)
    },
  } as unknown as JackpotStore
  return { store, state, listeners: { pools, writes } }
}

async function observed() {
  const telemetry = createServerObservability({
    config,
    logger: silentLogger,
    globalMetrics: false,
    breakerRegistry: new CircuitBreakerRegistry(),
    databaseCheck: { intervalMs: 60_000 },
  })
  built.push(telemetry)
  const fake = fakeStore()
  await telemetry.watch(fake.store)
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
    const { probe } = await observed()
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
      'uptime',
      'write-queue',
    ])
    expect((await probe('/health/jackpot')).checks).toEqual(['jackpot'])
  })

  test('fails readiness, not liveness, when the database stops answering', async () => {
    const { telemetry, fake } = await observed()
    fake.state.down = true
    await telemetry.close() // background pings stop; a probe now runs the check itself
    const app = new Elysia().use(telemetry.plugin())
    const ready = await app.handle(new Request('http://localhost/health/ready'))
    expect(ready.status).toBe(503)
    expect(((await ready.json()) as { status: string }).status).toBe('fail')
    expect((await app.handle(new Request('http://localhost/health/live'))).status).toBe(200)
  })

  test('fails readiness first on shutdown while liveness stays 200', async () => {
    const { telemetry, probe } = await observed()
    telemetry.health.beginShutdown()
    expect(await probe('/health/ready')).toMatchObject({ status: 503, health: 'fail' })
    const live = await probe('/health/live')
    expect(live.status).toBe(200)
    expect(['pass', 'warn']).toContain(live.health)
  })

  test('feeds the pool gauges and the jackpot activity from the store events, until closed', async () => {
    const { telemetry, fake } = await observed()
    const app = new Elysia().use(telemetry.plugin())
    const minor = { slug: 'minor', amountCents: 100_037n, reserveCents: 5n, seedCents: 100_000n } as Pool
    for (const listener of fake.listeners.pools) listener(['minor'], [minor])
    const at = new Date('2026-01-02T03:04:05.000Z')
    for (const listener of fake.listeners.writes) {
      listener([
        { kind: 'contribution', ok: true, createdAt: at },
        { kind: 'win', ok: false, error: new DatabaseUnavailableError('down') },
      ])
    }
    const metrics = await (await app.handle(new Request('http://localhost/metrics'))).text()
    expect(metrics).toContain('jackpot_pool_amount_cents{pool="minor"} 100037')
    expect(metrics).toContain('jackpot_pool_reserve_cents{pool="minor"} 5')
    const jackpot = (await (await app.handle(new Request('http://localhost/health/jackpot'))).json()) as {
      checks: Record<string, { observedValue: unknown }[]>
    }
    expect(jackpot.checks.jackpot?.[0]?.observedValue).toMatchObject({
      lastContributionAt: at.toISOString(),
      successRatePercent: 50,
      calls: 2,
    })
    await telemetry.close()
    expect(fake.listeners.pools.size + fake.listeners.writes.size).toBe(0)
  })

  test('watches one store only', async () => {
    const { telemetry } = await observed()
    await expect(telemetry.watch(fakeStore().store)).rejects.toThrow('watch() was already called')
  })

  test('closes once, however often it is asked', async () => {
    const { telemetry } = await observed()
    await telemetry.close()
    await telemetry.close()
  })
})
