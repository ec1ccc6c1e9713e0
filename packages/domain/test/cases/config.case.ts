import { describe, expect, test } from 'bun:test'
import { InvalidCommandError, PoolNotFoundError, VersionConflictError } from '../../src/index.ts'
import type { StoreHarness } from './store-harness.ts'

export function configCases(h: StoreHarness): void {
  describe('pool configuration', () => {
    test('changes a pool, bumps its version and audits who, when, before and after', async () => {
      h.clock.advance(1_000)
      const pool = await h.store.updatePoolConfig({
        slug: 'minor',
        expectedVersion: 1,
        contributionBp: 120,
        ceilingCents: 2_000_000n,
        actor: 'alice',
      })
      expect(pool).toMatchObject({ slug: 'minor', version: 2, contributionBp: 120, ceilingCents: 2_000_000n })
      expect(pool.seedCents).toBe(100_000n)
      const { entries } = await h.store.audit({})
      expect(entries).toEqual([
        {
          id: expect.any(String),
          actor: 'alice',
          action: 'pool.config.update',
          target: 'pool:minor',
          before: { version: 1, contributionBp: 100, seedCents: '100000', ceilingCents: '1000000' },
          after: { version: 2, contributionBp: 120, seedCents: '100000', ceilingCents: '2000000' },
          createdAt: h.clock.now(),
        },
      ])
    })

    test('tells onPoolsChanged listeners the changed pool with every pool after the change', async () => {
      const calls: { slugs: string[]; pools: { slug: string; version: number; seedCents: bigint }[] }[] = []
      const dispose = h.store.onPoolsChanged((slugs, pools) =>
        calls.push({
          slugs,
          pools: (pools ?? []).map(({ slug, version, seedCents }) => ({ slug, version, seedCents })),
        }),
      )
      await h.store.updatePoolConfig({
        slug: 'minor',
        expectedVersion: 1,
        seedCents: 150_000n,
        actor: 'alice',
      })
      dispose()
      expect(calls).toEqual([
        {
          slugs: ['minor'],
          pools: (await h.store.listPools()).map(({ slug, version, seedCents }) => ({
            slug,
            version,
            seedCents,
          })),
        },
      ])
      expect(calls[0]!.pools.find((pool) => pool.slug === 'minor')).toEqual({
        slug: 'minor',
        version: 2,
        seedCents: 150_000n,
      })
    })

    test('refuses a stale expectedVersion and writes no audit row', async () => {
      await h.store.updatePoolConfig({
        slug: 'mega',
        expectedVersion: 1,
        seedCents: 9_000_000n,
        actor: 'alice',
      })
      const error = await h.store
        .updatePoolConfig({ slug: 'mega', expectedVersion: 1, contributionBp: 30, actor: 'bob' })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(VersionConflictError)
      expect(error).toMatchObject({ code: 'E_VERSION_CONFLICT', expectedVersion: 1, currentVersion: 2 })
      expect((await h.store.getPool('mega')).contributionBp).toBe(25)
      expect((await h.store.audit({})).entries.map((e) => e.actor)).toEqual(['alice'])
    })

    test('refuses an invalid configuration and changes nothing', async () => {
      await expect(
        h.store.updatePoolConfig({
          slug: 'minor',
          expectedVersion: 1,
          ceilingCents: 50_000n,
          actor: 'alice',
        }),
      ).rejects.toMatchObject({ code: 'E_INVALID_COMMAND', field: 'ceilingCents' })
      await expect(
        h.store.updatePoolConfig({
          slug: 'minor',
          expectedVersion: 1,
          contributionBp: 10_001,
          actor: 'alice',
        }),
      ).rejects.toBeInstanceOf(InvalidCommandError)
      expect((await h.store.getPool('minor')).version).toBe(1)
      expect((await h.store.audit({})).entries).toEqual([])
    })

    test('refuses a change to an unknown pool', async () => {
      await expect(
        h.store.updatePoolConfig({ slug: 'jumbo', expectedVersion: 1, contributionBp: 1, actor: 'alice' }),
      ).rejects.toBeInstanceOf(PoolNotFoundError)
    })

    test('removes a ceiling with null and leaves it alone when undefined', async () => {
      const lifted = await h.store.updatePoolConfig({
        slug: 'major',
        expectedVersion: 1,
        ceilingCents: null,
        actor: 'a',
      })
      expect(lifted.ceilingCents).toBeNull()
      const next = await h.store.updatePoolConfig({
        slug: 'major',
        expectedVersion: 2,
        contributionBp: 40,
        actor: 'a',
      })
      expect(next.ceilingCents).toBeNull()
      expect(next.version).toBe(3)
    })

    test('leaves the version alone under contributions and wins', async () => {
      await h.store.contribute({ idempotencyKey: 'c', gameId: 'g', wagerCents: 10_000n, currency: 'EUR' })
      await h.store.win({ idempotencyKey: 'w', pool: 'minor', gameId: 'g', playerId: 'p' })
      expect((await h.store.listPools()).map((p) => p.version)).toEqual([1, 1, 1])
      const pool = await h.store.updatePoolConfig({
        slug: 'minor',
        expectedVersion: 1,
        contributionBp: 90,
        actor: 'a',
      })
      expect(pool.version).toBe(2)
    })

    test('applies a new rate to the next contribution and a new seed to the next reset', async () => {
      await h.store.updatePoolConfig({
        slug: 'minor',
        expectedVersion: 1,
        contributionBp: 1_000,
        seedCents: 5_000n,
        actor: 'a',
      })
      expect((await h.store.getPool('minor')).amountCents).toBe(100_000n)
      await h.store.contribute({ idempotencyKey: 'c', gameId: 'g', wagerCents: 1_000n, currency: 'EUR' })
      expect((await h.store.getPool('minor')).amountCents).toBe(100_100n)
      const { result } = await h.store.win({ idempotencyKey: 'w', pool: 'minor', gameId: 'g', playerId: 'p' })
      expect(result).toMatchObject({
        payoutCents: 100_100n,
        amountCents: 5_000n,
        resetFromHouseCents: 5_000n,
      })
    })

    test('pages the audit log oldest first', async () => {
      for (let version = 1; version <= 5; version++) {
        await h.store.updatePoolConfig({
          slug: 'minor',
          expectedVersion: version,
          contributionBp: version,
          actor: 'a',
        })
      }
      const first = await h.store.audit({ limit: 2 })
      const second = await h.store.audit({ limit: 2, after: first.nextCursor! })
      const third = await h.store.audit({ limit: 2, after: second.nextCursor! })
      const versions = [...first.entries, ...second.entries, ...third.entries].map((e) => e.after?.version)
      expect(versions).toEqual([2, 3, 4, 5, 6])
      expect(third.nextCursor).toBeNull()
    })
  })
}
