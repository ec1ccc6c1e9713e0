import { afterAll, beforeAll, describe, expect, test } from 'bun:test'
import type { LedgerEntryView } from '../src/views/ledger-view.ts'
import { createHarness, type Harness } from './support/harness.ts'

type Page = { entries: LedgerEntryView[]; nextCursor: string | null }

let h: Harness
let viewer: string
beforeAll(async () => {
  h = await createHarness()
  viewer = h.token('viewer')
  const key = await h.gameKey()
  for (let i = 0; i < 23; i++) {
    const res = await h.send('POST', '/api/v1/contributions', {
      apiKey: key,
      idempotencyKey: `ledger-${i}`,
      body: { gameId: 'slots-1', wagerCents: 1_000 + i, currency: 'EUR' },
    })
    expect(res.status).toBe(201)
  }
  await h.send('POST', '/api/v1/wins', {
    apiKey: key,
    idempotencyKey: 'ledger-win',
    body: { pool: 'minor', gameId: 'slots-1', playerId: 'p' },
  })
})
afterAll(() => h.close())

async function readAll(query: string, limit: number): Promise<LedgerEntryView[]> {
  const seen: LedgerEntryView[] = []
  let cursor: string | null = null
  do {
    const after: string = cursor ? `&after=${encodeURIComponent(cursor)}` : ''
    const page = await h.send<Page>('GET', `/api/v1/ledger?limit=${limit}${query}${after}`, {
      bearer: viewer,
    })
    expect(page.status).toBe(200)
    expect(page.body.entries.length).toBeLessThanOrEqual(limit)
    seen.push(...page.body.entries)
    cursor = page.body.nextCursor
  } while (cursor)
  return seen
}

describe('ledger over HTTP', () => {
  test('pages through every entry exactly once with the cursor', async () => {
    const all = (await h.send<Page>('GET', '/api/v1/ledger?limit=500', { bearer: viewer })).body.entries
    const paged = await readAll('', 5)
    expect(paged.map((e) => e.id)).toEqual(all.map((e) => e.id))
    expect(new Set(paged.map((e) => e.id)).size).toBe(paged.length)
    expect(paged.filter((e) => e.kind === 'contribution')).toHaveLength(23)
  })

  test('filters by kind and by pool', async () => {
    const contributions = await readAll('&kind=contribution', 7)
    expect(contributions).toHaveLength(23)
    expect(contributions.every((e) => e.kind === 'contribution')).toBe(true)
    expect(contributions.every((e) => typeof e.wagerCents === 'number')).toBe(true)

    const wins = await readAll('&kind=win', 10)
    expect(wins).toHaveLength(1)
    expect(wins[0]?.lines.map((l) => l.pool)).toEqual(['minor'])

    const minor = await readAll('&pool=minor', 10)
    expect(minor.every((e) => e.lines.some((l) => l.pool === 'minor'))).toBe(true)
  })

  test('answers an empty page with a null cursor past the end of a filter', async () => {
    const page = await h.send<Page>('GET', '/api/v1/ledger?kind=adjustment', { bearer: viewer })
    expect(page.status).toBe(200)
    expect(page.body).toEqual({ entries: [], nextCursor: null })
  })
})
