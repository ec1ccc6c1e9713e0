import { afterAll, describe, expect, test } from 'bun:test'
import {
  CURRENCY_PATTERN,
  InvalidCommandError,
  MAX_PAGE_LIMIT,
  MAX_WAGER_CENTS,
  POOL_SLUG_PATTERN,
} from '@jackpot/domain'
import { expectFieldProblem } from './support/expect-field-problem.ts'
import { createHarness } from './support/harness.ts'

/**
 * The HTTP schemas refuse what the domain refuses, because they are built from the
 * domain's constants: a 400 problem naming the field, never a 500, never accepted.
 */
const h = await createHarness()
const gameKey = await h.gameKey()
const admin = h.token('admin')
afterAll(() => h.close())

const ledgerSize = async () => (await h.store.ledger({ limit: MAX_PAGE_LIMIT })).entries.length

describe('a pool slug with a trailing dash, which the domain refuses', () => {
  test('is a 400 naming slug on GET /pools/:slug', async () => {
    expectFieldProblem(await h.send('GET', '/api/v1/pools/mega-'), 'slug')
  })

  test('is a 400 naming slug on PUT /config/pools/:slug, and changes nothing', async () => {
    const before = await h.store.getPool('mega')
    const res = await h.send('PUT', '/api/v1/config/pools/mega-', {
      bearer: admin,
      body: { expectedVersion: before.version, contributionBp: 10 },
    })
    expectFieldProblem(res, 'slug')
    expect((await h.store.getPool('mega')).version).toBe(before.version)
  })

  test('is a 400 naming pool on POST /wins, and records nothing', async () => {
    const before = await ledgerSize()
    const res = await h.send('POST', '/api/v1/wins', {
      apiKey: gameKey,
      idempotencyKey: 'trailing-dash-win',
      body: { pool: 'minor-', gameId: 'slots-1', playerId: 'p-1' },
    })
    expectFieldProblem(res, 'pool')
    expect(await ledgerSize()).toBe(before)
  })

  test('is a 400 naming pool as the ledger filter', async () => {
    expectFieldProblem(await h.send('GET', '/api/v1/ledger?pool=minor-', { bearer: admin }), 'pool')
  })
})

describe('the wager bound', () => {
  // Issue 12's wager-cap regression lives here too: the HTTP cap is the domain's, not 10^12.
  test('HTTP accepts MAX_WAGER_CENTS and refuses one cent more with a 400 naming wagerCents, recording nothing', async () => {
    const wager = (idempotencyKey: string, wagerCents: number) =>
      h.send('POST', '/api/v1/contributions', {
        apiKey: gameKey,
        idempotencyKey,
        body: { gameId: 'slots-1', wagerCents, currency: 'EUR' },
      })
    expect((await wager('bound-at', Number(MAX_WAGER_CENTS))).status).toBe(201)
    const before = await ledgerSize()
    expectFieldProblem(await wager('bound-over', Number(MAX_WAGER_CENTS) + 1), 'wagerCents')
    expect(await ledgerSize()).toBe(before)
  })

  test('the domain refuses it too, with an InvalidCommandError on wagerCents, for callers that skip HTTP', async () => {
    const before = await ledgerSize()
    const refused = await h.store
      .contribute({
        idempotencyKey: 'bound-over-domain',
        caller: 'domain-test',
        gameId: 'slots-1',
        wagerCents: MAX_WAGER_CENTS + 1n,
        currency: 'EUR',
      })
      .catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(InvalidCommandError)
    expect(refused).toMatchObject({ field: 'wagerCents' })
    expect(await ledgerSize()).toBe(before)
  })
})

describe('other domain inputs', () => {
  test('a lowercase currency is a 400 naming currency', async () => {
    const res = await h.send('POST', '/api/v1/contributions', {
      apiKey: gameKey,
      idempotencyKey: 'lower-currency',
      body: { gameId: 'slots-1', wagerCents: 500, currency: 'eur' },
    })
    expectFieldProblem(res, 'currency')
  })

  test('a page limit above MAX_PAGE_LIMIT is a 400 naming limit; MAX_PAGE_LIMIT itself is served', async () => {
    expectFieldProblem(
      await h.send('GET', `/api/v1/ledger?limit=${MAX_PAGE_LIMIT + 1}`, { bearer: admin }),
      'limit',
    )
    expect((await h.send('GET', `/api/v1/ledger?limit=${MAX_PAGE_LIMIT}`, { bearer: admin })).status).toBe(
      200,
    )
  })
})

describe('OpenAPI publishes the domain bounds', () => {
  type Schema = { pattern?: string; maximum?: number; properties?: Record<string, Schema>; $ref?: string }
  type Spec = {
    paths: Record<string, Record<string, { parameters?: { name: string; schema: Schema }[] }>>
    components: { schemas: Record<string, Schema> }
  }

  test('the slug pattern, the wager bound, the currency pattern and the page limit', async () => {
    const spec = (await h.send<Spec>('GET', '/swagger/json')).body
    const parameter = (path: string, method: string, name: string) =>
      spec.paths[path]?.[method]?.parameters?.find((p) => p.name === name)?.schema
    expect(parameter('/api/v1/pools/{slug}', 'get', 'slug')?.pattern).toBe(POOL_SLUG_PATTERN)
    expect(parameter('/api/v1/ledger', 'get', 'pool')?.pattern).toBe(POOL_SLUG_PATTERN)
    expect(parameter('/api/v1/ledger', 'get', 'limit')?.maximum).toBe(MAX_PAGE_LIMIT)
    const contribution = spec.components.schemas.ContributionRequest?.properties
    expect(contribution?.wagerCents?.maximum).toBe(Number(MAX_WAGER_CENTS))
    expect(contribution?.currency?.pattern).toBe(CURRENCY_PATTERN)
  })
})
