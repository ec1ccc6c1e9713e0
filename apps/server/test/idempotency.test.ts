import { afterAll, describe, expect, test } from 'bun:test'
import type { ContributionView } from '../src/views/contribution-view.ts'
import type { WinView } from '../src/views/win-view.ts'
import { createHarness } from './support/harness.ts'

const h = await createHarness()
afterAll(() => h.close())
const key = await h.gameKey()

/** Sends `body` to `path` with the game key and `idempotencyKey`, as a game server retrying would. */
const post = <T>(path: string, idempotencyKey: string, body: Record<string, unknown>) =>
  h.send<T>('POST', path, { apiKey: key, idempotencyKey, body })

/** The pools as text, so a replay can be shown to have changed nothing in them. */
const poolsText = async () =>
  JSON.stringify(await h.store.listPools(), (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))

const ledgerSize = async () => (await h.store.ledger({ limit: 500 })).entries.length

describe('idempotent writes over HTTP', () => {
  test('returns the first contribution result for a repeated key, marked as replayed, writing nothing', async () => {
    const body = { gameId: 'slots-1', playerId: 'p-1', wagerCents: 2_500, currency: 'EUR' }
    const first = await post<ContributionView>('/api/v1/contributions', 'round-1001', body)
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotency-replayed')).toBeNull()
    const pools = await poolsText()
    const entries = await ledgerSize()

    const again = await post<ContributionView>('/api/v1/contributions', 'round-1001', body)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    expect(await ledgerSize()).toBe(entries)
    expect(await poolsText()).toBe(pools)
  })

  test('answers 409 problem+json when a key is reused with a different body', async () => {
    const body = { gameId: 'slots-1', wagerCents: 700, currency: 'EUR' }
    expect((await post('/api/v1/contributions', 'round-2002', body)).status).toBe(201)
    const entries = await ledgerSize()
    const conflict = await post('/api/v1/contributions', 'round-2002', { ...body, wagerCents: 701 })
    expect(conflict.status).toBe(409)
    expect(conflict.headers.get('content-type')).toBe('application/problem+json')
    expect(conflict.body).toMatchObject({ type: 'https://jackpot.dev/problems/idempotency-conflict' })
    expect(await ledgerSize()).toBe(entries)
  })

  test('replays a win instead of paying the pool twice', async () => {
    const body = { pool: 'major', gameId: 'slots-1', playerId: 'lucky' }
    const first = await post<WinView>('/api/v1/wins', 'win-1', body)
    expect(first.status).toBe(201)
    const again = await post<WinView>('/api/v1/wins', 'win-1', body)
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotency-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
    const pool = await h.store.getPool('major')
    expect(pool.totals.wins).toBe(1)
  })
})
