import { describe, expect, test } from 'bun:test'
import { InvalidQueryError } from '../../src/index.ts'
import { CAPPED } from './contribution.case.ts'
import type { StoreHarness } from './store-harness.ts'

export function ledgerCases(h: StoreHarness): void {
  describe('ledger', () => {
    test('pages in ascending id order with an opaque cursor until it runs out', async () => {
      for (let i = 0; i < 7; i++) {
        await h.store.contribute({ idempotencyKey: `c-${i}`, gameId: 'g', wagerCents: 100n, currency: 'EUR' })
      }
      const ids: string[] = []
      let after: string | undefined
      let pages = 0
      do {
        const page = await h.store.ledger({ limit: 4, after })
        ids.push(...page.entries.map((e) => e.id))
        after = page.nextCursor ?? undefined
        if (after !== undefined) expect(after).not.toContain(page.entries.at(-1)!.id)
        pages++
      } while (after !== undefined)
      // 3 seed entries + 7 contributions.
      expect(pages).toBe(3)
      expect(ids.map(BigInt)).toEqual([...ids.map(BigInt)].sort((a, b) => (a < b ? -1 : 1)))
      expect(new Set(ids).size).toBe(10)
    })

    test('defaults to 50 entries a page', async () => {
      for (let i = 0; i < 50; i++) {
        await h.store.contribute({ idempotencyKey: `c-${i}`, gameId: 'g', wagerCents: 100n, currency: 'EUR' })
      }
      const page = await h.store.ledger({})
      expect(page.entries.length).toBe(50)
      expect(page.nextCursor).not.toBeNull()
    })

    test('filters by pool, kind and a [since, until) time window', async () => {
      await h.usePools([CAPPED, { ...CAPPED, slug: 'other', name: 'Other' }])
      const t0 = h.clock.now()
      await h.store.contribute({ idempotencyKey: 'c-0', gameId: 'g', wagerCents: 100n, currency: 'EUR' })
      h.clock.advance(60_000)
      const t1 = h.clock.now()
      await h.store.win({ idempotencyKey: 'w-1', pool: 'capped', gameId: 'g', playerId: 'p' })
      h.clock.advance(60_000)
      const t2 = h.clock.now()
      await h.store.win({ idempotencyKey: 'w-2', pool: 'other', gameId: 'g', playerId: 'p' })

      const kinds = async (query: Parameters<typeof h.store.ledger>[0]) =>
        (await h.store.ledger(query)).entries.map((e) => `${e.kind}:${e.lines.map((l) => l.pool).join('+')}`)
      expect(await kinds({ pool: 'other' })).toEqual([
        'seed:other',
        'contribution:capped+other',
        'win:other',
        'reset:other',
      ])
      expect(await kinds({ kind: 'win' })).toEqual(['win:capped', 'win:other'])
      expect(await kinds({ since: t1, until: t2 })).toEqual(['win:capped', 'reset:capped'])
      expect(await kinds({ pool: 'capped', kind: 'reset', since: t0 })).toEqual(['reset:capped'])
      expect(await kinds({ since: new Date(t2.getTime() + 1) })).toEqual([])
    })

    test('refuses a malformed cursor and a limit outside 1..500', async () => {
      await expect(h.store.ledger({ after: 'not-a-cursor!' })).rejects.toBeInstanceOf(InvalidQueryError)
      // One past int8: a cursor this store never made, refused before PostgreSQL sees it.
      await expect(
        h.store.ledger({ after: Buffer.from('9223372036854775808').toString('base64url') }),
      ).rejects.toMatchObject({ code: 'E_INVALID_QUERY', field: 'after' })
      await expect(h.store.ledger({ since: new Date('0000-01-01T00:00:00Z') })).rejects.toMatchObject({
        code: 'E_INVALID_QUERY',
        field: 'since',
      })
      await expect(h.store.ledger({ after: Buffer.from('-1').toString('base64url') })).rejects.toMatchObject({
        field: 'after',
      })
      await expect(h.store.ledger({ limit: 0 })).rejects.toMatchObject({ field: 'limit' })
      await expect(h.store.ledger({ limit: 501 })).rejects.toMatchObject({ field: 'limit' })
      expect((await h.store.ledger({ limit: 500 })).entries.length).toBe(3)
    })
  })
}
