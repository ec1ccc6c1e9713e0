import { afterAll, describe, expect, test } from 'bun:test'
import type { AuditEntryView } from '../src/views/audit-view.ts'
import type { PoolView } from '../src/views/pool-view.ts'
import { createHarness } from './support/harness.ts'

const h = await createHarness()
afterAll(() => h.close())

describe('pool configuration', () => {
  test('applies a change with the current version, bumps the version and audits who did it', async () => {
    const admin = h.token('admin', 'ada')
    const config = await h.send<{ currency: string; pools: PoolView[] }>('GET', '/api/v1/config', {
      bearer: admin,
    })
    expect(config.status).toBe(200)
    expect(config.body.currency).toBe('EUR')
    const minor = config.body.pools.find((p) => p.slug === 'minor')!

    const updated = await h.send<PoolView>('PUT', '/api/v1/config/pools/minor', {
      bearer: admin,
      body: { contributionBp: 120, expectedVersion: minor.version },
    })
    expect(updated.status).toBe(200)
    expect(updated.body.contributionBp).toBe(120)
    expect(updated.body.version).toBe(minor.version + 1)

    const audit = await h.send<{ entries: AuditEntryView[] }>('GET', '/api/v1/audit', { bearer: admin })
    expect(audit.status).toBe(200)
    expect(audit.body.entries.at(-1)).toMatchObject({ actor: 'ada' })
    expect(audit.body.entries.at(-1)?.target).toContain('minor')
  })

  test('refuses a stale expectedVersion with 409, changes nothing and adds no audit entry', async () => {
    const admin = h.token('admin', 'grace')
    const pool = await h.store.getPool('major')
    const auditBefore = (await h.store.audit({ limit: 500 })).entries.length

    const first = await h.send('PUT', '/api/v1/config/pools/major', {
      bearer: admin,
      body: { seedCents: 1_500_000, expectedVersion: pool.version },
    })
    expect(first.status).toBe(200)

    const stale = await h.send('PUT', '/api/v1/config/pools/major', {
      bearer: admin,
      body: { seedCents: 2_000_000, expectedVersion: pool.version },
    })
    expect(stale.status).toBe(409)
    expect(stale.headers.get('content-type')).toBe('application/problem+json')
    expect(stale.body).toMatchObject({
      type: 'https://jackpot.dev/problems/version-conflict',
      currentVersion: pool.version + 1,
    })
    const after = await h.store.getPool('major')
    expect(after.seedCents).toBe(1_500_000n)
    expect((await h.store.audit({ limit: 500 })).entries.length).toBe(auditBefore + 1)
  })

  test('removes a ceiling with null', async () => {
    const admin = h.token('admin')
    const pool = await h.store.getPool('minor')
    expect(pool.ceilingCents).not.toBeNull()
    const res = await h.send<PoolView>('PUT', '/api/v1/config/pools/minor', {
      bearer: admin,
      body: { ceilingCents: null, expectedVersion: pool.version },
    })
    expect(res.status).toBe(200)
    expect(res.body.ceilingCents).toBeNull()
  })
})
