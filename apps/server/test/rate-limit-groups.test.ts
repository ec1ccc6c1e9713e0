import { afterAll, describe, expect, test } from 'bun:test'
import { declaredGroupOf, policyLookup, rateLimitGroupsFromConfig } from '../src/rate-limit/index.ts'
import { createHarness } from './support/harness.ts'

const h = await createHarness({ env: { RATE_LIMIT_ENABLED: 'true' } })
afterAll(() => h.close())

describe('rate-limit groups, declared by each route', () => {
  test('every /api route of the built app declares its group; only paths outside /api declare none', () => {
    const routes = h.app.routes.filter((route) => route.method !== 'OPTIONS')
    const api = routes.filter((route) => route.path.startsWith('/api/'))
    expect(api.length).toBeGreaterThanOrEqual(15)
    expect(
      api.filter((route) => declaredGroupOf(route) === undefined).map((r) => `${r.method} ${r.path}`),
    ).toEqual([])
    for (const route of routes.filter((r) => declaredGroupOf(r) === undefined)) {
      expect(route.path.startsWith('/api/'), `${route.method} ${route.path}`).toBe(false)
    }
  })

  test('game writes, public pool reads and staff reads fall under their own budgets; probes under none', () => {
    const groups = rateLimitGroupsFromConfig(h.config)
    const policyFor = policyLookup(h.app.routes, groups)
    expect(policyFor('POST', '/api/v1/contributions')).toBe(groups.game)
    expect(policyFor('POST', '/api/v1/wins')).toBe(groups.game)
    expect(policyFor('GET', '/api/v1/pools')).toBe(groups.public)
    expect(policyFor('HEAD', '/api/v1/pools/minor')).toBe(groups.public)
    expect(policyFor('GET', '/api/v1/stats')).toBe(groups.staff)
    // A path no route serves still costs budget, so scanning for routes is limited too.
    expect(policyFor('GET', '/api/v1/no-such-route')).toBe(groups.staff)
    expect(policyFor('GET', '/health/live')).toBeNull()
  })
})
