import { afterAll, describe, expect, test } from 'bun:test'
import { openJackpot } from '@jackpot/domain'
import type { StatsView } from '../src/views/stats-view.ts'
import { expectFieldProblem } from './support/expect-field-problem.ts'
import { createHarness } from './support/harness.ts'

/**
 * The reproductions of issue 12 ("client input that gives 500"), each a named
 * regression: a 400 naming the field, and nothing recorded.
 */
const h = await createHarness()
const gameKey = await h.gameKey()
const admin = h.token('admin')
afterAll(() => h.close())

async function ledgerSize(): Promise<number> {
  return (await h.store.ledger({ limit: 500 })).entries.length
}

describe('control characters in strings are refused with a 400 naming the field', () => {
  for (const field of ['gameId', 'playerId'] as const) {
    test(`a NUL in a contribution's ${field}`, async () => {
      const before = await ledgerSize()
      const body = {
        gameId: 'slots-1',
        playerId: 'p-1',
        wagerCents: 500,
        currency: 'EUR',
        [field]: 'a\u0000b',
      }
      const res = await h.send('POST', '/api/v1/contributions', {
        apiKey: gameKey,
        idempotencyKey: `nul-c-${field}`,
        body,
      })
      expectFieldProblem(res, field)
      expect((res.body as { errors: { message: string }[] }).errors[0]?.message).toContain(
        'control characters',
      )
      expect(await ledgerSize()).toBe(before)
    })

    test(`a NUL in a win's ${field}`, async () => {
      const before = await ledgerSize()
      const body = { pool: 'minor', gameId: 'slots-1', playerId: 'p-1', [field]: '\u0000' }
      const res = await h.send('POST', '/api/v1/wins', {
        apiKey: gameKey,
        idempotencyKey: `nul-w-${field}`,
        body,
      })
      expectFieldProblem(res, field)
      expect(await ledgerSize()).toBe(before)
    })
  }

  test('a NUL in an API key name', async () => {
    const before = (await h.store.listApiKeys()).length
    const res = await h.send('POST', '/api/v1/api-keys', {
      bearer: admin,
      body: { name: 'game\u0000server' },
    })
    expectFieldProblem(res, 'name')
    expect((await h.store.listApiKeys()).length).toBe(before)
  })

  test('other control characters (newline, escape, DEL) too', async () => {
    for (const bad of ['a\nb', '\u001b[31m', 'x\u007f']) {
      const res = await h.send('POST', '/api/v1/contributions', {
        apiKey: gameKey,
        idempotencyKey: `ctl-${bad.charCodeAt(1)}`,
        body: { gameId: bad, wagerCents: 500, currency: 'EUR' },
      })
      expectFieldProblem(res, 'gameId')
    }
  })
})

describe('cursors and dates are range-checked', () => {
  // base64url of 9223372036854775808: one past int8.
  const pastInt8 = 'OTIyMzM3MjAzNjg1NDc3NTgwOA'

  test('a ledger cursor past the int8 range is a 400', async () => {
    const res = await h.send('GET', `/api/v1/ledger?after=${pastInt8}`, { bearer: admin })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('after')
  })

  test('an audit cursor past the int8 range is a 400', async () => {
    const res = await h.send('GET', `/api/v1/audit?after=${pastInt8}`, { bearer: admin })
    expect(res.status).toBe(400)
    expect(JSON.stringify(res.body)).toContain('after')
  })

  test('the largest int8 cursor is accepted (an empty page)', async () => {
    const maxInt8 = Buffer.from('9223372036854775807').toString('base64url')
    const res = await h.send<{ entries: unknown[] }>('GET', `/api/v1/ledger?after=${maxInt8}`, {
      bearer: admin,
    })
    expect(res.status).toBe(200)
    expect(res.body.entries).toEqual([])
  })

  for (const field of ['since', 'until'] as const) {
    test(`${field}=0000-01-01T00:00:00Z is a 400 naming ${field}`, async () => {
      const res = await h.send('GET', `/api/v1/ledger?${field}=0000-01-01T00:00:00Z`, { bearer: admin })
      expect(res.status).toBe(400)
      expect(JSON.stringify(res.body)).toContain(field)
    })
  }
})

describe('money totals beyond 2^53', () => {
  test('GET /stats carries totals past Number.MAX_SAFE_INTEGER exactly, as int64 strings', async () => {
    // Two pools seeded with 5e15 cents each: every total is 1e16 + a bit, past 2^53 (9.007e15).
    const seed = 5_000_000_000_000_001n
    const store = await openJackpot({
      pgliteDataDir: 'memory://',
      pools: [
        { slug: 'huge-a', name: 'A', seedCents: seed, contributionBp: 100, ceilingCents: null },
        { slug: 'huge-b', name: 'B', seedCents: seed, contributionBp: 100, ceilingCents: null },
      ],
    })
    const big = await createHarness({ store })
    try {
      const res = await big.send<StatsView>('GET', '/api/v1/stats', { bearer: big.token('viewer') })
      expect(res.status).toBe(200)
      expect(res.body.totalAmountCents).toBe((seed * 2n).toString())
      expect(res.body.totalSeededByHouseCents).toBe('10000000000000002')
    } finally {
      await big.close()
      await store.close()
    }
  }, 60_000)
})
